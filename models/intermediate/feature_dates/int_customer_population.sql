{#- One row per customer and feature date at which the customer exists: signed up (or, with no
    signup_date, first ordered) before the end of that date. At the scoring date every kept
    customer is in, so the profile has one row per customer. -#}
with first_orders as (
    select customer_id, min(order_date) as first_order_date
    from {{ ref('stg_orders') }}
    group by customer_id
),

customer_dates as (
    select
        customers.customer_id,
        feature_dates.feature_date_role,
        feature_dates.feature_date,
        feature_dates.feature_end_ts,
        customers.signup_date,
        first_orders.first_order_date,
        case
            when customers.signup_date is null then first_orders.first_order_date
            when first_orders.first_order_date is null then customers.signup_date
            when first_orders.first_order_date < customers.signup_date then first_orders.first_order_date
            else customers.signup_date
        end as first_seen_date,
        customers.birth_year,
        customers.gender,
        customers.region,
        customers.acquisition_channel,
        customers.member_tier
    from {{ ref('stg_customers') }} as customers
    cross join {{ ref('int_feature_dates') }} as feature_dates
    left join first_orders
        on customers.customer_id = first_orders.customer_id
)

select
    customer_id,
    feature_date_role,
    feature_date,
    feature_end_ts,
    first_seen_date,
    {{ dbt.datediff('first_seen_date', 'feature_date', 'day') }} as tenure_days,
    case when birth_year is not null
         then extract(year from feature_date) - birth_year end as age_years,
    gender,
    region,
    acquisition_channel,
    member_tier
from customer_dates
where feature_date_role = 'scoring'
   or first_seen_date <= feature_date
