{#- One row per trained label-model version: target, status, rows, class balance, parameters,
    holdout metrics, library versions, and the dbt run that first produced it. Incremental: a
    rebuild on the same data and settings gives the same model_version and adds no row; any
    change in data or settings adds one. The query itself skips versions already logged, so
    plain appends suffice where the table format has no MERGE (Spark parquet). -#}
{{ config(materialized='incremental',
          unique_key=(none if target.type == 'spark' else ['target', 'model_version']),
          incremental_strategy=('append' if target.type == 'spark' else none)) }}

with runs as (
    select
        cast(target as {{ dbt.type_string() }}) as target,
        cast(model_version as {{ dbt.type_string() }}) as model_version,
        cast(validation_model_version as {{ dbt.type_string() }}) as validation_model_version,
        cast(status as {{ dbt.type_string() }}) as model_status,
        cast(reason as {{ dbt.type_string() }}) as model_reason,
        cast(n_train_rows as bigint) as n_train_rows,
        cast(n_validation_train_rows as bigint) as n_validation_train_rows,
        cast(n_holdout_rows as bigint) as n_holdout_rows,
        cast(n_manual_labels as bigint) as n_manual_labels,
        cast(n_features as bigint) as n_features,
        cast(class_balance as {{ dbt.type_string() }}) as class_balance,
        cast(parameters as {{ dbt.type_string() }}) as parameters,
        cast(holdout_metrics as {{ dbt.type_string() }}) as holdout_metrics,
        cast(library_versions as {{ dbt.type_string() }}) as library_versions
    from {{ ref('ml_label_model_fit') }}
    where result_kind = 'runs'
),

dates as (
    select
        max(case when feature_date_role = 'training' then feature_date end) as training_cutoff_date,
        max(case when feature_date_role = 'backtest' then feature_date end) as validation_cutoff_date
    from {{ ref('int_feature_dates') }}
)

select
    runs.*,
    dates.training_cutoff_date,
    dates.validation_cutoff_date,
    '{{ invocation_id }}' as dbt_invocation_id,
    {{ dbt.current_timestamp() }} as trained_at
from runs
cross join dates
{% if is_incremental() %}
where not exists (
    select 1 from {{ this }} as logged
    where logged.target = runs.target and logged.model_version = runs.model_version
)
{% endif %}
