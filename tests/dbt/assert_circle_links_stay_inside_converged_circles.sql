{#- Both ends of every link visible at a feature date (recomputed here from stg_customer_links:
    a type in var circle_link_types, linked_at unknown or before the end of the date, both ends
    in the population) are in the same link circle whenever either end's circle converged.
    Returns the offending links. -#}
{%- set settings = settings_of_group('circles') -%}

with links as (
    select * from {{ ref('stg_customer_links') }}
    where link_type in {{ circle_sql_text_list(settings['circle_link_types']) }}
),

feature_dates as (
    select feature_date_role, feature_end_ts from {{ ref('int_feature_dates') }}
),

population as (
    select customer_id, feature_date_role from {{ ref('int_customer_population') }}
),

membership as (
    select * from {{ ref('int_circle_membership') }}
),

visible_links as (
    select
        feature_dates.feature_date_role,
        links.customer_id,
        links.linked_customer_id,
        links.link_type
    from links
    cross join feature_dates
    inner join population as from_customer
        on links.customer_id = from_customer.customer_id
        and feature_dates.feature_date_role = from_customer.feature_date_role
    inner join population as to_customer
        on links.linked_customer_id = to_customer.customer_id
        and feature_dates.feature_date_role = to_customer.feature_date_role
    where links.linked_at is null
       or links.linked_at < feature_dates.feature_end_ts
),

final as (
    select
        visible_links.*,
        from_member.circle_id as from_circle_id,
        to_member.circle_id as to_circle_id,
        from_member.is_converged as from_is_converged,
        to_member.is_converged as to_is_converged
    from visible_links
    left join membership as from_member
        on {{ same_customer_and_date('visible_links', 'from_member') }}
    left join membership as to_member
        on visible_links.linked_customer_id = to_member.customer_id
        and visible_links.feature_date_role = to_member.feature_date_role
    where from_member.customer_id is null
       or to_member.customer_id is null
       or not from_member.is_link_circle
       or not to_member.is_link_circle
       or ((from_member.is_converged or to_member.is_converged)
           and from_member.circle_id <> to_member.circle_id)
)

select * from final
