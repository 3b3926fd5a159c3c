{#- One row per audience (seed campaign_audiences) and member at as_of_date. A rule is a SQL
    filter over its source: profile = marts.dim_customer_profile (one row per customer),
    tags = marts.fct_customer_tags (customer x tag), lookalike = ml.ml_lookalikes (audience x
    customer, with score and rank). rule_version is the seed's; rule_hash is the MD5 of the
    rule text, so an edit without a version bump is still visible. source_score: the look-alike
    similarity or the best tag score (null for profile rules). -#}
-- depends_on: {{ ref('dim_customer_profile') }}
-- depends_on: {{ ref('fct_customer_tags') }}
-- depends_on: {{ ref('ml_lookalikes') }}
{%- set rules = campaign_audience_rules() -%}
{%- set sources = {
    'profile': {'relation': ref('dim_customer_profile'), 'score': 'cast(null as ' ~ type_double() ~ ')'},
    'tags': {'relation': ref('fct_customer_tags'), 'score': 'max(cast(score as ' ~ type_double() ~ '))'},
    'lookalike': {'relation': ref('ml_lookalikes'), 'score': 'max(cast(score as ' ~ type_double() ~ '))'},
} %}

with as_of as (
    select as_of_date from {{ ref('stg_as_of_date') }}
),

members as (
    {%- for rule in rules %}
    select
        cast('{{ rule.audience_name }}' as {{ dbt.type_string() }}) as audience_name,
        customer_id,
        {{ sources[rule.source].score }} as source_score
    from {{ sources[rule.source].relation }}
    where ({{ rule.rule }})
    group by customer_id
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as audience_name,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ type_double() }}) as source_score
    from as_of
    where 1 = 0
)

select
    members.audience_name,
    cast(audiences.rule_version as integer) as rule_version,
    {{ dbt.hash('audiences.rule') }} as rule_hash,
    audiences.source,
    members.customer_id,
    members.source_score,
    as_of.as_of_date
from members
inner join {{ ref('campaign_audiences') }} as audiences on members.audience_name = audiences.audience_name
cross join as_of
