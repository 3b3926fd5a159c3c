{#- Every input row of products, parsed, with the reason it is rejected (null = kept).
    Category codes are lower-cased; a product without a category is kept as 'uncategorised'.
    Duplicates of a product_id: the most complete row is kept, then the lexically smallest. -#}
{{ config(materialized='table') }}

with raw_products as (
    {{ raw_table('products') }}
),

parsed as (
    select
        {{ parsed_contract_columns('products', codes=['category', 'subcategory']) }}
    from raw_products
),

row_checks as (
    select
        parsed.*,
        case when product_id is null then 'missing_key' end as row_reject_reason
    from parsed
),

ranked as (
    select
        row_checks.*,
        row_number() over (
            partition by product_id, row_reject_reason is null
            order by case when category is null then 1 else 0 end
                + case when subcategory is null then 1 else 0 end
                + case when brand is null then 1 else 0 end,
                {{ contract_column_names('products', 'raw_') | join(', ') }}
        ) as key_rank
    from row_checks
)

select
    product_id,
    coalesce(category, 'uncategorised') as category,
    subcategory,
    brand,
    coalesce(row_reject_reason, case when key_rank > 1 then 'duplicate_key' end) as reject_reason,
    case when row_reject_reason is not null or key_rank > 1
         then {{ row_as_json(contract_column_names('products'), 'raw_') }} end as original_row
from ranked
