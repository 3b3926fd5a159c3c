{#- One row: the date everything is computed as of. The var as_of_date when set, else the
    latest order date in the data that is neither in the future nor before min_valid_date. -#}
{{ config(materialized='table') }}

with raw_orders as (
    {{ raw_table('orders') }}
),

order_texts as (
    {#- cleaned once, then parsed: the parse reads the text several times -#}
    select {{ clean_text('order_ts') }} as order_ts
    from raw_orders
),

order_times as (
    select {{ timestamp_from_text('order_ts', resolved_date_order('orders', 'order_ts')) }} as order_ts
    from order_texts
),

latest_plausible_order as (
    select max(cast(order_ts as date)) as latest_order_date
    from order_times
    where order_ts <= {{ dbt.current_timestamp() }}
      and order_ts >= cast('{{ setting('min_valid_date') }}' as timestamp)
),

final as (
    select
        coalesce({{ as_of_date_var_sql() }}, latest_order_date, cast({{ dbt.current_timestamp() }} as date)) as as_of_date,
        case
            when {{ as_of_date_var_sql() }} is not null then 'var as_of_date'
            when latest_order_date is not null then 'latest order date'
            else 'no orders: today'
        end as as_of_date_source,
        latest_order_date,
        cast('{{ setting('min_valid_date') }}' as date) as min_valid_date
    from latest_plausible_order
)

select
    as_of_date,
    cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as timestamp) as as_of_end_ts,
    as_of_date_source,
    latest_order_date,
    min_valid_date,
    cast(min_valid_date as timestamp) as min_valid_ts
from final
