"""`dbt docs generate` on the demo build, and the BI-facing docs: every model of a BI-facing
schema (marts, campaigns) and every column it really has (catalog.json, read from the
database) is described in the manifest; exposures and the semantic layer are in the manifest
and point at BI-facing models."""
from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from dbt_helpers import run_dbt

pytestmark = pytest.mark.e2e

AS_OF = "2026-06-30"
BI_SCHEMAS = {"marts", "campaigns"}


@pytest.fixture(scope="module")
def docs(demo_build, demo_data, tmp_path_factory):
    """manifest.json, catalog.json and semantic_manifest.json of `dbt docs generate` run on a
    copy of the session's demo build."""
    work = tmp_path_factory.mktemp("bi_docs")
    shutil.copy(demo_build.db_path, work / "build.duckdb")
    result = run_dbt(["docs", "generate"], work, {"raw_data_path": str(demo_data), "as_of_date": AS_OF})
    target = result.target_path
    return {name: json.loads((target / f"{name}.json").read_text())
            for name in ("manifest", "catalog", "semantic_manifest")}


def _bi_models(manifest: dict) -> dict[str, dict]:
    return {uid: node for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and node["schema"] in BI_SCHEMAS}


def test_bi_models_are_in_the_catalog(docs):
    models = _bi_models(docs["manifest"])
    names = {node["name"] for node in models.values()}
    assert {"dim_customer_profile", "fct_customer_tags", "dim_circle", "mart_segment_summary",
            "fct_profile_migrations", "metricflow_time_spine"} <= names
    missing = sorted(node["name"] for uid, node in models.items() if uid not in docs["catalog"]["nodes"])
    assert not missing, f"BI-facing models not in the database: {missing}"


def test_every_bi_facing_model_and_column_is_described(docs):
    undocumented = []
    for uid, node in sorted(_bi_models(docs["manifest"]).items()):
        if not node["description"].strip():
            undocumented.append(f"{node['name']} (model)")
        described = {name.lower(): col.get("description", "") for name, col in node["columns"].items()}
        for column in docs["catalog"]["nodes"][uid]["columns"]:
            if not described.get(column.lower(), "").strip():
                undocumented.append(f"{node['name']}.{column}")
    assert not undocumented, f"BI-facing models/columns without a description: {undocumented}"


def test_documented_columns_exist(docs):
    stale = []
    for uid, node in sorted(_bi_models(docs["manifest"]).items()):
        actual = {c.lower() for c in docs["catalog"]["nodes"][uid]["columns"]}
        stale += [f"{node['name']}.{c}" for c in node["columns"] if c.lower() not in actual]
    assert not stale, f"documented columns the models do not have: {stale}"


def test_exposures_read_the_marts(docs):
    manifest = docs["manifest"]
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == {"customer_overview", "churn_watchlist", "campaign_performance", "campaign_report"}
    bi = set(_bi_models(manifest))
    semantic_models = {s["name"]: s for s in docs["semantic_manifest"]["semantic_models"]}
    for name, exposure in exposures.items():
        assert exposure["type"] in {"dashboard", "analysis"} and exposure["description"].strip()
        assert exposure["owner"].get("name") or exposure["owner"].get("email")
        nodes = exposure["depends_on"]["nodes"]
        models = [n for n in nodes if n.startswith("model.")]
        assert models and set(models) <= bi, f"{name} should read BI-facing models only: {models}"
        assert all(n in manifest["metrics"] for n in nodes if n.startswith("metric."))
        # a metric is read from its semantic model's table: that model is a dependency too
        names = {manifest["nodes"][m]["name"] for m in models}
        for metric in (manifest["metrics"][n] for n in nodes if n.startswith("metric.")):
            for measure_model in _metric_models(metric, manifest, semantic_models):
                assert measure_model in names, f"{name} reads metric {metric['name']} from {measure_model}"


def _metric_models(metric: dict, manifest: dict, semantic_models: dict) -> set[str]:
    """The models a metric's measures are read from (through ratio / derived inputs)."""
    params = metric["type_params"]
    measures = [m["name"] for m in (params.get("input_measures") or [])]
    found = set()
    for semantic in semantic_models.values():
        if any(m["name"] in measures for m in semantic["measures"]):
            found.add(semantic["node_relation"]["alias"])
    return found


def test_semantic_layer_is_in_the_manifest(docs):
    semantic = docs["semantic_manifest"]
    metrics = {m["name"]: m for m in semantic["metrics"]}
    assert {"customers", "revenue", "churn_rate", "mean_churn_probability",
            "rfm_segment_share"} <= set(metrics)
    assert all(m["description"] and m["label"] for m in metrics.values())
    assert {s["name"] for s in semantic["semantic_models"]} == {"customer_profile", "circle", "segment_summary",
                                                                "segment_history", "campaign_history"}
    spines = semantic["project_configuration"]["time_spines"]
    assert [(s["node_relation"]["alias"], s["primary_column"]["name"]) for s in spines] == [
        ("metricflow_time_spine", "date_day")]


def test_descriptions_are_comments_in_the_build(demo_build):
    """persist_docs: every table and column of a BI-facing schema carries its YAML description
    as a DuckDB comment (what a BI tool browsing the file shows)."""
    schemas = ", ".join(f"'{s}'" for s in sorted(BI_SCHEMAS))
    with demo_build.connect() as con:
        tables = con.execute(f"""select schema_name, table_name, comment from duckdb_tables()
                                 where schema_name in ({schemas})""").fetchall()
        columns = con.execute(f"""select schema_name, table_name, column_name, comment from duckdb_columns()
                                  where schema_name in ({schemas})""").fetchall()
    assert len(tables) >= 20 and len(columns) >= 300
    assert [t[:2] for t in tables if not (t[2] or "").strip()] == []
    assert [c[:3] for c in columns if not (c[3] or "").strip()] == []
    profile = {c[2]: c[3] for c in columns if c[1] == "dim_customer_profile"}
    assert profile["customer_id"].startswith("Customer key")


def test_the_published_copy_keeps_the_comments(demo_build, tmp_path):
    """publish writes the build's relation and column comments on the published copy: a BI
    tool reading published/customer_activation.duckdb sees the same descriptions."""
    from customer_activation.io.publish import PUBLISHED_NAME, publish
    publish(demo_build.db_path, tmp_path)
    sql = """select schema_name, table_name, column_name, comment from duckdb_columns()
             where schema_name in ('marts', 'campaigns') order by 1, 2, 3"""
    with demo_build.connect() as con:
        built = con.execute(sql).fetchall()
    with duckdb.connect(str(tmp_path / PUBLISHED_NAME), read_only=True) as con:
        published = con.execute(sql).fetchall()
        tables = dict(con.execute("""select schema_name || '.' || table_name, comment from duckdb_tables()
                                     where schema_name in ('marts', 'campaigns')""").fetchall())
    assert len(published) >= 300 and published == built
    assert all((comment or "").strip() for comment in tables.values())


def test_no_hugeint_in_the_build(demo_build):
    """Sums of counts are cast to bigint: a HUGEINT (int128) column is unreadable for many BI
    drivers. Every schema of the build is scanned, the published ones first of all."""
    hugeint = demo_build.query("""select schema_name, table_name, column_name from duckdb_columns()
                                  where data_type in ('HUGEINT', 'UHUGEINT') order by all""")
    assert hugeint == []


def test_bi_facing_sql_models_have_enforced_contracts(docs):
    """Every SQL model of a BI-facing schema has an enforced contract with a type per column
    (dbt has no contracts for Python models; test_no_hugeint_in_the_build covers their types)."""
    loose = []
    for node in _bi_models(docs["manifest"]).values():
        if node["language"] != "sql":
            continue
        if not node["config"]["contract"]["enforced"]:
            loose.append(node["name"])
        loose += [f"{node['name']}.{c}" for c, col in node["columns"].items() if not col.get("data_type")]
    assert loose == []
