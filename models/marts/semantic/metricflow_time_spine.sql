{#- The time spine MetricFlow needs (one row per day, grain: date_day), configured as the
    project's time spine in _semantic_layer.yml. From var min_valid_date (no kept row is older)
    to the end of 2099, so it covers every date the data can hold. -#}
select cast(date_day as date) as date_day
from ({{ time_spine_days(setting('min_valid_date'), '2100-01-01') }}) as spine_days
