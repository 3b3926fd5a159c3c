"""Real exports, end to end (part 1: file shape, numbers, dates): hand-written files shaped like
what shops, ERPs and databases really export — a Shopify footer line, a file cut off mid-row,
a BOM and CRLF with quoted newlines, semicolons and decimal commas, quantities written as
floats (CSV and Parquet), day/month orders decided per column. Every case builds staging only
and is judged against the record count of the file taken with Python's csv module: every
input record is kept or rejected with its reason, and a malformed line is rejected with its
line number instead of aborting the build. Part 2: test_real_exports_values.py."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from e2e.real_exports import (
    assert_reconciled,
    build_cases,
    column,
    crlf,
    error_lines,
    failed,
    malformed,
    original_text,
    records,
    rejections,
    succeeded,
)

pytestmark = pytest.mark.e2e

CUSTOMERS = "customer_id,signup_date,city\nC001,2023-01-10,Berlin\nC002,2023-02-11,Hamburg\n"

SHOPIFY_ORDERS = ("order_id,customer_id,order_ts,order_amount,status\n"
                  "#1001,C001,2024-03-01 10:00:00,25.00,completed\n"
                  "#1002,C002,2024-03-02 11:30:00,40.50,completed\n"
                  "#1003,C001,2024-03-05 09:15:00,12.00,completed\n"
                  "# exported 3 orders\n")

TRUNCATED_ORDERS = ("order_id,customer_id,order_ts,order_amount,status,channel\n"   # line 1
                    "O1,C001,2024-03-01 10:00:00,10.00,completed,web\n"              # 2
                    "O2,C001,2024-03-02 10:00:00,11.00,completed,web,EXTRA\n"        # 3: too many fields
                    "   \n"                                                          # 4: whitespace only
                    "O3,C002,2024-03-03 10:00:00,12.00,completed,app\n"              # 5
                    "O4,C002,2024-03-04 10:00:00,13.00,completed,app\n"              # 6
                    "O5,C001,2024-03-0")                                             # 7: cut off
CUT_IN_QUOTE_CUSTOMERS = ("customer_id,signup_date,city\n"
                          "C001,2023-01-10,Berlin\n"
                          "C002,2023-02-11,Hamburg\n"
                          'C003,2023-03-12,"Zür')                                    # 4: unclosed quote at EOF

BOM_CUSTOMERS = crlf("\ufeffcustomer_id,signup_date,city,email\n"          # 1
                     'C001,2023-01-05,"Paris, France",a@x.org\n'            # 2
                     'C002,2023-02-01,"Rue de la Paix\n'                    # 3
                     'Bâtiment B",b@x.org\n'                                # 4
                     "C003,2023-03-01,Lyon,c@x.org,EXTRA\n"                 # 5: too many fields
                     'C004,2023-04-01,"Nice ""Côte d\'Azur""",d@x.org\n')   # 6
BOM_ORDERS = crlf("order_id,customer_id,order_ts,order_amount\n"
                  "O1,C001,2024-03-01 10:00:00,10.00\n"
                  "O2,C002,2024-03-02 10:00:00,20.00\n"
                  "O3,C004,2024-03-03 10:00:00,30.00\n"
                  "\n")                                                    # a trailing empty line

SEMICOLON_CUSTOMERS = "customer_id;signup_date;city\nC001;2023-01-10;Köln\nC002;2023-02-11;Wien\n"
SEMICOLON_ORDERS = ("order_id;customer_id;order_ts;order_amount;discount_amount;status\n"
                    "O1;C001;2024-03-01 10:00:00;1,5;0;completed\n"
                    "O2;C001;2024-03-02 10:00:00;132,30;0,00;completed\n"
                    "O3;C002;2024-03-03 10:00:00;1.234,56;10,5;completed\n"
                    "O4;C002;2024-03-04 10:00:00;1 234,56;;completed\n"
                    'O5;C002;2024-03-05 10:00:00;"2.000.000,00";;completed\n'
                    "O6;C001;2024-03-06 10:00:00;12;;completed\n")
SEMICOLON_AMOUNTS = {"O1": 1.50, "O2": 132.30, "O3": 1234.56, "O4": 1234.56, "O5": 2000000.00, "O6": 12.00}
SEMICOLON_ITEMS = "order_id;product_id;quantity;unit_price\nO1;P1;1;1,5\nO2;P2;2;66,15\nO3;P1;1;1.234,56\n"

MIXED_ORDERS = ("order_id,customer_id,order_ts,order_amount\n"
                "O1,C001,2024-03-01 10:00:00,12.5\n"
                'O2,C001,2024-03-02 10:00:00,"132,30"\n'   # can only be a decimal comma
                "O3,C002,2024-03-03 10:00:00,20.00\n")

ITEM_ORDERS = ("order_id,customer_id,order_ts,order_amount\n"
               "O1,C001,2024-03-01 10:00:00,48.00\nO2,C001,2024-03-02 10:00:00,25.00\n"
               "O3,C002,2024-03-03 10:00:00,21.00\n")
FLOAT_ITEMS = ("order_id,product_id,quantity,unit_price\n"
               "O1,P1,3.5,10.00\n"      # not_integer
               "O1,P2,2.5,4.00\n"       # not_integer
               "O2,P1,0x1F,10.00\n"     # not_integer
               "O2,P3,3.0,5.00\n"       # 3
               "O3,P1,2,10.50\n")       # 2
PARQUET_ITEMS = [("O1", "P1", 3.5, 10.0), ("O2", "P3", 3.0, 5.0), ("O3", "P1", 2.0, 10.5), ("O3", "P2", 2.5, 1.0)]


def write_parquet_items(path: Path) -> None:
    """order_items.parquet as a warehouse export writes it: quantity a double column."""
    values = ", ".join(f"('{o}', '{p}', {q}::double, {u}::double)" for o, p, q, u in PARQUET_ITEMS)
    with duckdb.connect() as con:
        con.execute(f"copy (select * from (values {values}) t(order_id, product_id, quantity, unit_price)) "
                    f"to '{path}' (format parquet)")


# order_ts month first, decided from 31, 15 and 20; signup_date day first, decided from 13 and 28
MDY_ORDERS = ("order_id,customer_id,order_ts,order_amount\n"
              "O1,C001,03/01/2024 14:00,10\n"
              "O2,C001,12/31/2023,10\n"
              "O3,C002,02/15/2024 09:30,10\n"
              "O4,C002,04/20/2024,10\n"
              "O5,C001,25/01/2024 10:00,10\n"     # day first: conflicts with the column's order
              "O6,C002,1/3/24 10:00,10\n")        # two-digit year: 2024, never year 0024
MDY_EXPECTED = {"O1": "2024-03-01 14:00:00", "O2": "2023-12-31 00:00:00", "O3": "2024-02-15 09:30:00",
                "O4": "2024-04-20 00:00:00"}
DMY_CUSTOMERS = "customer_id,signup_date,city\nC001,13/01/2023,Lyon\nC002,01/02/2023,Nice\nC003,28/02/2023,Metz\n"
DMY_EXPECTED = {"C001": "2023-01-13", "C002": "2023-02-01", "C003": "2023-02-28"}
OVERRIDE_ORDERS = ("order_id,customer_id,order_ts,order_amount\n"
                   "O1,C001,01/02/2024 10:00,10\n"    # mdy: 2 January
                   "O2,C002,04/05/2024,10\n"          # mdy: 5 April
                   "O3,C001,13/01/2024,10\n")         # no month 13: not a date under mdy
OVERRIDE_CUSTOMERS = "customer_id,signup_date,city\nC001,05/06/2023,Lyon\nC002,11/12/2022,Nice\n"

CASES = {
    "shopify": ({"customers.csv": CUSTOMERS, "orders.csv": SHOPIFY_ORDERS}, {}),
    "truncated": ({"customers.csv": CUT_IN_QUOTE_CUSTOMERS, "orders.csv": TRUNCATED_ORDERS}, {}),
    "bom_crlf": ({"customers.csv": BOM_CUSTOMERS, "orders.csv": BOM_ORDERS}, {}),
    "semicolon": ({"customers.csv": SEMICOLON_CUSTOMERS, "orders.csv": SEMICOLON_ORDERS,
                   "order_items.csv": SEMICOLON_ITEMS}, {"csv_delimiter": ";", "decimal_separator": ","}),
    "mixed_decimals": ({"customers.csv": CUSTOMERS, "orders.csv": MIXED_ORDERS}, {}),
    "float_items": ({"customers.csv": CUSTOMERS, "orders.csv": ITEM_ORDERS, "order_items.csv": FLOAT_ITEMS}, {}),
    "parquet_items": ({"customers.csv": CUSTOMERS, "orders.csv": ITEM_ORDERS,
                       "order_items.parquet": write_parquet_items}, {}),
    "dates_auto": ({"customers.csv": DMY_CUSTOMERS, "orders.csv": MDY_ORDERS}, {}),
    "dates_mdy": ({"customers.csv": OVERRIDE_CUSTOMERS, "orders.csv": OVERRIDE_ORDERS}, {"date_order": "mdy"}),
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    return build_cases(tmp_path_factory.mktemp("real_exports"), CASES)


def built(builds, name):
    return succeeded(builds[name], name)


def test_shopify_order_ids_and_footer_line(builds):
    build = built(builds, "shopify")
    n_orders = records(SHOPIFY_ORDERS)
    assert n_orders == 4   # three orders and the footer, as the csv module reads it
    counts = assert_reconciled(build, {"customers": records(CUSTOMERS), "orders": n_orders})
    assert counts["orders"] == (4, 3, 1), counts["orders"]
    assert sorted(column(build, "orders", "order_id", "order_amount")) == ["#1001", "#1002", "#1003"]
    [(_, reason, line, original)] = rejections(build, "orders")
    assert (reason, line) == ("malformed_line", 5)
    assert "# exported 3 orders" in original_text(original)


def test_file_cut_off_mid_row_keeps_the_earlier_rows(builds):
    build = built(builds, "truncated")
    counts = assert_reconciled(build, {"customers": records(CUT_IN_QUOTE_CUSTOMERS), "orders": records(TRUNCATED_ORDERS)})
    assert records(TRUNCATED_ORDERS) == 6
    assert sorted(column(build, "orders", "order_id", "order_amount")) == ["O1", "O3", "O4"]
    assert counts["orders"] == (6, 3, 3)
    assert malformed(build, "orders") == [3, 4, 7]
    texts = {line: original_text(orig) for _, reason, line, orig in rejections(build, "orders")}
    assert "EXTRA" in texts[3] and "2024-03-0" in texts[7], texts
    # the customers file ends inside a quoted field
    assert sorted(column(build, "customers", "customer_id", "city")) == ["C001", "C002"]
    assert counts["customers"] == (3, 2, 1)
    assert malformed(build, "customers") == [4]


def test_bom_crlf_quoted_newlines_and_a_trailing_empty_line(builds):
    build = built(builds, "bom_crlf")
    assert records(BOM_CUSTOMERS) == 4 and records(BOM_ORDERS) == 3
    counts = assert_reconciled(build, {"customers": 4, "orders": {3, 4}})
    cities = column(build, "customers", "customer_id", "city")
    assert sorted(cities) == ["C001", "C002", "C004"], cities   # header found despite the BOM
    assert cities["C001"] == "Paris, France"
    assert cities["C002"].replace("\r\n", "\n") == "Rue de la Paix\nBâtiment B"
    assert cities["C004"] == "Nice \"Côte d'Azur\""
    emails = sorted(column(build, "customers", "customer_id", "email").values())
    assert emails == ["a@x.org", "b@x.org", "d@x.org"], emails   # no '\r' left at the line ends
    assert counts["customers"] == (4, 3, 1)
    # the line after a two-line record keeps its own line number in the file
    assert malformed(build, "customers") == [5]
    # the trailing empty line is no order (at most a malformed_line, never a lost or extra order)
    assert counts["orders"][1] == 3
    assert all(reason == "malformed_line" for _, reason, _, _ in rejections(build, "orders"))


def test_semicolons_and_decimal_commas(builds):
    build = built(builds, "semicolon")
    assert_reconciled(build, {"customers": records(SEMICOLON_CUSTOMERS, ";"), "orders": records(SEMICOLON_ORDERS, ";"),
                              "order_items": records(SEMICOLON_ITEMS, ";")})
    amounts = {k: round(float(v), 2) for k, v in column(build, "orders", "order_id", "order_amount").items()}
    assert amounts == SEMICOLON_AMOUNTS
    discounts = {k: round(float(v), 2) for k, v in column(build, "orders", "order_id", "discount_amount").items()}
    assert discounts["O3"] == 10.50 and discounts["O2"] == 0
    prices = sorted(round(float(p), 2) for (p,) in build.query("select unit_price from staging.stg_order_items"))
    assert prices == [1.50, 66.15, 1234.56]
    assert column(build, "customers", "customer_id", "city") == {"C001": "Köln", "C002": "Wien"}


def test_mixed_decimal_conventions_stop_the_build(builds):
    output = failed(builds["mixed_decimals"], "mixed_decimals")
    for needle in ("orders", "order_amount", "132,30", "decimal_separator"):
        assert needle in output, (needle, error_lines(builds["mixed_decimals"]))


def test_fractional_quantities_are_not_integers(builds):
    build = built(builds, "float_items")
    counts = assert_reconciled(build, {"customers": 2, "orders": 3, "order_items": records(FLOAT_ITEMS)})
    assert counts["order_items"] == (5, 2, 3)
    rejected = sorted((key, reason) for key, reason, _, _ in rejections(build, "order_items"))
    assert rejected == [("O1:P1", "not_integer"), ("O1:P2", "not_integer"), ("O2:P1", "not_integer")]
    kept = build.query("select order_id, product_id, quantity from staging.stg_order_items order by 1, 2")
    assert [(o, p, int(q)) for o, p, q in kept] == [("O2", "P3", 3), ("O3", "P1", 2)]
    assert all(float(q) == int(q) for _, _, q in kept)


def test_fractional_quantities_from_parquet_doubles(builds):
    build = built(builds, "parquet_items")
    path = Path(builds["parquet_items"].db_path).parent / "data" / "order_items.parquet"
    with duckdb.connect() as con:   # the file's own row count, read independently of staging
        n_items = con.execute(f"select count(*) from '{path}'").fetchone()[0]
    assert n_items == len(PARQUET_ITEMS)
    counts = assert_reconciled(build, {"customers": 2, "orders": 3, "order_items": n_items})
    assert counts["order_items"] == (4, 2, 2)
    rejected = sorted((key, reason) for key, reason, _, _ in rejections(build, "order_items"))
    assert rejected == [("O1:P1", "not_integer"), ("O3:P2", "not_integer")]
    kept = build.query("select order_id, product_id, quantity from staging.stg_order_items order by 1, 2")
    assert [(o, p, int(q)) for o, p, q in kept] == [("O2", "P3", 3), ("O3", "P1", 2)]


def test_date_order_is_decided_per_column(builds):
    build = built(builds, "dates_auto")
    counts = assert_reconciled(build, {"customers": records(DMY_CUSTOMERS), "orders": records(MDY_ORDERS)})
    order_ts = {k: str(v) for k, v in column(build, "orders", "order_id", "order_ts").items()}
    for order_id, want in MDY_EXPECTED.items():
        assert order_ts.get(order_id) == want, (order_id, order_ts)
    signups = {k: str(v) for k, v in column(build, "customers", "customer_id", "signup_date").items()}
    assert signups == DMY_EXPECTED
    reasons = {key: reason for key, reason, _, _ in rejections(build, "orders")}
    assert reasons.get("O5") == "ambiguous_date", reasons
    assert "O5" not in order_ts
    # '1/3/24': 3 January 2024 under the column's month-first order, or rejected; never year 24
    if "O6" in order_ts:
        assert order_ts["O6"].startswith("2024-"), order_ts["O6"]
    else:
        assert reasons["O6"] in ("unparseable_date", "ambiguous_date"), reasons
    assert counts["orders"][0] == 6


def test_date_order_var_overrides_the_guess(builds):
    build = built(builds, "dates_mdy")
    assert_reconciled(build, {"customers": records(OVERRIDE_CUSTOMERS), "orders": records(OVERRIDE_ORDERS)})
    order_ts = {k: str(v) for k, v in column(build, "orders", "order_id", "order_ts").items()}
    assert order_ts == {"O1": "2024-01-02 10:00:00", "O2": "2024-04-05 00:00:00"}, order_ts
    reasons = {key: reason for key, reason, _, _ in rejections(build, "orders")}
    assert reasons == {"O3": reasons.get("O3")} and reasons["O3"] in ("ambiguous_date", "unparseable_date"), reasons
    signups = {k: str(v) for k, v in column(build, "customers", "customer_id", "signup_date").items()}
    assert signups == {"C001": "2023-05-06", "C002": "2022-11-12"}
