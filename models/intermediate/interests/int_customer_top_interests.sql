{#- One row per customer and feature date with any interest signal: the dominant (rank 1)
    category, the top-k categories in order as text, and the stable interests.
    Top-k and stable interests are all among the first k ranks, so both lists are spelled out
    from one conditional max per rank (', '-separated, in rank order, null when empty) rather
    than by an ordered string aggregate per group. -#}
{%- set k = setting('interest_top_k') | int -%}
{%- set top_parts = [] -%}
{%- set stable_parts = [] -%}
{%- for i in range(1, k + 1) -%}
  {%- do top_parts.append("case when top_" ~ i ~ " is not null then ', ' || top_" ~ i ~ " else '' end") -%}
  {%- do stable_parts.append("case when stable_" ~ i ~ " is not null then ', ' || stable_" ~ i ~ " else '' end") -%}
{%- endfor -%}

with by_rank as (
    select
        customer_id,
        feature_date_role,
        max(case when rank_long = 1 then category end) as dominant_interest,
        max(case when rank_long = 1 then share_long end) as dominant_interest_share,
        {%- for i in range(1, k + 1) %}
        max(case when rank_long = {{ i }} and is_top_k then category end) as top_{{ i }},
        max(case when rank_long = {{ i }} and is_stable then category end) as stable_{{ i }},
        {%- endfor %}
        count(case when is_stable then 1 end) as n_stable_interests,
        count(*) as n_categories
    from {{ ref('int_customer_interests') }}
    group by customer_id, feature_date_role
),

spelled as (
    select
        by_rank.*,
        {{ dbt.concat(top_parts) }} as top_text,
        {{ dbt.concat(stable_parts) }} as stable_text
    from by_rank
)

select
    customer_id,
    feature_date_role,
    dominant_interest,
    dominant_interest_share,
    case when length(top_text) > 2 then substr(top_text, 3) end as top_interests,
    case when length(stable_text) > 2 then substr(stable_text, 3) end as stable_interests,
    n_stable_interests,
    n_categories
from spelled
