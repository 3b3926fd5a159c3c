"""The runner that executes dbt Python models in dbt-spark's own session
(customer_activation.io.spark_session), without starting Spark: the adapter patch, the
credential check and the execution of a compiled model with `spark` bound."""
from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import pytest
from customer_activation.io import spark_session

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("dbt.adapters.spark") is None or importlib.util.find_spec("pyspark") is None,
    reason="dbt-spark is not installed: the runner patches it (pip install -e .[spark])")


def _adapter(method: str):
    from dbt.adapters.spark.impl import SparkAdapter

    adapter = object.__new__(SparkAdapter)
    adapter.config = SimpleNamespace(credentials=SimpleNamespace(method=method))
    return adapter


def test_install_adds_the_session_method_and_makes_it_the_default_for_session_profiles():
    assert spark_session.install() is True
    assert spark_session.install() is True  # idempotent
    session = _adapter("session")
    assert session.default_python_submission_method == "session"
    helpers = session.python_submission_helpers
    assert helpers["session"] is spark_session.SessionPythonJobHelper
    assert {"all_purpose_cluster", "job_cluster"} <= set(helpers)  # dbt-spark's own are kept
    assert _adapter("thrift").default_python_submission_method == "all_purpose_cluster"


def test_helper_refuses_a_profile_that_has_no_local_session():
    with pytest.raises(ValueError, match="method: session.*method: thrift"):
        spark_session.SessionPythonJobHelper({"name": "m"}, SimpleNamespace(method="thrift"))


def test_submit_runs_the_compiled_model_with_spark_bound(monkeypatch):
    from pyspark.sql import SparkSession

    sentinel = object()
    monkeypatch.setattr(SparkSession, "getActiveSession", staticmethod(lambda: sentinel))
    seen = {}
    monkeypatch.setattr(spark_session, "_settle_optional_imports", lambda: seen.setdefault("settled", True))
    helper = spark_session.SessionPythonJobHelper({"alias": "my_model"}, SimpleNamespace(method="session"))
    box = []
    monkeypatch.setitem(__builtins__ if isinstance(__builtins__, dict) else vars(__builtins__), "_ca_box", box)
    helper.submit("_ca_box.append((spark, __name__))")
    assert box == [(sentinel, "dbt_model_my_model")]
    assert seen == {"settled": True}
    with pytest.raises(ZeroDivisionError):  # a failing model fails the node, with its traceback
        helper.submit("1 / 0")
