"""Reading relations for dbt Python models: filter and project in the engine."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from customer_activation.io.model_io import similarity_inputs, to_frame


@pytest.fixture()
def con():
    c = duckdb.connect()
    c.execute("create table v as select 'c' || i as customer_id, "
              "case when i % 2 = 0 then 'scoring' else 'training' end as feature_date_role, "
              "i * 1.0 as f1, i * 2.0 as f2 from range(6) t(i)")
    yield c
    c.close()


def test_to_frame_filters_and_projects_duckdb(con) -> None:
    out = to_frame(con.table("v"), "feature_date_role = 'scoring'", ["customer_id", "f2"])
    assert list(out.columns) == ["customer_id", "f2"]
    assert list(out["customer_id"]) == ["c0", "c2", "c4"]


def test_to_frame_missing_column_names_it(con) -> None:
    with pytest.raises(KeyError, match="nope"):
        to_frame(con.table("v"), None, ["customer_id", "nope"])


def test_similarity_inputs_leave_out_attribute_circles(con) -> None:
    con.execute("create table s as select * from (values (2, 'f2', 'behaviour'), (1, 'f1', 'behaviour')) "
                "t(feature_order, feature_name, feature_group)")
    con.execute("create table cust as select 'c' || i as customer_id, 'x' as gender, 1 as other from range(6) t(i)")
    con.execute("create table circ as select * from (values ('c0', 'scoring', 'k1', 'household'), "
                "('c2', 'scoring', 'k2', 'attribute'), ('c1', 'training', 'k1', 'household')) "
                "t(customer_id, feature_date_role, circle_id, circle_kind)")
    got = similarity_inputs(con.table("v"), con.table("s"), con.table("cust"), con.table("circ"), ["gender"])
    assert got["feature_cols"] == ["f1", "f2"]
    assert list(got["features"].columns) == ["customer_id", "f1", "f2"]
    assert len(got["features"]) == 3
    assert list(got["attributes"].columns) == ["customer_id", "gender"]
    pd.testing.assert_frame_equal(got["groups"], pd.DataFrame({"customer_id": ["c0"], "group": ["k1"]}))


def test_previous_result_reads_the_last_table_or_none() -> None:
    import duckdb
    from customer_activation.io.model_io import previous_result

    con = duckdb.connect()
    con.execute("create schema ml")
    assert previous_result(con, '"memory"."ml"."fit"') is None
    con.execute("create table ml.fit as select * from (values (2, 'b'), (1, 'a')) as t(x, y)")
    frame = previous_result(con, '"memory"."ml"."fit"')
    assert frame.to_dict("list") == {"x": [1, 2], "y": ["a", "b"]}
    with pytest.raises(duckdb.ParserException):  # anything but a missing table is raised
        previous_result(con, "ml.fit where")


def test_to_frame_casts_wide_numbers_to_float32_in_the_engine(con) -> None:
    out = to_frame(con.table("v"), "feature_date_role = 'scoring'", ["customer_id", "f1", "f2"],
                   float32=["f2"])
    assert str(out["f2"].dtype) == "float32" and str(out["f1"].dtype) == "float64"
    assert out["f2"].tolist() == [0.0, 4.0, 8.0]
    every = to_frame(con.table("v"), None, None, float32=["f1"])  # all columns, one narrowed
    assert list(every.columns) == ["customer_id", "feature_date_role", "f1", "f2"]
    assert str(every["f1"].dtype) == "float32"
    with pytest.raises(KeyError, match="nope"):
        to_frame(con.table("v"), None, ["customer_id"], float32=["nope"])


def test_to_frame_through_arrow_gives_the_same_text_and_float_frame(con) -> None:
    rel = con.table("v")
    direct = to_frame(rel, None, ["customer_id", "feature_date_role", "f1"], float32=["f1"])
    via_arrow = to_frame(rel, None, ["customer_id", "feature_date_role", "f1"], float32=["f1"], arrow=True)
    pd.testing.assert_frame_equal(direct, via_arrow)
