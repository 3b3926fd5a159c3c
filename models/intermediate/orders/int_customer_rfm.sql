{#- One row per customer and feature date: recency, frequency, monetary, their 1..N scores and
    the RFM segment, computed at that date.
    - recency_days: days from the last completed order to the feature date (0 = that day).
    - frequency / monetary: completed orders and their net spend in the rfm window (var
      rfm_window_days; 0 = all history). Cancelled and returned orders add nothing.
    - Scores: quantile scores among customers with a completed order at that date:
      score = ceil(N * cume_dist), with recency ordered from oldest to newest. Equal values get
      equal scores (cume_dist counts ties together), so ties are resolved deterministically and
      a score may be skipped when one value covers more than a 1/N share (e.g. many one-order
      customers). fm_score = round((f_score + m_score) / 2), halves rounded up.
    - Segment: first row of seed rfm_segments (by priority) whose r and fm ranges contain the
      scores; customers with no completed order get 'Never Purchased'. -#}
{%- set n = var('rfm_score_bins', 5) -%}

with population as (
    select * from {{ ref('int_customer_population') }}
),

order_stats as (
    select * from {{ ref('int_customer_order_stats') }}
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

rfm_values as (
    select
        population.customer_id,
        population.feature_date_role,
        population.feature_date,
        order_stats.last_completed_ts,
        case when order_stats.last_completed_ts is not null
             then {{ dbt.datediff('cast(order_stats.last_completed_ts as date)', 'population.feature_date', 'day') }}
        end as recency_days,
        coalesce(order_stats.frequency, 0) as frequency,
        coalesce(order_stats.monetary, 0) as monetary,
        order_stats.last_completed_ts is not null as has_completed_order
    from population
    left join order_stats
        on population.customer_id = order_stats.customer_id
        and population.feature_date_role = order_stats.feature_date_role
),

scored as (
    select
        rfm_values.*,
        case when has_completed_order then cast(ceil({{ n }} * cume_dist() over (
            partition by feature_date_role, has_completed_order order by recency_days desc)) as integer) end as r_score,
        case when has_completed_order then cast(ceil({{ n }} * cume_dist() over (
            partition by feature_date_role, has_completed_order order by frequency)) as integer) end as f_score,
        case when has_completed_order then cast(ceil({{ n }} * cume_dist() over (
            partition by feature_date_role, has_completed_order order by monetary)) as integer) end as m_score
    from rfm_values
),

with_fm as (
    select
        scored.*,
        cast(floor((f_score + m_score) / 2.0 + 0.5) as integer) as fm_score
    from scored
),

{#- The segment of every (r_score, fm_score) pair, first match by priority: a lookup of at most
    N x N rows, so each customer needs a single equi-join. -#}
score_values as (
    {%- for i in range(1, n + 1) %}
    select {{ i }} as score{{ " union all" if not loop.last }}
    {%- endfor %}
),

segment_matches as (
    select
        r_values.score as r_score,
        fm_values.score as fm_score,
        segments.segment,
        row_number() over (
            partition by r_values.score, fm_values.score
            order by segments.priority) as segment_rank
    from score_values as r_values
    cross join score_values as fm_values
    inner join segments
        on r_values.score between segments.r_score_min and segments.r_score_max
        and fm_values.score between segments.fm_score_min and segments.fm_score_max
),

segment_lookup as (
    select r_score, fm_score, segment
    from segment_matches
    where segment_rank = 1
)

select
    with_fm.customer_id,
    with_fm.feature_date_role,
    with_fm.feature_date,
    with_fm.recency_days,
    with_fm.frequency,
    with_fm.monetary,
    with_fm.r_score,
    with_fm.f_score,
    with_fm.m_score,
    with_fm.fm_score,
    {{ dbt.concat(["cast(with_fm.r_score as " ~ dbt.type_string() ~ ")", "cast(with_fm.f_score as " ~ dbt.type_string() ~ ")", "cast(with_fm.m_score as " ~ dbt.type_string() ~ ")"]) }} as rfm_cell,
    case
        when not with_fm.has_completed_order then 'Never Purchased'
        else coalesce(segmented.segment, 'Unmapped')
    end as rfm_segment,
    with_fm.has_completed_order
from with_fm
left join segment_lookup as segmented
    on with_fm.r_score = segmented.r_score
    and with_fm.fm_score = segmented.fm_score
