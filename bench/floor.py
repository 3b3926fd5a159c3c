"""The floor: minimal hand-written DuckDB queries over the same Parquet that compute the same
numbers as the project's heaviest SQL stages, timed, then checked against the project's tables.

    python bench/floor.py --data DIR --project-db FILE --as-of 2026-06-30 --out floor.json

Steps (each timed on its own, in one DuckDB connection with the profile's settings, writing its
tables to a database file like the project does when --floor-db is given, as the bench does):
  clean      typed Parquet -> the kept rows the stages need (customers, orders, order lines,
             products, events, links), with only the checks the generated data exercises and
             the de-duplication rules of staging; no rejected-row bookkeeping, no text parsing
             (the Parquet is typed). Compared with the project's staging models.
  order_stats / event_stats   the order and browsing metrics at the three dates
                                                                 = int_customer_order_stats / _event_stats
  rfm        population + scores from its order stats: recency/frequency/monetary at the three
             feature dates, 1..5 scores (ceil(5 x cume_dist)), segment from seeds/rfm_segments.csv
                                                                 = int_customer_rfm
  rfm_direct the same RFM straight from the clean orders (3 aggregates per date): the
             hand-written RFM, compared with the pandas peer         = int_customer_rfm
  interests  interest signals -> decayed long/short affinity per customer x category x date,
             shares, population share, lift, rank, top-k/stable flags       = int_customer_interests
  circles    visible links in the population at each date, connected components by min-label
             propagation (a loop of queries that stops when nothing changes, at most 20 passes),
             circle kind, convergence, attribute circles for the unlinked   = int_circle_membership
  vectors    from the project's int_customer_features: fit centre/scale on the training rows in
             one aggregate pass and apply them                               = int_customer_feature_vectors

Each result is compared with the project's table: same keys, and every value equal (floats to
1e-7 relative or 1e-9 absolute; the largest relative difference is reported). The check is outside the timings.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import time
from pathlib import Path

import duckdb
from json_output import write_json

PROJECT_DIR = Path(__file__).resolve().parents[1]
ROLES = [("scoring", 0), ("training", 90), ("backtest", 180)]
LN2 = 0.6931471805599453
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


# --------------------------------------------------------------------------------------------
# interests
# --------------------------------------------------------------------------------------------
def interests_sql(long_hl=180, short_hl=30, recent_days=90, top_k=3, stable_share=0.15,
                  w_spend=2.0, w_qty=1.0, event_weights=None) -> list[str]:
    event_weights = event_weights or {"view": 0.5, "click": 1.0, "cart": 2.0}
    ew_case = " ".join(f"when '{k}' then {v}" for k, v in event_weights.items())
    ew_in = ", ".join(f"'{k}'" for k in event_weights)
    ends = ", ".join(f"max(end_ts) filter (where role = '{r}') as e_{r}, "
                     f"max(fdate) filter (where role = '{r}') as d_{r}" for r, _ in ROLES)
    aggs = []
    for r, _ in ROLES:
        seen = f"ts < e_{r}"
        age = f"date_diff('day', cast(ts as date), d_{r})"
        aggs.append(
            f"sum(points * exp(-{LN2} * {age} / {long_hl})) filter (where {seen}) as al_{r}, "
            f"sum(points * exp(-{LN2} * {age} / {short_hl})) filter (where {seen}) as as_{r}, "
            f"count(*) filter (where {seen}) as n_{r}, "
            f"count(*) filter (where {seen} and is_purchase) as np_{r}, "
            f"count(*) filter (where {seen} and ts >= e_{r} - interval {recent_days} day) as nr_{r}")
    unpivot = "\nunion all\n".join(
        f"select customer_id, category, '{r}' as role, al_{r} as affinity_long, as_{r} as affinity_short, "
        f"n_{r} as n_signals, np_{r} as n_purchase_signals, nr_{r} as n_recent_signals from aff where n_{r} > 0"
        for r, _ in ROLES)
    return [f"""create or replace table f_interests as
        with ends as (select {ends} from fd),
        signals as (
            select o.customer_id, o.order_ts as ts, p.category, true as is_purchase,
                   {w_spend} * ln(1 + greatest(cast(l.quantity * l.unit_price as double), 0))
                   + {w_qty} * greatest(l.quantity, 0) as points
            from f_lines as l
            inner join f_orders as o on l.order_id = o.order_id
            inner join f_products as p on l.product_id = p.product_id
            where o.status = 'completed'
            union all
            select customer_id, event_ts, category, false, case event_type {ew_case} end
            from f_events
            where category is not null and event_type in ({ew_in})
        ),
        aff as (
            select customer_id, category, {', '.join(aggs)}
            from signals, ends
            group by customer_id, category
        ),
        long as ({unpivot}),
        shares as (
            select *,
                   affinity_long / nullif(sum(affinity_long) over (partition by customer_id, role), 0) as share_long,
                   affinity_short / nullif(sum(affinity_short) over (partition by customer_id, role), 0) as share_short,
                   row_number() over (partition by customer_id, role order by round(affinity_long, 9) desc, category) as rank_long
            from long
        ),
        population as (
            select role, category,
                   sum(affinity_long) / nullif(sum(sum(affinity_long)) over (partition by role), 0) as population_share_long
            from long group by role, category
        )
        select s.customer_id, s.role as feature_date_role, s.category, s.affinity_long, s.affinity_short,
               s.share_long, s.share_short, p.population_share_long,
               s.share_long / nullif(p.population_share_long, 0) as lift_long, s.rank_long,
               s.n_signals, s.n_purchase_signals, s.n_recent_signals,
               s.rank_long <= {top_k} as is_top_k,
               s.rank_long <= {top_k} and s.share_long >= {stable_share} and s.n_recent_signals > 0 as is_stable
        from shares as s
        inner join population as p on s.role = p.role and s.category = p.category"""]


# --------------------------------------------------------------------------------------------
# circles
# --------------------------------------------------------------------------------------------
AGE_BAND = """case when age_years is null then null when age_years < 25 then '<25'
    when age_years < 35 then '25-34' when age_years < 45 then '35-44' when age_years < 55 then '45-54'
    when age_years < 65 then '55-64' else '65+' end"""


def circles_run(con, max_iterations: int = 20) -> int:
    """Connected components by synchronous min-label propagation; returns the passes run."""
    con.execute("""create or replace table f_edges as
        with visible as (
            select fd.role, l.customer_id, l.linked_customer_id, l.link_type
            from f_links as l cross join fd
            where l.linked_at is null or l.linked_at < fd.end_ts
        ),
        inside as (
            select v.* from visible as v
            semi join f_population as a on v.customer_id = a.customer_id and v.role = a.role
            semi join f_population as b on v.linked_customer_id = b.customer_id and v.role = b.role
        )
        select role, customer_id as src, linked_customer_id as dst, link_type from inside
        union all
        select role, linked_customer_id, customer_id, link_type from inside""")
    con.execute("create or replace table f_nbr as select distinct role, src, dst from f_edges")
    con.execute("""create or replace table f_labels as
        select distinct role, src as customer_id, src as label, 0 as last_change from f_nbr""")
    passes = 0
    for i in range(1, max_iterations + 1):
        con.execute(f"""create or replace table f_labels as
            with incoming as (
                select n.role, n.dst as customer_id, min(l.label) as min_label
                from f_nbr as n inner join f_labels as l on n.role = l.role and n.src = l.customer_id
                group by n.role, n.dst
            )
            select l.role, l.customer_id,
                   least(l.label, i.min_label) as label,
                   case when i.min_label < l.label then {i} else l.last_change end as last_change
            from f_labels as l inner join incoming as i on l.role = i.role and l.customer_id = i.customer_id""")
        passes = i
        if con.execute(f"select count(*) from f_labels where last_change = {i}").fetchone()[0] == 0:
            break
    con.execute("""create or replace table f_circles as
        with labelled as (
            select e.role, e.link_type, a.label as from_label, b.label as to_label
            from f_edges as e
            inner join f_labels as a on e.role = a.role and e.src = a.customer_id
            inner join f_labels as b on e.role = b.role and e.dst = b.customer_id
        ),
        by_label as (
            select role, from_label as label, bool_and(from_label = to_label) as is_converged
            from labelled group by role, from_label
        ),
        types as (
            select role, from_label as label, link_type, count(*) as w,
                   sum(count(*)) over (partition by role, from_label) as total
            from labelled group by role, from_label, link_type
        ),
        kinds as (
            select role, label, max(case when w > 0.5 * total then link_type end) as majority
            from types group by role, label
        ),
        links as (
            select l.role, l.customer_id, 'link:' || l.label as circle_id,
                   case when k.majority is null then 'mixed'
                        when k.majority in ('household', 'referral', 'group', 'social') then k.majority
                        else 'other' end as circle_kind,
                   coalesce(b.is_converged, false) as is_converged, l.last_change
            from f_labels as l
            left join by_label as b on l.role = b.role and l.label = b.label
            left join kinds as k on l.role = k.role and l.label = k.label
        ),
        dominant as (select customer_id, feature_date_role as role, category from f_interests where rank_long = 1)
        select p.customer_id, p.role as feature_date_role,
               coalesce(links.circle_id,
                        'attr:' || coalesce(p.region, 'unknown') || '|' || coalesce(""" + AGE_BAND.replace("age_years", "p.age_years") + """, 'unknown')
                        || '|' || coalesce(d.category, 'unknown')) as circle_id,
               coalesce(links.circle_kind, 'attribute') as circle_kind,
               links.customer_id is not null as is_link_circle,
               coalesce(links.is_converged, true) as is_converged,
               links.last_change as last_change_iteration
        from f_population as p
        left join links on p.customer_id = links.customer_id and p.role = links.role
        left join dominant as d on p.customer_id = d.customer_id and p.role = d.role""")
    return passes


# --------------------------------------------------------------------------------------------
# vectors
# --------------------------------------------------------------------------------------------
STATIC_EXPR = {
    "age_missing": "case when age_years is null then 1 else 0 end",
    "recency_days": "coalesce(recency_days, tenure_days)",
    "has_completed_order": "case when has_completed_order then 1 else 0 end",
    "has_events": "case when n_events > 0 then 1 else 0 end",
    "days_since_last_event": "coalesce(days_since_last_event, tenure_days)",
}


def _slug(text) -> str:
    s = re.sub("[^a-z0-9]+", "_", str(text).lower()).strip("_")
    return s or "blank"


def vectors_sql(con, features_table: str, catalogue: list[tuple[str, str]], min_training_rows: int = 30) -> list[str]:
    """catalogue: (feature_name, transform) in vector order (names and transforms only)."""
    exprs = {}
    onehot_attrs = {name.split("__")[0] for name, t in catalogue if t == "onehot"}
    slug_to_value = {}
    for attr in onehot_attrs:
        for (value,) in con.execute(f"select distinct cast({attr} as varchar) from {features_table} where {attr} is not null").fetchall():
            slug_to_value[(attr, _slug(value))] = value
    for name, transform in catalogue:
        if transform == "onehot":
            attr, slug = name.split("__", 1)
            value = slug_to_value.get((attr, slug), "\x00").replace("'", "''")
            x = f"case when {attr} = '{value}' then 1 else 0 end"
        else:
            x = STATIC_EXPR.get(name, name)
        exprs[name] = (f"ln(1 + greatest(cast({x} as double), 0))" if transform == "log_z"
                       else f"cast({x} as double)")
    x_cols = ",\n".join(f"{e} as x_{n}" for n, e in exprs.items())
    fit = []
    for name, transform in catalogue:
        if transform in ("z", "log_z"):
            fit.append(f"avg(x_{name}) as c_{name}, stddev_samp(x_{name}) as s_{name}")
        elif transform == "robust":
            fit.append(f"quantile_cont(x_{name}, [0.25, 0.5, 0.75]) as q_{name}")
    fit_sql = ", ".join(fit) or "1 as nothing"
    apply = []
    for name, transform in catalogue:
        if transform in ("z", "log_z"):
            c, s = f"coalesce(c_{name}, 0)", f"coalesce(nullif(s_{name}, 0), 1)"
        elif transform == "robust":
            c, s = f"coalesce(q_{name}[2], 0)", f"coalesce(nullif(q_{name}[3] - q_{name}[1], 0), 1)"
        else:
            c, s = "0", "1"
        apply.append(f"coalesce((x_{name} - {c}) / {s}, 0) as {name}")
    return [f"""create or replace table f_vectors as
        with x as (select customer_id, feature_date_role, feature_date, {x_cols} from {features_table}),
        fit_role as (
            select case when count(*) >= {min_training_rows} then 'training' else 'scoring' end as role
            from x where feature_date_role = 'training'
        ),
        params as (select {fit_sql} from x where feature_date_role = (select role from fit_role))
        select customer_id, feature_date_role, feature_date, {', '.join(apply)}
        from x cross join params"""]


# --------------------------------------------------------------------------------------------
# checks: the floor's table against the project's
# --------------------------------------------------------------------------------------------
# The project sums doubles exactly as decimal(38, 18) (deterministic_sum: identical rebuilds),
# so a tiny value keeps fewer significant digits than a double, and a share of two tiny totals
# can differ from the floor's plain double sums around the 9th digit: floats are compared to 7
# significant digits (or 1e-12 absolute).
FLOAT_TOLERANCE = 1e-7
# Absolute tolerance for values near 0: the floor sums in double where the project sums exact
# decimals, so a standardised feature (centre subtracted) can differ by ~1e-12 whatever its
# size; at 1M customers a value of 2e-6 then differs by 1.7e-6 relative.
ABS_TOLERANCE = 1e-9


def compare(con, floor_table: str, project_table: str, keys: list[str], exact: list[str],
            floats: list[str], where: str = "1 = 1", project_where: str = "1 = 1") -> dict:
    """Rows only on one side, and rows whose values differ (floats to FLOAT_TOLERANCE relative
    or ABS_TOLERANCE absolute, whichever is larger)."""
    key_on = " and ".join(f"f.{k} is not distinct from p.{k}" for k in keys)
    diffs = [f"f.{c} is distinct from p.{c}" for c in exact]
    diffs += [f"(f.{c} is null) <> (p.{c} is null) or abs(f.{c} - p.{c}) > greatest({ABS_TOLERANCE}, {FLOAT_TOLERANCE} * greatest(abs(f.{c}), abs(p.{c})))"
              for c in floats]
    diff_sql = " or ".join(f"({d})" for d in diffs) or "false"
    cols = ", ".join(dict.fromkeys(keys + exact + floats))
    sql = f"""
        with f as (select {cols} from {floor_table} where {where}),
             p as (select {cols} from {project_table} where {project_where})
        select
            (select count(*) from f) as floor_rows,
            (select count(*) from p) as project_rows,
            count(*) filter (where p.{keys[0]} is null and f.{keys[0]} is not null) as only_floor,
            count(*) filter (where f.{keys[0]} is null and p.{keys[0]} is not null) as only_project,
            count(*) filter (where f.{keys[0]} is not null and p.{keys[0]} is not null and ({diff_sql})) as differ
        from f full outer join p on {key_on}"""
    floor_rows, project_rows, only_floor, only_project, differ = con.execute(sql).fetchone()
    max_rel = None
    if floats:
        rel = ", ".join(f"coalesce(abs(f.{c} - p.{c}) / nullif(greatest(abs(f.{c}), abs(p.{c})), 0), 0)" for c in floats)
        max_rel = con.execute(f"""
            with f as (select {cols} from {floor_table} where {where}),
                 p as (select {cols} from {project_table} where {project_where})
            select max(greatest({rel}, 0)) from f inner join p on {key_on}""").fetchone()[0]
    sample = []
    if differ:
        sample = con.execute(f"""
            with f as (select {cols} from {floor_table} where {where}),
                 p as (select {cols} from {project_table} where {project_where})
            select {', '.join(f'f.{c} as floor_{c}, p.{c} as project_{c}' for c in keys + exact + floats)}
            from f inner join p on {key_on} where {diff_sql} limit 3""").fetchdf().to_dict("records")
    return {"floor_rows": floor_rows, "project_rows": project_rows, "only_floor": only_floor,
            "only_project": only_project, "differ": differ,
            "equal": only_floor == 0 and only_project == 0 and differ == 0,
            "compared_columns": keys + exact + floats, "float_tolerance_relative": FLOAT_TOLERANCE if floats else None,
            "float_tolerance_absolute": ABS_TOLERANCE if floats else None,
            "max_relative_difference": max_rel,
            "sample_differences": [{k: str(v) for k, v in r.items()} for r in sample]}


def run_floor(data: Path, project_db: Path, as_of: str, temp_dir: str | None = None,
              floor_db: Path | None = None) -> dict:
    if floor_db is not None:
        for p in (floor_db, Path(str(floor_db) + ".wal")):
            p.unlink(missing_ok=True)
    con = connect(str(floor_db) if floor_db else None, temp_dir)
    timings: dict[str, float] = {}

    def timed(name, statements):
        t = time.perf_counter()
        for s in statements:
            con.execute(s)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t

    timed("clean", clean_sql(data, as_of))
    timed("order_stats", order_stats_sql())
    event_sql, event_cols = event_stats_sql()
    timed("event_stats", event_sql)
    timed("rfm", rfm_sql())
    timed("rfm_direct", rfm_direct_sql())
    timed("interests", interests_sql())
    t = time.perf_counter()
    passes = circles_run(con)
    timings["circles"] = time.perf_counter() - t

    con.execute(f"attach '{project_db}' as project (read_only)")
    # vectors start from the project's raw features (names and transforms of the catalogue
    # are read from int_feature_scaling; the fitted values are not)
    catalogue = con.execute(
        "select feature_name, transform from project.intermediate.int_feature_scaling order by feature_order").fetchall()
    con.execute("create or replace table f_features as select * from project.intermediate.int_customer_features")
    con.execute("checkpoint")
    timed("vectors", vectors_sql(con, "f_features", catalogue))

    checks = {
        "order_stats": compare(con, "f_order_stats", "project.intermediate.int_customer_order_stats",
                               ["customer_id", "feature_date_role"], ORDER_STATS_COLUMNS, []),
        "event_stats": compare(con, "f_event_stats", "project.intermediate.int_customer_event_stats",
                               ["customer_id", "feature_date_role"], event_cols, []),
        "rfm": compare(con, "f_rfm", "project.intermediate.int_customer_rfm",
                       ["customer_id", "feature_date_role"],
                       ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "fm_score", "rfm_segment"], []),
        "rfm_direct": compare(con, "f_rfm_direct", "project.intermediate.int_customer_rfm",
                              ["customer_id", "feature_date_role"],
                              ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "fm_score", "rfm_segment"], []),
        "interests": compare(con, "f_interests", "project.intermediate.int_customer_interests",
                             ["customer_id", "feature_date_role", "category"],
                             ["rank_long", "n_signals", "n_purchase_signals", "n_recent_signals", "is_top_k", "is_stable"],
                             ["affinity_long", "affinity_short", "share_long", "share_short", "population_share_long", "lift_long"]),
        "circles": compare(con, "f_circles", "project.intermediate.int_circle_membership",
                           ["customer_id", "feature_date_role"],
                           ["circle_id", "circle_kind", "is_link_circle", "is_converged", "last_change_iteration"], []),
        "vectors": compare(con, "f_vectors", "project.intermediate.int_customer_feature_vectors",
                           ["customer_id", "feature_date_role"], [], [name for name, _ in catalogue]),
    }
    checks["vectors"]["compared_columns"] = f"{len(catalogue)} feature columns"
    rows = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("f_customers", "f_orders", "f_lines", "f_events", "f_links", "f_order_stats", "f_event_stats", "f_rfm", "f_interests", "f_circles", "f_vectors")}
    con.close()
    return {"seconds": timings, "checks": checks, "rows": rows, "circle_passes": passes}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--project-db", required=True, type=Path)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--temp-dir")
    ap.add_argument("--floor-db", type=Path, help="write the floor's tables to this database file (default: in memory)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    result = run_floor(args.data.resolve(), args.project_db.resolve(), args.as_of, args.temp_dir,
                       args.floor_db.resolve() if args.floor_db else None)
    return write_json(result, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
