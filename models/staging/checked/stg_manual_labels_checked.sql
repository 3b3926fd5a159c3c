{#- Every input row of manual_labels, parsed, with the reason it is rejected (null = kept).
    Label names and values are codes (lower-cased). One label per customer and label_name:
    a duplicate keeps the latest labeled_at (an analyst's later judgement replaces the earlier). -#}
{{ config(materialized='table') }}

{{ checked_rows('manual_labels', codes=['label_name', 'label_value'], customer_columns=['customer_id'],
    checks=[
        ('parsed.customer_id is null or parsed.label_name is null', 'missing_key'),
        ('parsed.label_value is null', 'missing_value'),
        ('parsed.labeled_at >= as_of.as_of_end_ts', 'after_as_of_date'),
        ('parsed.labeled_at < as_of.min_valid_ts', 'before_min_date'),
        (none, 'unknown_customer'),
    ],
    keys=['customer_id', 'label_name'], prefer=['labeled_at desc nulls last']) }}
