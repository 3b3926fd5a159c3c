{#- Every input row of customers, parsed, with the reason it is rejected (null = kept).
    Duplicates of a customer_id: the kept row is the most complete one (most non-null
    attributes), then the latest signup_date, then the lexically smallest raw row. -#}
{{ config(materialized='table') }}

with raw_customers as (
    {{ raw_table('customers') }}
),

as_of as (
    select * from {{ ref('stg_as_of_date') }}
),

parsed as (
    select
        {{ parsed_contract_columns('customers', codes=['gender', 'acquisition_channel', 'member_tier']) }}
    from raw_customers
),

row_checks as (
    select
        parsed.*,
        case
            when customer_id is null then 'missing_key'
            when {{ is_unparseable('raw_signup_date', 'signup_date') }} then 'unparseable_date'
            when {{ is_unparseable('raw_birth_year', 'birth_year') }} then 'unparseable_number'
            when birth_year < 1900 or birth_year > extract(year from as_of.as_of_date) then 'invalid_range'
            when signup_date >= cast(as_of.as_of_end_ts as date) then 'after_as_of_date'
            when signup_date < as_of.min_valid_date then 'before_min_date'
        end as row_reject_reason,
        (case when gender is not null then 1 else 0 end
         + case when birth_year is not null then 1 else 0 end
         + case when city is not null then 1 else 0 end
         + case when region is not null then 1 else 0 end
         + case when acquisition_channel is not null then 1 else 0 end
         + case when member_tier is not null then 1 else 0 end
         + case when email is not null then 1 else 0 end
         + case when phone is not null then 1 else 0 end
         + case when signup_date is not null then 1 else 0 end) as filled_attributes
    from parsed
    cross join as_of
),

ranked as (
    select
        row_checks.*,
        row_number() over (
            partition by customer_id, row_reject_reason is null
            order by filled_attributes desc, signup_date desc nulls last,
                {{ contract_column_names('customers', 'raw_') | join(', ') }}
        ) as key_rank
    from row_checks
)

select
    {{ contract_column_names('customers') | join(', ') }},
    coalesce(row_reject_reason, case when key_rank > 1 then 'duplicate_key' end) as reject_reason,
    case when row_reject_reason is not null or key_rank > 1
         then {{ row_as_json(contract_column_names('customers'), 'raw_') }} end as original_row
from ranked
