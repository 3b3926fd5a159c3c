"""Real exports, end to end (part 2: ids, null tokens, bad optional values, as_of_date,
encodings, header-less and database-dump files). Hand-written files, staging only, judged
against the records of the files counted with Python's csv module (see test_real_exports.py)."""
from __future__ import annotations

import re

import pytest
from e2e.real_exports import assert_reconciled, build_cases, column, error_lines, failed, records, rejections, succeeded

pytestmark = pytest.mark.e2e

ID_CUSTOMERS = ("customer_id,signup_date,city\n"
                "C0001,2023-01-01,Oslo\n"
                "C0002,2023-01-02,Bergen\n"
                "c0002,2023-01-02,Bergen\n"          # the same customer when ids ignore case
                "C0003\t,2023-01-03,Tromsø\n"        # a tab after the id
                "\u00a0C0004,2023-01-04,Bodø\n"      # a non-breaking space before it
                "0042,2023-01-05,Molde\n"
                "42,2023-01-06,Hamar\n")             # collides with 0042 after normalisation; kept apart
ID_ORDERS = ("order_id,customer_id,order_ts,order_amount\n"
             "O1,C0001,2024-03-01 10:00:00,10\n"
             "O2,c0002,2024-03-02 10:00:00,20\n"
             "O3,C0002,2024-03-03 10:00:00,30\n"
             "O4,C0003,2024-03-04 10:00:00,40\n"
             "O5,c0004 ,2024-03-05 10:00:00,50\n"
             "O6,\u00a0C0001\u2003,2024-03-06 10:00:00,60\n"
             "O7,42,2024-03-07 10:00:00,70\n"
             "O8,0042,2024-03-08 10:00:00,80\n")
# order -> the customer it belongs to, ids compared without case
ID_OWNERS = {"O1": "c0001", "O2": "c0002", "O3": "c0002", "O4": "c0003", "O5": "c0004", "O6": "c0001",
             "O7": "42", "O8": "0042"}

NULL_CUSTOMERS = ("customer_id,signup_date,birth_year,city\n"
                  "C01,NULL,1980,Oslo\n"
                  "C02,\\N,N/A,Oslo\n"
                  "C03,0000-00-00,NaN,Oslo\n"
                  "C04, null ,None,Oslo\n"
                  "C05,not a date,1985,Oslo\n"       # bad optional value: nulled, ledger row, kept
                  "C06,2023-05-01,abc,Oslo\n"        # idem
                  "C07,2023-05-02,1990,N/A\n")
NULL_ORDERS = ("order_id,customer_id,order_ts,order_amount,discount_amount,status\n"
               "O01,C01,2024-03-01 10:00:00,10.00,NULL,completed\n"
               "O02,C02,2024-03-02 10:00:00,20.50,\\N,completed\n"
               "O03,C03,2024-03-03 10:00:00,30.25,x,completed\n"
               "O04,C04,2024-03-04 10:00:00,40.00,N/A,completed\n"
               "O05,C05,2024-03-05 10:00:00,5.75,0,completed\n"
               "O06,C06,2024-03-06 10:00:00,6.00,,completed\n"
               "O07,C07,2024-03-07 10:00:00,7.00,1.00,completed\n")

LATE_ORDERS = "order_id,customer_id,order_ts,order_amount\n" + "".join(
    f"O{i},C001,2024-03-0{i} 10:00:00,10\n" for i in range(1, 8))
PLAIN_CUSTOMERS = "customer_id,signup_date,city\nC001,,Berlin\nC002,,Hamburg\n"
PLAIN_ORDERS = "order_id,customer_id,order_ts,order_amount\nO1,C001,2024-03-01 10:00:00,10\nO2,C002,2024-03-02 10:00:00,20\n"

LATIN1_CUSTOMERS = "customer_id,signup_date,city\nC001,2023-01-01,Zürich\nC002,2023-01-02,Genève\n".encode("latin-1")
# Excel's "Unicode text": UTF-16 with a BOM, tab-separated
UTF16_CUSTOMERS = "customer_id\tsignup_date\tcity\nC001\t2023-01-01\tKraków\nC002\t2023-01-02\t東京\n".encode("utf-16")
UTF16_ORDERS = ("order_id\tcustomer_id\torder_ts\torder_amount\nO1\tC001\t2024-03-01 10:00:00\t10\n"
                "O2\tC002\t2024-03-02 10:00:00\t20\n").encode("utf-16")

# no header: every contract column, in contract order
HEADERLESS_CUSTOMERS = ("C001,2023-01-01,1980,female,Lyon,south,email,gold,a@x.org,+33 1\n"
                        "C002,2023-01-02,1981,male,Nice,south,organic,,b@x.org,\n")
HEADERLESS_ORDERS = ("O1,C001,2024-03-01 10:00:00,10.00,0,completed,web\n"
                     "O2,C002,2024-03-02 10:00:00,20.00,,completed,app\n"
                     "O3,C001,2024-03-03 10:00:00,30.00,1.00,cancelled,store\n")

# MySQL SELECT ... INTO OUTFILE style: every field quoted, backslash escapes, \N for null,
# comment lines before the header
DUMP_CUSTOMERS = ("# export of shop.customers, 2024-06-30 02:00\n"
                  "# rows: 3\n"
                  "customer_id,signup_date,city\n"
                  '"C001","2023-01-05","Saint \\"Martin\\""\n'
                  '"C002",\\N,"Back\\\\slash"\n'
                  '"C003","2023-03-01","Lyon"\n')
DUMP_ORDERS = ("# export of shop.orders\n"
               "order_id,customer_id,order_ts,order_amount\n"
               '"O1","C001","2024-03-01 10:00:00","10.00"\n'
               '"O2","C003","2024-03-02 10:00:00","20.00"\n')

CASES = {
    "ids_ci": ({"customers.csv": ID_CUSTOMERS, "orders.csv": ID_ORDERS}, {"case_insensitive_ids": True}),
    "ids_default": ({"customers.csv": ID_CUSTOMERS, "orders.csv": ID_ORDERS}, {}),
    "null_tokens": ({"customers.csv": NULL_CUSTOMERS, "orders.csv": NULL_ORDERS}, {}),
    "as_of_before": ({"customers.csv": PLAIN_CUSTOMERS, "orders.csv": LATE_ORDERS}, {"as_of_date": "2020-01-01"}),
    "as_of_no_such_day": ({"customers.csv": PLAIN_CUSTOMERS, "orders.csv": PLAIN_ORDERS}, {"as_of_date": "2024-13-45"}),
    "as_of_word": ({"customers.csv": PLAIN_CUSTOMERS, "orders.csv": PLAIN_ORDERS}, {"as_of_date": "yesterday"}),
    "latin1": ({"customers.csv": LATIN1_CUSTOMERS, "orders.csv": PLAIN_ORDERS}, {"csv_encoding": "latin-1"}),
    "latin1_as_utf8": ({"customers.csv": LATIN1_CUSTOMERS, "orders.csv": PLAIN_ORDERS}, {}),
    "utf16": ({"customers.csv": UTF16_CUSTOMERS, "orders.csv": UTF16_ORDERS},
              {"csv_encoding": "utf-16", "csv_delimiter": "\t"}),
    "headerless": ({"customers.csv": HEADERLESS_CUSTOMERS, "orders.csv": HEADERLESS_ORDERS}, {"csv_header": False}),
    "db_dump": ({"customers.csv": DUMP_CUSTOMERS, "orders.csv": DUMP_ORDERS}, {"csv_escape": "\\", "csv_comment": "#"}),
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    return build_cases(tmp_path_factory.mktemp("real_exports_values"), CASES)


def built(builds, name):
    return succeeded(builds[name], name)


def owners(build) -> dict[str, str]:
    """order (upper-cased: case_insensitive_ids may fold every id) -> lower-cased id of the kept
    customer it attaches to."""
    return dict(build.query("""select upper(o.order_id), lower(c.customer_id) from staging.stg_orders o
        inner join staging.stg_customers c on o.customer_id = c.customer_id"""))


def test_ids_ignoring_case_join_one_customer_each(builds):
    build = built(builds, "ids_ci")
    counts = assert_reconciled(build, {"customers": records(ID_CUSTOMERS), "orders": records(ID_ORDERS)})
    ids = sorted(i for (i,) in build.query("select customer_id from staging.stg_customers"))
    assert len(ids) == len(set(ids)) == 6, ids   # C0002 and c0002 are one customer; no phantom customers
    assert sorted(i.lower() for i in ids) == ["0042", "42", "c0001", "c0002", "c0003", "c0004"], ids
    assert counts["customers"] == (7, 6, 1)
    [(key, reason, _, _)] = rejections(build, "customers")
    assert reason in ("duplicate_key", "duplicate_row") and key.lower() == "c0002", (key, reason)
    assert counts["orders"] == (8, 8, 0)
    assert owners(build) == ID_OWNERS


def test_ids_are_trimmed_of_unicode_whitespace_by_default(builds):
    build = built(builds, "ids_default")
    counts = assert_reconciled(build, {"customers": records(ID_CUSTOMERS), "orders": records(ID_ORDERS)})
    ids = sorted(i for (i,) in build.query("select customer_id from staging.stg_customers"))
    assert ids == sorted(["C0001", "C0002", "c0002", "C0003", "C0004", "0042", "42"]), ids
    assert counts["customers"] == (7, 7, 0)
    # case matters by default: 'c0004 ' (trimmed) is not C0004
    assert [(k, r) for k, r, _, _ in rejections(build, "orders")] == [("O5", "unknown_customer")]
    exact = dict(build.query("select order_id, customer_id from staging.stg_orders"))
    assert exact == {"O1": "C0001", "O2": "c0002", "O3": "C0002", "O4": "C0003", "O6": "C0001",
                     "O7": "42", "O8": "0042"}
    # ids that collide after normalisation (case, whitespace, leading zeros) are kept apart, with a warning
    assert re.search(r"WARN=[1-9]", builds["ids_default"].output), error_lines(builds["ids_default"])


def test_null_tokens_are_null_and_bad_optional_values_are_ledgered(builds):
    build = built(builds, "null_tokens")
    counts = assert_reconciled(build, {"customers": records(NULL_CUSTOMERS), "orders": records(NULL_ORDERS)})
    assert counts["customers"] == (7, 7, 0) and counts["orders"] == (7, 7, 0), counts
    signup = column(build, "customers", "customer_id", "signup_date")
    birth = column(build, "customers", "customer_id", "birth_year")
    assert {c for c, v in signup.items() if v is None} == {"C01", "C02", "C03", "C04", "C05"}, signup
    assert {c for c, v in birth.items() if v is None} == {"C02", "C03", "C04", "C06"}, birth
    assert column(build, "customers", "customer_id", "city")["C07"] is None
    ledger = sorted(build.query("""select source_table, row_key, column_name, raw_value, reason_code, reason
        from staging.stg_rejected_values"""))
    assert [row[:4] for row in ledger] == [("customers", "C05", "signup_date", "not a date"),
                                           ("customers", "C06", "birth_year", "abc"),
                                           ("orders", "O03", "discount_amount", "x")], ledger
    assert all(code and reason for *_, code, reason in ledger), ledger
    # every order kept, with its customer; revenue is the file's total
    total = round(sum(float(line.split(",")[3]) for line in NULL_ORDERS.splitlines()[1:]), 2)
    assert round(float(build.query("select sum(order_amount) from staging.stg_orders")[0][0]), 2) == total == 119.50
    assert len(owners(build)) == 7
    assert float(column(build, "orders", "order_id", "discount_amount")["O03"] or 0) == 0


def test_as_of_date_before_all_the_data_stops_the_build(builds):
    output = failed(builds["as_of_before"], "as_of_before")
    assert "as_of_date" in output
    n_late = records(LATE_ORDERS)   # every order of the file lies after 2020-01-01
    assert re.search(rf"\b{n_late}\b[^\n]*(row|order|after)", output, re.I), error_lines(builds["as_of_before"])


@pytest.mark.parametrize("name", ["as_of_no_such_day", "as_of_word"])
def test_malformed_as_of_date_names_the_var(builds, name):
    output = failed(builds[name], name)
    assert "as_of_date" in error_lines(builds[name]) or "as_of_date" in output[-3000:], error_lines(builds[name])


def test_latin1_file_with_csv_encoding(builds):
    build = built(builds, "latin1")
    assert_reconciled(build, {"customers": records(LATIN1_CUSTOMERS, encoding="latin-1"), "orders": records(PLAIN_ORDERS)})
    assert column(build, "customers", "customer_id", "city") == {"C001": "Zürich", "C002": "Genève"}


def test_latin1_file_read_as_utf8_fails_instead_of_garbling(builds):
    result = builds["latin1_as_utf8"]
    if result.returncode == 0:   # a build that passes must at least not have garbled the names
        cities = column(result, "customers", "customer_id", "city")
        pytest.fail(f"a Latin-1 file read as UTF-8 built without error: {cities}")


def test_utf16_tab_separated_excel_export(builds):
    build = built(builds, "utf16")
    assert_reconciled(build, {"customers": records(UTF16_CUSTOMERS, "\t", "utf-16"),
                              "orders": records(UTF16_ORDERS, "\t", "utf-16")})
    assert column(build, "customers", "customer_id", "city") == {"C001": "Kraków", "C002": "東京"}


def test_headerless_files_take_the_contract_column_order(builds):
    build = built(builds, "headerless")
    counts = assert_reconciled(build, {"customers": records(HEADERLESS_CUSTOMERS, header=False),
                                       "orders": records(HEADERLESS_ORDERS, header=False)})
    assert counts["customers"] == (2, 2, 0) and counts["orders"] == (3, 3, 0)   # the first line is data
    assert column(build, "customers", "customer_id", "city") == {"C001": "Lyon", "C002": "Nice"}
    amounts = {k: round(float(v), 2) for k, v in column(build, "orders", "order_id", "order_amount").items()}
    assert amounts == {"O1": 10.0, "O2": 20.0, "O3": 30.0}
    assert column(build, "orders", "order_id", "status")["O3"] == "cancelled"


def test_database_dump_with_escapes_and_comment_lines(builds):
    build = built(builds, "db_dump")
    n_customers = records(DUMP_CUSTOMERS, comment="#", escape="\\")
    assert n_customers == 3
    assert_reconciled(build, {"customers": n_customers, "orders": records(DUMP_ORDERS, comment="#", escape="\\")})
    cities = column(build, "customers", "customer_id", "city")
    assert cities == {"C001": 'Saint "Martin"', "C002": "Back\\slash", "C003": "Lyon"}, cities
    assert column(build, "customers", "customer_id", "signup_date")["C002"] is None   # \N
    assert sorted(column(build, "orders", "order_id", "customer_id").items()) == [("O1", "C001"), ("O2", "C003")]
