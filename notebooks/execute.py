"""Re-execute the notebooks in this folder in place, so the committed copies carry fresh outputs.

Usage::

    python notebooks/execute.py                         # every notebook, in name order
    python notebooks/execute.py 02_comparing_outlets    # only the notebooks named (with or without .ipynb)

Each notebook runs top to bottom in a fresh ``python3`` kernel with this folder as the working
directory, as a reader's Jupyter would. Any cell error stops the run and leaves that notebook
unchanged. Needs the notebooks extra: ``pip install "framing[notebooks]"``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT = 600  # seconds per cell
KERNEL = "python3"


def notebook_paths(names: list[str] | None = None, folder: Path = HERE) -> list[Path]:
    """The notebooks to run: all ``*.ipynb`` in ``folder`` or the ones named, in name order."""
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not names:
        return found
    by_name = {p.stem: p for p in found}
    wanted = []
    for name in names:
        stem = Path(name).stem
        if stem not in by_name:
            raise SystemExit(f"no notebook {name!r} in {folder}; notebooks: {', '.join(sorted(by_name))}")
        wanted.append(by_name[stem])
    return wanted


def execute(path: Path, *, timeout: int = TIMEOUT, kernel: str = KERNEL, write: bool = True):
    """Run the notebook at ``path`` in a fresh kernel; store the outputs in place when ``write``.

    Returns the executed notebook. Raises ``nbclient.exceptions.CellExecutionError`` on the first
    cell that fails.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    if write:
        nbformat.write(nb, path)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in notebook_paths(args.notebooks):
        start = time.perf_counter()
        execute(path, timeout=args.timeout)
        print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
