{#- One row per feature date (scoring, training, backtest): the day features are computed at
    (inclusive) and the exclusive end timestamp of what they may see, plus the label window that
    follows each date. -#}
with as_of as (
    select as_of_date from {{ ref('stg_as_of_date') }}
),

dates as (
    {% for fd in feature_dates() %}
    select
        '{{ fd.role }}' as feature_date_role,
        {{ fd.offset_days }} as offset_days,
        cast({{ dbt.dateadd('day', -fd.offset_days, 'as_of_date') }} as date) as feature_date
    from as_of
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    feature_date_role,
    offset_days,
    feature_date,
    cast({{ dbt.dateadd('day', 1, 'feature_date') }} as timestamp) as feature_end_ts,
    {{ setting('label_horizon_days') }} as label_horizon_days,
    cast({{ dbt.dateadd('day', setting('label_horizon_days'), 'feature_date') }} as date) as label_window_end_date
from dates
