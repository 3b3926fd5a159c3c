{#- Each campaign's summary per analysis date, from the history in snap_campaign_summary: one
    row per refresh (macro snapshot_refreshes) and campaign, its latest version recorded on or
    before it (macro snapshot_states): a refresh that changed no campaign's decisions or
    estimates shows them as they stood. On Spark, which builds no snapshot,
    it is the current campaign_summary at as_of_date only. -#}
{%- set columns = ['campaign_id', 'campaign_name', 'objective', 'channel', 'campaign_status', 'gate_status',
                   'n_contacts', 'n_treatment', 'n_control', 'uplift', 'incremental_responders',
                   'incremental_revenue', 'cost', 'roi'] %}

with
{%- if target.type == 'spark' %}
states as (
    select as_of_date, {{ columns | join(', ') }}
    from {{ ref('campaign_summary') }}
),
{%- else %}
refreshes as (
    {{ snapshot_refreshes() }}
),

states as (
    {{ snapshot_states('snap_campaign_summary', 'campaign_id', columns) }}
),
{%- endif %}

final as (
    select
        cast({{ dbt.concat(["cast(as_of_date as " ~ dbt.type_string() ~ ")", "':'", 'campaign_id']) }} as {{ dbt.type_string() }}) as history_key,
        as_of_date,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(campaign_name as {{ dbt.type_string() }}) as campaign_name,
        cast(objective as {{ dbt.type_string() }}) as objective,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(campaign_status as {{ dbt.type_string() }}) as campaign_status,
        cast(gate_status as {{ dbt.type_string() }}) as gate_status,
        cast(n_contacts as {{ dbt.type_bigint() }}) as n_contacts,
        cast(n_treatment as {{ dbt.type_bigint() }}) as n_treatment,
        cast(n_control as {{ dbt.type_bigint() }}) as n_control,
        cast(uplift as {{ type_double() }}) as uplift,
        cast(incremental_responders as {{ type_double() }}) as incremental_responders,
        cast(incremental_revenue as {{ type_double() }}) as incremental_revenue,
        cast(cost as {{ type_double() }}) as cost,
        cast(roi as {{ type_double() }}) as roi
    from states
)

select * from final
