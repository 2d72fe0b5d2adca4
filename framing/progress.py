"""Signs of life on standard error for long fits and cross-validation (``verbose=True``).

Off by default in the API, on in the command line (``framing train`` without ``-q``).
"""

from __future__ import annotations

import sys
import time

__all__ = ["Stages"]


class Stages:
    """Prints ``framing: [  12.3 s] message`` lines on standard error when enabled, else nothing.

    Examples
    --------
    >>> say = Stages(False)
    >>> say("nothing is printed")
    >>> say.elapsed() >= 0.0
    True
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = bool(enabled)
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        """Seconds since this reporter was made."""
        return time.perf_counter() - self.start

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"framing: [{self.elapsed():6.1f} s] {message}", file=sys.stderr, flush=True)
