"""The notebooks run top to bottom from a clean kernel, and the committed copies carry their outputs."""

from __future__ import annotations

import ast
import json
import shutil
import sys
from pathlib import Path

import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
# What notebooks may import besides the standard library (STYLE.md: notebooks import only from framing).
ALLOWED_IMPORTS = {"framing", "pandas", "matplotlib"}


def _code_cells(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert names[:4] == ["01_quickstart.ipynb", "02_comparing_outlets.ipynb", "03_your_own_codebook.ipynb",
                         "04_error_analysis.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_executed(path):
    """Every code cell was run in order and its outputs kept, with no error among them."""
    cells = [c for c in _code_cells(path) if _source(c).strip()]
    assert cells, f"{path.name} has no code"
    unexecuted = [i for i, c in enumerate(cells) if c.get("execution_count") is None]
    assert not unexecuted, f"{path.name}: code cells {unexecuted} have not been executed (run notebooks/execute.py)"
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: cells were not run top to bottom once: {counts}"
    errors = [o.get("ename") for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: stored outputs contain errors {errors}"
    assert sum(bool(c.get("outputs")) for c in cells) >= len(cells) // 2, f"{path.name}: most outputs are missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_imports(path):
    """Notebooks import only from framing, pandas, matplotlib and the standard library."""
    stdlib = set(sys.stdlib_module_names)
    for cell in _code_cells(path):
        tree = ast.parse(_source(cell))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top in ALLOWED_IMPORTS or top in stdlib, f"{path.name} imports {module!r}"


def test_sample_articles_are_well_formed():
    articles = json.loads((NOTEBOOKS_DIR / "data" / "kazakhstan_2022_articles.json").read_text(encoding="utf-8"))
    assert len(articles) >= 6
    assert len({a["id"] for a in articles}) == len(articles)
    for a in articles:
        assert set(a) == {"id", "outlet_type", "side", "title", "text"}
        assert a["side"] in {"state_aligned", "critical", "neutral"}
        assert 250 <= len(a["text"].split()) <= 500, a["id"]
        assert a["text"].count("\n\n") >= 3, f"{a['id']}: paragraphs must be separated by blank lines"


def test_own_codebook_passages_are_well_formed():
    lines = (NOTEBOOKS_DIR / "data" / "own_codebook_passages.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["split"] for r in rows} == {"labelled", "pool"}
    assert sum(r["split"] == "labelled" for r in rows) >= 120
    frames = {"security", "economy", "legitimacy", "external_actors"}
    for r in rows:
        assert set(r) == {"id", "split", "group", "text", "frames"}
        assert set(r["frames"]) <= frames, r["id"]
        assert set(r["frames"].values()) <= {"endorsed", "reported", "disputed"}, r["id"]
    labelled_groups = {r["group"] for r in rows if r["split"] == "labelled"}
    pool_groups = {r["group"] for r in rows if r["split"] == "pool"}
    assert not labelled_groups & pool_groups, "pool stories must not appear among the labelled ones"


def test_real_text_passages_carry_their_source_licence_and_attribution():
    lines = (NOTEBOOKS_DIR / "data" / "realtext_crises.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert 200 <= len(rows) <= 400 and len({r["id"] for r in rows}) == len(rows)
    licences = {"kremlin": "Creative Commons Attribution 4.0", "ungdc": "public domain", "whitehouse": "public domain"}
    attributions = {"kremlin": "en.kremlin.ru, CC BY 4.0", "ungdc": "doi:10.7910/DVN/0TJX8Y",
                    "whitehouse": "The White House"}
    pool_fields = {"id", "corpus", "doc", "para", "date", "country", "title", "url", "licence", "attribution", "text",
                   "crisis"}
    for r in rows:
        # a passage of the corpus's real test split also carries its split and gold labels; others carry neither
        assert set(r) in (pool_fields, pool_fields | {"split", "gold"}), r["id"]
        assert r["id"].startswith(r["corpus"] + ":") and r["corpus"] in licences
        assert licences[r["corpus"]] in r["licence"] and attributions[r["corpus"]] in r["attribution"], r["id"]
        assert r["url"].startswith("http") and r["date"] and 25 <= len(r["text"].split()) <= 260, r["id"]
        assert r["crisis"] in {"belarus", "ukraine", "kazakhstan", "georgia", "syria"}
        if r["corpus"] == "whitehouse":  # no briefing or interview pages: they hold journalists' words
            assert not any(k in r["doc"] for k in ("press-briefing", "press-gaggle", "interview")), r["id"]
    readme = (NOTEBOOKS_DIR / "data" / "README.md").read_text(encoding="utf-8")
    assert "realtext_crises.jsonl" in readme and "CC BY 4.0" in readme and "public domain" in readme


def test_real_text_passages_hold_nothing_the_default_model_was_trained_on():
    """No passage of notebook 05 is in the real layer's train or dev split; test passages carry their gold labels."""
    from framing.corpus import load_corpus

    real = {r.id: r for r in load_corpus("real")}
    rows = [json.loads(line) for line in
            (NOTEBOOKS_DIR / "data" / "realtext_crises.jsonl").read_text(encoding="utf-8").splitlines()]
    trained = [r["id"] for r in rows if r["id"] in real and real[r["id"]].split != "test"]
    assert not trained, f"passages of the train or dev split in realtext_crises.jsonl: {trained[:5]}"
    for r in rows:
        if r["id"] in real:
            assert r.get("split") == "test" and r.get("gold") == real[r["id"]].frames, r["id"]
            assert r["text"] == real[r["id"]].text, r["id"]
        else:
            assert "split" not in r and "gold" not in r, r["id"]
    assert sum("gold" in r for r in rows) >= 50


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_from_a_clean_kernel(path, tmp_path):
    """Run a copy of the notebook (with its data) in a fresh python3 kernel; any cell error fails."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    work = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    copy = work / path.name
    nb = nbformat.read(copy, as_version=4)
    for cell in nb.cells:  # start from nothing: no stored outputs may hide a failure
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(work)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}")
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.execution_count is not None for c in code)
