"""The demo shop's catalogue: vocabularies, latent-model parameters, products and campaigns.

Constants shared by every chunk (categories and their prices, regions and cities, channels,
the campaigns and their true effects, the purchase-rate distribution) and :class:`_Ctx`, the
global context built once per run from the seed (products, region tilts, campaign starts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from customer_activation.demo.tables import TABLES, _date_col, _id_col, _int_col, _money_col, _table, _vocab_col

DAY_S = 86_400
SPAN_DAYS = 1096  # ~3 years of history ending at end_date (inclusive)
EPOCH = dt.date(1970, 1, 1)

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
