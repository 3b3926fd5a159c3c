{#- One row per seed audience and seed customer: the members the look-alike model
    (ml_lookalikes) ranks other customers against. Two ways to define an audience:
    - var lookalike_audiences: {name: "<SQL filter over int_customer_features at as_of_date>"},
      e.g. {champions: "rfm_segment = 'Champions'"};
    - the seed lookalike_seed_customers.csv (audience_name, customer_id): a list of ids, e.g.
      last campaign's responders. Ids that are not kept customers are left out here and
      counted in ml_lookalike_audiences (n_listed_unknown). -#}
{%- set audiences = setting('lookalike_audiences') -%}
{%- if audiences is not mapping -%}
  {{ exceptions.raise_compiler_error("var lookalike_audiences must be a mapping {audience_name: 'SQL filter over int_customer_features'}, got: " ~ audiences) }}
{%- endif %}

with scoring_features as (
    select * from {{ ref('int_customer_features') }}
    where feature_date_role = 'scoring'
),

filter_seeds as (
    {%- for name, condition in audiences.items() %}
    select
        cast('{{ name }}' as {{ dbt.type_string() }}) as audience_name,
        customer_id,
        cast('filter' as {{ dbt.type_string() }}) as seed_source
    from scoring_features
    where {{ condition }}
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as audience_name,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as seed_source
    from scoring_features
    where 1 = 0
),

listed_seeds as (
    select distinct
        cast(listed.audience_name as {{ dbt.type_string() }}) as audience_name,
        cast(listed.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast('list' as {{ dbt.type_string() }}) as seed_source
    from {{ ref('lookalike_seed_customers') }} as listed
    inner join scoring_features
        on cast(listed.customer_id as {{ dbt.type_string() }}) = scoring_features.customer_id
)

select audience_name, customer_id, min(seed_source) as seed_source
from (
    select * from filter_seeds
    union all
    select * from listed_seeds
) as all_seeds
group by audience_name, customer_id
