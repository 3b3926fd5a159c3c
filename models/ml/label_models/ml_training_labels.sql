{#- One row per customer, labelled feature date and target: the training label observed in the
    label window after that date, and where it came from.
    Labelled dates: backtest (window (backtest, training]) and training (window (training,
    as_of_date]); each window is label_horizon_days long. Targets:
      churn_risk       churned = no completed order in the window, else retained (observed)
      lifecycle_stage  the rule stage (int_customer_lifecycle) at the end of the window (rule)
      value_tier       net spend in the window: customers who spent are split into terciles
                       low / medium / high (ties share a tier); customers who spent nothing are low (observed)
    A manual label (manual_labels) made inside the window takes precedence (label_source
    'manual'); manual churn_risk high/low map to churned/retained, medium gives no label.
    Features for these rows come from the labelled date only, so nothing in the window leaks in. -#}
{%- set windows = [('backtest', 'training'), ('training', 'scoring')] -%}

with feature_dates as (
    select * from {{ ref('int_feature_dates_wide') }}
),

population as (
    select customer_id, feature_date_role
    from {{ ref('int_customer_population') }}
    where feature_date_role in ('backtest', 'training')
),

window_orders as (
    select
        orders.customer_id
        {%- for start, stop in windows %},
        count(case when orders.order_ts >= fd.{{ start }}_end_ts and orders.order_ts < fd.{{ stop }}_end_ts
                   then 1 end) as {{ start }}__completed_orders,
        coalesce(sum(case when orders.order_ts >= fd.{{ start }}_end_ts and orders.order_ts < fd.{{ stop }}_end_ts
                          then orders.net_amount end), 0) as {{ start }}__net_amount
        {%- endfor %}
    from {{ ref('stg_orders') }} as orders
    cross join feature_dates as fd
    where orders.is_completed
    group by orders.customer_id
),

outcomes as (
    {%- for start, stop in windows %}
    select
        population.customer_id,
        population.feature_date_role,
        coalesce(window_orders.{{ start }}__completed_orders, 0) as window_completed_orders,
        coalesce(window_orders.{{ start }}__net_amount, 0) as window_net_amount
    from population
    left join window_orders
        on population.customer_id = window_orders.customer_id
    where population.feature_date_role = '{{ start }}'
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

value_ranks as (
    select
        outcomes.*,
        case when outcomes.window_net_amount > 0 then cast(ceil(3 * cume_dist() over (
            partition by outcomes.feature_date_role, outcomes.window_net_amount > 0
            order by outcomes.window_net_amount)) as integer) end as spend_tercile
    from outcomes
),

lifecycle_at_window_end as (
    {%- for start, stop in windows %}
    select customer_id, '{{ start }}' as feature_date_role, lifecycle_stage_rule
    from {{ ref('int_customer_lifecycle') }}
    where feature_date_role = '{{ stop }}'
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

rule_labels as (
    select customer_id, feature_date_role, 'churn_risk' as target,
           case when window_completed_orders = 0 then 'churned' else 'retained' end as rule_label,
           'observed' as rule_source
    from value_ranks
    union all
    select customer_id, feature_date_role, 'value_tier' as target,
           case spend_tercile when 3 then 'high' when 2 then 'medium' else 'low' end as rule_label,
           'observed' as rule_source
    from value_ranks
    union all
    select value_ranks.customer_id, value_ranks.feature_date_role, 'lifecycle_stage' as target,
           lifecycle_at_window_end.lifecycle_stage_rule as rule_label,
           'rule' as rule_source
    from value_ranks
    inner join lifecycle_at_window_end
        on {{ same_customer_and_date('value_ranks', 'lifecycle_at_window_end') }}
),

manual_in_window as (
    {%- for start, stop in windows %}
    select
        labels.customer_id,
        '{{ start }}' as feature_date_role,
        labels.label_name as target,
        case
            {%- for target, mapping in manual_label_map().items() %}
            {%- for value, label in mapping.items() %}
            when labels.label_name = '{{ target }}' and labels.label_value = '{{ value }}' then '{{ label }}'
            {%- endfor %}
            {%- endfor %}
        end as manual_label,
        labels.labeled_at
    from {{ ref('stg_manual_labels') }} as labels
    cross join feature_dates as fd
    where labels.labeled_at >= fd.{{ start }}_end_ts
      and labels.labeled_at < fd.{{ stop }}_end_ts
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    rule_labels.customer_id,
    rule_labels.feature_date_role,
    rule_labels.target,
    coalesce(manual_in_window.manual_label, rule_labels.rule_label) as label,
    case when manual_in_window.manual_label is not null then 'manual' else rule_labels.rule_source end as label_source,
    rule_labels.rule_label,
    manual_in_window.manual_label
from rule_labels
left join manual_in_window
    on {{ same_customer_and_date('rule_labels', 'manual_in_window') }}
    and rule_labels.target = manual_in_window.target
    and manual_in_window.manual_label is not null
