"""The folders of tests/e2e/test_hostile_input.py: degenerate tables, the value-level dirt with the
reason staging must give each bad row, and the contract and configuration errors.

Each case is a folder of contract CSV tables (``{table: text}``) and the vars of its build."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from customer_activation.contract import TABLES as CONTRACT_TABLES

AS_OF = "2024-06-30"

HEADERS = {
    "customers": ["customer_id", "signup_date", "birth_year", "gender", "city", "region",
                  "acquisition_channel", "member_tier", "email", "phone"],
    "orders": ["order_id", "customer_id", "order_ts", "order_amount", "discount_amount", "status", "channel"],
    "order_items": ["order_id", "product_id", "quantity", "unit_price"],
    "products": ["product_id", "category", "subcategory", "brand"],
    "events": ["customer_id", "event_ts", "event_type", "product_id", "category"],
    "customer_links": ["customer_id", "linked_customer_id", "link_type", "linked_at"],
    "campaigns": ["campaign_id", "campaign_name", "objective", "channel", "start_date", "end_date",
                  "cost_per_contact", "fixed_cost", "response_window_days"],
    "campaign_contacts": ["campaign_id", "customer_id", "arm", "phase", "contacted_at", "predicted_response"],
    "campaign_responses": ["campaign_id", "customer_id", "responded_at", "response_type", "revenue"],
    "manual_labels": ["customer_id", "label_name", "label_value", "labeled_at", "labeled_by"],
    "consents": ["customer_id", "channel", "status", "updated_at"],
}
# every contract table (the macro contract(), parsed): a table added there is counted here too
TABLES = list(CONTRACT_TABLES)
assert set(HEADERS) == set(TABLES), f"hostile_cases.HEADERS needs a header for {set(TABLES) - set(HEADERS)}"
LONG = "Ω" + "x" * 9998 + "Ω"   # 10,000 characters


# ---------------------------------------------------------------------------------------------
# folders

def csv_text(table: str, rows: list[list]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADERS[table])
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buf.getvalue()


def n_data_rows(text: str) -> int:
    return len(list(csv.reader(io.StringIO(text)))) - 1


def day(offset: int, start: date = date(2023, 7, 1)) -> str:
    return (start + timedelta(days=offset)).isoformat()


def plain_customers(n: int) -> list[list]:
    regions = ["north", "south", "east", "west"]
    return [[f"C{i:03d}", day(-400 + i), 1950 + i % 50, ["female", "male"][i % 2], f"city{i % 7}",
             regions[i % 4], ["organic", "paid_search", "email"][i % 3], ["silver", "gold", ""][i % 3],
             f"c{i}@example.com", f"+33 1 {i:04d}"] for i in range(1, n + 1)]


def plain_shop(n_customers: int, orders_per_customer: int, one_day: str | None = None) -> dict[str, list[list]]:
    """A small clean shop; with one_day, every order is on that day (at different times)."""
    rng = random.Random(n_customers * 100 + orders_per_customer)
    categories = ["books", "garden", "toys", "home"]
    products = [[f"P{j}", categories[j % 4], f"sub{j % 3}", f"brand{j % 5}"] for j in range(12)]
    orders, items, events = [], [], []
    for i in range(1, n_customers + 1):
        cid = f"C{i:03d}"
        for k in range(orders_per_customer):
            oid = f"O{i:03d}_{k}"
            if one_day:
                ts = f"{one_day} {(i + k) % 24:02d}:{(7 * k) % 60:02d}:00"
            else:
                ts = f"{day(rng.randrange(0, 365))} 1{k % 10}:00:00"
            status = "completed" if rng.random() < 0.85 else rng.choice(["cancelled", "returned"])
            qty, price = rng.randint(1, 3), rng.choice([5, 12.5, 20, 99.99])
            product = rng.choice(products)[0]
            orders.append([oid, cid, ts, f"{qty * price:.2f}", "0", status, rng.choice(["web", "app", "store"])])
            items.append([oid, product, qty, price])
        for k in range(3):
            events.append([cid, f"{day(rng.randrange(0, 365))} 09:{k:02d}:00", rng.choice(["view", "click", "cart"]),
                           rng.choice(products)[0], ""])
    return {"customers": plain_customers(n_customers), "orders": orders, "order_items": items,
            "products": products, "events": events}


def empty_case() -> dict[str, str]:
    return {table: csv_text(table, []) for table in TABLES}


def no_orders_case() -> dict[str, str]:
    return {"customers": csv_text("customers", plain_customers(30)), "orders": csv_text("orders", [])}


def single_customer_case() -> dict[str, str]:
    shop = plain_shop(1, 8)
    shop["manual_labels"] = [["C001", "churn_risk", "low", "2024-06-01", "ann"]]
    return {table: csv_text(table, rows) for table, rows in shop.items()}


def one_day_case() -> dict[str, str]:
    shop = plain_shop(40, 3, one_day="2024-06-15")
    return {table: csv_text(table, rows) for table, rows in shop.items()}


def all_null_case() -> dict[str, str]:
    """Every optional column present and empty in every table (required ones filled)."""
    shop = plain_shop(40, 4)
    n = 40
    customers = [[f"C{i:03d}"] + [None] * 9 for i in range(1, n + 1)]
    orders = [[o[0], o[1], o[2], o[3], None, None, None] for o in shop["orders"]]
    products = [[p[0], p[1], None, None] for p in shop["products"]]
    events = [[e[0], e[1], e[2], None, None] for e in shop["events"]]
    links = [[f"C{i:03d}", f"C{i + 1:03d}", None, None] for i in range(1, n, 3)]
    campaigns = [["K1", None, None, None, "2024-03-01", None, None, None, None]]
    contacts = [["K1", f"C{i:03d}", "treatment" if i % 2 else "control", None, None, None] for i in range(1, n + 1)]
    responses = [["K1", f"C{i:03d}", "2024-03-10", None, None] for i in range(1, n + 1, 4)]
    labels = [[f"C{i:03d}", "churn_risk", "high", None, None] for i in range(1, n + 1, 5)]
    return {"customers": csv_text("customers", customers), "orders": csv_text("orders", orders),
            "order_items": csv_text("order_items", shop["order_items"]), "products": csv_text("products", products),
            "events": csv_text("events", events), "customer_links": csv_text("customer_links", links),
            "campaigns": csv_text("campaigns", campaigns), "campaign_contacts": csv_text("campaign_contacts", contacts),
            "campaign_responses": csv_text("campaign_responses", responses),
            "manual_labels": csv_text("manual_labels", labels)}


# The value-level dirt. Formats are cycled over the good rows; every bad row is listed with the
# reason staging must give it.
SIGNUP_FORMATS = [  # (text, the date it means)
    ("2023-01-05", "2023-01-05"), ("05/01/2023", "2023-01-05"), ("2023/01/05", "2023-01-05"),
    ("2023-01-05T23:30:00-05:00", "2023-01-06"), ("20230105", "2023-01-05"), ("05.01.2023", "2023-01-05"),
]
ORDER_TS_FORMATS = [  # (text, UTC timestamp)
    ("2024-01-01 10:00:00", "2024-01-01 10:00:00"), ("2024-01-01T10:00:00Z", "2024-01-01 10:00:00"),
    ("2024-01-01T10:00:00+09:00", "2024-01-01 01:00:00"), ("2024-01-01T22:00:00-05:00", "2024-01-02 03:00:00"),
    ("01/02/2024 10:00", "2024-02-01 10:00:00"), ("2024/01/02 10:00:00", "2024-01-02 10:00:00"),
    ("02.01.2024", "2024-01-02 00:00:00"), ("20240102", "2024-01-02 00:00:00"),
    ("2024-01-01 10:00:00 America/New_York", "2024-01-01 15:00:00"),
]
AMOUNT_FORMATS = [  # (text, value)
    ("12.50", 12.5), ("$1,234.50", 1234.5), ("€ 12", 12.0), ("£1,000", 1000.0), ("¥ 1,000,000", 1000000.0),
    (" 99 ", 99.0), ("1,234,567.89", 1234567.89), ("1e3", 1000.0),
]
STATUSES = [("completed", "completed"), ("Completed ", "completed"), ("CANCELLED", "cancelled"),
            ("returned", "returned"), ("", "completed")]  # blank = var default_order_status
CITIES = ["São Paulo", "Zürich", "東京", "القاهرة", "Ωmega 🙂", "Kraków", "plain"]
REGIONS = ["Île-de-France", "Bayern", "関東", "東北", "north"]   # 関東 and 東北 have no ASCII letters
CATEGORIES = ["Electronics", " electronics ", "Küche", "k che", "家電", "玩具", LONG, "UNKNOWN-CODE-99", ""]
LONG_ID = "L" + "y" * 9999


def dirty_case() -> tuple[dict[str, str], list[tuple[str, str | None, str]], dict[str, int], dict]:
    rng = random.Random(8)
    expected: list[tuple[str, str | None, str]] = []   # (table, row_key, reason) of every rejected row
    # (table, row_key, column, reason) of every bad optional value: nulled, the row kept
    facts: dict = {"amount": {}, "order_ts": {}, "signup": {}, "values": []}

    # customers: 40 good ones, every format and odd value, then the bad ones
    customers = []
    for i in range(1, 41):
        cid = f"C{i:03d}"
        text, meant = SIGNUP_FORMATS[i % len(SIGNUP_FORMATS)]
        facts["signup"][cid] = meant
        customers.append([
            cid, text, "1985.0" if i == 7 else (1900 if i == 8 else 1950 + i),
            ["female", "MALE", " Female ", "x", "non-binary", "女"][i % 6],
            LONG if i == 10 else CITIES[i % len(CITIES)], LONG if i == 11 else REGIONS[i % len(REGIONS)],
            ["organic", "carrier pigeon", "TikTok", ""][i % 4], ["gold", "Platinum✨", ""][i % 3],
            "ü@例え.jp" if i == 12 else f"c{i}@example.com", "+81 3 1234" if i % 2 else ""])
    # one signup that can only be day-first decides the column's order: 05/01/2023 is 5 January
    customers[19][1] = "25/01/2023"
    facts["signup"]["C020"] = "2023-01-25"
    customers[4] = ["C005", "2023-01-05", 1980, "female", "Berlin", "north", "email", "gold", "c5@x.org", "1"]
    customers.append(["C005", "2023-01-05", 1980, "male", "Bern", "south", "email", "gold", "c5@x.org", "1"])
    expected.append(("customers", "C005", "duplicate_key"))       # conflicting copy: lexically larger
    customers += [[" C046 ", "2023-02-01", 1970, "male", "Oslo", "north", "", "", "", ""],  # trimmed, kept
                  ["Ç047", "2023-02-01", 1971, "female", "Porto", "south", "", "", "", ""],
                  [LONG_ID, "2023-02-01", 1972, "female", "Porto", "south", "", "", "", ""]]
    # bad optional values are nulled and listed (the customer is kept); a bad key rejects the row
    for cid, signup, birth, column, reason in [("C041", "2023-01-01", "2200", "birth_year", "invalid_range"),
                                               ("C042", "2023-01-01", "1850", "birth_year", "invalid_range"),
                                               ("C043", "1900-01-01", "1980", "signup_date", "before_min_date"),
                                               ("C045", "Mon, 01 Jan 2024", "1980", "signup_date", "unparseable_date"),
                                               ("", "2023-01-01", "1980", None, "missing_key")]:
        customers.append([cid, signup, birth, "female", "Oslo", "north", "", "", "", ""])
        if column:
            facts["values"].append(("customers", cid, column, reason))
        else:
            expected.append(("customers", None, reason))
    # a signup after as_of_date: not a customer yet (rejected, like an order after it)
    customers.append(["C044", "2200-01-01", "1980", "female", "Oslo", "north", "", "", "", ""])
    expected.append(("customers", "C044", "after_as_of_date"))
    good_customers = [f"C{i:03d}" for i in range(1, 41) if i not in (41,)] + ["C046", "Ç047", LONG_ID]

    # products: Unicode, a 10,000-character category, two categories that slug alike, unknown codes
    products = [[f"P{j}", CATEGORIES[j % len(CATEGORIES)], ["phones", "", "ツール"][j % 3], ["Acme", "", "Zed™"][j % 3]]
                for j in range(18)]
    products[1] = ["P1", "Electronics", "phones", "Acme"]
    products.append(["P1", "Garden", "tools", "Zed"])
    expected.append(("products", "P1", "duplicate_key"))
    product_ids = [p[0] for p in products]

    # orders: four per good customer, cycling timestamp, amount and status formats
    orders, items = [], []
    n = 0
    for cid in good_customers:
        for _ in range(4):
            oid = f"O{n:04d}"
            ts_text, ts_utc = ORDER_TS_FORMATS[n % len(ORDER_TS_FORMATS)]
            if n % 3:   # spread most orders over the year (ISO), keep the formats on the others
                when = datetime(2023, 7, 1, 8) + timedelta(days=rng.randrange(0, 360), minutes=n)
                ts_text, ts_utc = when.isoformat(sep=" "), when.isoformat(sep=" ")
            amount_text, amount = AMOUNT_FORMATS[n % len(AMOUNT_FORMATS)]
            status_text, _ = STATUSES[n % len(STATUSES)]
            facts["amount"][oid], facts["order_ts"][oid] = amount, ts_utc
            orders.append([oid, cid.strip(), ts_text, amount_text, "0", status_text,
                           ["web", "APP", "网店", "carrier pigeon"][n % 4]])
            items.append([oid, rng.choice(product_ids), ["2", "2.0", " 1 "][n % 3], ["$10.00", "1,000.00", "5"][n % 3]])
            n += 1
    # one order time that can only be day-first decides the column's order (02.01.2024 is 2 January)
    orders.append(["O_DMY", "C002", "25.12.2023 08:00", "7", "", "completed", "web"])
    facts["amount"]["O_DMY"], facts["order_ts"]["O_DMY"] = 7.0, "2023-12-25 08:00:00"
    orders.append(["O_BIG", "C001", "2024-03-01 12:00:00", "1000000000000", "", "completed", "web"])  # 1e12: kept
    facts["amount"]["O_BIG"] = 1e12
    items.append(["O_BIG", "P0", "1000000", "1,000,000.00"])   # a 1e12 line: kept
    orders += [["O_DUP", "C002", "2024-03-01 12:00:00", "10", "", "completed", "web"],
               ["O_DUP", "C002", "2024-03-01 12:00:00", "20", "", "completed", "web"],
               ["O_VER", "C003", "2024-03-01 12:00:00", "10", "", "completed", "web"],
               ["O_VER", "C003", "2024-03-05 12:00:00", "15", "", "completed", "web"]]
    facts["amount"]["O_DUP"], facts["amount"]["O_VER"] = 10.0, 15.0
    expected += [("orders", "O_DUP", "duplicate_key"), ("orders", "O_VER", "duplicate_key")]
    # (a decimal comma such as 12,5 among 12.50 amounts stops the build instead, naming the
    # column and var decimal_separator: tests/e2e/test_real_exports.py)
    for oid, cid, ts, amount, status, reason in [
            ("O_DOTS", "C001", "2024-03-01", "12.5.0", "completed", "unparseable_number"),
            ("O_USD", "C001", "2024-03-01", "USD 12", "completed", "unparseable_number"),
            ("O_HUGE", "C001", "2024-03-01", "1e17", "completed", "unparseable_number"),
            ("O_NEG", "C001", "2024-03-01", "-$5.00", "completed", "negative_amount"),
            ("O_1900", "C001", "1900-01-01", "5", "completed", "before_min_date"),
            ("O_2200", "C001", "2200-01-01 00:00:00", "5", "completed", "after_as_of_date"),
            ("O_FEB30", "C001", "2024-02-30", "5", "completed", "unparseable_date"),
            ("O_SHIP", "C001", "2024-03-01", "5", "shipped", "unknown_status"),
            ("O_UNK", "C999", "2024-03-01", "5", "completed", "unknown_customer"),
            ("O_REJC", "", "2024-03-01", "5", "completed", "missing_value")]:
        orders.append([oid, cid, ts, amount, "", status, "web"])
        expected.append(("orders", oid, reason))
    items += [["O_NEG", "P0", "1", "5"], ["O0000", "P2", "1", "free"], ["O0001", "P3", "1000000000000", "1,000,000.00"],
              ["O0002", "P4", "1", "3"], ["O0002", "P4", "1", "3"]]
    expected += [("order_items", "O_NEG:P0", "unknown_order"), ("order_items", "O0000:P2", "unparseable_number"),
                 ("order_items", "O0001:P3", "invalid_range"), ("order_items", "O0002:P4", "duplicate_row")]

    # events: 100 times the orders, generated; the bad ones counted by reason
    event_types = ["view", "click", "cart", "login", "coupon_claim", "wishlist", " VIEW ", "zoom🙂"]
    event_categories = ["", "", "mystery", "家電", "Electronics", LONG]
    events = []
    for e in range(100 * len(orders)):
        when = datetime(2023, 7, 1) + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        ts = when.isoformat(sep=" ") if e % 5 else when.strftime("%d/%m/%Y %H:%M:%S")
        events.append([good_customers[e % len(good_customers)], ts, event_types[e % len(event_types)],
                       rng.choice(product_ids + ["P_UNKNOWN"]), event_categories[e % len(event_categories)]])
    bad_events = {"unknown_customer": ("C999", "2024-01-01 10:00:00", "view"),
                  "after_as_of_date": ("C001", "2200-01-01 10:00:00", "view"),
                  "before_min_date": ("C001", "1900-01-01 10:00:00", "view"),
                  "unparseable_date": ("C001", "yesterday", "view"),
                  "missing_value": ("C001", "2024-01-01 10:00:00", ""),
                  "missing_key": ("", "2024-01-01 10:00:00", "view")}
    expected_events = {}
    for reason, (cid, ts, etype) in bad_events.items():
        for _ in range(10):
            events.append([cid, ts, etype, "P0", ""])
        expected_events[reason] = 10

    links = [["C001", "C002", "household", "2023-05-01"], ["C002", "C003", "frenemy", "2023-05-01"],
             ["C003", "C004", "家族", "2023-05-01T10:00:00+14:00"], ["C004", "C004", "referral", ""],
             ["C001", "C999", "referral", ""], ["C005", "C006", "household", "2200-01-01"],
             [LONG_ID, "C001", "referral", ""]]
    expected += [("customer_links", "C004->C004", "self_link"), ("customer_links", "C001->C999", "unknown_customer"),
                 ("customer_links", "C005->C006", "after_as_of_date")]
    campaigns = [["K1", "Winter ❄ sale", "winback", "email", "2024-01-10", "2024-01-20", "$0.50", "€1,000", "30"],
                 ["K2", "Bad", "winback", "email", "2024-01-10", "", "abc", "0", "30"]]
    facts["values"].append(("campaigns", "K2", "cost_per_contact", "unparseable_number"))
    contacts = [["K1", "C001", "treatment", "pilot", "2024-01-10 09:00:00", "0.2"],
                ["K1", "C002", "Placebo", "pilot", "", ""], ["K1", "C003", "control", "beta", "", ""],
                ["K1", "C004", "treatment", "pilot", "", "1.5"],
                ["K1", "C006", "treatment", "pilot", "2024-01-10 09:00:00", ""],
                ["K1", "C006", "control", "pilot", "2024-01-11 09:00:00", ""]]
    expected += [("campaign_contacts", "K1:C002", "unknown_code"), ("campaign_contacts", "K1:C003", "unknown_code"),
                 ("campaign_contacts", "K1:C006", "duplicate_key")]
    facts["values"].append(("campaign_contacts", "K1:C004", "predicted_response", "invalid_range"))
    responses = [["K1", "C001", "2024-01-15 10:00:00", "purchase", "$12.00"],
                 ["K1", "C006", "2024-01-15 10:00:00", "purchase", "-5"]]
    expected.append(("campaign_responses", "K1:C006", "negative_amount"))
    labels = [["C001", "churn_risk", "High", "2024-01-01", "ann"], ["C001", "churn_risk", "low", "2024-02-01", "bob"],
              ["C002", "value_tier", "💎", "2024-02-01", "bob"], ["C003", "vip", "yes", "", ""]]
    expected.append(("manual_labels", "C001:churn_risk", "duplicate_key"))

    rows = {"customers": customers, "orders": orders, "order_items": items, "products": products,
            "events": events, "customer_links": links, "campaigns": campaigns,
            "campaign_contacts": contacts, "campaign_responses": responses, "manual_labels": labels}
    return {t: csv_text(t, r) for t, r in rows.items()}, expected, expected_events, facts


# ---------------------------------------------------------------------------------------------
# builds

CASES = {   # name -> (folder tables, vars)
    "empty": (empty_case, {}),
    "no_orders": (no_orders_case, {"as_of_date": AS_OF}),
    "single_customer": (single_customer_case, {"as_of_date": AS_OF}),
    "one_day": (one_day_case, {"as_of_date": AS_OF}),
    "all_null_optional": (all_null_case, {"as_of_date": AS_OF}),
    "dirty": (lambda: dirty_case()[0], {"as_of_date": AS_OF}),
}


def write_folder(folder: Path, tables: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------
# configuration and contract errors stop the build, naming what is wrong

# a required table's key and an optional table's required column (orders.order_amount is in
# test_staging_rejections)
MISSING_COLUMNS = [("customers", "customer_id"), ("events", "event_type")]
WRONG_VARS = [("as_of_date", 20240630), ("order_statuses", "completed"), ("label_horizon_days", "ninety"),
              ("imputation_k", "thirty"), ("reject_zero_price", "no")]


def missing_column_case(table: str, column: str):
    def make():
        shop = plain_shop(5, 2)
        tables = {t: csv_text(t, rows) for t, rows in shop.items()}
        header, _, rest = tables[table].partition("\n")
        tables[table] = header.replace(column, "something_else") + "\n" + rest
        return tables
    return make
