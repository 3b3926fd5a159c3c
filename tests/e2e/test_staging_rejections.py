"""End to end: a folder of hand-written CSVs with one bad row of each kind builds, every input
row is kept or rejected with the expected reason, and bad configuration fails loudly."""
from __future__ import annotations

from pathlib import Path

import pytest
from dbt_helpers import run_dbt

pytestmark = pytest.mark.e2e

CUSTOMERS = """customer_id,signup_date,birth_year,gender,city,region,acquisition_channel,member_tier,email,phone
C1,2023-01-05,1985,Female,Paris,IDF,organic,Gold, A@Example.com ,+33 1 23
C2,2023-02-05,,male,,,paid_search,,,
C2,2023-02-06,1990,male,Lyon,ARA,paid_search,silver,c2@x.org,
,2023-02-06,1990,male,Lyon,ARA,paid_search,,,
C3,notadate,1990,male,Lyon,ARA,paid_search,,,
C4,2023-03-01,19x0,female,,,email,,,
C5,2023-03-01,1850,female,,,email,,,
C6,2200-03-01,1980,female,,,email,,,
C7,2023-04-01,1980.0,,,,,,,
"""

ORDERS = """order_id,customer_id,order_ts,order_amount,discount_amount,status,channel
O1,C1,2024-01-01 10:00:00,"$1,234.50",0,completed,web
O2,C1,2024-02-01T10:00:00+02:00,20,,Completed,APP
O3,C2,2024-02-03,abc,,completed,web
O4,C9,2024-01-01,10,,completed,web
O5,C2,2024-01-01,-5,,completed,web
O6,C2,2200-01-01,5,,completed,web
O7,C2,2024-03-01,5,,shipped,web
O7,C2,2024-03-01,5,,completed,web
O7,C2,2024-03-02,6,,completed,web
,C2,2024-03-01,5,,completed,web
O8,C2,not a date,5,,completed,web
O9,C2,1900-05-05,5,,completed,web
O10,C7,2024-02-10,-7,,returned,store
O11,C7,2024-02-11,7,,cancelled,store
O12,C3,2024-02-11,7,,completed,store
"""

ITEMS = """order_id,product_id,quantity,unit_price
O1,P1,1,1234.50
O1,P1,1,1234.50
O2,P2,2,10
O3,P2,1,10
O99,P2,1,10
O2,P3,0,10
O2,P3,1,0
O2,P4,1,-3
O10,P1,-1,7
O1,P2,x,10
"""

PRODUCTS = """product_id,category,subcategory,brand
P1,Electronics,phones,Acme
P2,home,,
P2,home,kitchen,Zed
P3,,,
,toys,,
"""

EVENTS = """customer_id,event_ts,event_type,product_id,category
C1,2024-01-02 10:00:00,view,P1,
C1,2024-01-02 10:00:00,view,P1,
C1,2024-01-03 10:00:00,Click,,books
C9,2024-01-03 10:00:00,view,,books
C1,3024-01-03 10:00:00,view,,books
C1,,view,,books
"""

LINKS = """customer_id,linked_customer_id,link_type,linked_at
C1,C2,household,2023-05-01
C2,C1,household,2023-06-01
C1,C1,referral,2023-05-01
C1,C9,referral,2023-05-01
"""

CAMPAIGNS = """campaign_id,campaign_name,objective,channel,start_date,end_date,cost_per_contact,fixed_cost,response_window_days
K1,Winback,winback,email,2024-01-10,2024-01-20,0.5,100,30
K2,Bad,winback,email,2024-01-10,2024-01-01,0.5,100,30
"""

CONTACTS = """campaign_id,customer_id,arm,phase,contacted_at,predicted_response
K1,C1,treatment,pilot,2024-01-10 09:00:00,0.2
K1,C2,control,pilot,2024-01-10 09:00:00,0.1
K1,C2,treatment,rollout,2024-01-12 09:00:00,0.1
K1,C7,placebo,pilot,2024-01-10 09:00:00,0.1
K2,C1,treatment,pilot,2024-01-10 09:00:00,0.1
"""

RESPONSES = """campaign_id,customer_id,responded_at,response_type,revenue
K1,C1,2024-01-15 10:00:00,purchase,20
K1,C1,2024-01-15 10:00:00,purchase,20
K1,C9,2024-01-15 10:00:00,purchase,20
"""

LABELS = """customer_id,label_name,label_value,labeled_at,labeled_by
C1,churn_risk,Low,2024-01-01,ann
C1,churn_risk,high,2024-02-01,bob
C9,churn_risk,high,2024-02-01,bob
"""

# Every rejection the folder must produce: (source_table, row_key, reason_code).
EXPECTED_REJECTIONS = sorted([
    ("customers", "C2", "duplicate_key"),         # the less complete of two C2 rows
    ("customers", None, "missing_key"),
    ("customers", "C6", "after_as_of_date"),      # signed up in 2200: not a customer yet
    ("orders", "O3", "unparseable_number"),
    ("orders", "O4", "unknown_customer"),
    ("orders", "O5", "negative_amount"),          # negative amount on a completed order
    ("orders", "O6", "after_as_of_date"),
    ("orders", "O7", "unknown_status"),           # 'shipped'
    ("orders", "O7", "duplicate_key"),            # the earlier of two valid O7 versions
    ("orders", None, "missing_key"),
    ("orders", "O8", "unparseable_date"),
    ("orders", "O9", "before_min_date"),
    ("order_items", "O1:P1", "duplicate_row"),
    ("order_items", "O1:P2", "unparseable_number"),
    ("order_items", "O2:P3", "nonpositive_quantity"),
    ("order_items", "O2:P3", "zero_price"),
    ("order_items", "O2:P4", "negative_amount"),
    ("order_items", "O3:P2", "unknown_order"),    # its order was rejected
    ("order_items", "O99:P2", "unknown_order"),   # no such order
    ("products", None, "missing_key"),
    ("products", "P2", "duplicate_key"),
    ("events", "C9@2024-01-03 10:00:00", "unknown_customer"),
    ("events", "C1@3024-01-03 10:00:00", "after_as_of_date"),
    ("events", "C1@", "missing_value"),           # no event_ts
    ("customer_links", "C2->C1", "duplicate_key"),  # same household link in the other direction
    ("customer_links", "C1->C1", "self_link"),
    ("customer_links", "C1->C9", "unknown_customer"),
    ("campaigns", "K2", "invalid_range"),         # ends before it starts
    ("campaign_contacts", "K1:C2", "duplicate_key"),  # the later of two contacts
    ("campaign_contacts", "K1:C7", "unknown_code"),   # arm 'placebo'
    ("campaign_contacts", "K2:C1", "unknown_campaign"),  # K2 was rejected
    ("campaign_responses", "K1:C1", "duplicate_row"),
    ("campaign_responses", "K1:C9", "unknown_customer"),
    ("manual_labels", "C1:churn_risk", "duplicate_key"),  # the earlier label
    ("manual_labels", "C9:churn_risk", "unknown_customer"),
], key=str)

# A bad optional value nulls the value and is listed (source_table, row_key, column, reason);
# the row is kept, and so are the orders of C3.
EXPECTED_VALUE_REJECTIONS = sorted([
    ("customers", "C3", "signup_date", "unparseable_date"),
    ("customers", "C4", "birth_year", "unparseable_number"),   # '19x0'
    ("customers", "C5", "birth_year", "invalid_range"),        # 1850
], key=str)


def write_folder(folder: Path, tables: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


ALL_TABLES = {
    "customers": CUSTOMERS, "orders": ORDERS, "order_items": ITEMS, "products": PRODUCTS,
    "events": EVENTS, "customer_links": LINKS, "campaigns": CAMPAIGNS,
    "campaign_contacts": CONTACTS, "campaign_responses": RESPONSES, "manual_labels": LABELS,
}


@pytest.fixture(scope="module")
def dirty_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("dirty")
    data = write_folder(work / "data", ALL_TABLES)
    return run_dbt(["build"], work, {"raw_data_path": str(data)})


def test_every_input_row_is_kept_or_rejected(dirty_build):
    rows = dirty_build.query(
        "select source_table, input_rows, kept_rows, rejected_rows from staging.stg_row_counts")
    counts = {r[0]: r[1:] for r in rows}
    for table, text in ALL_TABLES.items():
        n_input = len(text.strip().splitlines()) - 1
        assert counts[table][0] == n_input, table
        assert counts[table][0] == counts[table][1] + counts[table][2], table


def test_each_bad_row_has_its_reason(dirty_build):
    rows = dirty_build.query(
        "select source_table, row_key, reason_code, reason, original_row from staging.stg_rejected_rows")
    for _, _, code, reason, original in rows:
        assert reason and not reason.startswith("Undocumented"), code
        assert original.startswith("{") and original.endswith("}"), original
    assert sorted([r[:3] for r in rows], key=str) == EXPECTED_REJECTIONS


def test_each_bad_optional_value_is_nulled_and_listed(dirty_build):
    values = dirty_build.query("""select source_table, row_key, column_name, reason_code
        from staging.stg_rejected_values""")
    assert sorted(values, key=str) == EXPECTED_VALUE_REJECTIONS
    kept = dirty_build.query("""select customer_id, signup_date, birth_year from staging.stg_customers
        where customer_id in ('C3', 'C4', 'C5') order by 1""")
    assert [(c, d is None, b is None) for c, d, b in kept] == [("C3", True, False), ("C4", False, True), ("C5", False, True)]
    assert dirty_build.query("select customer_id from staging.stg_orders where order_id = 'O12'") == [("C3",)]


def test_parsing_and_dedup_choices(dirty_build):
    orders = dict(dirty_build.query(
        "select order_id, cast(order_amount as double) from staging.stg_orders"))
    assert orders["O1"] == 1234.50          # "$1,234.50"
    assert orders["O7"] == 6.0              # the later version of a duplicated order wins
    ts = dirty_build.query("select cast(order_ts as varchar), channel, status from staging.stg_orders where order_id = 'O2'")[0]
    assert ts == ("2024-02-01 08:00:00", "app", "completed")  # offset converted to UTC, codes lower-cased
    c2 = dirty_build.query("select birth_year, city, member_tier from staging.stg_customers where customer_id = 'C2'")[0]
    assert c2 == (1990, "Lyon", "silver")   # the more complete duplicate is kept
    c7 = dirty_build.query("select birth_year from staging.stg_customers where customer_id = 'C7'")[0]
    assert c7 == (1980,)                    # '1980.0' parses as an integer
    as_of = dirty_build.query("select cast(as_of_date as varchar), as_of_date_source from staging.stg_as_of_date")[0]
    assert as_of == ("2024-03-02", "latest order date")


def test_missing_required_column_names_table_and_column(tmp_path):
    data = write_folder(tmp_path / "data", {
        "customers": CUSTOMERS,
        "orders": ORDERS.replace("order_amount", "amount"),
    })
    result = run_dbt(["build"], tmp_path, {"raw_data_path": str(data)}, check=False)
    assert result.returncode != 0
    assert "Table 'orders' has no column 'order_amount'" in result.output


def test_missing_required_table_says_where_it_looked(tmp_path):
    data = write_folder(tmp_path / "data", {"customers": CUSTOMERS})
    result = run_dbt(["build"], tmp_path, {"raw_data_path": str(data)}, check=False)
    assert result.returncode != 0
    assert "Required table 'orders' was not found" in result.output
    assert str(data) in result.output


def test_wrong_var_type_names_the_var(tmp_path):
    data = write_folder(tmp_path / "data", {"customers": CUSTOMERS, "orders": ORDERS})
    result = run_dbt(["build"], tmp_path, {"raw_data_path": str(data), "as_of_date": "yesterday"}, check=False)
    assert result.returncode != 0
    assert "var 'as_of_date' must be a date" in result.output
