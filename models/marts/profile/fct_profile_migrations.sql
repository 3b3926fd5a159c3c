{#- Migrations of the profile's key tags between two analysis dates, from the history in
    snap_customer_profile: one row per tag group, from-value and to-value with the number of
    customers. A customer's state at a date is the latest recorded version with as_of_date on
    or before it (several versions at one as_of_date — a rerun on restated data — resolve to
    the last recorded). Dates: vars migration_from_date / migration_to_date (YYYY-MM-DD); by
    default to = the latest as_of_date recorded and from = the one before it (the previous
    refresh), or the same date after the first refresh (every row then has is_change false).
    Customers with no version at from_date are counted with from_value '(new)'. -#}
{%- set tag_groups = ['rfm_segment', 'lifecycle_stage', 'predicted_lifecycle_stage', 'churn_risk_class', 'predicted_value_tier', 'next_best_action'] %}
{%- set from_var = setting('migration_from_date') %}
{%- set to_var = setting('migration_to_date') %}

with history as (
    select * from {{ ref('snap_customer_profile') }}
),

recorded_dates as (
    select distinct as_of_date from history
),

to_date as (
    select {% if to_var %}cast('{{ to_var }}' as date){% else %}max(as_of_date){% endif %} as to_date
    from recorded_dates
),

window_dates as (
    select
        {% if from_var %}cast('{{ from_var }}' as date){% else %}coalesce(
            (select max(recorded_dates.as_of_date) from recorded_dates where recorded_dates.as_of_date < to_date.to_date),
            to_date.to_date){% endif %} as from_date,
        to_date.to_date
    from to_date
),

ranked_versions as (
    select
        history.*,
        window_dates.from_date,
        window_dates.to_date,
        row_number() over (
            partition by history.customer_id,
                case when history.as_of_date <= window_dates.from_date then 1 else 0 end
            order by history.as_of_date desc, history.dbt_valid_from desc) as recency_order
    from history
    cross join window_dates
    where history.as_of_date <= window_dates.to_date
),

state_at_from as (
    select * from ranked_versions where as_of_date <= from_date and recency_order = 1
),

state_at_to as (
    select * from (
        select
            history.*,
            row_number() over (partition by history.customer_id order by history.as_of_date desc, history.dbt_valid_from desc) as recency_order
        from history
        cross join window_dates
        where history.as_of_date <= window_dates.to_date
    ) as versions
    where recency_order = 1
),

pairs as (
    select
        state_at_to.customer_id,
        {%- for group in tag_groups %}
        state_at_from.{{ group }} as from_{{ group }},
        state_at_to.{{ group }} as to_{{ group }},
        {%- endfor %}
        case when state_at_from.customer_id is null then 1 else 0 end as is_new
    from state_at_to
    left join state_at_from on state_at_from.customer_id = state_at_to.customer_id
),

migrations as (
    {%- for group in tag_groups %}
    select
        '{{ group }}' as tag_group,
        case when is_new = 1 then '(new)' else coalesce(from_{{ group }}, '(none)') end as from_value,
        coalesce(to_{{ group }}, '(none)') as to_value,
        count(*) as n_customers
    from pairs
    group by 1, 2, 3
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    cast(migrations.tag_group as {{ dbt.type_string() }}) as tag_group,
    cast(migrations.from_value as {{ dbt.type_string() }}) as from_value,
    cast(migrations.to_value as {{ dbt.type_string() }}) as to_value,
    migrations.n_customers,
    migrations.from_value <> migrations.to_value as is_change,
    window_dates.from_date,
    window_dates.to_date
from migrations
cross join window_dates
