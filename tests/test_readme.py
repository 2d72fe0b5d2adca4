"""The README's example output is real: its ``>>>`` blocks under "## Example" run as doctests."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_sections_run_as_shown(monkeypatch):
    monkeypatch.chdir(README.parent)  # the article example opens a file by its repository path
    text = README.read_text("utf-8")
    blocks = []
    for heading in ("## Example", "## Analyse a whole article", "## See the evidence in the text",
                    "## Corpus profiles: who frames what, and when", "## A labelling round trip"):
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        blocks += re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 6
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    globs: dict = {}
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, globs, f"README example {i}", str(README), 0)
        runner.run(test, clear_globs=False)
        globs = test.globs
    assert runner.summarize(verbose=False).failed == 0
