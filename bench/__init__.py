"""The track17 benchmark suite: ``python -m bench`` (``nox -s bench``); BENCH_SMOKE=1 for CI."""
