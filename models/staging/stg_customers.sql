{#- One row per kept customer. email and phone are PII: they stay in staging and never reach a
    mart in clear text. -#}
select
    customer_id,
    signup_date,
    birth_year,
    gender,
    city,
    region,
    acquisition_channel,
    member_tier,
    lower(email) as email,
    phone
from {{ ref('stg_customers_checked') }}
where reject_reason is null
