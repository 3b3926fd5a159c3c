"""One thread for the numerical libraries inside a model's fit or search.

dbt runs several models at once (``threads`` in the profile), each in its own thread, on a
machine whose cores it already keeps busy. scikit-learn's OpenMP code (HistGradientBoosting)
and BLAS then start one worker per core for every fit, and OpenMP workers spin while they
wait: on the 2-core test machine under load, the label models took 76 s instead of 3.3 s and
the logistic regressions 5.5 s instead of 1.0 s (500 rows; at 100k customers the label fit
took 9 minutes of a 12-minute build). The functions that fit, bootstrap or search are
therefore run under :func:`one_thread` (or decorated with :func:`single_threaded`).

The two limits are kept differently because the libraries keep them differently:

- OpenMP's thread count is a per-thread setting, so each caller sets and restores its own.
- OpenBLAS's thread count is one setting for the whole process. A plain
  ``threadpool_limits`` context would restore it when the first of two overlapping models
  leaves, under the other one still running; and an OpenBLAS product is not the same to the
  last bit on 1 and 2 threads (float32, 1024 x 32 by 32 x 2048: up to 9.5e-6 apart), so the
  look-alike ranks of two identical builds differed. The BLAS limit is therefore counted:
  set by the first caller to enter, restored by the last one to leave.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from threadpoolctl import threadpool_limits

__all__ = ["one_thread", "single_threaded"]

F = TypeVar("F", bound=Callable)

_blas_lock = threading.Lock()
_blas_users = 0
_blas_limits: list[Any] = []  # one threadpool_limits per entry, while any caller is inside


@contextmanager
def one_thread() -> Iterator[None]:
    """OpenMP (for the calling thread) and BLAS (for the process, while any caller is inside)
    limited to one thread; both restored afterwards.

    Every entry limits the BLAS libraries loaded by then, also when another caller is inside
    already: a library loaded since (scipy's OpenBLAS when a model imports scipy after the
    first model started) would otherwise run on every core. The last caller to leave restores
    them all, newest limit first, so each library gets back the count it had before."""
    global _blas_users
    with _blas_lock:
        _blas_limits.append(threadpool_limits(limits=1, user_api="blas"))
        _blas_users += 1
    try:
        with threadpool_limits(limits=1, user_api="openmp"):
            yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0:
                while _blas_limits:
                    _blas_limits.pop().restore_original_limits()


def single_threaded(fn: F) -> F:
    """``fn`` run under :func:`one_thread`."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with one_thread():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
