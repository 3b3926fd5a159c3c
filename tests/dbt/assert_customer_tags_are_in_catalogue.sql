{#- Every (tag_group, tag_value, source) of fct_customer_tags is described in
    seeds/tag_catalogue.csv (tag_value '*' describes any value of the group and source). -#}
select distinct tags.tag_group, tags.tag_value, tags.source
from {{ ref('fct_customer_tags') }} as tags
left join {{ ref('tag_catalogue') }} as catalogue
    on {{ same_keys('catalogue', 'tags', ['tag_group', 'source']) }}
    and (catalogue.tag_value = '*' or catalogue.tag_value = tags.tag_value)
where catalogue.tag_group is null
