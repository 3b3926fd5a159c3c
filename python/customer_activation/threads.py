"""One thread for the numerical libraries inside a model's fit.

dbt runs several models at once (``threads`` in the profile), each in its own thread, on a
machine whose cores it already keeps busy. scikit-learn's OpenMP code (HistGradientBoosting)
and BLAS then start one worker per core for every fit, and OpenMP workers spin while they
wait: on the 2-core test machine under load, the label models took 76 s instead of 3.3 s and
the logistic regressions 5.5 s instead of 1.0 s (500 rows; at 100k customers the label fit
took 9 minutes of a 12-minute build). The functions that fit or bootstrap are therefore
decorated with :func:`single_threaded`. OpenMP's thread count is a per-thread setting, so
models running in parallel dbt threads do not undo each other's limit.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from threadpoolctl import threadpool_limits

F = TypeVar("F", bound=Callable)


def single_threaded(fn: F) -> F:
    """``fn`` run with OpenMP and BLAS limited to one thread (restored afterwards)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
