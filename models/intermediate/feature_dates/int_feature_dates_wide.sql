{#- One row: the feature dates side by side (<role>_date, <role>_end_ts), for one-pass
    conditional aggregation over large tables. -#}
select
{%- for fd in feature_dates() %}
    max(case when feature_date_role = '{{ fd.role }}' then feature_date end) as {{ fd.role }}_date,
    max(case when feature_date_role = '{{ fd.role }}' then feature_end_ts end) as {{ fd.role }}_end_ts{{ "," if not loop.last }}
{%- endfor %}
from {{ ref('int_feature_dates') }}
