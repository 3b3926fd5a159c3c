{#- Every input row of campaign_responses, parsed, with the reason it is rejected (null = kept).
    A response must belong to a kept campaign and customer; exact copies are rejected as
    duplicate_row. Missing revenue is 0. -#}
{{ config(materialized='table') }}

{%- set campaigns -%}
select campaign_id from {{ ref('stg_campaigns') }}
{%- endset -%}

{{ checked_rows('campaign_responses', codes=['response_type'], customer_columns=['customer_id'],
    lookups=[{'name': 'campaigns', 'on': 'campaign_id', 'rows': campaigns}],
    checks=[
        ('parsed.campaign_id is null or parsed.customer_id is null', 'missing_key'),
        unparseable_check('campaign_responses', 'responded_at'),
        ('parsed.responded_at is null', 'missing_value'),
        ('parsed.revenue < 0', 'negative_amount'),
        ('parsed.responded_at >= as_of.as_of_end_ts', 'after_as_of_date'),
        ('parsed.responded_at < as_of.min_valid_ts', 'before_min_date'),
        ('campaigns.campaign_id is null', 'unknown_campaign'),
        (none, 'unknown_customer'),
    ],
    keys=['campaign_id', 'customer_id', 'responded_at', 'response_type', 'revenue'], duplicate_reason='duplicate_row',
    outputs={'revenue': 'coalesce(revenue, 0)'}) }}
