"""``python -m framing``: the command line (see framing.cli)."""

from .cli import main

raise SystemExit(main())
