"""Run dbt with the project's Python models executing in dbt-spark's own Spark session.

dbt-spark (1.11) submits Python models only to Databricks (``all_purpose_cluster`` /
``job_cluster``): with ``method: session`` every Python model fails with "Databricks
cluster_id is required" (dbt-spark issue 415, open upstream). With ``method: session`` the
Spark session lives in the dbt process itself, so a Python model can simply run there. This
module adds that submission method (``session``) to the Spark adapter, makes it the default
when the profile's method is ``session``, and then runs the dbt command line unchanged::

    python -m customer_activation.io.spark_session build --target spark [dbt args...]

(``make build-spark`` does this.) On any other adapter or method nothing changes, so the same
command also builds on DuckDB. The compiled model (dbt's ``py_write_table``: the model code,
``model(dbt, spark)``, then ``df.write...saveAsTable``) is executed with ``spark`` bound to the
active session; the model's pandas result is turned into a Spark DataFrame by that code.
Remove the shim once dbt-spark supports Python models on a session connection.
"""
from __future__ import annotations

import os
import sys
import threading
from typing import Any

SUBMISSION_METHOD = "session"
RUNNER_ENV = "CUSTOMER_ACTIVATION_SPARK_PYTHON"
_IMPORT_LOCK = threading.Lock()


def _settle_optional_imports() -> None:
    """dbt's write code tries ``import pyspark.pandas`` in every model. dbt runs models in
    threads; with a pandas that pyspark.pandas rejects (pandas 3), one thread's failing import
    leaves a half-initialised module that another thread then finds ("module 'pyspark' has no
    attribute 'pandas'"). Import it once, under a lock, and if it fails make every later import
    fail the same way at once, so the write code takes its plain ``createDataFrame`` path."""
    with _IMPORT_LOCK:
        if "pyspark.pandas" in sys.modules and sys.modules["pyspark.pandas"] is None:
            return
        try:
            import pyspark.pandas  # noqa: F401
        except ImportError:
            sys.modules["pyspark.pandas"] = None  # type: ignore[assignment]


class SessionPythonJobHelper:
    """dbt's PythonJobHelper interface (``__init__(parsed_model, credentials)``, ``submit``)
    for a Python model run in this process's Spark session."""

    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        method = getattr(credentials, "method", None)
        if str(method) != "session":
            raise ValueError(
                f"submission_method '{SUBMISSION_METHOD}' runs a Python model in dbt's own Spark "
                f"session and needs a profile with method: session (this one has method: {method}); "
                "on Databricks use dbt-databricks and its submission methods instead")
        self.model_name = parsed_model.get("alias") or parsed_model.get("name", "python_model")

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        _settle_optional_imports()
        spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        code = compile(compiled_code, f"<dbt python model {self.model_name}>", "exec")
        exec(code, {"__name__": f"dbt_model_{self.model_name}", "spark": spark})  # noqa: S102


def install() -> bool:
    """Registers the ``session`` submission method on dbt-spark's adapter (idempotent).
    Returns False when dbt-spark is not installed (nothing to patch)."""
    try:
        from dbt.adapters.spark.impl import SparkAdapter
    except ImportError:
        return False
    if getattr(SparkAdapter, "_customer_activation_session_shim", False):
        return True
    helpers = SparkAdapter.python_submission_helpers.fget
    default = SparkAdapter.default_python_submission_method.fget

    def python_submission_helpers(self):  # type: ignore[no-untyped-def]
        return {**helpers(self), SUBMISSION_METHOD: SessionPythonJobHelper}

    def default_python_submission_method(self):  # type: ignore[no-untyped-def]
        method = getattr(self.config.credentials, "method", None)
        return SUBMISSION_METHOD if str(method) == "session" else default(self)

    SparkAdapter.python_submission_helpers = property(python_submission_helpers)
    SparkAdapter.default_python_submission_method = property(default_python_submission_method)
    SparkAdapter._customer_activation_session_shim = True
    return True


def main(argv: list[str] | None = None) -> None:
    """``dbt`` with the shim installed; exits with dbt's exit code (0 ok, 1 failures, 2 error)."""
    install()
    os.environ[RUNNER_ENV] = SUBMISSION_METHOD  # read by the on-run-start check (macros/settings/check_python_model_runner.sql)
    from dbt.cli.main import cli

    sys.argv = ["dbt", *(sys.argv[1:] if argv is None else argv)]
    cli()


if __name__ == "__main__":
    main()
