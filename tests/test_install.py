"""The shipped default model loads from a non-editable install, used from another directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_install_classifies_from_any_directory(tmp_path):
    wheel_dir, target, elsewhere = tmp_path / "wheel", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    # No build isolation: the test extra installs the setuptools the build needs (no download here).
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(wheel_dir), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    wheels = list(wheel_dir.glob("framing-*.whl"))
    assert len(wheels) == 1
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheels[0])], check=True, capture_output=True, text=True)
    code = (
        "import framing, framing.api as api; "
        "r = framing.classify('Riot police fired on the peaceful march and detained hundreds.'); "
        "print(framing.__file__); print(api.default_model_path()); print(r.labels)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}).stdout.splitlines()
    assert out[0].startswith(str(target)), out  # the installed copy, not the source tree
    assert out[1].startswith(str(target)) and out[1].endswith("default")
    assert "repression" in out[2]
    installed = {p.name for p in (target / "framing" / "models" / "default").iterdir()}
    assert {"manifest.json", "coef.npy", "vocabulary.json"} <= installed
    assert len(list((target / "framing" / "data" / "corpus").glob("*.jsonl"))) >= 7
