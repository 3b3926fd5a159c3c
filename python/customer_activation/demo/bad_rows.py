"""Bad rows: added rows (good rows are never altered), interleaved at random positions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_activation.demo.catalogue import CITY_NAMES, DAY_S, EPOCH, STATUSES, TIERS
from customer_activation.demo.tables import _id_col, _interleave, _money_col, _to_csv_strings, _ts_col, _vocab_col


# --------------------------------------------------------------------------------------
# Bad rows: added rows (good rows are never altered), interleaved at random positions
# --------------------------------------------------------------------------------------
def _n_bad(n_rows_customers):
    return max(4, n_rows_customers // 1000)


def _take(tbl, idx):
    return tbl.take(pa.array(np.asarray(idx, np.int64)))


def _bad_customers(ctx, rng, cust, bad, lo, n):
    k = _n_bad(ctx.chunk_n)
    take = _take
    extra = []
    src = take(cust, rng.integers(0, n, k))
    extra.append(src.set_column(0, "customer_id", pa.nulls(k, pa.string()))
                 .set_column(8, "email", pa.nulls(k, pa.string())))
    bad[("customers", "missing_customer_id")] = k
    dup = take(cust, np.sort(rng.choice(n, min(k, n), replace=False)))
    kd = dup.num_rows
    dup = dup.set_column(4, "city", _vocab_col(CITY_NAMES, rng.integers(0, len(CITY_NAMES), kd)))
    dup = dup.set_column(5, "region", pc.cast(pa.nulls(kd), pa.string()))
    dup = dup.set_column(7, "member_tier", _vocab_col(TIERS, rng.integers(0, 4, kd)))
    dup = dup.set_column(1, "signup_date", pc.add(dup["signup_date"].combine_chunks()
                                                   .cast(pa.int32()), pa.scalar(3, pa.int32())).cast(pa.date32()))
    extra.append(dup)
    bad[("customers", "duplicate_customer_id")] = kd
    ext = pa.concat_tables(extra)
    cust = _interleave(cust, ext, rng.integers(0, n + 1, ext.num_rows))
    if ctx.fmt == "csv":
        # new customers (fresh ids beyond the range) with an unparseable signup_date
        src = take(cust, rng.integers(0, n, k))
        ids = _id_col("C8", lo + 1 + np.arange(k), ctx.cid_width)
        s = _to_csv_strings(src)
        s[0] = ids
        s[1] = _vocab_col(["31/31/2021", "not a date"], np.arange(k) % 2)
        s[8] = pa.nulls(k, pa.string())
        cust = _csv_mix(cust, s, rng)
        bad[("customers", "unparseable_date")] = k
    return cust


def _bad_orders(ctx, rng, orders, bad, nk, order_off):
    k = _n_bad(ctx.chunk_n)
    take = _take
    next_id = order_off + nk + 1
    end_s = (ctx.end_day + 1) * DAY_S
    if nk == 0:
        return orders, 0
    good = rng.integers(0, nk, 8 * k)
    src = take(orders, good)
    ids = _id_col("O", next_id + np.arange(8 * k), 9)
    next_id += 8 * k
    parts = []

    def part(i, kind, **cols):
        t = src.slice(i * k, k).set_column(0, "order_id", ids.slice(i * k, k))
        for name, col in cols.items():
            t = t.set_column(t.schema.get_field_index(name), name, col)
        parts.append(t)
        bad[("orders", kind)] = k

    part(0, "missing_order_id", order_id=pa.nulls(k, pa.string()))
    part(1, "negative_amount", order_amount=_money_col(-rng.integers(100, 20000, k)),
         status=_vocab_col(STATUSES, np.zeros(k, np.int64)))
    fut = np.where(np.arange(k) % 2 == 0,
                   end_s + rng.integers(1, 10 * DAY_S, k),
                   (dt.date(2200, 1, 1) - EPOCH).days * DAY_S + rng.integers(0, 300 * DAY_S, k))
    part(2, "order_ts_after_end_date", order_ts=_ts_col(fut))
    part(3, "unknown_customer_id",
         customer_id=_id_col("C9", rng.integers(0, 10 ** ctx.cid_width, k), ctx.cid_width))
    part(4, "unknown_status",
         status=_vocab_col(["shipped?", "pending", "PENDING ", "?"], np.arange(k) % 4))
    dups = take(orders, np.sort(rng.choice(nk, min(k, nk), replace=False))) if nk else None
    ext = pa.concat_tables(parts + ([dups] if dups is not None else []))
    if dups is not None:
        bad[("orders", "duplicate_order_id")] = dups.num_rows
    orders = _interleave(orders, ext, rng.integers(0, nk + 1, ext.num_rows))
    if ctx.fmt == "csv":
        s5 = _to_csv_strings(src.slice(5 * k, k).set_column(0, "order_id", ids.slice(5 * k, k)))
        s5[3] = _vocab_col(["abc", "12.5x", "1.2.3", "twelve"], np.arange(k) % 4)
        orders = _csv_mix(orders, s5, rng)
        bad[("orders", "unparseable_number")] = k
        s6 = _to_csv_strings(src.slice(6 * k, k).set_column(0, "order_id", ids.slice(6 * k, k)))
        s6[2] = _vocab_col(["not a date", "31/31/2021 10:00:00", "2021-13-45 25:61:00"],
                           np.arange(k) % 3)
        orders = _csv_mix(orders, s6, rng)
        bad[("orders", "unparseable_date")] = k
    return orders, next_id - order_off - 1


def _bad_items(ctx, rng, items, bad):
    k = _n_bad(ctx.chunk_n)
    take = _take
    ni = items.num_rows
    src = take(items, rng.integers(0, max(ni, 1), 2 * k)) if ni else None
    if src is not None:
        orphan = src.slice(0, k).set_column(
            0, "order_id", _id_col("O9", rng.integers(0, 10 ** 9, k), 9))
        items = _interleave(items, orphan, rng.integers(0, ni + 1, k))
        bad[("order_items", "unknown_order_id")] = k
        if ctx.fmt == "csv":
            s = _to_csv_strings(src.slice(k, k))
            s[3] = _vocab_col(["abc", "12.5x", "9.99.9", "free"], np.arange(k) % 4)
            s[2] = _vocab_col(["1", "2", "two", "1"], np.arange(k) % 4)
            items = _csv_mix(items, s, rng)
            bad[("order_items", "unparseable_number")] = k
    return items


# Unparseable values contain no comma or quote on purpose: the CSV writer would have to quote
# them, and DuckDB's read_csv sniffer (without an explicit quote='"') only detects quoting when
# a quoted value falls inside its sample, so a late quoted row breaks the whole file.


def _csv_mix(base: pa.Table, str_cols: list[pa.Array], rng) -> pa.Table:
    """CSV only: turn ``base`` into all-string columns and interleave string rows."""
    if any(not pa.types.is_string(t) for t in base.schema.types):
        base = pa.table(_to_csv_strings(base), names=base.column_names)
    extra = pa.table(str_cols, names=base.column_names)
    return _interleave(base, extra, rng.integers(0, base.num_rows + 1, extra.num_rows))
