{#- Every input row of events, parsed, with the reason it is rejected (null = kept).
    Events have no key and are not de-duplicated: two identical events are counted twice
    (trackers legitimately repeat events within a second). The category is the event's own,
    else its product's (products table), else null. The rows come parsed from stg_events_parsed
    (incremental); the checks that depend on context (as_of_date, the kept customers) run here
    on every build. -#}
{{ config(materialized='table') }}

{{ checked_rows('events', parsed_model='stg_events_parsed', customer_columns=['customer_id'],
    checks=[
        ('parsed.event_ts >= as_of.as_of_end_ts', 'after_as_of_date'),
        ('parsed.event_ts < as_of.min_valid_ts', 'before_min_date'),
        (none, 'unknown_customer'),
    ]) }}
