"""single_threaded: the numerical libraries run on one thread inside, as before outside."""
from __future__ import annotations

from customer_activation.threads import single_threaded
from threadpoolctl import threadpool_info


def _threads() -> dict[str, int]:
    return {pool["user_api"]: pool["num_threads"] for pool in threadpool_info()}


def test_single_threaded_limits_inside_and_restores_after():
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime)

    before = _threads()
    assert before, "no thread pool found to limit"

    @single_threaded
    def fit(x):
        return x + 1, _threads()

    value, inside = fit(1)
    assert value == 2
    assert inside and all(n == 1 for n in inside.values())
    assert _threads() == before
    assert fit.__name__ == "fit"


def test_limited_sections_of_parallel_threads_run_one_at_a_time():
    """dbt runs models in parallel threads of one process, and OpenBLAS's thread count is
    process-wide: a section must not start while another is inside (when the first left, it
    would give BLAS its threads back under the other; products on 2 threads differ in the last
    bits, which swapped look-alike ranks), and BLAS is on one thread all through each."""
    import threading
    import time

    from customer_activation.threads import one_thread

    def blas_threads() -> int:
        return min(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")

    before = blas_threads()
    events: list[tuple[str, int]] = []
    first_inside = threading.Event()

    def second():
        first_inside.wait(timeout=30)
        with one_thread():
            events.append(("second inside", blas_threads()))

    worker = threading.Thread(target=second)
    worker.start()
    with one_thread():
        first_inside.set()
        time.sleep(0.5)  # the second thread is waiting to enter meanwhile
        events.append(("first leaving", blas_threads()))
    worker.join(timeout=30)
    assert events == [("first leaving", 1), ("second inside", 1)]
    assert blas_threads() == before


def test_libraries_a_model_imports_inside_a_section_are_limited_too():
    """A model that first imports scikit-learn inside one_thread (in a fresh process) still fits
    on one thread: scipy's own OpenBLAS and the OpenMP runtime are loaded with the module, so
    the section's limit covers them."""
    import os
    import subprocess
    import sys

    code = """
import numpy
from customer_activation.threads import one_thread
from threadpoolctl import threadpool_info
with one_thread():
    import scipy.linalg, sklearn.ensemble, sklearn.linear_model  # first imported by the model
    inside = {p["filepath"]: p["num_threads"] for p in threadpool_info()}
after = {p["filepath"]: p["num_threads"] for p in threadpool_info()}
print(len(inside), max(inside.values()), max(after.values()))
"""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}  # library defaults
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env).stdout.split()
    n_pools, most_inside, most_after = map(int, out)
    assert n_pools >= 2 and most_inside == 1
    assert most_after > 1 or (os.cpu_count() or 1) == 1  # restored to one per core afterwards
