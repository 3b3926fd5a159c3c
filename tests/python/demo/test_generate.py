"""Tests for the demo-data generator (small n, fast)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from customer_activation.demo.generate import generate, main
from customer_activation.demo.tables import TABLES, TRUTH_TABLES

N = 500


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _read(root: Path, name: str, fmt: str) -> pd.DataFrame:
    if fmt == "parquet":
        return pq.read_table(root / f"{name}.parquet").to_pandas()
    return pd.read_csv(root / f"{name}.csv", dtype=str, keep_default_na=False,
                       na_values=[""])


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("csv")
    counts = generate(out, n_customers=N, seed=7, fmt="csv")
    return out, counts


@pytest.fixture(scope="module")
def pq_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("pq")
    counts = generate(out, n_customers=N, seed=7, fmt="parquet")
    return out, counts


def test_deterministic(tmp_path, csv_dir):
    generate(tmp_path / "a", n_customers=N, seed=7, fmt="csv")
    assert _digest(tmp_path / "a") == _digest(csv_dir[0])
    generate(tmp_path / "b", n_customers=N, seed=8, fmt="csv")
    assert _digest(tmp_path / "b")["orders.csv"] != _digest(csv_dir[0])["orders.csv"]


def test_deterministic_parquet_with_chunks(tmp_path):
    for d in ("a", "b"):
        generate(tmp_path / d, n_customers=N, seed=3, fmt="parquet", chunk_size=200)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


@pytest.mark.parametrize("fixture", ["csv_dir", "pq_dir"])
def test_files_and_columns(fixture, request):
    out, counts = request.getfixturevalue(fixture)
    fmt = "csv" if fixture == "csv_dir" else "parquet"
    for name, cols in {**TABLES, **{f"_truth/{k}": v for k, v in TRUTH_TABLES.items()}}.items():
        path = out / f"{name}.{fmt}"
        assert path.exists(), path
        if fmt == "csv":
            header = path.read_text().splitlines()[0].split(",")
        else:
            header = pq.read_schema(path).names
        assert header == [c for c, _ in cols], name
        assert counts[name] == len(_read(out, name, fmt)), name
    # the contract's column order for the raw tables, spelled out once
    assert [c for c, _ in TABLES["orders"]] == [
        "order_id", "customer_id", "order_ts", "order_amount", "discount_amount", "status",
        "channel"]


def test_row_counts_scale(tmp_path, pq_dir):
    _, small = pq_dir
    big = generate(tmp_path, n_customers=2 * N, seed=7, fmt="parquet", bad_rows=False)
    per_customer = small["orders"] / N
    assert 12 < per_customer < 30
    assert 1.5 < small["order_items"] / small["orders"] < 2.5
    assert 1.5 < small["events"] / small["orders"] < 2.6
    for t in ("orders", "order_items", "events"):
        assert 1.6 < big[t] / small[t] < 2.4, t
    assert big["customers"] == 2 * N
    assert big["products"] == small["products"]
    assert big["campaigns"] == 6


def test_parquet_types(pq_dir):
    out, _ = pq_dir
    sch = pq.read_schema(out / "orders.parquet")
    assert str(sch.field("order_ts").type) == "timestamp[us]"
    assert str(sch.field("order_amount").type) == "decimal128(12, 2)"
    assert str(pq.read_schema(out / "customers.parquet").field("signup_date").type) == "date32[day]"


def _good(out: Path, fmt: str):
    cust = _read(out, "customers", fmt)
    orders = _read(out, "orders", fmt)
    items = _read(out, "order_items", fmt)
    cust = cust[cust.customer_id.notna()]
    cust = cust[pd.to_datetime(cust.signup_date, errors="coerce", format="%Y-%m-%d").notna()]
    cust = cust.drop_duplicates("customer_id")  # conflicting duplicates: keep one
    amt = pd.to_numeric(orders.order_amount, errors="coerce")
    ts = pd.to_datetime(orders.order_ts, errors="coerce", format="%Y-%m-%d %H:%M:%S")
    orders = orders[orders.order_id.notna() & amt.notna() & (amt >= 0) & ts.notna()
                    & (ts < pd.Timestamp("2026-07-01"))
                    & orders.status.isin(["completed", "cancelled", "returned"])
                    & orders.customer_id.isin(set(cust.customer_id))]
    orders = orders.drop_duplicates()
    return cust, orders, items


@pytest.mark.parametrize("fixture", ["csv_dir", "pq_dir"])
def test_referential_consistency(fixture, request):
    out, _ = request.getfixturevalue(fixture)
    fmt = "csv" if fixture == "csv_dir" else "parquet"
    cust, orders, items = _good(out, fmt)
    ids = set(cust.customer_id)
    assert orders.order_id.is_unique
    products = set(_read(out, "products", fmt).product_id)
    items = items[items.order_id.isin(set(orders.order_id))]
    items = items.assign(q=pd.to_numeric(items.quantity, errors="coerce"),
                         p=pd.to_numeric(items.unit_price, errors="coerce")).dropna(subset=["q", "p"])
    assert set(items.product_id) <= products
    # every good order has items, and the items add up to amount + discount
    gross = (items.q * items.p).groupby(items.order_id).sum()
    o = orders.set_index("order_id")
    expect = (pd.to_numeric(o.order_amount) + pd.to_numeric(o.discount_amount).fillna(0))
    assert set(gross.index) == set(o.index)
    assert ((gross - expect.loc[gross.index]).abs() < 0.011).all()
    for t, cols in (("events", ["customer_id"]),
                    ("customer_links", ["customer_id", "linked_customer_id"]),
                    ("campaign_contacts", ["customer_id"]),
                    ("campaign_responses", ["customer_id"]),
                    ("manual_labels", ["customer_id"]),
                    ("_truth/customer_truth", ["customer_id"])):
        df = _read(out, t, fmt)
        for c in cols:
            assert set(df[c]) <= ids, (t, c)
    ev = _read(out, "events", fmt)
    assert set(ev.product_id.dropna()) <= products
    assert ev.loc[ev.event_type == "login", "category"].isna().all()
    contacts = _read(out, "campaign_contacts", fmt)
    resp = _read(out, "campaign_responses", fmt)
    key = set(zip(contacts.campaign_id, contacts.customer_id))
    assert set(zip(resp.campaign_id, resp.customer_id)) <= key
    assert set(contacts.campaign_id) <= set(_read(out, "campaigns", fmt).campaign_id)


def test_distributions(pq_dir):
    out, _ = pq_dir
    cust, orders, _ = _good(out, "parquet")
    raw = _read(out, "customers", "parquet")
    cust = cust[~cust.customer_id.isin(raw.customer_id[raw.customer_id.duplicated()])]
    for c in ("gender", "birth_year", "city"):
        assert 0.15 < cust[c].isna().mean() < 0.45, c
    assert (cust.region.isna() == cust.city.isna()).all()
    # missing not at random: paid_search/affiliate customers hide their gender more often
    paid = cust.acquisition_channel.isin(["paid_search", "affiliate"])
    assert cust.gender[paid].isna().mean() > cust.gender[~paid].isna().mean()
    st = orders.status.value_counts(normalize=True)
    assert st["completed"] > 0.8
    truth = _read(out, "_truth/customer_truth", "parquet")
    assert set(truth.true_stage) == {"new", "active", "declining", "dormant", "lost"}
    assert 0.15 < truth.community_id.notna().mean() < 0.45
    interests = _read(out, "_truth/customer_interests", "parquet")
    assert set(interests.customer_id) == set(truth.customer_id)
    labels = _read(out, "manual_labels", "parquet")
    assert 0 < labels.customer_id.nunique() <= 0.06 * N
    merged = labels[labels.label_name == "lifecycle_stage"].merge(truth, on="customer_id")
    assert (merged.label_value == merged.true_stage).mean() > 0.7


def test_communities_in_links(pq_dir):
    out, _ = pq_dir
    links = _read(out, "customer_links", "parquet")
    truth = _read(out, "_truth/customer_truth", "parquet").set_index("customer_id")
    comms = _read(out, "_truth/communities", "parquet")
    assert len(links) > 0 and set(links.link_type) <= {"referral", "household", "group", "social"}
    a = truth.community_id.reindex(links.customer_id).to_numpy()
    b = truth.community_id.reindex(links.linked_customer_id).to_numpy()
    assert (a == b).all()  # links stay inside one community
    kinds = comms.set_index("community_id").kind
    assert (kinds.reindex(a).to_numpy() == links.link_type.to_numpy()).all()
    sizes = truth.community_id.value_counts()
    assert (sizes.reindex(comms.community_id).to_numpy() == comms["size"].to_numpy()).all()
    # every community is connected by at least size-1 links
    per = pd.Series(a).value_counts()
    assert (per.reindex(comms.community_id).fillna(0).to_numpy() >= comms["size"].to_numpy() - 1).all()


def test_campaign_truth(pq_dir):
    out, _ = pq_dir
    camp = _read(out, "_truth/campaign_truth", "parquet")
    assert len(camp) == 6
    assert camp.pilot_should_pass.sum() == 5
    assert (camp.true_uplift > 0.02).all() and (camp.true_uplift < 0.15).all()
    contacts = _read(out, "campaign_contacts", "parquet")
    assert set(contacts.phase) == {"pilot", "rollout"}
    assert 0.7 < (contacts.arm == "treatment").mean() < 0.9
    assert contacts.predicted_response.dropna().between(0, 1).all()
    bad = camp.loc[~camp.pilot_should_pass, "campaign_id"].item()
    pilot = contacts[(contacts.campaign_id == bad) & (contacts.phase == "pilot")]
    exp = camp.loc[camp.campaign_id == bad, "pilot_expected_response"].item()
    assert pilot.predicted_response.mean() > 2 * exp


@pytest.mark.parametrize("fixture", ["csv_dir", "pq_dir"])
def test_bad_rows(fixture, request):
    out, _ = request.getfixturevalue(fixture)
    fmt = "csv" if fixture == "csv_dir" else "parquet"
    inj = _read(out, "_truth/bad_rows_injected", fmt)
    inj["count"] = inj["count"].astype(int)
    kinds = set(zip(inj.table, inj.kind))
    expected = {("customers", "missing_customer_id"), ("customers", "duplicate_customer_id"),
                ("orders", "missing_order_id"), ("orders", "duplicate_order_id"),
                ("orders", "negative_amount"), ("orders", "order_ts_after_end_date"),
                ("orders", "unknown_customer_id"), ("orders", "unknown_status"),
                ("order_items", "unknown_order_id")}
    csv_only = {("customers", "unparseable_date"), ("orders", "unparseable_number"),
                ("orders", "unparseable_date"), ("order_items", "unparseable_number")}
    assert kinds == (expected | csv_only if fmt == "csv" else expected)
    assert (inj["count"] >= 3).all()
    cust = _read(out, "customers", fmt)
    orders = _read(out, "orders", fmt)
    items = _read(out, "order_items", fmt)
    c = dict(zip(zip(inj.table, inj.kind), inj["count"]))
    assert cust.customer_id.isna().sum() == c[("customers", "missing_customer_id")]
    assert cust.customer_id.dropna().duplicated().sum() == c[("customers", "duplicate_customer_id")]
    assert orders.order_id.isna().sum() == c[("orders", "missing_order_id")]
    assert orders.order_id.dropna().duplicated().sum() == c[("orders", "duplicate_order_id")]
    assert (~orders.status.isin(["completed", "cancelled", "returned"])).sum() == \
        c[("orders", "unknown_status")]
    assert (~orders.customer_id.isin(set(cust.customer_id))).sum() == \
        c[("orders", "unknown_customer_id")]
    ts = pd.to_datetime(orders.order_ts.astype(str), errors="coerce", format="%Y-%m-%d %H:%M:%S")
    assert (ts >= pd.Timestamp("2026-07-01")).sum() == c[("orders", "order_ts_after_end_date")]
    assert (ts.dt.year == 2200).sum() > 0
    amt = pd.to_numeric(orders.order_amount, errors="coerce")
    assert ((amt < 0) & (orders.status == "completed")).sum() == c[("orders", "negative_amount")]
    assert (~items.order_id.isin(set(orders.order_id))).sum() == \
        c[("order_items", "unknown_order_id")]
    total_bad = inj["count"].sum()
    assert total_bad < 0.01 * (len(cust) + len(orders) + len(items))
    if fmt == "csv":
        assert amt.isna().sum() == c[("orders", "unparseable_number")]
        assert ts.isna().sum() == c[("orders", "unparseable_date")]
        assert "12.5x" in set(orders.order_amount) | set(items.unit_price)
        # no quoted fields: DuckDB's read_csv sniffer copes without an explicit quote option
        assert not any('"' in p.read_text() for p in out.rglob("*.csv"))


def test_no_bad_rows(tmp_path):
    counts = generate(tmp_path, n_customers=200, seed=1, fmt="csv", bad_rows=False)
    assert counts["customers"] == 200
    assert counts["_truth/bad_rows_injected"] == 0
    orders = _read(tmp_path, "orders", "csv")
    assert orders.order_id.is_unique
    assert pd.to_numeric(orders.order_amount).min() >= 0


def test_cli(tmp_path, capsys):
    assert main(["--customers", "120", "--seed", "5", "--out", str(tmp_path),
                 "--format", "parquet"]) == 0
    assert (tmp_path / "orders.parquet").exists()
    assert (tmp_path / "_truth" / "customer_truth.parquet").exists()
    assert "orders" in capsys.readouterr().out
