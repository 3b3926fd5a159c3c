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
