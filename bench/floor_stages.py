"""The floor's SQL for the first stages: clean staging, order and event statistics, RFM.

Hand-written DuckDB over the benchmark's Parquet with the project's settings (see floor.py)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
ROLES = [("scoring", 0), ("training", 90), ("backtest", 180)]
STATUSES = ("completed", "cancelled", "returned")


def connect(db_path: str | None = None, temp_dir: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with the same settings as profiles.yml (same env vars). With db_path the
    floor's tables are written to a database file, as the project's are (not kept in memory)."""
    con = duckdb.connect(db_path or ":memory:")
    con.execute(f"set threads = {int(os.environ.get('CUSTOMER_ACTIVATION_DUCKDB_THREADS', '2'))}")
    con.execute(f"set memory_limit = '{os.environ.get('CUSTOMER_ACTIVATION_MEMORY_LIMIT', '4GB')}'")
    con.execute("set preserve_insertion_order = false")
    con.execute("set TimeZone = 'UTC'")
    if temp_dir:
        con.execute(f"set temp_directory = '{temp_dir}'")
    return con


def _fd_values(as_of: str) -> str:
    rows = ", ".join(
        f"('{role}', date '{as_of}' - interval {off} day)" for role, off in ROLES)
    return (f"select role, cast(d as date) as fdate, cast(d as date) + interval 1 day as end_ts "
            f"from (values {rows}) as v(role, d)")


# --------------------------------------------------------------------------------------------
# clean: typed Parquet -> kept rows
# --------------------------------------------------------------------------------------------
def clean_sql(data: Path, as_of: str, min_date: str = "1990-01-01") -> list[str]:
    p = lambda t: f"read_parquet('{data / (t + '.parquet')}')"  # noqa: E731
    end = f"(date '{as_of}' + interval 1 day)"
    return [
        f"""create or replace table fd as {_fd_values(as_of)}""",
        # customers: a customer_id with at least one valid row is kept; the most complete row
        f"""create or replace table f_customers as
        select customer_id, signup_date, birth_year, nullif(trim(region), '') as region
        from {p('customers')}
        where customer_id is not null
          and (birth_year is null or birth_year between 1900 and year(date '{as_of}'))
          and (signup_date is null or (signup_date < {end} and signup_date >= date '{min_date}'))
        qualify row_number() over (
            partition by customer_id
            order by (gender is not null)::int + (birth_year is not null)::int + (city is not null)::int
                   + (region is not null)::int + (acquisition_channel is not null)::int
                   + (member_tier is not null)::int + (email is not null)::int
                   + (phone is not null)::int + (signup_date is not null)::int desc,
                     signup_date desc nulls last) = 1""",
        # orders: valid rows of kept customers; a duplicated order_id keeps its latest version
        f"""create or replace table f_orders as
        select order_id, customer_id, order_ts, lower(status) as status, order_amount,
               case when lower(status) = 'completed' then order_amount else 0 end as net_amount,
               coalesce(discount_amount, 0) as discount_amount, lower(nullif(trim(channel), '')) as channel
        from {p('orders')}
        where order_id is not null and customer_id is not null and order_ts is not null
          and order_amount is not null and lower(status) in {STATUSES}
          and order_ts < {end} and order_ts >= timestamp '{min_date}'
          and not (lower(status) = 'completed' and order_amount < 0)
          and coalesce(discount_amount, 0) >= 0
          and customer_id in (select customer_id from f_customers)
        qualify row_number() over (
            partition by order_id
            order by order_ts desc, (discount_amount is null)::int + (channel is null)::int) = 1""",
        f"""create or replace table f_products as
        select product_id, coalesce(lower(nullif(trim(category), '')), 'uncategorised') as category
        from {p('products')}
        where product_id is not null
        qualify row_number() over (
            partition by product_id
            order by (category is null)::int + (subcategory is null)::int + (brand is null)::int) = 1""",
        # order lines of kept orders; exact copies count once
        f"""create or replace table f_lines as
        select distinct items.order_id, items.product_id, items.quantity, items.unit_price
        from {p('order_items')} as items
        inner join f_orders on items.order_id = f_orders.order_id
        where items.product_id is not null and items.quantity is not null and items.unit_price > 0
          and (items.quantity > 0 or (items.quantity < 0 and f_orders.status <> 'completed'))""",
        f"""create or replace table f_events as
        select events.customer_id, events.event_ts, lower(trim(events.event_type)) as event_type,
               coalesce(lower(nullif(trim(events.category), '')), f_products.category) as category
        from {p('events')} as events
        left join f_products on events.product_id = f_products.product_id
        where events.customer_id is not null and events.event_ts is not null
          and events.event_type is not null
          and events.event_ts < {end} and events.event_ts >= timestamp '{min_date}'
          and events.customer_id in (select customer_id from f_customers)""",
        f"""create or replace table f_links as
        select customer_id, linked_customer_id, coalesce(lower(trim(link_type)), 'unspecified') as link_type,
               linked_at
        from {p('customer_links')}
        where customer_id is not null and linked_customer_id is not null
          and customer_id <> linked_customer_id
          and (linked_at is null or (linked_at < {end} and linked_at >= timestamp '{min_date}'))
          and customer_id in (select customer_id from f_customers)
          and linked_customer_id in (select customer_id from f_customers)
        qualify row_number() over (
            partition by least(customer_id, linked_customer_id), greatest(customer_id, linked_customer_id),
                         coalesce(lower(trim(link_type)), 'unspecified')
            order by linked_at nulls last, customer_id, linked_customer_id) = 1""",
    ]


# --------------------------------------------------------------------------------------------
# rfm
# --------------------------------------------------------------------------------------------
def segment_case(seed_csv: Path = PROJECT_DIR / "seeds" / "rfm_segments.csv") -> str:
    with open(seed_csv) as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["priority"]))
    whens = "\n".join(
        f"when r_score between {r['r_score_min']} and {r['r_score_max']} "
        f"and fm_score between {r['fm_score_min']} and {r['fm_score_max']} then '{r['segment']}'"
        for r in rows)
    return f"case when not has_completed_order then 'Never Purchased'\n{whens}\nelse 'Unmapped' end"


def order_stats_sql(trend_days: int = 90) -> list[str]:
    """Order behaviour at the three dates (int_customer_order_stats): one pass, FILTER aggregates,
    gaps between completed orders from one window."""
    ends = ", ".join(f"max(end_ts) filter (where role = '{r}') as e_{r}" for r, _ in ROLES)
    aggs = []
    for r, _ in ROLES:
        seen, done = f"order_ts < e_{r}", f"order_ts < e_{r} and is_completed"
        recent = f"order_ts >= e_{r} - interval {trend_days} day"
        previous = f"order_ts >= e_{r} - interval {2 * trend_days} day and order_ts < e_{r} - interval {trend_days} day"
        aggs.append(f"""count(*) filter (where {seen}) as n_orders_{r},
            min(order_ts) filter (where {seen}) as first_order_ts_{r},
            max(order_ts) filter (where {seen}) as last_order_ts_{r},
            count(*) filter (where {done}) as n_completed_orders_{r},
            count(*) filter (where {seen} and status = 'cancelled') as n_cancelled_orders_{r},
            count(*) filter (where {seen} and status = 'returned') as n_returned_orders_{r},
            min(order_ts) filter (where {done}) as first_completed_ts_{r},
            max(order_ts) filter (where {done}) as last_completed_ts_{r},
            coalesce(sum(net_amount) filter (where {done}), 0) as monetary_{r},
            max(net_amount) filter (where {done}) as max_order_amount_{r},
            coalesce(sum(discount_amount) filter (where {done}), 0) as discount_amount_{r},
            count(*) filter (where {done} and discount_amount > 0) as n_discounted_orders_{r},
            coalesce(sum(net_amount) filter (where {done} and {recent}), 0) as recent_net_amount_{r},
            coalesce(sum(net_amount) filter (where {done} and {previous}), 0) as previous_net_amount_{r},
            count(*) filter (where {done} and {recent}) as recent_orders_{r},
            count(*) filter (where {done} and {previous}) as previous_orders_{r},
            count(gap) filter (where {done}) as n_gaps_{r},
            sum(gap) filter (where {done}) as sum_gap_days_{r},
            sum(gap * gap) filter (where {done}) as sum_sq_gap_days_{r},
            count(distinct channel) filter (where {seen}) as n_channels_{r}""")
    cols = ["n_orders", "first_order_ts", "last_order_ts", "n_completed_orders", "n_cancelled_orders",
            "n_returned_orders", "first_completed_ts", "last_completed_ts", "monetary", "max_order_amount",
            "discount_amount", "n_discounted_orders", "recent_net_amount", "previous_net_amount", "recent_orders",
            "previous_orders", "n_gaps", "sum_gap_days", "sum_sq_gap_days", "n_channels"]
    unpivot = "\nunion all\n".join(
        f"select customer_id, '{r}' as feature_date_role, "
        + ", ".join(f"{c}_{r} as {c}" for c in cols)
        + f", n_completed_orders_{r} as frequency, monetary_{r} as lifetime_net_amount from agg" for r, _ in ROLES)
    return [f"""create or replace table f_order_stats as
        with ends as (select {ends} from fd),
        o as (
            select *, status = 'completed' as is_completed,
                   case when status = 'completed' then date_diff('day',
                       lag(order_ts) over (partition by customer_id, status = 'completed' order by order_ts), order_ts) end as gap
            from f_orders
        ),
        agg as (select customer_id, {', '.join(aggs)} from o, ends group by customer_id)
        {unpivot}"""]


ORDER_STATS_COLUMNS = ["n_orders", "first_order_ts", "last_order_ts", "n_completed_orders", "n_cancelled_orders",
                       "n_returned_orders", "first_completed_ts", "last_completed_ts", "frequency", "monetary",
                       "lifetime_net_amount", "max_order_amount", "discount_amount", "n_discounted_orders",
                       "recent_net_amount", "previous_net_amount", "recent_orders", "previous_orders", "n_gaps",
                       "sum_gap_days", "sum_sq_gap_days", "n_channels"]


def event_stats_sql(recent_days: int = 90, event_types=("view", "click", "cart", "login", "coupon_claim")) -> list[str]:
    """Browsing behaviour at the three dates (int_customer_event_stats)."""
    ends = ", ".join(f"max(end_ts) filter (where role = '{r}') as e_{r}" for r, _ in ROLES)
    aggs, cols = [], ["n_events", "n_recent_events", "n_event_days", "last_event_ts"] + [f"n_recent_{t}" for t in event_types]
    for r, _ in ROLES:
        seen = f"event_ts < e_{r}"
        recent = f"{seen} and event_ts >= e_{r} - interval {recent_days} day"
        aggs.append(f"count(*) filter (where {seen}) as n_events_{r}, "
                    f"count(*) filter (where {recent}) as n_recent_events_{r}, "
                    f"count(distinct cast(event_ts as date)) filter (where {seen}) as n_event_days_{r}, "
                    f"max(event_ts) filter (where {seen}) as last_event_ts_{r}, "
                    + ", ".join(f"count(*) filter (where {recent} and event_type = '{t}') as n_recent_{t}_{r}"
                                for t in event_types))
    unpivot = "\nunion all\n".join(
        f"select customer_id, '{r}' as feature_date_role, " + ", ".join(f"{c}_{r} as {c}" for c in cols) + " from agg"
        for r, _ in ROLES)
    return [f"""create or replace table f_event_stats as
        with ends as (select {ends} from fd),
        agg as (select customer_id, {', '.join(aggs)} from f_events, ends group by customer_id)
        {unpivot}"""], cols


def rfm_direct_sql(n_bins: int = 5) -> list[str]:
    """RFM straight from the clean orders and f_population (3 aggregates per date, no other
    order features): the hand-written RFM the pandas peer is compared with."""
    ends = ", ".join(f"max(end_ts) filter (where role = '{r}') as e_{r}" for r, _ in ROLES)
    per_role = ",\n".join(
        f"max(order_ts) filter (where order_ts < e_{r}) as last_{r}, "
        f"count(*) filter (where order_ts < e_{r}) as f_{r}, "
        f"sum(net_amount) filter (where order_ts < e_{r}) as m_{r}" for r, _ in ROLES)
    unpivot = "\nunion all\n".join(
        f"select customer_id, '{r}' as role, last_{r} as last_ts, f_{r} as f, m_{r} as m from agg where f_{r} > 0"
        for r, _ in ROLES)
    score = lambda col, order: (  # noqa: E731
        f"case when has_completed_order then cast(ceil({n_bins} * cume_dist() over ("
        f"partition by role, has_completed_order order by {col} {order})) as integer) end")
    return [f"""create or replace table f_rfm_direct as
        with ends as (select {ends} from fd),
        agg as (select customer_id, {per_role} from f_orders, ends where status = 'completed' group by customer_id),
        long as ({unpivot}),
        vals as (
            select p.customer_id, p.role, date_diff('day', cast(long.last_ts as date), p.fdate) as recency_days,
                   coalesce(long.f, 0) as frequency, coalesce(long.m, 0) as monetary,
                   long.customer_id is not null as has_completed_order
            from f_population as p
            left join long on p.customer_id = long.customer_id and p.role = long.role
        ),
        scored as (
            select *, {score('recency_days', 'desc')} as r_score, {score('frequency', '')} as f_score,
                   {score('monetary', '')} as m_score
            from vals
        ),
        fm as (select *, cast(floor((f_score + m_score) / 2.0 + 0.5) as integer) as fm_score from scored)
        select customer_id, role as feature_date_role, recency_days, frequency, monetary,
               r_score, f_score, m_score, fm_score, {segment_case()} as rfm_segment
        from fm"""]


def rfm_sql(n_bins: int = 5) -> list[str]:
    """Population and RFM scores from the order stats (int_customer_population + int_customer_rfm)."""
    score = lambda col, order: (  # noqa: E731
        f"case when has_completed_order then cast(ceil({n_bins} * cume_dist() over ("
        f"partition by role, has_completed_order order by {col} {order})) as integer) end")
    return [
        # population: customers signed up (or first ordered) by the feature date; all at scoring
        """create or replace table f_population as
        with first_orders as (
            select customer_id, cast(min(order_ts) as date) as first_order_date from f_orders group by customer_id
        )
        select c.customer_id, fd.role, fd.fdate, least(c.signup_date, fo.first_order_date) as first_seen_date,
               year(fd.fdate) - c.birth_year as age_years, c.region
        from f_customers as c
        cross join fd
        left join first_orders as fo on c.customer_id = fo.customer_id
        where fd.role = 'scoring' or least(c.signup_date, fo.first_order_date) <= fd.fdate""",
        f"""create or replace table f_rfm as
        with vals as (
            select p.customer_id, p.role, p.fdate,
                   date_diff('day', cast(s.last_completed_ts as date), p.fdate) as recency_days,
                   coalesce(s.frequency, 0) as frequency,
                   coalesce(s.monetary, 0) as monetary,
                   s.last_completed_ts is not null as has_completed_order
            from f_population as p
            left join f_order_stats as s on p.customer_id = s.customer_id and p.role = s.feature_date_role
        ),
        scored as (
            select *,
                   {score('recency_days', 'desc')} as r_score,
                   {score('frequency', '')} as f_score,
                   {score('monetary', '')} as m_score
            from vals
        ),
        fm as (select *, cast(floor((f_score + m_score) / 2.0 + 0.5) as integer) as fm_score from scored)
        select customer_id, role as feature_date_role, recency_days, frequency, monetary,
               r_score, f_score, m_score, fm_score, {segment_case()} as rfm_segment
        from fm""",
    ]
