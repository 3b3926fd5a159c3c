"""The BI-facing marts on the demo data: one row per customer, no PII in clear text anywhere
outside staging, every tag described, and a profile history that records changes between
refreshes (and nothing on a rerun with no change)."""
from __future__ import annotations

import hashlib
import shutil

import duckdb
import pandas as pd
import pytest
from dbt_helpers import run_dbt

pytestmark = pytest.mark.e2e

AS_OF = "2026-06-30"
EARLIER = "2026-05-31"   # the first refresh of conftest's history_build


def _frame(build, sql: str) -> pd.DataFrame:
    with build.connect() as con:
        return con.execute(sql).df()


def test_profile_has_one_row_per_kept_customer(demo_build):
    n_profile, n_distinct = demo_build.query(
        "select count(*), count(distinct customer_id) from marts.dim_customer_profile")[0]
    n_customers = demo_build.query("select count(*) from staging.stg_customers")[0][0]
    assert n_profile == n_distinct == n_customers
    nulls = demo_build.query("""select count(*) from marts.dim_customer_profile
        where rfm_segment is null or lifecycle_stage is null or next_best_action is null
           or churn_probability is null or predicted_value_tier is null""")[0][0]
    assert nulls == 0


def test_profile_keeps_observed_attributes_and_fills_missing_ones(demo_build):
    got = _frame(demo_build, """select
        sum(case when c.region is not null and (p.region <> c.region or p.region_is_imputed) then 1 else 0 end) as overwritten,
        sum(case when c.region is null and p.region_is_imputed and p.region is not null then 1 else 0 end) as filled,
        sum(case when c.region is null then 1 else 0 end) as missing
        from marts.dim_customer_profile as p inner join staging.stg_customers as c using (customer_id)""")
    assert got["overwritten"][0] == 0
    assert got["filled"][0] == got["missing"][0] > 0


def test_profile_names_the_method_of_every_imputed_value(demo_build):
    """An imputed profile value says which method filled it: the attribute's chosen method in
    ml_imputation_accuracy; observed values have none."""
    wrong = demo_build.query("""select p.attribute, p.is_imputed, p.method, a.chosen_method, count(*)
        from (
            select customer_id, 'gender' as attribute, gender_is_imputed as is_imputed, gender_imputation_method as method from marts.dim_customer_profile
            union all select customer_id, 'birth_year', birth_year_is_imputed, birth_year_imputation_method from marts.dim_customer_profile
            union all select customer_id, 'city', city_is_imputed, city_imputation_method from marts.dim_customer_profile
            union all select customer_id, 'region', region_is_imputed, region_imputation_method from marts.dim_customer_profile
            union all select customer_id, 'member_tier', member_tier_is_imputed, member_tier_imputation_method from marts.dim_customer_profile
            union all select customer_id, 'acquisition_channel', acquisition_channel_is_imputed, acquisition_channel_imputation_method from marts.dim_customer_profile
        ) as p
        left join ml.ml_imputation_accuracy as a on a.attribute = p.attribute
        where (p.is_imputed and p.method is distinct from a.chosen_method) or (not p.is_imputed and p.method is not null)
        group by all""")
    assert wrong == []
    n_imputed = demo_build.query("""select count(*) from marts.dim_customer_profile
        where gender_imputation_method is not null or region_imputation_method is not null""")[0][0]
    assert n_imputed > 0


def test_churn_probability_is_the_models_churned_class(demo_build):
    diff = demo_build.query("""select max(abs(p.churn_probability - s.probability))
        from marts.dim_customer_profile as p
        inner join ml.ml_customer_label_scores as s
            on s.customer_id = p.customer_id and s.target = 'churn_risk' and s.class_label = 'churned'""")[0][0]
    assert diff == 0


def test_no_clear_text_pii_outside_staging(demo_build):
    """No table or view outside staging holds an email address or phone number in clear text,
    in any text column, and no column is named like raw PII."""
    with demo_build.connect() as con:
        pii = con.execute("""select distinct value from (
            select lower(email) as value from staging.stg_customers where email is not null
            union all select phone from staging.stg_customers where phone is not null) as values_""").df()
        assert len(pii) > 1000
        columns = con.execute("""select table_schema, table_name, column_name, data_type
            from information_schema.columns
            where table_schema not in ('staging', 'seeds', 'information_schema', 'pg_catalog', 'main')""").df()
        assert {"marts", "ml", "intermediate", "snapshots"} <= set(columns["table_schema"])
        named = columns[columns["column_name"].str.match(r"(email|phone)") &
                        ~columns["column_name"].isin(["email_sha256", "phone_sha256", "phone_masked"])]
        assert named.empty, named.to_string()
        text_columns = columns[columns["data_type"] == "VARCHAR"]
        values = set(pii["value"])
        leaks = []
        for row in text_columns.itertuples():
            found = con.execute(
                f"select distinct lower({row.column_name}) from {row.table_schema}.{row.table_name}").fetchall()
            hits = values & {v[0] for v in found}
            if hits:
                leaks.append((row.table_schema, row.table_name, row.column_name, sorted(hits)[:3]))
        assert not leaks, leaks
    # the hash is the documented one: sha256 of the trimmed, lower-cased email
    email, digest = demo_build.query("""select c.email, p.email_sha256 from marts.dim_customer_profile as p
        inner join staging.stg_customers as c using (customer_id) where c.email is not null limit 1""")[0]
    assert digest == hashlib.sha256(email.strip().lower().encode()).hexdigest()


def test_segment_summary_adds_up(demo_build):
    got = _frame(demo_build, """select summary_level, sum(n_customers) as n, sum(customer_share) as share,
        sum(revenue_share) as revenue_share from marts.mart_segment_summary group by 1""")
    n_customers = demo_build.query("select count(*) from marts.dim_customer_profile")[0][0]
    assert set(got["summary_level"]) == {"rfm_segment", "lifecycle_stage"}
    assert (got["n"] == n_customers).all()
    assert got["share"].round(9).eq(1).all() and got["revenue_share"].round(9).eq(1).all()


def test_every_tag_group_is_present(demo_build):
    groups = {r[0] for r in demo_build.query("select distinct tag_group from marts.fct_customer_tags")}
    assert groups == {"rfm_segment", "lifecycle_stage", "predicted_lifecycle_stage", "churn_risk",
                      "predicted_value_tier", "top_interest", "stable_interest", "circle_kind",
                      "circle_tag", "gender", "age_band", "region", "member_tier",
                      "next_best_action", "lookalike", "manual"}


def test_an_undescribed_tag_fails_the_catalogue_test(demo_build, demo_data, tmp_path):
    """Delete a catalogue row and the build's catalogue test must fail naming the tag."""
    shutil.copy(demo_build.db_path, tmp_path / "build.duckdb")
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        con.execute("delete from seeds.tag_catalogue where tag_group = 'next_best_action'")
    result = run_dbt(["test", "-s", "assert_customer_tags_are_in_catalogue"], tmp_path,
                     {"raw_data_path": str(demo_data), "as_of_date": AS_OF}, check=False)
    assert result.returncode != 0
    assert "assert_customer_tags_are_in_catalogue" in result.output and "FAIL" in result.output


@pytest.fixture(scope="module")
def history(history_build):
    """Three refreshes into one database: as of EARLIER, as of AS_OF, and AS_OF again (conftest)."""
    build, facts = history_build
    assert list(facts["profile_counts"]) == [EARLIER, AS_OF]
    return build, tuple(facts["snapshot_rows"])


def test_history_records_changes_once(history):
    build, (rows_first, rows_second, rows_third) = history
    assert rows_first > 0
    assert rows_second > rows_first            # changes between the two dates were recorded
    assert rows_third == rows_second           # a rerun with no change adds nothing
    current = build.query("select count(*) from snapshots.snap_customer_profile where dbt_valid_to is null")[0][0]
    assert current == build.query("select count(*) from marts.dim_customer_profile")[0][0]


def test_migrations_between_the_two_refreshes(history):
    build, _ = history
    migrations = _frame(build, "select * from marts.fct_profile_migrations")
    assert (migrations["from_date"].astype(str) == EARLIER).all()
    assert (migrations["to_date"].astype(str) == AS_OF).all()
    n_customers = build.query("select count(*) from marts.dim_customer_profile")[0][0]
    per_group = migrations.groupby("tag_group")["n_customers"].sum()
    assert (per_group == n_customers).all()
    # customers whose segment changed between the dates, counted directly from the snapshot
    expected = build.query(f"""
        with at_from as (select customer_id, rfm_segment from snapshots.snap_customer_profile
                         where as_of_date = '{EARLIER}'),
             at_to as (select customer_id, rfm_segment from snapshots.snap_customer_profile
                       where dbt_valid_to is null)
        select count(*) from at_to inner join at_from using (customer_id)
        where at_to.rfm_segment <> at_from.rfm_segment""")[0][0]
    segment = migrations[migrations["tag_group"] == "rfm_segment"]
    moved = segment[segment["is_change"] & (segment["from_value"] != "(new)")]["n_customers"].sum()
    assert moved == expected > 0
    new = segment[segment["from_value"] == "(new)"]["n_customers"].sum()
    assert new > 0   # customers who signed up between the two dates
