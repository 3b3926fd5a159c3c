"""The raw data contract's tables and how the generator writes them (Arrow columns, CSV/Parquet sinks).

:data:`TABLES` and :data:`TRUTH_TABLES` list every table's columns and types, in order; the
column builders turn numpy arrays into Arrow arrays; :class:`_Sink` appends a chunk's table to
its CSV or Parquet file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "TABLES",
    "TRUTH_TABLES",
]

# --------------------------------------------------------------------------------------
# Contract: table -> [(column, type)], in order. Types: str date ts money int float bool
# --------------------------------------------------------------------------------------
TABLES: dict[str, list[tuple[str, str]]] = {
    "customers": [
        ("customer_id", "str"), ("signup_date", "date"), ("birth_year", "int"),
        ("gender", "str"), ("city", "str"), ("region", "str"),
        ("acquisition_channel", "str"), ("member_tier", "str"), ("email", "str"),
        ("phone", "str"),
    ],
    "orders": [
        ("order_id", "str"), ("customer_id", "str"), ("order_ts", "ts"),
        ("order_amount", "money"), ("discount_amount", "money"), ("status", "str"),
        ("channel", "str"),
    ],
    "order_items": [
        ("order_id", "str"), ("product_id", "str"), ("quantity", "int"), ("unit_price", "money"),
    ],
    "products": [
        ("product_id", "str"), ("category", "str"), ("subcategory", "str"), ("brand", "str"),
    ],
    "events": [
        ("customer_id", "str"), ("event_ts", "ts"), ("event_type", "str"),
        ("product_id", "str"), ("category", "str"),
    ],
    "customer_links": [
        ("customer_id", "str"), ("linked_customer_id", "str"), ("link_type", "str"),
        ("linked_at", "ts"),
    ],
    "campaigns": [
        ("campaign_id", "str"), ("campaign_name", "str"), ("objective", "str"),
        ("channel", "str"), ("start_date", "date"), ("end_date", "date"),
        ("cost_per_contact", "money"), ("fixed_cost", "money"), ("response_window_days", "int"),
    ],
    "campaign_contacts": [
        ("campaign_id", "str"), ("customer_id", "str"), ("arm", "str"), ("phase", "str"),
        ("contacted_at", "ts"), ("predicted_response", "float"),
    ],
    "campaign_responses": [
        ("campaign_id", "str"), ("customer_id", "str"), ("responded_at", "ts"),
        ("response_type", "str"), ("revenue", "money"),
    ],
    "manual_labels": [
        ("customer_id", "str"), ("label_name", "str"), ("label_value", "str"),
        ("labeled_at", "ts"), ("labeled_by", "str"),
    ],
}

TRUTH_TABLES: dict[str, list[tuple[str, str]]] = {
    "customer_truth": [
        ("customer_id", "str"), ("true_stage", "str"),
        ("purchase_rate", "float"),          # base rate, orders per 30 days while active
        ("community_id", "str"),
        ("current_purchase_rate", "float"),  # rate at end_date, orders per 30 days
        ("expected_annual_spend", "float"),  # current rate * 365 days * personal mean order value
        ("value_tier", "str"),               # high / medium / low from expected_annual_spend
        ("true_gender", "str"), ("true_birth_year", "int"), ("true_city", "str"),
        ("true_region", "str"), ("decline_started_at", "date"), ("stopped_at", "date"),
    ],
    "customer_interests": [("customer_id", "str"), ("category", "str"), ("weight", "float")],
    "communities": [("community_id", "str"), ("kind", "str"), ("size", "int")],
    "campaign_truth": [
        ("campaign_id", "str"), ("true_uplift", "float"),
        ("true_incremental_revenue_per_contact", "float"), ("pilot_should_pass", "bool"),
        ("n_contacts", "int"), ("expected_response_control", "float"),
        ("expected_response_treatment", "float"), ("pilot_mean_predicted_response", "float"),
        ("pilot_expected_response", "float"),
    ],
    "bad_rows_injected": [("table", "str"), ("kind", "str"), ("count", "int")],
    "generation_params": [("key", "str"), ("value", "str")],
}

_ARROW_TYPES = {
    "str": pa.string(), "date": pa.date32(), "ts": pa.timestamp("us"),
    "money": pa.decimal128(12, 2), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
}


# --------------------------------------------------------------------------------------
# Arrow helpers
# --------------------------------------------------------------------------------------
def _id_col(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    s = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, s, "")


def _vocab_col(vocab: list[str] | pa.Array, idx: np.ndarray, mask: np.ndarray | None = None):
    values = vocab if isinstance(vocab, pa.Array) else pa.array(vocab, pa.string())
    return values.take(pa.array(np.asarray(idx, np.int64), mask=mask))


def _date_col(days: np.ndarray, mask=None) -> pa.Array:
    return pa.array(np.asarray(days, np.int32), pa.date32(), mask=mask)


def _ts_col(seconds: np.ndarray, mask=None) -> pa.Array:
    return pa.array(np.asarray(seconds, np.int64) * 1_000_000, pa.timestamp("us"), mask=mask)


def _money_col(cents: np.ndarray, mask=None) -> pa.Array:
    c = np.asarray(cents, np.int64)
    words = np.empty((len(c), 2), np.int64)
    words[:, 0] = c
    words[:, 1] = np.where(c < 0, -1, 0)
    arr = pa.Array.from_buffers(pa.decimal128(12, 2), len(c), [None, pa.py_buffer(words.tobytes())])
    if mask is not None and mask.any():
        arr = pc.if_else(pa.array(mask), pa.scalar(None, pa.decimal128(12, 2)), arr)
    return arr


def _int_col(v, mask=None):
    return pa.array(np.asarray(v, np.int64), pa.int64(), mask=mask)


def _float_col(v, mask=None):
    return pa.array(np.asarray(v, np.float64), pa.float64(), mask=mask)


def _schema(cols) -> pa.Schema:
    return pa.schema([(c, _ARROW_TYPES[t]) for c, t in cols])


def _table(cols, data: dict) -> pa.Table:
    return pa.table([data[c] for c, _ in cols], schema=_schema(cols))


def _interleave(base: pa.Table, extra: pa.Table, positions: np.ndarray) -> pa.Table:
    """Insert ``extra`` rows before base rows at ``positions`` (deterministic)."""
    if extra.num_rows == 0:
        return base
    keys = np.concatenate([np.arange(base.num_rows) * 2 + 1, np.asarray(positions) * 2])
    order = np.argsort(keys, kind="stable")
    return pa.concat_tables([base, extra]).take(pa.array(order))


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------
def _to_csv_strings(table: pa.Table) -> list[pa.Array]:
    out = []
    for col in table.columns:
        col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        t = col.type
        if pa.types.is_timestamp(t):
            col = pc.cast(col, pa.timestamp("s"))
        if not pa.types.is_string(t):
            col = pc.cast(col, pa.string())
        needs = pc.match_substring_regex(col, '[,"\\n\\r]')
        if pc.any(needs).as_py():
            quoted = pc.binary_join_element_wise(
                '"', pc.replace_substring(col, '"', '""'), '"', "")
            col = pc.if_else(needs, quoted, col)
        out.append(col)
    return out


class _Sink:
    """Appends chunks of one table to ``path`` as CSV (header once) or Parquet."""

    def __init__(self, path: Path, cols, fmt: str):
        self.path, self.cols, self.fmt = path, cols, fmt
        self.schema = _schema(cols)
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            self._w = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        else:
            self._f = open(path, "wb")
            self._f.write((",".join(c for c, _ in cols) + "\n").encode())

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self.rows += table.num_rows
        if self.fmt == "parquet":
            self._w.write_table(table.cast(self.schema))
            return
        cols = _to_csv_strings(table)
        line = pc.binary_join_element_wise(*cols, ",", null_handling="replace",
                                           null_replacement="")
        line = pc.binary_join_element_wise(line, "", "\n")
        bufs = line.buffers()
        offs = np.frombuffer(bufs[1], dtype=np.int32, count=len(line) + 1, offset=line.offset * 4)
        self._f.write(bufs[2].slice(int(offs[0]), int(offs[-1] - offs[0])))

    def close(self) -> None:
        if self.fmt == "parquet":
            self._w.close()
        else:
            self._f.close()
