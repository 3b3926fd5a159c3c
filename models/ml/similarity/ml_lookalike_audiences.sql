{#- One row per seed audience (from var lookalike_audiences and seeds/lookalike_seed_customers.csv):
    its seeds and the look-alikes found for it in ml_lookalikes. An audience with no seed has
    n_seeds = 0 and no look-alikes; a test warns about it. -#}
{%- set audiences = setting('lookalike_audiences') %}

with defined_audiences as (
    {%- for name in audiences %}
    select cast('{{ name }}' as {{ dbt.type_string() }}) as audience_name, cast('filter' as {{ dbt.type_string() }}) as defined_by
    union all
    {%- endfor %}
    select distinct
        cast(audience_name as {{ dbt.type_string() }}) as audience_name,
        cast('list' as {{ dbt.type_string() }}) as defined_by
    from {{ ref('lookalike_seed_customers') }}
),

audiences as (
    select audience_name, {{ ordered_string_agg('defined_by', 'defined_by') }} as defined_by
    from (select distinct audience_name, defined_by from defined_audiences) as distinct_audiences
    group by audience_name
),

seeds as (
    select
        audience_name,
        count(*) as n_seeds,
        count(case when seed_source = 'filter' then 1 end) as n_filter_seeds,
        count(case when seed_source = 'list' then 1 end) as n_listed_seeds
    from {{ ref('ml_lookalike_seeds') }}
    group by audience_name
),

listed_unknown as (
    select cast(listed.audience_name as {{ dbt.type_string() }}) as audience_name, count(*) as n_listed_unknown
    from {{ ref('lookalike_seed_customers') }} as listed
    left join {{ ref('stg_customers') }} as customers
        on cast(listed.customer_id as {{ dbt.type_string() }}) = customers.customer_id
    where customers.customer_id is null
    group by cast(listed.audience_name as {{ dbt.type_string() }})
),

lookalikes as (
    select
        audience_name,
        count(*) as n_lookalikes,
        max(score) as best_score,
        min(score) as worst_score,
        {{ deterministic_avg('score') }} as mean_score
    from {{ ref('ml_lookalikes') }}
    group by audience_name
)

select
    audiences.audience_name,
    audiences.defined_by,
    coalesce(seeds.n_seeds, 0) as n_seeds,
    coalesce(seeds.n_filter_seeds, 0) as n_filter_seeds,
    coalesce(seeds.n_listed_seeds, 0) as n_listed_seeds,
    coalesce(listed_unknown.n_listed_unknown, 0) as n_listed_unknown,
    coalesce(lookalikes.n_lookalikes, 0) as n_lookalikes,
    lookalikes.best_score,
    lookalikes.worst_score,
    lookalikes.mean_score
from audiences
left join seeds on audiences.audience_name = seeds.audience_name
left join listed_unknown on audiences.audience_name = listed_unknown.audience_name
left join lookalikes on audiences.audience_name = lookalikes.audience_name
