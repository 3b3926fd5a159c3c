{#-
  The history the snapshots keep, as one state per refresh (mart_segment_history,
  mart_campaign_history).

  snapshot_refreshes(): one row per analysis date recorded by any snapshot (as_of_date) with
  its last recording time (recorded_at). Both snapshots count, so a date at which one of them
  saw no change is still a refresh of the other.

  snapshot_states(snapshot, key, columns): one row per refresh and key with `columns` of the
  key's version at that date: the latest version recorded with as_of_date on or before it (the
  last recorded one among several at one date: a rerun on restated data), as
  fct_profile_migrations reads it. A key removed from the source (hard_deletes: invalidate, so
  its last version is closed) drops out from the first refresh recorded after its removal.
  Unchanged keys count with their earlier version. Reads a `refreshes` relation.
-#}
{% macro snapshot_refreshes() %}
    select as_of_date, max(recorded_at) as recorded_at
    from (
        select as_of_date, dbt_valid_from as recorded_at from {{ ref('snap_customer_profile') }}
        union all
        select as_of_date, dbt_valid_from as recorded_at from {{ ref('snap_campaign_summary') }}
    ) as recordings
    group by as_of_date
{% endmacro %}

{% macro snapshot_states(snapshot, key, columns) %}
    select as_of_date, {{ columns | join(', ') }}
    from (
        select
            refreshes.as_of_date,
            refreshes.recorded_at,
            {%- for column in columns %}
            versions.{{ column }},
            {%- endfor %}
            versions.is_removed,
            versions.dbt_valid_to,
            row_number() over (
                partition by refreshes.as_of_date, versions.{{ key }}
                order by versions.as_of_date desc, versions.dbt_valid_from desc) as version_rank
        from refreshes
        inner join (
            select
                history.*,
                history.dbt_valid_to is not null
                    and history.dbt_valid_from = max(history.dbt_valid_from) over (partition by history.{{ key }}) as is_removed
            from {{ ref(snapshot) }} as history
        ) as versions
            on versions.as_of_date <= refreshes.as_of_date
    ) as ranked_versions
    where version_rank = 1
        and not (is_removed and dbt_valid_to <= recorded_at)
{% endmacro %}
