{#- One row per kept customer. email and phone are PII: they stay in staging and never reach a
    mart in clear text.
    A table, not a view like the other kept-row models: its rows are the spine that wide
    queries (dim_customer_profile, the population) join everything else to, and a view's
    filter on reject_reason is estimated to keep a fifth of the rows. DuckDB then took the
    customers side of every join for the small one and built all its hash tables on the
    growing joined result (out of memory at 1M customers). A table gives the true count. -#}
{{ config(materialized='table') }}
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
