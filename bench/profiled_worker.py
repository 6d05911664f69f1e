"""Run a Celery worker with every thread under cProfile (CPU time), for ``bench/pull.py --profile DIR``.

Usage: python bench/profiled_worker.py OUT.prof -A factcheck worker ...   (the celery command line)

The threads pool runs tasks in threads cProfile would not see; each thread gets its own profiler
(``threading.setprofile`` starts it) and all are merged into OUT.prof when the worker exits.
Read it with: python -c "import pstats; pstats.Stats('OUT.prof').sort_stats('tottime').print_stats(40)"
"""

import atexit
import cProfile
import pstats
import sys
import threading
import time

profilers: list[cProfile.Profile] = []
lock = threading.Lock()


def _start(*_args) -> None:
    profiler = cProfile.Profile(time.thread_time)
    with lock:
        profilers.append(profiler)
    profiler.enable()  # replaces this hook for the thread


def _dump(path: str) -> None:
    for profiler in profilers:
        profiler.disable()
    stats = pstats.Stats(profilers[0])
    for profiler in profilers[1:]:
        try:
            stats.add(profiler)
        except TypeError:  # a profiler that saw nothing
            continue
    stats.dump_stats(path)


if __name__ == "__main__":
    out = sys.argv[1]
    sys.argv = ["celery", *sys.argv[2:]]
    threading.setprofile(_start)
    _start()
    atexit.register(_dump, out)
    from celery.__main__ import main

    main()
