{#- Every input row of customers, parsed, with the reason it is rejected (null = kept).
    Duplicates of a customer_id: the kept row is the most complete one (most non-null
    attributes), then the latest signup_date, then the lexically smallest raw row. -#}
{{ config(materialized='table') }}

{{ checked_rows('customers', codes=['gender', 'acquisition_channel', 'member_tier'],
    checks=[
        ('customer_id is null', 'missing_key'),
        (is_unparseable('raw_signup_date', 'signup_date'), 'unparseable_date'),
        (is_unparseable('raw_birth_year', 'birth_year'), 'unparseable_number'),
        ('birth_year < 1900 or birth_year > extract(year from as_of.as_of_date)', 'invalid_range'),
        ('signup_date >= cast(as_of.as_of_end_ts as date)', 'after_as_of_date'),
        ('signup_date < as_of.min_valid_date', 'before_min_date'),
    ],
    keys=['customer_id'],
    prefer=[missing_count(contract_column_names('customers') | reject('eq', 'customer_id') | list), 'signup_date desc nulls last']) }}
