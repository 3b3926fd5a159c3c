{#- Every input row of campaigns, parsed, with the reason it is rejected (null = kept).
    Missing costs are 0; a missing response_window_days is var default_response_window_days.
    Duplicates of a campaign_id: the most complete row, then the lexically smallest. -#}
{{ config(materialized='table') }}

{{ checked_rows('campaigns', codes=['objective', 'channel'],
    checks=[
        ('campaign_id is null', 'missing_key'),
        unparseable_check('campaigns', 'start_date'),
        ('start_date is null', 'missing_value'),
        ('cost_per_contact < 0 or fixed_cost < 0', 'negative_amount'),
        ('end_date < start_date or response_window_days <= 0', 'invalid_range'),
        ('start_date >= cast(as_of.as_of_end_ts as date)', 'after_as_of_date'),
        ('start_date < as_of.min_valid_date', 'before_min_date'),
    ],
    keys=['campaign_id'], prefer=[missing_count(['campaign_name', 'end_date', 'cost_per_contact'])],
    outputs={
        'cost_per_contact': 'coalesce(cost_per_contact, 0)',
        'fixed_cost': 'coalesce(fixed_cost, 0)',
        'response_window_days': 'coalesce(response_window_days, ' ~ setting('default_response_window_days') ~ ')',
    }) }}
