{#- Every input row of consents, parsed, with the reason it is rejected (null = kept).
    Channel and status are codes (lower-cased); status is opted_in or opted_out. One consent
    per customer and channel: the latest updated_at wins (an undated row loses to a dated one;
    at the same updated_at opted_out wins, so a tie never contacts someone who may have opted
    out). The older rows are rejected as duplicate_key, so input = kept + rejected. An
    updated_at that does not parse is nulled and listed in stg_rejected_values (the row is kept). -#}
{{ config(materialized='table') }}

{{ checked_rows('consents', codes=['channel', 'status'], customer_columns=['customer_id'],
    checks=[
        ('parsed.customer_id is null or parsed.channel is null', 'missing_key'),
        ('parsed.status is null', 'missing_value'),
        ("parsed.status not in ('opted_in', 'opted_out')", 'unknown_code'),
        ('parsed.updated_at >= as_of.as_of_end_ts', 'after_as_of_date'),
        ('parsed.updated_at < as_of.min_valid_ts', 'before_min_date'),
        (none, 'unknown_customer'),
    ],
    keys=['customer_id', 'channel'],
    prefer=['updated_at desc nulls last', "case when status = 'opted_out' then 0 else 1 end"]) }}
