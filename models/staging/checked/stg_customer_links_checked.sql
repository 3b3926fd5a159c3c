{#- Every input row of customer_links, parsed, with the reason it is rejected (null = kept).
    A link is undirected for duplicate detection: A-B and B-A of the same link_type are one
    link; the earliest linked_at is kept. A missing link_type is kept as 'unspecified'. -#}
{{ config(materialized='table') }}

{%- set link_type = "coalesce(link_type, 'unspecified')" -%}

{{ checked_rows('customer_links', codes=['link_type'], customer_columns=['customer_id', 'linked_customer_id'],
    derived=[
        ('customer_low_id', 'case when parsed.customer_id < parsed.linked_customer_id then parsed.customer_id else parsed.linked_customer_id end'),
        ('customer_high_id', 'case when parsed.customer_id < parsed.linked_customer_id then parsed.linked_customer_id else parsed.customer_id end'),
    ],
    checks=[
        ('parsed.customer_id is null or parsed.linked_customer_id is null', 'missing_key'),
        ('parsed.customer_id = parsed.linked_customer_id', 'self_link'),
        ('parsed.linked_at >= as_of.as_of_end_ts', 'after_as_of_date'),
        ('parsed.linked_at < as_of.min_valid_ts', 'before_min_date'),
        (none, 'unknown_customer'),
    ],
    keys=['customer_low_id', 'customer_high_id', link_type], prefer=['linked_at nulls last'],
    outputs={'link_type': link_type}) }}
