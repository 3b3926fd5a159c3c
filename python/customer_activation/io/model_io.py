"""Reading dbt relations into pandas inside dbt Python models, without reading more than needed.

dbt-duckdb hands a Python model ``DuckDBPyRelation`` objects (``dbt.ref(...)``); Spark hands
``pyspark.sql.DataFrame``. :func:`to_frame` filters and projects in the engine first, so a
model that needs the scoring rows of a three-date table reads one third of it.

Every dbt Python model imports this module first. dbt runs models in threads, and two
threads importing scikit-learn for the first time at once fail ("cannot import name ...
from partially initialized module"). Importing the learning modules here, at the top of the
one module every wrapper imports first, makes the first import happen once, under this
module's import lock, while the other threads wait for it.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

import customer_activation.campaigns.steps
import customer_activation.labels.purchase_model
import customer_activation.labels.training
import customer_activation.similarity.imputation
import customer_activation.similarity.lookalikes  # noqa: F401


def to_frame(relation: Any, where: str | None = None,
             columns: Sequence[str] | None = None,
             float32: Sequence[str] = (), arrow: bool = False) -> pd.DataFrame:
    """``relation`` (a DuckDB relation, a Spark DataFrame or a pandas frame) as a pandas
    frame: rows matching the SQL predicate ``where``, and ``columns`` (all if None).
    ``float32``: columns cast to 4-byte floats in the engine, for the wide numeric inputs of
    the similarity and label models (half the memory; both engines round the same way).
    ``arrow``: on DuckDB, convert through Arrow, for large reads of text and float columns
    (ml_training_labels at 1M customers: 2.0 s and 1.6 GB peak instead of 7.0 s and 4.2 GB:
    DuckDB's own conversion makes a Python object of every string first). Opt-in because
    dates, decimals, nullable integers and all-null columns come out typed differently.

    A column asked for that the relation does not have raises a ``KeyError`` naming it.
    """
    if isinstance(relation, pd.DataFrame):
        frame = relation.query(where) if where else relation  # pandas syntax only in tests
        frame = frame[list(columns)].reset_index(drop=True) if columns else frame
        return frame.astype({c: "float32" for c in float32}) if float32 else frame
    available = list(relation.columns)
    wanted = list(columns) if columns else available
    missing = [c for c in [*wanted, *float32] if c not in available]
    if missing:
        raise KeyError(f"columns {missing} are not in the relation (it has {available})")
    narrow = set(float32)
    expressions = [f"cast({c} as float) as {c}" if c in narrow else c for c in wanted]
    rel = relation.filter(where) if where else relation
    if hasattr(relation, "df"):  # DuckDB
        rel = rel.project(", ".join(expressions)) if columns or narrow else rel
        # A parallel scan returns rows in any order; sorted, a model that depends on row order
        # (a bootstrap, a float sum) gives the same result on every run.
        rel = rel.order("all")
        return rel.to_arrow_table().to_pandas() if arrow else rel.df()
    rel = rel.selectExpr(*expressions) if columns or narrow else rel  # Spark
    return rel.orderBy(*rel.columns).toPandas()  # sorted, as above


def similarity_inputs(vectors: Any, scaling: Any, customers: Any, circles: Any,
                      attributes: Sequence[str]) -> dict[str, Any]:
    """The inputs of the imputation models from their relations: ``feature_cols`` (the
    features of int_feature_scaling in order), ``features`` (scoring-date vectors, float32),
    ``attributes`` (customer_id and the attribute columns of stg_customers) and ``groups``
    (customer_id, group = the link circle; attribute circles are left out, they are built
    from the very attributes being imputed)."""
    feature_cols = to_frame(scaling).sort_values("feature_order")["feature_name"].tolist()
    return {
        "feature_cols": feature_cols,
        "features": to_frame(vectors, "feature_date_role = 'scoring'",
                             ["customer_id", *feature_cols], float32=feature_cols, arrow=True),
        "attributes": to_frame(customers, None, ["customer_id", *attributes]),
        "groups": to_frame(circles, "feature_date_role = 'scoring' and circle_kind != 'attribute'",
                           ["customer_id", "circle_id"]).rename(columns={"circle_id": "group"}),
    }


def previous_result(session: Any, this: Any) -> pd.DataFrame | None:
    """The table a model built on its previous run (``dbt.this``), read whole, or None when
    there is none yet. For models that may keep their last result instead of recomputing it
    (var ``refit_models``). ``session``: the DuckDB connection or Spark session dbt passes."""
    try:
        relation = session.sql(f"select * from {this}")
    except Exception as exc:  # DuckDB CatalogException / Spark AnalysisException; others re-raised
        text = str(exc)
        if "does not exist" in text or "TABLE_OR_VIEW_NOT_FOUND" in text:
            return None
        raise
    return to_frame(relation)


def model_settings(config_settings: str | None) -> dict[str, Any]:
    """The settings a dbt Python model reads, {var name: value}: the vars its YAML config passes
    (config ``settings``: ``tojson({name: var(name, none), ...})``, rendered with this run's
    vars) and, for a var not set, the default of the settings registry. validate_vars has
    checked every set var at the start of the run. (Not the build_settings table: a run that
    selects a few models with other vars would read the values of an earlier build.)
    Called as ``model_settings(dbt.config.get("settings"))``: dbt hands a Python model only the
    config keys its own code names."""
    import json

    from customer_activation.settings import registry, typed_value
    raw = config_settings
    if not raw:
        raise ValueError("this Python model has no `settings` config: list the vars it reads in its YAML "
                         "(config: settings: \"{{ tojson({'name': var('name', none)}) }}\")")
    entries = {e["name"]: e for e in registry()}
    values = {}
    for name, value in json.loads(raw).items():
        if name not in entries:
            raise KeyError(f"setting {name!r} is not in the settings registry (macros/settings/registry.sql)")
        values[name] = typed_value(entries[name], entries[name]["default"] if value is None else value)
    return values
