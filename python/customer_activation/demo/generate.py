"""Deterministic, scalable demo-data generator for the customer-activation project.

Writes the tables of the ``raw`` data contract (see DESIGN.md) plus ground truth under
``<out>/_truth/``. Customers are simulated in chunks (``chunk_size`` customers at a time), with
vectorised numpy inside a chunk, and every table is appended chunk by chunk, so memory stays
bounded whatever the customer count.

Usage::

    python -m customer_activation.demo.generate --customers 3000 --seed 42 --out data/demo --format csv

Determinism: the same ``seed``, ``n_customers``, ``end_date``, ``bad_rows`` and ``chunk_size``
give byte-identical files. Every chunk draws from its own ``numpy.random.default_rng`` seeded
with ``(seed, stream, chunk index)``.

The latent model, in short
--------------------------
* A customer signs up at ``t0`` (more recent signups more frequent) and buys as a Poisson
  process at a personal rate ``lam`` (gamma distributed, skewed) until ``t_decline``; from
  then the rate decays exponentially (time constant ``tau``) until ``t_stop``; after that they
  never buy again. ``true_stage`` at ``end_date``: ``new`` (signed up < 60 days before),
  ``active`` (not yet declining), ``declining`` (rate decaying, or stopped < 90 days ago),
  ``dormant`` (stopped 90-180 days ago), ``lost`` (stopped > 180 days ago).
* Long-term interests: 1-3 strong categories (Dirichlet weights) chosen with gender-, age-
  and region-dependent odds, plus a small background. Items and events follow them, with
  random noise and, in the last 120 days, a short-term "fad" category.
* ~30% of customers belong to a community (household, referral tree, group, social circle);
  members share region, interests, spend level, purchase rate and (often) churn timing.
* Campaigns: audiences from the latent state at the campaign start; treatment raises the
  probability of a completed purchase inside the response window by a known amount; the
  extra purchases are real orders in ``orders``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["generate", "main", "TABLES", "TRUTH_TABLES"]

DAY_S = 86_400
SPAN_DAYS = 1096  # ~3 years of history ending at end_date (inclusive)
EPOCH = dt.date(1970, 1, 1)

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
# Vocabularies
# --------------------------------------------------------------------------------------
CATEGORIES = ["electronics", "fashion", "home", "beauty", "sports", "books", "toys",
              "grocery", "garden", "pets", "jewelry", "automotive"]
K = len(CATEGORIES)
CAT_MEDIAN_PRICE = np.array([120, 40, 35, 18, 45, 14, 25, 7, 30, 20, 90, 40], float)
CAT_BASE_POP = np.array([1.2, 1.3, 1.1, 0.9, 0.9, 0.8, 0.7, 1.0, 0.6, 0.7, 0.4, 0.5])
SUBCATEGORIES = {
    "electronics": ["phones", "audio", "computers", "accessories"],
    "fashion": ["women", "men", "shoes", "bags"],
    "home": ["kitchen", "decor", "bedding", "storage"],
    "beauty": ["skincare", "makeup", "fragrance", "haircare"],
    "sports": ["fitness", "outdoor", "cycling", "team sports"],
    "books": ["fiction", "non-fiction", "children", "comics"],
    "toys": ["games", "puzzles", "dolls", "building"],
    "grocery": ["snacks", "drinks", "pantry", "organic"],
    "garden": ["plants", "tools", "furniture", "seeds"],
    "pets": ["dog", "cat", "aquarium", "small pets"],
    "jewelry": ["rings", "necklaces", "watches", "earrings"],
    "automotive": ["parts", "care", "electronics", "tools"],
}
# interest multipliers by gender (female, male, other) and age band
GENDERS = ["female", "male", "other"]
GENDER_P = [0.49, 0.47, 0.04]
_GM = {
    "female": {"beauty": 3.0, "fashion": 2.0, "jewelry": 2.5, "home": 1.4, "automotive": 0.35,
               "electronics": 0.6},
    "male": {"electronics": 2.2, "automotive": 3.0, "sports": 1.8, "beauty": 0.3,
             "jewelry": 0.4, "fashion": 0.7},
    "other": {"books": 1.6, "fashion": 1.3, "electronics": 1.2},
}
_AM = [  # <30, 30-44, 45-59, 60+
    {"electronics": 1.6, "fashion": 1.7, "beauty": 1.3, "garden": 0.3, "books": 0.8, "toys": 0.6},
    {"toys": 2.8, "home": 1.4, "grocery": 1.3, "pets": 1.3},
    {"garden": 1.8, "home": 1.3, "books": 1.3, "toys": 0.7, "automotive": 1.3},
    {"garden": 2.6, "books": 2.0, "grocery": 1.3, "electronics": 0.5, "fashion": 0.6,
     "toys": 0.8},
]


def _mult_matrix(spec_rows):
    m = np.ones((len(spec_rows), K))
    for i, spec in enumerate(spec_rows):
        for cat, v in spec.items():
            m[i, CATEGORIES.index(cat)] = v
    return np.log(m)


GENDER_LOGMULT = _mult_matrix([_GM[g] for g in GENDERS])
AGE_LOGMULT = _mult_matrix(_AM)

REGIONS = ["north", "south", "east", "west", "central", "coast"]
REGION_P = np.array([0.16, 0.2, 0.15, 0.14, 0.22, 0.13])
CITIES = [
    ["Northfield", "Frostholm", "Kellby", "Ardmoor"],
    ["Southport", "Marlow Vale", "Ceder", "Dunmere"],
    ["Eastbrook", "Larkspur", "Holloway", "Pinecrest"],
    ["Westhaven", "Redcliff", "Ashby", "Greywater"],
    ["Centralia", "Midvale", "Oakridge", "Brenton"],
    ["Bayside", "Saltmarsh", "Gullhaven", "Coral Bay"],
]
CITY_P = np.array([0.5, 0.25, 0.15, 0.10])
CITY_NAMES = [c for cs in CITIES for c in cs]
NR, CPR = len(REGIONS), len(CITIES[0])
# store share of order channel by region (web, app, store)
REGION_CHANNEL_ALPHA = np.array([
    [3.0, 2.0, 1.5], [2.5, 2.0, 2.5], [3.0, 2.5, 1.0], [2.5, 2.5, 1.5], [3.0, 3.0, 1.0],
    [2.0, 1.5, 3.0],
])
ACQ = ["organic", "paid_search", "social", "referral", "email", "affiliate"]
ACQ_P = [0.30, 0.22, 0.16, 0.10, 0.10, 0.12]
TIERS = ["bronze", "silver", "gold", "platinum"]
STAGES = ["new", "active", "declining", "dormant", "lost"]
VALUE_TIERS = ["low", "medium", "high"]
CHURN_RISK = ["low", "medium", "high"]
STATUSES = ["completed", "cancelled", "returned"]
ORDER_CHANNELS = ["web", "app", "store"]
EVENT_TYPES = ["view", "click", "cart", "login", "coupon_claim"]
KINDS = ["household", "referral", "group", "social"]
ARMS = ["treatment", "control"]
PHASES = ["pilot", "rollout"]
ANALYSTS = ["ana.kovac", "ben.osei", "chen.li", "dana.ruiz"]
HOUR_W = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4.5, 5, 5.5, 5, 4.5, 4.5, 5, 5.5,
                   6.5, 7.5, 8, 7, 5, 2.5])
HOUR_P = HOUR_W / HOUR_W.sum()

# Campaigns: id, name, objective, channel, start (days before end_date), response window,
# true treatment effect on P(purchase in window), cost/contact, fixed cost, audience fraction
CAMPAIGNS = [
    ("CMP01", "Winback email - we miss you", "winback", "email", 760, 30, 0.08, 0.05, 500, 0.8),
    ("CMP02", "Loyalty retention push", "retention", "push", 640, 14, 0.04, 0.01, 300, 0.3),
    ("CMP03", "Premium upsell email", "upsell", "email", 520, 21, 0.06, 0.05, 800, 0.6),
    ("CMP04", "Winback SMS voucher", "winback", "sms", 400, 30, 0.08, 0.12, 400, 0.8),
    ("CMP05", "Retention push - new season", "retention", "push", 260, 14, 0.05, 0.01, 300, 0.3),
    ("CMP06", "Winback email - summer", "winback", "email", 130, 30, 0.10, 0.05, 500, 0.8),
]
DISAGREE_CAMPAIGN = 3  # index of CMP04: predicted_response overstated ~3x

RATE_SHAPE = 0.6  # gamma shape of the base purchase rate (orders per day)
RATE_SCALE = 0.13  # gamma scale
DECLINE_DAYS = 600.0  # mean time from signup to the start of decline


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


# --------------------------------------------------------------------------------------
# Global context (products, campaigns, regions): identical for every chunk
# --------------------------------------------------------------------------------------
@dataclass
class _Ctx:
    seed: int
    n_customers: int
    end_day: int  # days since 1970-01-01 of end_date
    fmt: str
    bad_rows: bool
    cid_width: int
    T: float = float(SPAN_DAYS)
    start_day: int = 0
    region_tilt: np.ndarray = field(default=None)
    cat_start: np.ndarray = field(default=None)
    cat_count: np.ndarray = field(default=None)
    prod_price: np.ndarray = field(default=None)  # cents, sorted by (category, price)
    prod_ids: pa.Array = field(default=None)  # product_id strings in sorted order
    products: pa.Table = field(default=None)
    camp_start: np.ndarray = field(default=None)  # in days since span start
    label_rate: float = 0.05
    chunk_n: int = 0  # customers in the chunk being simulated


def _build_ctx(seed, n_customers, end_date, fmt, bad_rows) -> _Ctx:
    end = dt.date.fromisoformat(str(end_date))
    end_day = (end - EPOCH).days
    ctx = _Ctx(seed=seed, n_customers=n_customers, end_day=end_day, fmt=fmt, bad_rows=bad_rows,
               cid_width=max(7, len(str(n_customers))))
    ctx.start_day = end_day - (SPAN_DAYS - 1)
    rng = np.random.default_rng([seed, 0, 0])
    ctx.region_tilt = rng.normal(0.0, 0.45, (NR, K))
    # products
    counts = rng.integers(18, 36, K)
    ctx.cat_count = counts
    ctx.cat_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    n_prod = int(counts.sum())
    cat_of = np.repeat(np.arange(K), counts)
    price = np.exp(np.log(CAT_MEDIAN_PRICE[cat_of]) + rng.normal(0, 0.65, n_prod))
    price = np.maximum(99, np.round(price * 100 / 5) * 5 - 1).astype(np.int64)  # ...x.x9
    order = np.lexsort((price, cat_of))
    price = price[order]
    ctx.prod_price = price
    labels = rng.permutation(n_prod) + 1  # product number, so ids do not leak the price rank
    ctx.prod_ids = _id_col("P", labels, 4)
    sub = rng.integers(0, 4, n_prod)
    syll = ["nor", "vex", "al", "tri", "ko", "ma", "zen", "lu", "ber", "qua", "sol", "ix",
            "ra", "to", "fin", "ge"]
    brands = sorted({(syll[a] + syll[b]).capitalize() for a, b in rng.integers(0, 16, (80, 2))})
    brand = rng.integers(0, len(brands), n_prod)
    sub_names = [f"{SUBCATEGORIES[CATEGORIES[c]][s]}" for c, s in zip(cat_of, sub)]
    by_label = np.argsort(labels)
    ctx.products = _table(TABLES["products"], {
        "product_id": ctx.prod_ids.take(pa.array(by_label)),
        "category": _vocab_col(CATEGORIES, cat_of[by_label]),
        "subcategory": pa.array([sub_names[i] for i in by_label], pa.string(),
                                mask=rng.random(n_prod) < 0.05),
        "brand": _vocab_col(brands, brand[by_label], rng.random(n_prod) < 0.08),
    })
    ctx.camp_start = np.array([SPAN_DAYS - c[4] for c in CAMPAIGNS], float)
    ctx.label_rate = min(0.05, 3000.0 / max(n_customers, 1))
    return ctx


def _campaigns_table(ctx: _Ctx) -> pa.Table:
    start = ctx.start_day + ctx.camp_start.astype(np.int64)
    return _table(TABLES["campaigns"], {
        "campaign_id": pa.array([c[0] for c in CAMPAIGNS]),
        "campaign_name": pa.array([c[1] for c in CAMPAIGNS]),
        "objective": pa.array([c[2] for c in CAMPAIGNS]),
        "channel": pa.array([c[3] for c in CAMPAIGNS]),
        "start_date": _date_col(start),
        "end_date": _date_col(start + 14),
        "cost_per_contact": _money_col(np.array([round(c[7] * 100) for c in CAMPAIGNS])),
        "fixed_cost": _money_col(np.array([c[8] * 100 for c in CAMPAIGNS])),
        "response_window_days": _int_col([c[5] for c in CAMPAIGNS]),
    })


# --------------------------------------------------------------------------------------
# Latent purchase intensity: lam on [t0, td), lam*exp(-(t-td)/tau) on [td, ts), 0 after
# --------------------------------------------------------------------------------------
def _cum(t, t0, td, ts, lam, tau):
    a = np.clip(t, t0, td) - t0
    x = np.clip(t, td, ts) - td
    return lam * a + lam * tau * (-np.expm1(-x / tau))


def _inv(u, t0, td, lam, tau):
    A = lam * (td - t0)
    v = np.minimum((u - A) / (lam * tau), 1 - 1e-12)
    with np.errstate(invalid="ignore"):
        t_decl = td - tau * np.log1p(-np.maximum(v, 0))
    return np.where(u < A, t0 + u / np.maximum(lam, 1e-300), t_decl)


def _tod(rng, m):
    return rng.choice(24, m, p=HOUR_P) * 3600 + rng.integers(0, 3600, m)


# --------------------------------------------------------------------------------------
# One chunk
# --------------------------------------------------------------------------------------
@dataclass
class _ChunkOut:
    tables: dict
    n_orders_ids: int
    n_communities: int
    camp_stats: np.ndarray  # (n_campaigns, 8)
    bad: dict


def _sample_cats(rng, cumcols, cidx, t, fad, p_noise, p_fad, recent_from):
    m = len(cidx)
    u = rng.random(m)
    cat = np.zeros(m, np.int64)
    for col in cumcols:
        cat += u > col[cidx]
    r = rng.random(m)
    noise = r < p_noise
    cat[noise] = rng.integers(0, K, int(noise.sum()))
    fs = (~noise) & (t >= recent_from) & (r < p_noise + p_fad)
    cat[fs] = fad[cidx[fs]]
    return cat


def _pick_products(rng, ctx, cat, zc):
    q = 1.0 / (1.0 + np.exp(-(0.9 * zc + rng.normal(0, 0.9, len(cat)))))
    cnt = ctx.cat_count[cat]
    rank = np.minimum((q * cnt).astype(np.int64), cnt - 1)
    return ctx.cat_start[cat] + rank


def _simulate_chunk(ctx: _Ctx, ci: int, lo: int, hi: int, order_off: int, comm_off: int,
                    emit) -> _ChunkOut:
    """Simulate customers [lo, hi); tables are handed to ``emit(name, table)`` as soon as
    they are ready so that large intermediates can be freed early."""
    rng = np.random.default_rng([ctx.seed, 1, ci])
    n = hi - lo
    ctx.chunk_n = n
    T = ctx.T
    Tc = T - 1e-6
    gid = np.arange(lo, hi) + 1  # customer number
    cust_ids = _id_col("C", gid, ctx.cid_width)
    sec0 = ctx.start_day * DAY_S

    # ---- explicit attributes ------------------------------------------------------
    gender = rng.choice(3, n, p=GENDER_P)
    age = np.clip(18 + rng.gamma(2.2, 9.0, n), 18, 88)
    region = rng.choice(NR, n, p=REGION_P)
    city = region * CPR + rng.choice(CPR, n, p=CITY_P)
    acq = rng.choice(len(ACQ), n, p=ACQ_P)
    t0 = T * rng.random(n) ** 0.75
    lam = rng.gamma(RATE_SHAPE, RATE_SCALE, n) * np.where(acq == 1, 0.8, 1.0)
    z = rng.standard_normal(n)
    dd = DECLINE_DAYS * np.exp(rng.normal(0, 0.5, n)) * np.where(acq == 3, 1.4,
                                                          np.where(acq == 5, 0.7, 1.0))
    td = t0 + rng.exponential(1.0, n) * dd
    stop_gap = rng.gamma(2.0, 60.0, n)
    tau = rng.uniform(40, 120, n)

    # ---- communities --------------------------------------------------------------
    target = int(round(0.30 * n))
    kmax = n // 2 + 2
    kind = rng.choice(4, kmax, p=[0.45, 0.25, 0.10, 0.20])
    size = np.select(
        [kind == 0, kind == 1, kind == 2],
        [2 + rng.choice(4, kmax, p=[0.45, 0.3, 0.17, 0.08]),
         2 + np.minimum(rng.geometric(0.35, kmax) - 1, 10),
         rng.integers(5, 31, kmax)],
        rng.integers(3, 11, kmax))
    cs = np.cumsum(size)
    n_comm = int(np.searchsorted(cs, target)) if target >= 2 else 0
    n_comm = max(0, min(n_comm, int(np.searchsorted(cs, n, side="right"))))
    kind, size = kind[:n_comm], size[:n_comm]
    n_mem = int(size.sum())
    members = rng.permutation(n)[:n_mem]
    comm_of = np.repeat(np.arange(n_comm), size)
    o = np.lexsort((t0[members], comm_of))  # members sorted by signup within community
    members = members[o]
    starts = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    pos = np.arange(n_mem) - starts[comm_of]
    root = members[starts][comm_of]  # earliest signup = root / referrer
    comm_id = np.full(n, -1, np.int64)
    comm_id[members] = comm_of
    mk = kind[comm_of]
    # shared latent traits
    c_region = rng.choice(NR, n_comm, p=REGION_P)
    c_city = c_region * CPR + rng.choice(CPR, n_comm, p=CITY_P)
    c_age = np.clip(20 + rng.gamma(2.2, 8.0, n_comm), 18, 85)
    c_gender = rng.choice(2, n_comm)
    c_z = rng.standard_normal(n_comm)
    c_lam = rng.gamma(RATE_SHAPE, RATE_SCALE, n_comm)
    c_shared_churn = rng.random(n_comm) < 0.6
    c_td = t0[members[starts]] + rng.exponential(1.0, n_comm) * DECLINE_DAYS
    same_region = (mk == 0) | (rng.random(n_mem) < 0.85)
    region[members] = np.where(same_region, c_region[comm_of], region[members])
    city[members] = np.where(mk == 0, c_city[comm_of],
                             np.where(same_region & (city[members] // CPR != region[members]),
                                      region[members] * CPR + rng.choice(CPR, n_mem, p=CITY_P),
                                      city[members]))
    age_like = (mk == 2) | (mk == 3)
    age[members] = np.where(age_like, np.clip(c_age[comm_of] + rng.normal(0, 4, n_mem), 18, 88),
                            age[members])
    gmask = (mk == 2) & (rng.random(n_mem) < 0.8)
    gender[members] = np.where(gmask, c_gender[comm_of], gender[members])
    z[members] = 0.75 * c_z[comm_of] + 0.66 * z[members]
    lam[members] = np.exp(0.6 * np.log(c_lam[comm_of]) + 0.4 * np.log(lam[members]))
    shared = c_shared_churn[comm_of]
    td[members] = np.where(shared, np.maximum(t0[members] + 30,
                                              c_td[comm_of] + rng.normal(0, 20, n_mem)),
                           td[members])
    ref_child = (mk == 1) & (pos > 0) & (rng.random(n_mem) < 0.8)
    acq[members[ref_child]] = 3
    td = np.maximum(td, t0)
    ts = td + stop_gap

    # ---- interests ----------------------------------------------------------------
    ageband = np.digitize(age, [30, 45, 60])
    logit = (np.log(CAT_BASE_POP)[None, :] + GENDER_LOGMULT[gender] + AGE_LOGMULT[ageband]
             + ctx.region_tilt[region])
    g = logit + rng.gumbel(size=(n, K))
    top = np.argsort(-g, axis=1)[:, :3]
    k_strong = rng.choice([1, 2, 3], n, p=[0.3, 0.45, 0.25])
    dirw = rng.gamma(2.0, 1.0, (n, 3)) * (np.arange(3)[None, :] < k_strong[:, None])
    strong = np.zeros((n, K))
    np.put_along_axis(strong, top, dirw, axis=1)
    strong /= strong.sum(1, keepdims=True)
    back = np.exp(logit) * rng.gamma(0.5, 1.0, (n, K))
    back /= back.sum(1, keepdims=True)
    w = 0.85 * strong + 0.15 * back
    w_own = w.copy()
    w[members] = 0.65 * w_own[root] + 0.35 * w_own[members]
    cumw = np.cumsum(w, axis=1)
    cumcols = [np.ascontiguousarray(cumw[:, j]) for j in range(K - 1)]
    fad = rng.integers(0, K, n)
    recent_from = T - 120

    # ---- orders: organic Poisson process + first purchase at signup -----------------
    tdc, tsc = np.minimum(td, Tc), np.minimum(ts, Tc)
    Lam = _cum(Tc, t0, tdc, tsc, lam, tau)
    N = rng.poisson(Lam)
    oc = np.repeat(np.arange(n), N)
    u = rng.random(len(oc)) * Lam[oc]
    ot = _inv(u, t0[oc], tdc[oc], lam[oc], tau[oc])
    ot = np.clip(ot, t0[oc], Tc)
    first = rng.random(n) < 0.85
    fc = np.nonzero(first)[0]
    ft = np.minimum(t0[fc] + rng.exponential(0.3, len(fc)), Tc)
    oc = np.concatenate([oc, fc])
    ot = np.concatenate([ot, ft])
    n_org = len(oc)
    osec = sec0 + np.floor(ot).astype(np.int64) * DAY_S + _tod(rng, n_org)

    # ---- campaigns: contacts, treatment, potential extra orders --------------------
    signed_at = t0
    c_parts = []
    for j, (_cid, _nm, obj, _ch, _off, W, delta, _cpc, _fc, frac) in enumerate(CAMPAIGNS):
        s = ctx.camp_start[j]
        signed = signed_at < s - 60
        if j == DISAGREE_CAMPAIGN:  # lapsed customers only: organic response ~0
            elig = signed & (ts <= s) & (s - ts < 270)
        elif obj == "winback":
            elig = signed & (td <= s) & (s - ts < 270)
        elif obj == "retention":
            elig = signed & (td > s)
        else:
            elig = signed & (td > s) & (lam > 1 / 25)
        sel = np.nonzero(elig & (rng.random(n) < frac))[0]
        m = len(sel)
        pilot = rng.random(m) < 0.12
        treat = rng.random(m) < 0.80
        a = s + np.where(pilot, rng.uniform(0, 2, m), 7 + rng.uniform(0, 7, m))
        Lw = (_cum(a + W, t0[sel], tdc[sel], tsc[sel], lam[sel], tau[sel])
              - _cum(a, t0[sel], tdc[sel], tsc[sel], lam[sel], tau[sel]))
        p0 = -np.expm1(-0.9 * Lw)  # 90% of organic orders are completed
        e = np.clip(delta / np.maximum(1 - p0, 1e-9), 0, 1)
        pt = p0 + (1 - p0) * e
        pred = np.clip(pt * np.exp(rng.normal(-0.045, 0.3, m)), 0.001, 0.99)
        if j == DISAGREE_CAMPAIGN:
            pred = np.clip(pred * 3.0, 0.001, 0.99)
        pred = np.round(pred, 4)
        pred_null = rng.random(m) < 0.02
        success = rng.random(m) < e
        dt_extra = np.minimum(rng.exponential(W / 4, m), W * 0.98)
        c_parts.append(dict(camp=np.full(m, j), cust=sel, pilot=pilot, treat=treat, a=a,
                            p0=p0, e=e, pt=pt, pred=pred, pred_null=pred_null,
                            real=treat & success, dt=dt_extra,
                            W=np.full(m, W)))
    C = {k: np.concatenate([p[k] for p in c_parts]) for k in c_parts[0]}
    nC = len(C["cust"])
    a_sec = sec0 + np.floor(C["a"] * DAY_S).astype(np.int64)
    x_sec = a_sec + np.floor(C["dt"] * DAY_S).astype(np.int64) + 60

    # all candidate orders: organic then potential campaign orders
    oc = np.concatenate([oc, C["cust"]])
    ot = np.concatenate([ot, C["a"] + C["dt"]])
    osec = np.concatenate([osec, x_sec])
    is_x = np.zeros(len(oc), bool)
    is_x[n_org:] = True
    no = len(oc)
    status = np.concatenate([rng.choice(3, n_org, p=[0.9, 0.05, 0.05]), np.zeros(nC, np.int64)])
    ch_g = rng.gamma(REGION_CHANNEL_ALPHA[region], 1.0)
    ch_cum = np.cumsum(ch_g / ch_g.sum(1, keepdims=True), axis=1)
    uu = rng.random(no)
    ochan = (uu > ch_cum[oc, 0]).astype(np.int64) + (uu > ch_cum[oc, 1])
    ochan_null = rng.random(no) < 0.03

    # ---- items --------------------------------------------------------------------
    n_items = 1 + np.minimum(rng.poisson(1.0, no), 7)
    io = np.repeat(np.arange(no), n_items)
    ic = oc[io]
    icat = _sample_cats(rng, cumcols, ic, ot[io], fad, 0.07, 0.30, recent_from)
    iprod = _pick_products(rng, ctx, icat, z[ic])
    ni = len(io)
    qty = rng.choice(5, ni, p=[0.78, 0.15, 0.05, 0.015, 0.005]) + 1
    promo = rng.random(ni) < 0.3
    price = ctx.prod_price[iprod].astype(np.float64)
    price = np.where(promo, np.maximum(50, np.round(price * np.exp(rng.normal(-0.03, 0.08, ni)))),
                     price).astype(np.int64)
    # one line per product within an order: a product drawn twice for the same order becomes
    # one line with the summed quantity at the first draw's price (real shops merge such lines;
    # exact copies of a line are what staging rejects as duplicate_row)
    line_key = io.astype(np.int64) * (int(iprod.max()) + 1 if ni else 1) + iprod
    _, first_line = np.unique(line_key, return_index=True)
    if len(first_line) < ni:
        first_line = np.sort(first_line)
        group = np.searchsorted(line_key[first_line], line_key, sorter=np.argsort(line_key[first_line]))
        group = np.argsort(line_key[first_line])[group]
        qty = np.bincount(group, weights=qty, minlength=len(first_line)).astype(np.int64)
        io, ic, icat, iprod, price = io[first_line], ic[first_line], icat[first_line], iprod[first_line], price[first_line]
        ni = len(io)
    gross = np.rint(np.bincount(io, weights=(qty * price).astype(np.float64), minlength=no)
                    ).astype(np.int64)
    has_disc = rng.random(no) < np.where(is_x, 0.6, 0.28)
    disc = np.where(has_disc, np.rint(gross * rng.uniform(0.05, 0.25, no)), 0).astype(np.int64)
    amount = gross - disc

    # campaign truth accumulators (expected values over all contacts, both arms)
    xv = amount[n_org:]
    camp_stats = np.zeros((len(CAMPAIGNS), 8))
    for j in range(len(CAMPAIGNS)):
        mm = C["camp"] == j
        pm = mm & C["pilot"]
        camp_stats[j] = [mm.sum(), ((1 - C["p0"]) * C["e"])[mm].sum(),
                         (C["e"] * xv)[mm].sum() / 100.0, C["p0"][mm].sum(), C["pt"][mm].sum(),
                         C["pred"][pm & ~C["pred_null"]].sum(), (pm & ~C["pred_null"]).sum(),
                         C["pt"][pm].sum()]
    pilot_counts = np.array([(C["pilot"] & (C["camp"] == j)).sum() for j in range(len(CAMPAIGNS))])

    # keep organic + realised campaign orders, sort by time
    keep = np.ones(no, bool)
    keep[n_org:] = C["real"]
    kidx = np.nonzero(keep)[0]
    kidx = kidx[np.argsort(osec[kidx], kind="stable")]
    new_of = np.full(no, -1, np.int64)
    new_of[kidx] = np.arange(len(kidx))
    nk = len(kidx)
    o_cust, o_sec, o_amt, o_disc = oc[kidx], osec[kidx], amount[kidx], disc[kidx]
    o_hasd, o_stat = has_disc[kidx], status[kidx]
    o_chan, o_chan_null = ochan[kidx], ochan_null[kidx]
    ikeep = keep[io]
    i_new = new_of[io[ikeep]]
    iord = np.argsort(i_new, kind="stable")
    i_order = i_new[iord]
    i_prod = iprod[ikeep][iord]
    i_qty = qty[ikeep][iord]
    i_price = price[ikeep][iord]
    order_nums = order_off + 1 + np.arange(nk)
    order_ids = _id_col("O", order_nums, 9)

    # ---- campaign responses (completed orders inside the window) ------------------
    comp = o_stat == 0
    rel = o_sec - sec0
    key = o_cust[comp].astype(np.int64) * (1 << 28) + rel[comp]
    ko = np.argsort(key, kind="stable")
    key_s = key[ko]
    amt_s = o_amt[comp][ko]
    sec_s = o_sec[comp][ko]
    csum = np.concatenate([[0], np.cumsum(amt_s)])
    ck = C["cust"].astype(np.int64) * (1 << 28)
    lo_i = np.searchsorted(key_s, ck + (a_sec - sec0), side="left")
    hi_i = np.searchsorted(key_s, ck + (a_sec - sec0) + C["W"] * DAY_S, side="right")
    responded = hi_i > lo_i
    r_idx = np.nonzero(responded)[0]
    camp_ids = pa.array([c[0] for c in CAMPAIGNS])

    emit("campaign_contacts", _table(TABLES["campaign_contacts"], {
        "campaign_id": _vocab_col(camp_ids, C["camp"]),
        "customer_id": cust_ids.take(pa.array(C["cust"])),
        "arm": _vocab_col(ARMS, np.where(C["treat"], 0, 1)),
        "phase": _vocab_col(PHASES, np.where(C["pilot"], 0, 1)),
        "contacted_at": _ts_col(a_sec),
        "predicted_response": _float_col(C["pred"], C["pred_null"]),
    }))
    emit("campaign_responses", _table(TABLES["campaign_responses"], {
        "campaign_id": _vocab_col(camp_ids, C["camp"][r_idx]),
        "customer_id": cust_ids.take(pa.array(C["cust"][r_idx])),
        "responded_at": _ts_col(sec_s[lo_i[r_idx]]),
        "response_type": _vocab_col(["purchase"], np.zeros(len(r_idx), np.int64)),
        "revenue": _money_col(csum[hi_i[r_idx]] - csum[lo_i[r_idx]]),
    }))

    orders = {
        "order_id": order_ids,
        "customer_id": cust_ids.take(pa.array(o_cust)),
        "order_ts": _ts_col(o_sec),
        "order_amount": _money_col(o_amt),
        "discount_amount": _money_col(o_disc, ~o_hasd),
        "status": _vocab_col(STATUSES, o_stat),
        "channel": _vocab_col(ORDER_CHANNELS, o_chan, o_chan_null),
    }
    items = {
        "order_id": order_ids.take(pa.array(i_order)),
        "product_id": ctx.prod_ids.take(pa.array(i_prod)),
        "quantity": _int_col(i_qty),
        "unit_price": _money_col(i_price),
    }
    orders = _table(TABLES["orders"], orders)
    items = _table(TABLES["order_items"], items)
    n_ids = nk
    bad = {}
    if ctx.bad_rows:
        orders, n_ids = _bad_orders(ctx, rng, orders, bad, nk, order_off)
        items = _bad_items(ctx, rng, items, bad)
    emit("orders", orders)
    emit("order_items", items)
    # personal mean order value (for the value truth), then free the big arrays
    cnt_c = np.bincount(o_cust[comp], minlength=n)
    sum_c = np.bincount(o_cust[comp], weights=o_amt[comp].astype(float), minlength=n)
    del orders, items, order_ids, io, ic, icat, iprod, qty, price, promo, ikeep, i_new, iord
    del i_order, i_prod, i_qty, i_price, oc, ot, osec, status, ochan, ochan_null, uu, gross
    del o_cust, o_sec, o_amt, o_disc, o_hasd, o_stat, o_chan, o_chan_null, key, ko, key_s
    del amt_s, sec_s, csum, rel, comp, has_disc, disc, amount, is_x, keep, new_of, kidx

    # ---- events ---------------------------------------------------------------------
    Ne = rng.poisson(2.05 * Lam)
    ec = np.repeat(np.arange(n), Ne)
    eu = rng.random(len(ec)) * Lam[ec]
    et = np.clip(_inv(eu, t0[ec], tdc[ec], lam[ec], tau[ec]), t0[ec], Tc)
    etype = rng.choice(4, len(ec), p=[0.62, 0.20, 0.10, 0.08])
    stopped_n = ts < Tc
    Nl = rng.poisson(np.where(stopped_n, 0.8 * (Tc - tsc) / 365, 0))
    lc = np.repeat(np.arange(n), Nl)
    lt = tsc[lc] + rng.random(len(lc)) * (Tc - tsc[lc])
    cc = np.nonzero(C["treat"] & (rng.random(nC) < 0.25))[0]
    ct = C["a"][cc] + rng.uniform(0.01, 3, len(cc))
    ec = np.concatenate([ec, lc, C["cust"][cc]])
    et = np.concatenate([et, lt, ct])
    etype = np.concatenate([etype, np.full(len(lc), 3), np.full(len(cc), 4)])
    ne = len(ec)
    esec = sec0 + np.floor(et).astype(np.int64) * DAY_S + _tod(rng, ne)
    esec[ne - len(cc):] = sec0 + np.floor(ct * DAY_S).astype(np.int64)
    ecat = _sample_cats(rng, cumcols, ec, et, fad, 0.12, 0.30, recent_from)
    eprod = _pick_products(rng, ctx, ecat, z[ec])
    eo = np.argsort(esec, kind="stable")
    emit("events", _table(TABLES["events"], {
        "customer_id": cust_ids.take(pa.array(ec[eo])),
        "event_ts": _ts_col(esec[eo]),
        "event_type": _vocab_col(EVENT_TYPES, etype[eo]),
        "product_id": ctx.prod_ids.take(pa.array(eprod[eo], mask=etype[eo] >= 3)),
        "category": _vocab_col(CATEGORIES, ecat[eo], etype[eo] == 3),
    }))
    del ec, et, etype, esec, ecat, eprod, eo, eu, lc, lt

    # ---- links ----------------------------------------------------------------------
    par_pos = np.floor(rng.random(n_mem) * pos).astype(np.int64)
    tree = pos > 0
    e_child = members[tree]
    e_par = members[starts[comm_of[tree]] + par_pos[tree]]
    e_comm = comm_of[tree]
    n_extra = (size * 0.25).astype(np.int64)
    xc = np.repeat(np.arange(n_comm), n_extra)
    pa_ = rng.integers(0, size[xc]) if len(xc) else np.zeros(0, np.int64)
    pb_ = rng.integers(0, size[xc]) if len(xc) else np.zeros(0, np.int64)
    ok = pa_ != pb_
    xc, pa_, pb_ = xc[ok], pa_[ok], pb_[ok]
    hi_p, lo_p = np.maximum(pa_, pb_), np.minimum(pa_, pb_)
    e_child = np.concatenate([e_child, members[starts[xc] + hi_p]])
    e_par = np.concatenate([e_par, members[starts[xc] + lo_p]])
    e_comm = np.concatenate([e_comm, xc])
    ekey = e_child.astype(np.int64) * n + e_par
    _, first_i = np.unique(ekey, return_index=True)
    first_i = np.sort(first_i)
    e_child, e_par, e_comm = e_child[first_i], e_par[first_i], e_comm[first_i]
    nl = len(e_child)
    l_t = np.minimum(np.maximum(t0[e_child], t0[e_par]) + rng.uniform(0, 20, nl), Tc)
    l_sec = sec0 + np.floor(l_t).astype(np.int64) * DAY_S + _tod(rng, nl)
    lo_ = np.argsort(l_sec, kind="stable")
    emit("customer_links", _table(TABLES["customer_links"], {
        "customer_id": cust_ids.take(pa.array(e_child[lo_])),
        "linked_customer_id": cust_ids.take(pa.array(e_par[lo_])),
        "link_type": _vocab_col(KINDS, kind[e_comm[lo_]]),
        "linked_at": _ts_col(l_sec[lo_]),
    }))

    # ---- truth: stages, value --------------------------------------------------------
    is_new = t0 > T - 60
    since = T - ts
    stage = np.where(is_new, 0, np.where(td >= T, 1, np.where(since < 90, 2,
                                                                 np.where(since <= 180, 3, 4))))
    cur = np.where(td >= T, lam, np.where(ts > T, lam * np.exp(-(T - td) / tau), 0.0))
    glob_mean = sum_c.sum() / max(cnt_c.sum(), 1)
    mov = np.where(cnt_c > 0, (sum_c + 3 * glob_mean) / (cnt_c + 3), glob_mean) / 100.0
    eas = cur * 365 * mov
    vtier = np.where(eas >= 2000, 2, np.where(eas >= 400, 1, 0))
    birth_year = (dt.date.fromordinal(EPOCH.toordinal() + ctx.end_day).year
                  - np.floor(age)).astype(np.int64)
    comm_num = comm_off + 1 + comm_id
    comm_ids_all = _id_col("K", np.maximum(comm_num, 0), 6)
    comm_mask = comm_id < 0
    emit("_truth/customer_truth", _table(TRUTH_TABLES["customer_truth"], {
        "customer_id": cust_ids,
        "true_stage": _vocab_col(STAGES, stage),
        "purchase_rate": _float_col(np.round(lam * 30, 5)),
        "community_id": pc.if_else(pa.array(comm_mask), pa.scalar(None, pa.string()),
                                   comm_ids_all),
        "current_purchase_rate": _float_col(np.round(cur * 30, 5)),
        "expected_annual_spend": _float_col(np.round(eas, 2)),
        "value_tier": _vocab_col(VALUE_TIERS, vtier),
        "true_gender": _vocab_col(GENDERS, gender),
        "true_birth_year": _int_col(birth_year),
        "true_city": _vocab_col(CITY_NAMES, city),
        "true_region": _vocab_col(REGIONS, region),
        "decline_started_at": _date_col(ctx.start_day + np.floor(np.minimum(td, T)),
                                        td >= T),
        "stopped_at": _date_col(ctx.start_day + np.floor(np.minimum(ts, T)), ts >= T),
    }))
    wi = np.nonzero(w >= 0.03)
    emit("_truth/customer_interests", _table(TRUTH_TABLES["customer_interests"], {
        "customer_id": cust_ids.take(pa.array(wi[0])),
        "category": _vocab_col(CATEGORIES, wi[1]),
        "weight": _float_col(np.round(w[wi], 4)),
    }))
    emit("_truth/communities", _table(TRUTH_TABLES["communities"], {
        "community_id": _id_col("K", comm_off + 1 + np.arange(n_comm), 6),
        "kind": _vocab_col(KINDS, kind),
        "size": _int_col(size),
    }))

    # ---- customers (with informative missingness) ---------------------------------
    priv = (rng.standard_normal(n) + 0.9 * np.isin(acq, [1, 5]) + 0.6 * (age < 30)
            - 0.3 * (acq == 3))
    miss_g = priv + rng.normal(0, 0.8, n) > 1.45
    miss_b = priv + rng.normal(0, 0.8, n) > 1.35
    miss_c = priv + rng.normal(0, 0.8, n) > 1.40
    tier_score = 0.6 * z + 0.8 * (np.log(lam / RATE_SCALE) + 0.2) + rng.normal(0, 0.6, n)
    tier = np.digitize(tier_score, [-0.3, 0.8, 1.7])
    tier_null = rng.random(n) < 0.15
    email = pc.binary_join_element_wise(pc.utf8_lower(cust_ids), "@example.com", "")
    email_null = rng.random(n) < 0.08
    phone = _id_col("+1-555-", rng.integers(0, 10_000_000, n), 7)
    phone_null = rng.random(n) < 0.30
    signup_day = ctx.start_day + np.floor(t0).astype(np.int64)
    cust = {
        "customer_id": cust_ids,
        "signup_date": _date_col(signup_day),
        "birth_year": _int_col(birth_year, miss_b),
        "gender": _vocab_col(GENDERS, gender, miss_g),
        "city": _vocab_col(CITY_NAMES, city, miss_c),
        "region": _vocab_col(REGIONS, region, miss_c),
        "acquisition_channel": _vocab_col(ACQ, acq),
        "member_tier": _vocab_col(TIERS, tier, tier_null),
        "email": pc.if_else(pa.array(email_null), pa.scalar(None, pa.string()), email),
        "phone": pc.if_else(pa.array(phone_null), pa.scalar(None, pa.string()), phone),
    }

    # ---- manual labels ----------------------------------------------------------------
    n_lab = int(rng.binomial(n, ctx.label_rate))
    lab_c = np.sort(rng.choice(n, n_lab, replace=False)) if n_lab else np.zeros(0, np.int64)
    churn = np.array([1, 0, 1, 2, 2])[stage]
    lab_rows = []
    for name, truth, vocab, p_inc in (("churn_risk", churn, CHURN_RISK, 0.8),
                                      ("lifecycle_stage", stage, STAGES, 0.9),
                                      ("value_tier", vtier, VALUE_TIERS, 0.6)):
        inc = lab_c[rng.random(n_lab) < p_inc]
        val = truth[inc].copy()
        noisy = rng.random(len(inc)) < 0.12
        val[noisy] = rng.integers(0, len(vocab), int(noisy.sum()))
        lab_rows.append((inc, np.full(len(inc), name), np.array(vocab, dtype=object)[val]))
    l_c = np.concatenate([r[0] for r in lab_rows]).astype(np.int64)
    l_sec = (ctx.end_day + 1) * DAY_S - rng.integers(3600, 60 * DAY_S, len(l_c))
    lo2 = np.lexsort((l_sec, l_c))
    emit("manual_labels", _table(TABLES["manual_labels"], {
        "customer_id": cust_ids.take(pa.array(l_c[lo2])),
        "label_name": pa.array(np.concatenate([r[1] for r in lab_rows])[lo2].tolist(), pa.string()),
        "label_value": pa.array(np.concatenate([r[2] for r in lab_rows])[lo2].tolist(),
                                pa.string()),
        "labeled_at": _ts_col(l_sec[lo2]),
        "labeled_by": _vocab_col(ANALYSTS, rng.integers(0, len(ANALYSTS), len(l_c))),
    }))


    customers = _table(TABLES["customers"], cust)
    if ctx.bad_rows:
        customers = _bad_customers(ctx, rng, customers, bad, lo, n)
    emit("customers", customers)
    return _ChunkOut(tables=None, n_orders_ids=n_ids, n_communities=n_comm,
                     camp_stats=np.column_stack([camp_stats, pilot_counts]), bad=bad)


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
        s5[3] = _vocab_col(["abc", "12.5x", "1.2.3", "n/a"], np.arange(k) % 4)
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


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------
def generate(out_dir, n_customers: int = 3000, seed: int = 42, fmt: str = "csv",
             end_date: str = "2026-06-30", bad_rows: bool = True,
             chunk_size: int = 50000) -> dict[str, int]:
    """Generate the demo data set; return row counts per file written.

    Keys are table names (``"orders"``) and truth tables (``"_truth/customer_truth"``).
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    if n_customers < 1 or chunk_size < 1:
        raise ValueError("n_customers and chunk_size must be positive")
    out = Path(out_dir)
    ctx = _build_ctx(int(seed), int(n_customers), end_date, fmt, bad_rows)
    ext = "csv" if fmt == "csv" else "parquet"
    specs = {**TABLES, **{f"_truth/{k}": v for k, v in TRUTH_TABLES.items()}}
    sinks = {name: _Sink(out / f"{name}.{ext}", cols, fmt) for name, cols in specs.items()}
    try:
        sinks["products"].write(ctx.products)
        sinks["campaigns"].write(_campaigns_table(ctx))
        order_off = comm_off = 0
        camp = np.zeros((len(CAMPAIGNS), 9))
        bad: dict = {}
        for ci, lo in enumerate(range(0, ctx.n_customers, chunk_size)):
            hi = min(ctx.n_customers, lo + chunk_size)
            res = _simulate_chunk(ctx, ci, lo, hi, order_off, comm_off,
                                  lambda name, tbl: sinks[name].write(tbl))
            order_off += res.n_orders_ids
            comm_off += res.n_communities
            camp += res.camp_stats
            for key, v in res.bad.items():
                bad[key] = bad.get(key, 0) + v
        nc = np.maximum(camp[:, 0], 1)
        npred = np.maximum(camp[:, 6], 1)
        npilot = np.maximum(camp[:, 8], 1)
        sinks["_truth/campaign_truth"].write(_table(TRUTH_TABLES["campaign_truth"], {
            "campaign_id": pa.array([c[0] for c in CAMPAIGNS]),
            "true_uplift": _float_col(np.round(camp[:, 1] / nc, 5)),
            "true_incremental_revenue_per_contact": _float_col(np.round(camp[:, 2] / nc, 4)),
            "pilot_should_pass": pa.array([j != DISAGREE_CAMPAIGN for j in range(len(CAMPAIGNS))]),
            "n_contacts": _int_col(camp[:, 0]),
            "expected_response_control": _float_col(np.round(camp[:, 3] / nc, 5)),
            "expected_response_treatment": _float_col(np.round(camp[:, 4] / nc, 5)),
            "pilot_mean_predicted_response": _float_col(np.round(camp[:, 5] / npred, 5)),
            "pilot_expected_response": _float_col(np.round(camp[:, 7] / npilot, 5)),
        }))
        keys = sorted(bad)
        sinks["_truth/bad_rows_injected"].write(_table(TRUTH_TABLES["bad_rows_injected"], {
            "table": pa.array([t for t, _ in keys], pa.string()),
            "kind": pa.array([k for _, k in keys], pa.string()),
            "count": _int_col([bad[key] for key in keys]),
        }))
        params = {"seed": seed, "n_customers": n_customers, "end_date": str(end_date),
                  "start_date": str(EPOCH + dt.timedelta(days=ctx.start_day)),
                  "format": fmt, "bad_rows": str(bool(bad_rows)).lower(),
                  "chunk_size": chunk_size}
        sinks["_truth/generation_params"].write(_table(TRUTH_TABLES["generation_params"], {
            "key": pa.array(list(params), pa.string()),
            "value": pa.array([str(v) for v in params.values()], pa.string()),
        }))
    finally:
        for s in sinks.values():
            s.close()
    return {name: s.rows for name, s in sinks.items()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m customer_activation.demo.generate",
                                description="Generate the customer-activation demo data.")
    p.add_argument("--customers", type=int, default=3000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", default="data/demo")
    p.add_argument("--format", choices=["csv", "parquet"], default="csv")
    p.add_argument("--end-date", default="2026-06-30")
    p.add_argument("--no-bad-rows", action="store_true", help="do not inject bad rows")
    p.add_argument("--chunk-size", type=int, default=50000)
    args = p.parse_args(argv)
    t = time.perf_counter()
    counts = generate(args.out, n_customers=args.customers, seed=args.seed, fmt=args.format,
                      end_date=args.end_date, bad_rows=not args.no_bad_rows,
                      chunk_size=args.chunk_size)
    width = max(len(k) for k in counts)
    for name, c in counts.items():
        print(f"{name:<{width}}  {c:>12,}")
    print(f"wrote {args.out} in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
