"""The floor's SQL for the customer profile: interests, circles (label propagation), feature vectors.

Hand-written DuckDB over the benchmark's Parquet with the project's settings (see floor.py)."""

from __future__ import annotations

import re

from floor_stages import ROLES

LN2 = 0.6931471805599453


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
