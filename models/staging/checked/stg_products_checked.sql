{#- Every input row of products, parsed, with the reason it is rejected (null = kept).
    Category codes are lower-cased; a product without a category is kept as 'uncategorised'.
    Duplicates of a product_id: the most complete row is kept, then the lexically smallest. -#}
{{ config(materialized='table') }}

{{ checked_rows('products', codes=['category', 'subcategory'], as_of=false,
    checks=[('product_id is null', 'missing_key')],
    keys=['product_id'], prefer=[missing_count(['category', 'subcategory', 'brand'])],
    outputs={'category': "coalesce(category, 'uncategorised')"}) }}
