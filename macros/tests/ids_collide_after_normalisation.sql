{#- Ids that are different as written but the same after normalisation (case, spaces and
    leading zeros of their numbers: C0002, c0002, C2, 'C 0002'): each group is listed, so a user
    sees two spellings of one customer even when they are kept apart. Warn by default; set
    var case_insensitive_ids: true when case alone tells them apart. -#}
{% test ids_collide_after_normalisation(model, column_name) %}
with normalised_ids as (
    select distinct
        {{ column_name }} as id,
        {{ id_collision_key(column_name) }} as normalised_id
    from {{ model }}
    where {{ column_name }} is not null
)

select
    normalised_id,
    count(*) as n_spellings,
    min(id) as first_spelling,
    max(id) as last_spelling
from normalised_ids
group by normalised_id
having count(*) > 1
{% endtest %}
