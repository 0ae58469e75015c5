"""Put on PYTHONPATH by the bench's profile part (benchmarks/profiling.py) only: every Python process
of the build whose program is named in BENCH_PROFILE_PROGRAMS (the build driver, jupyter-book)
runs under cProfile and leaves its profile in BENCH_PROFILE_DIR. The build itself is unchanged:
no file of the book's code knows about it. Without BENCH_PROFILE_DIR this does nothing."""

import os
import sys

_FOLDER = os.environ.get("BENCH_PROFILE_DIR")
_PROGRAM = os.path.basename(sys.argv[0]) if getattr(sys, "argv", None) else ""
if _FOLDER and _PROGRAM in os.environ.get("BENCH_PROFILE_PROGRAMS", "").split(","):
    import atexit
    import cProfile

    _profiler = cProfile.Profile()

    def _save() -> None:
        _profiler.disable()
        _profiler.dump_stats(os.path.join(_FOLDER, f"{_PROGRAM}-{os.getpid()}.prof"))

    atexit.register(_save)
    _profiler.enable()
