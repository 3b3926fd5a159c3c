"""One thread for the numerical libraries inside a model's fit or search.

dbt runs several models at once (``threads`` in the profile), each in its own thread, on a
machine whose cores it already keeps busy. scikit-learn's OpenMP code (HistGradientBoosting)
and BLAS then start one worker per core for every fit, and OpenMP workers spin while they
wait: on the 2-core test machine under load, the label models took 76 s instead of 3.3 s and
the logistic regressions 5.5 s instead of 1.0 s (500 rows; at 100k customers the label fit
took 9 minutes of a 12-minute build). The functions that fit, bootstrap or search are
therefore run under :func:`one_thread` (or decorated with :func:`single_threaded`).

OpenBLAS's thread count is one setting for the whole process, and an OpenBLAS product is not
the same to the last bit on 1 and 2 threads (float32, 1024 x 32 by 32 x 2048: up to 9.5e-6
apart). With one ``threadpool_limits`` context per model, the first of two overlapping models
to leave gave BLAS its threads back under the other, and the look-alike ranks of two identical
builds differed. So the limited sections of a process run one at a time.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

# Loaded here, before any limit is set: a library loaded inside a limited section (scipy's own
# OpenBLAS when scikit-learn first imports scipy.linalg during a fit, the OpenMP runtime of
# scikit-learn's compiled code) would run on every core until the next entry.
import scipy.linalg  # noqa: F401
import sklearn.utils._openmp_helpers  # noqa: F401
from threadpoolctl import threadpool_limits

__all__ = ["one_thread", "single_threaded"]

F = TypeVar("F", bound=Callable)

_section = threading.RLock()  # one limited section at a time in the process (re-entrant: nested calls)


@contextmanager
def one_thread() -> Iterator[None]:
    """OpenMP and BLAS limited to one thread inside, restored afterwards; one such section
    at a time in the process.

    The sections of models running in parallel dbt threads run one after the other (a
    re-entrant lock): OpenBLAS's thread count is one setting for the whole process, so two
    overlapping sections would hand it back to the other's work when the first one leaves,
    and the results differ in the last bits. Every section limits the libraries loaded by
    then (scipy.linalg and scikit-learn's OpenMP runtime are imported with this module)."""
    with _section, threadpool_limits(limits=1):
        yield


def single_threaded(fn: F) -> F:
    """``fn`` run under :func:`one_thread`."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with one_thread():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
