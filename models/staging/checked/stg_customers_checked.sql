{#- Every input row of customers, parsed, with the reason it is rejected (null = kept): a
    missing key, or a signup after as_of_date (the customer did not exist yet at as_of_date, as
    an order after it did not happen yet), rejects a customer; an unreadable or impossible
    signup_date or birth_year is nulled and recorded (stg_rejected_values), the customer kept.
    Duplicates of a customer_id: the kept row is the most complete one (most non-null
    attributes), then the latest signup_date, then the lexically smallest raw row. -#}
{{ config(materialized='table') }}

{{ checked_rows('customers', codes=['gender', 'acquisition_channel', 'member_tier'],
    checks=[
        ('customer_id is null', 'missing_key'),
        ('parsed.signup_date >= cast(as_of.as_of_end_ts as date)', 'after_as_of_date'),
    ],
    value_checks=[
        ('signup_date', 'parsed.signup_date < as_of.min_valid_date', 'before_min_date'),
        ('birth_year', 'parsed.birth_year < 1900 or parsed.birth_year > extract(year from as_of.as_of_date)', 'invalid_range'),
    ],
    keys=['customer_id'],
    prefer=[missing_count(contract_column_names('customers') | reject('eq', 'customer_id') | list), 'signup_date desc nulls last']) }}
