{#- One row per customer and tag at as_of_date: the profile's knowledge in long form, so a BI
    filter or an audience rule can select on any tag. Every (tag_group, tag_value, source) is
    described in seeds/tag_catalogue.csv (a test fails on an undescribed tag). -#}
{%- set st = dbt.type_string() %}

with profile as (
    select * from {{ ref('dim_customer_profile') }}
),

interests as (
    select * from {{ ref('int_customer_interests') }}
    where feature_date_role = 'scoring' and (is_top_k or is_stable)
),

circle_flags as (
    select profile.customer_id, circles.*
    from profile
    inner join {{ ref('int_circle_stats') }} as circles
        on circles.circle_id = profile.circle_id and circles.feature_date_role = 'scoring'
),

circle_tags as (
    {%- for tag in ['high_value', 'active', 'growing', 'dormant', 'single_member'] %}
    select customer_id, '{{ tag }}' as circle_tag from circle_flags where is_{{ tag }}_circle
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

lookalikes as (
    select * from {{ ref('ml_lookalikes') }}
    where rank <= {{ setting('lookalike_tag_top_n') }}
),

manual_labels as (
    select
        customer_id,
        label_name,
        label_value,
        row_number() over (partition by customer_id, label_name order by labeled_at desc, label_value) as recency_order
    from {{ ref('stg_manual_labels') }}
),

tags as (
    {#- tag_group, the profile column holding the tag, its score column, the tag's source -#}
    {%- set profile_tags = [
        ('rfm_segment', 'rfm_segment', none, 'rule'),
        ('lifecycle_stage', 'lifecycle_stage', none, 'rule'),
        ('predicted_lifecycle_stage', 'predicted_lifecycle_stage', 'predicted_lifecycle_stage_probability', 'model'),
        ('churn_risk', 'churn_risk_class', 'churn_probability', 'model'),
        ('predicted_value_tier', 'predicted_value_tier', 'predicted_value_tier_probability', 'model'),
        ('circle_kind', 'circle_kind', none, 'rule'),
        ('next_best_action', 'next_best_action', none, 'rule'),
    ] %}
    {%- for tag_group, column, score, source in profile_tags %}
    select
        customer_id,
        '{{ tag_group }}' as tag_group,
        {{ column }} as tag_value,
        {{ score or 'cast(null as double)' }} as score,
        '{{ source }}' as source
    from profile where {{ column }} is not null
    union all
    {%- endfor %}
    select customer_id, 'top_interest', category, share_long, 'model'
    from interests where is_top_k
    union all
    select customer_id, 'stable_interest', category, share_long, 'model'
    from interests where is_stable
    union all
    select customer_id, 'circle_tag', circle_tag, cast(null as double), 'rule'
    from circle_tags
    {%- for attribute in ['gender', 'age_band', 'region', 'member_tier'] %}
    union all
    select
        customer_id,
        '{{ attribute }}',
        {{ attribute }},
        {%- if attribute == 'age_band' %}
        birth_year_confidence,
        case when birth_year_is_imputed then 'imputed' else 'observed' end
        {%- else %}
        {{ attribute }}_confidence,
        case when {{ attribute }}_is_imputed then 'imputed' else 'observed' end
        {%- endif %}
    from profile where {{ attribute }} is not null
    {%- endfor %}
    union all
    select customer_id, 'lookalike', audience_name, score, 'model'
    from lookalikes
    union all
    select customer_id, 'manual', {{ dbt.concat(['label_name', "':'", 'label_value']) }}, cast(null as double), 'manual'
    from manual_labels where recency_order = 1
)

select
    tags.customer_id,
    cast(tags.tag_group as {{ st }}) as tag_group,
    cast(tags.tag_value as {{ st }}) as tag_value,
    cast(tags.score as double) as score,
    cast(tags.source as {{ st }}) as source,
    as_of.as_of_date
from tags
cross join {{ ref('stg_as_of_date') }} as as_of
