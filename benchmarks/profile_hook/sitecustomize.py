"""Put on PYTHONPATH by the bench's profile part (benchmarks/profiling.py) only: every Python process
of the build whose command line starts as one named in BENCH_PROFILE_PROGRAMS (`|`-separated, e.g.
`-m build` for the driver, `python -m startup_capitalism build`, and `-c --multiprocessing-fork`
for the processes it spawns: Sphinx's, validation's) runs under cProfile and leaves its profile in
BENCH_PROFILE_DIR. The build itself is unchanged: no file of the book's code knows about it.
Without BENCH_PROFILE_DIR this does nothing."""

import os
import sys

_FOLDER = os.environ.get("BENCH_PROFILE_DIR")
_STARTS = " ".join(getattr(sys, "argv", [])[:2])
if _FOLDER and _STARTS in os.environ.get("BENCH_PROFILE_PROGRAMS", "").split("|"):
    import atexit
    import cProfile

    _profiler = cProfile.Profile()
    _LABEL = "".join(c if c.isalnum() else "_" for c in _STARTS).strip("_")

    def _save() -> None:
        _profiler.disable()
        _profiler.dump_stats(os.path.join(_FOLDER, f"{_LABEL}-{os.getpid()}.prof"))

    atexit.register(_save)
    _profiler.enable()
