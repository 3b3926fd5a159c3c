{#- Every input row of campaign_contacts, parsed, with the reason it is rejected (null = kept).
    One contact per campaign and customer: a duplicate keeps the earliest contacted_at.
    A missing phase is 'rollout' (contract default); contacted_at defaults to the campaign's
    start date (as a timestamp) when absent. -#}
{{ config(materialized='table') }}

{%- set campaigns -%}
select campaign_id, start_date from {{ ref('stg_campaigns') }}
{%- endset -%}

{{ checked_rows('campaign_contacts', codes=['arm', 'phase'], customer_columns=['customer_id'],
    lookups=[{'name': 'campaigns', 'on': 'campaign_id', 'rows': campaigns}],
    derived=[('contact_ts', 'coalesce(parsed.contacted_at, cast(campaigns.start_date as timestamp))')],
    checks=[
        ('parsed.campaign_id is null or parsed.customer_id is null', 'missing_key'),
        ("parsed.arm is null or parsed.arm not in ('treatment', 'control')", 'unknown_code'),
        ("parsed.phase not in ('pilot', 'rollout')", 'unknown_code'),
        ('campaigns.campaign_id is null', 'unknown_campaign'),
        (none, 'unknown_customer'),
        ('parsed.contacted_at >= as_of.as_of_end_ts', 'after_as_of_date'),
        ('parsed.contacted_at < as_of.min_valid_ts', 'before_min_date'),
    ],
    value_checks=[('predicted_response', 'parsed.predicted_response < 0 or parsed.predicted_response > 1', 'invalid_range')],
    keys=['campaign_id', 'customer_id'], prefer=['contact_ts'],
    outputs={'contacted_at': 'contact_ts'}) }}
