"""Map the UCI "Online Retail" export to the data contract (orders, order_items, products,
customers), as Parquet files in a folder the dbt project reads with ``raw_data_path``.

Usage::

    python -m customer_activation.byod.online_retail \\
        --input ../shared/data/online_retail/online_retail.csv.gz --out data/online_retail
    DBT_PROFILES_DIR=. CUSTOMER_ACTIVATION_DB=retail.duckdb .venv/bin/dbt build \\
        --vars '{raw_data_path: data/online_retail, as_of_date: "2011-12-09"}'

The export (UCI ML Repository id 352, CC BY 4.0) has one row per invoice line: InvoiceNo,
StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country. The mapping is
done in DuckDB SQL and takes a few seconds.

What goes where
---------------
* ``order_items``: one row per input line, in file order, nothing dropped, values as given:
  order_id = InvoiceNo, product_id = StockCode, quantity = Quantity, unit_price = UnitPrice
  (text, exactly as in the file; the project parses them). Extra column ``source_row`` (the
  line's position among the data rows, 1 = first after the header) is for tracing; the project
  ignores it.
* ``orders``: one row per distinct InvoiceNo.
    - customer_id = CustomerID as text ("17850", a float-style "17850.0" loses its ".0").
      Invoices without a CustomerID keep an empty customer_id, so staging rejects them
      (``missing_value``) with the original row, and their lines follow (``unknown_order``).
      If the lines of an invoice named different customers, the customer of its first line
      (file order) that has one is taken; the manifest counts such invoices (0 in this file).
    - order_ts = the earliest InvoiceDate of the invoice. 43 invoices span two consecutive
      minutes (the lines were written across a minute boundary); the manifest counts them.
      If a line's InvoiceDate is not ISO ``YYYY-MM-DD HH:MM:SS``, the first line's text is
      passed on unchanged for the project to parse or reject.
    - order_amount = sum of Quantity x UnitPrice over the invoice's lines, exact, as given
      (negative for cancellations); empty when a line's Quantity or UnitPrice is not a number,
      so the project rejects the invoice rather than get a wrong total.
    - status = ``cancelled`` when InvoiceNo starts with "C", else ``completed``. (The three
      "A" invoices, "Adjust bad debt", are ``completed``; they have no customer.)
    - no channel, no discount: those optional columns are absent and read as null.
* ``customers``: one row per distinct CustomerID, region = Country. A customer seen with
  several countries (8 in this file) gets the country of their latest line (InvoiceDate, then
  file order); the manifest counts them. The export has no signup date or demographics.
* ``products``: one row per distinct StockCode, as written (codes differing only in case,
  e.g. "85123A" / "85123a", stay distinct products, as they are in the lines). Extra column
  ``description``: the product's most frequent Description (ties: alphabetically first).
  ``category``: the export has NO categories. The category here is derived and crude, not
  the retailer's: non-merchandise codes (postage, carriage, manual, discount, samples, fees,
  bad debt) are ``postage_and_fees``; every other product gets the first rule of
  ``CATEGORY_RULES`` whose keywords appear as words in its description, else
  ``uncategorised``. Treat interest results on this data as illustrating the mechanics.

A manifest ``manifest.json`` records the input's counts (lines, invoices, cancellations,
missing customers, ...), the decisions above with how many rows each touched, the rows
written per table, and the input file's sha256, so the project's reconciliation
(``staging.stg_row_counts``, ``staging.stg_rejected_rows``) can be checked against it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import duckdb

#: Columns the export must have.
EXPORT_COLUMNS = ("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
                  "UnitPrice", "CustomerID", "Country")

#: Stock codes that are not merchandise: postage, carriage, manual entries, discounts,
#: samples, bank / Amazon fees, charity commission, bad-debt adjustments.
NON_PRODUCT_CODES = ("POST", "DOT", "C2", "M", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK")

#: (category, keywords): the first rule with a keyword that appears as a whole word in the
#: product's description (upper-cased) wins. Plurals are written out. A keyword list, not a
#: taxonomy: it is here because the export has no categories at all.
CATEGORY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gift_vouchers", ("VOUCHER",)),
    ("christmas_and_seasonal", ("CHRISTMAS", "XMAS", "ADVENT", "SANTA", "REINDEER", "NATIVITY",
                                "SNOWMAN", "SNOWFLAKE", "BAUBLE", "BAUBLES", "EASTER", "HALLOWEEN")),
    ("candles_and_lighting", ("CANDLE", "CANDLES", "T-LIGHT", "T-LIGHTS", "TEALIGHT", "TEALIGHTS",
                              "LANTERN", "LANTERNS", "LIGHT", "LIGHTS", "LAMP", "LAMPS",
                              "NIGHTLIGHT", "CHANDELIER", "INCENSE")),
    ("bags_and_purses", ("BAG", "BAGS", "PURSE", "PURSES", "SHOPPER", "TOTE", "HANDBAG",
                         "BACKPACK", "RUCKSACK")),
    ("jewellery_and_accessories", ("NECKLACE", "NECKLACES", "EARRINGS", "BRACELET", "BRACELETS",
                                   "RING", "RINGS", "BROOCH", "CHARM", "CHARMS", "BEAD", "BEADS",
                                   "DIAMANTE", "HAIR", "BANGLE", "PENDANT", "UMBRELLA", "PARASOL",
                                   "FAN", "WARMER", "GLOSS", "FOB")),
    ("kitchen_and_dining", ("MUG", "MUGS", "CUP", "CUPS", "SAUCER", "SAUCERS", "BOWL", "BOWLS",
                            "PLATE", "PLATES", "CAKE", "CAKES", "CAKESTAND", "TEA", "TEAPOT",
                            "TEACUP", "CUTLERY", "SPOON", "SPOONS", "NAPKIN", "NAPKINS", "APRON",
                            "KITCHEN", "BAKING", "LUNCH", "JAM", "JAR", "JARS", "BOTTLE",
                            "CHOPSTICKS", "TRAY", "TRAYS", "PANTRY", "COASTER", "COASTERS",
                            "PLACEMATS", "TUMBLER", "GLASSES", "JUG", "DOILY", "DOILIES",
                            "BISCUIT", "CHOCOLATE", "EGG", "RECIPE", "COOKIE", "CUTTER", "CUTTERS",
                            "OVEN", "BREAD", "SUGAR", "DISPENSER")),
    ("stationery_and_gift_wrap", ("CARD", "CARDS", "PAPER", "WRAP", "NOTEBOOK", "NOTEPAD", "PEN",
                                  "PENS", "PENCIL", "PENCILS", "STICKER", "STICKERS", "ENVELOPE",
                                  "ENVELOPES", "TISSUE", "TISSUES", "RIBBON", "RIBBONS", "TAG",
                                  "TAGS", "ERASER", "RULER", "CALENDAR", "DIARY", "JOURNAL",
                                  "CRAYONS", "CHALK", "STAMP", "STAMPS", "STATIONERY", "NOTEBOOKS",
                                  "BOOK", "BOOKS", "MEMO", "CHALKBOARD", "BLACKBOARD")),
    ("toys_crafts_and_party", ("TOY", "TOYS", "GAME", "GAMES", "PARTY", "DOLLY", "DOLL",
                               "JIGSAW", "PUZZLE", "SPACEBOY", "BALLOON", "BALLOONS", "BUNTING",
                               "PLAYHOUSE", "SKIPPING", "TEDDY", "CHILDRENS", "CHILDS", "KIDS",
                               "SKITTLES", "DOMINOES", "BINGO", "SPINNING", "LADDERS", "KNITTING", "CLAY",
                               "PAINT", "COLOURING", "BLOCK", "FELTCRAFT", "SEWING", "CRAFT",
                               "PIGGY")),
    ("garden_and_outdoor", ("GARDEN", "GARDENERS", "KNEELING", "PLANTER", "PLANTERS", "PLANT",
                            "WATERING", "BIRD", "BIRDHOUSE", "FEEDER", "HERB", "GNOME", "PICNIC")),
    ("home_decor", ("SIGN", "FRAME", "FRAMES", "CLOCK", "MIRROR", "CUSHION", "CUSHIONS",
                    "DOORMAT", "DECORATION", "DECORATIONS", "GARLAND", "HOOK", "HOOKS", "HOLDER",
                    "WALL", "HANGING", "ORNAMENT", "VASE", "WREATH", "PLAQUE", "ART", "CURTAIN",
                    "THROW", "BLANKET", "QUILT", "DOORSTOP", "WICKER", "PEGS", "RACK",
                    "TRELLIS")),
    ("storage", ("BOX", "BOXES", "TIN", "TINS", "BASKET", "BASKETS", "STORAGE", "CASE", "CASES",
                 "HAMPER", "DRAWER", "DRAWERS", "CABINET", "CRATE", "TRUNK", "CHEST",
                 "CONTAINER", "BIN")),
)
UNCATEGORISED = "uncategorised"
NON_PRODUCT_CATEGORY = "postage_and_fees"

OUTPUT_TABLES = ("orders", "order_items", "products", "customers")


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def category_sql(description: str, stock_code: str) -> str:
    """The SQL CASE expression that derives a category (see the module doc)."""
    codes = ", ".join(_sql_str(c) for c in NON_PRODUCT_CODES)
    whens = [f"when upper(trim({stock_code})) in ({codes}) then {_sql_str(NON_PRODUCT_CATEGORY)}"]
    for category, words in CATEGORY_RULES:
        pattern = r"(^|[^A-Z0-9'-])(" + "|".join(words) + r")($|[^A-Z0-9'-])"
        whens.append(f"when regexp_matches(upper({description}), {_sql_str(pattern)}) then {_sql_str(category)}")
    return "case " + " ".join(whens) + f" else {_sql_str(UNCATEGORISED)} end"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_output_folder(out: Path) -> None:
    """The folder must not hold another copy of a table we write (the project would refuse a
    table given as both Parquet and CSV, or read stale files next to ours)."""
    clashes = []
    for table in OUTPUT_TABLES:
        for other in (out / f"{table}.csv", out / f"{table}.csv.gz", out / table):
            if other.exists():
                clashes.append(str(other))
    if clashes:
        raise SystemExit(f"{out} already holds {', '.join(clashes)}: write the mapping to an empty "
                         "folder (or remove them) so the project reads one version of each table.")


def map_online_retail(input_path: str | Path, out_dir: str | Path, threads: int | None = None) -> dict:
    """Write orders / order_items / products / customers (.parquet) and manifest.json to
    ``out_dir``; return the manifest."""
    input_path, out = Path(input_path), Path(out_dir)
    if not input_path.is_file():
        raise FileNotFoundError(f"{input_path} not found")
    out.mkdir(parents=True, exist_ok=True)
    _check_output_folder(out)

    con = duckdb.connect()
    if threads:
        con.execute(f"set threads = {int(threads)}")
    con.execute("set preserve_insertion_order = true")
    # Every value as text, the CSV dialect spelled out, strict (a malformed line stops the
    # mapping instead of being skipped).
    con.execute(f"""
        create table export as
        select * from read_csv({_sql_str(str(input_path))}, header = true, all_varchar = true,
                               delim = ',', quote = '"', escape = '"', strict_mode = true)""")
    found = {c.lower(): c for (c,) in con.execute(
        "select column_name from (describe export)").fetchall()}
    missing = [c for c in EXPORT_COLUMNS if c.lower() not in found]
    if missing:
        raise SystemExit(f"{input_path} lacks column(s) {', '.join(missing)}; found {', '.join(found.values())}")

    # One row per input line, numbered in file order (rowid follows insertion order).
    con.execute(r"""
        create table lines as
        select
            rowid + 1 as source_row,
            InvoiceNo as invoice_no,
            StockCode as stock_code,
            Description as description,
            Quantity as quantity,
            UnitPrice as unit_price,
            InvoiceDate as invoice_date,
            try_strptime(trim(InvoiceDate), '%Y-%m-%d %H:%M:%S') as invoice_ts,
            nullif(regexp_replace(trim(CustomerID), '\.0+$', ''), '') as customer_id,
            Country as country,
            try_cast(trim(Quantity) as decimal(38, 6)) * try_cast(trim(UnitPrice) as decimal(38, 6)) as line_amount
        from export""")

    con.execute(r"""
        create table orders as
        with by_invoice as (
            select
                invoice_no,
                arg_min(customer_id, source_row) filter (where customer_id is not null) as customer_id,
                count(distinct customer_id) as n_customers,
                count(*) filter (where customer_id is null) as n_lines_without_customer,
                count(*) as n_lines,
                count(invoice_ts) as n_parsed_ts,
                min(invoice_ts) as first_ts,
                count(distinct invoice_ts) as n_timestamps,
                arg_min(invoice_date, source_row) as first_line_date_text,
                count(line_amount) as n_parsed_amounts,
                sum(line_amount) as amount,
                min(source_row) as first_row
            from lines
            group by invoice_no
        )
        select
            invoice_no as order_id,
            customer_id,
            case when n_parsed_ts = n_lines then strftime(first_ts, '%Y-%m-%d %H:%M:%S')
                 else first_line_date_text end as order_ts,
            case when n_parsed_amounts = n_lines
                 then rtrim(rtrim(cast(amount as varchar), '0'), '.') end as order_amount,
            case when upper(trim(invoice_no)) like 'C%' then 'cancelled' else 'completed' end as status,
            n_customers, n_lines_without_customer, n_lines, n_timestamps, n_parsed_ts, n_parsed_amounts
        from by_invoice
        order by first_row""")

    con.execute("""
        create table customers as
        select customer_id, country as region, n_countries
        from (
            select
                customer_id, country,
                count(distinct country) over (partition by customer_id) as n_countries,
                row_number() over (partition by customer_id
                                   order by invoice_ts desc nulls last, source_row desc) as latest
            from lines
            where customer_id is not null
        )
        where latest = 1
        order by customer_id""")

    category = category_sql("coalesce(best.description, '')", "codes.stock_code")
    con.execute(f"""
        create table products as
        with descriptions as (
            select stock_code, description, count(*) as n_lines
            from lines
            where nullif(trim(description), '') is not null
            group by all
        ),
        best as (
            select stock_code, description, count(*) over (partition by stock_code) as n_descriptions,
                   row_number() over (partition by stock_code order by n_lines desc, description) as rank
            from descriptions
        ),
        codes as (select distinct stock_code from lines)
        select
            codes.stock_code as product_id,
            {category} as category,
            best.description,
            coalesce(best.n_descriptions, 0) as n_descriptions
        from codes
        left join best on codes.stock_code = best.stock_code and best.rank = 1
        order by product_id""")

    writes = {
        "orders": "select order_id, customer_id, order_ts, order_amount, status from orders",
        "order_items": "select invoice_no as order_id, stock_code as product_id, quantity, unit_price, "
                       "source_row from lines order by source_row",
        "products": "select product_id, category, description from products",
        "customers": "select customer_id, region from customers",
    }
    written = {}
    for table, sql in writes.items():
        target = out / f"{table}.parquet"
        con.execute(f"copy ({sql}) to {_sql_str(str(target))} (format parquet)")
        written[table] = con.execute(f"select count(*) from read_parquet({_sql_str(str(target))})").fetchone()[0]

    one = lambda sql: con.execute(sql).fetchone()  # noqa: E731
    (lines_n, invoices_n, cancel_lines, cancel_invoices, missing_cust_lines, customers_n, codes_n,
     neg_qty, zero_price, neg_price, amount_sum, min_ts, max_ts) = one("""
        select count(*), count(distinct invoice_no),
               count(*) filter (where upper(trim(invoice_no)) like 'C%'),
               count(distinct invoice_no) filter (where upper(trim(invoice_no)) like 'C%'),
               count(*) filter (where customer_id is null),
               count(distinct customer_id), count(distinct stock_code),
               count(*) filter (where try_cast(quantity as decimal(38, 6)) < 0),
               count(*) filter (where try_cast(unit_price as decimal(38, 6)) = 0),
               count(*) filter (where try_cast(unit_price as decimal(38, 6)) < 0),
               cast(sum(line_amount) as varchar),
               cast(min(invoice_ts) as varchar), cast(max(invoice_ts) as varchar)
        from lines""")
    decisions = dict(zip(
        ("invoices_without_customer", "invoices_with_several_customers",
         "invoices_with_customer_on_some_lines_only", "invoices_with_several_timestamps",
         "invoices_with_unparseable_date", "invoices_with_unparseable_amount"),
        one("""
        select count(*) filter (where customer_id is null),
               count(*) filter (where n_customers > 1),
               count(*) filter (where customer_id is not null and n_lines_without_customer > 0),
               count(*) filter (where n_timestamps > 1),
               count(*) filter (where n_parsed_ts < n_lines),
               count(*) filter (where n_parsed_amounts < n_lines)
        from orders""")))
    decisions["customers_with_several_countries"] = one(
        "select count(*) from customers where n_countries > 1")[0]
    decisions["products_with_several_descriptions"] = one(
        "select count(*) from products where n_descriptions > 1")[0]
    decisions["products_without_description"] = one(
        "select count(*) from products where n_descriptions = 0")[0]
    categories = dict(con.execute(
        "select category, count(*) from products group by 1 order by 2 desc, 1").fetchall())
    con.close()

    manifest = {
        "source": {
            "path": str(input_path), "bytes": input_path.stat().st_size, "sha256": _sha256(input_path),
            "dataset": "UCI Machine Learning Repository, Online Retail (id 352), CC BY 4.0",
        },
        "input": {
            "lines": lines_n, "invoices": invoices_n,
            "cancellation_lines": cancel_lines, "cancellation_invoices": cancel_invoices,
            "lines_without_customer": missing_cust_lines, "customers": customers_n,
            "stock_codes": codes_n, "lines_negative_quantity": neg_qty,
            "lines_zero_unit_price": zero_price, "lines_negative_unit_price": neg_price,
            "sum_quantity_x_unit_price": amount_sum.rstrip("0").rstrip(".") if amount_sum else None,
            "first_invoice_ts": min_ts, "last_invoice_ts": max_ts,
        },
        "decisions": decisions,
        "written": written,
        "product_categories": categories,
        "suggested_vars": {"raw_data_path": str(out), "as_of_date": (max_ts or "")[:10]},
    }
    # The mapping itself drops nothing: one order_items row per line, one order per invoice.
    if written["order_items"] != lines_n or written["orders"] != invoices_n:
        raise AssertionError(f"mapping lost rows: {written} vs {lines_n} lines, {invoices_n} invoices")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m customer_activation.byod.online_retail",
        description="Map the UCI Online Retail export to the customer-activation data contract.")
    p.add_argument("--input", required=True, help="online_retail.csv(.gz)")
    p.add_argument("--out", required=True, help="folder to write the contract tables to")
    p.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all)")
    args = p.parse_args(argv)
    t = time.perf_counter()
    manifest = map_online_retail(args.input, args.out, threads=args.threads)
    for section in ("input", "decisions", "written"):
        print(f"{section}:")
        for name, value in manifest[section].items():
            print(f"  {name:<45} {value:>14,}" if isinstance(value, int) else f"  {name:<45} {value:>14}")
    v = manifest["suggested_vars"]
    print(f"wrote {args.out} in {time.perf_counter() - t:.1f}s; build with "
          f"--vars '{{raw_data_path: {v['raw_data_path']}, as_of_date: \"{v['as_of_date']}\"}}'",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
