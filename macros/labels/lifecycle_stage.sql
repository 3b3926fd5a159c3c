{#- A business rule for the rule labels, dispatched so a user can change a threshold with
    --vars or override the whole rule with their own <adapter>__lifecycle_stage macro without
    forking the project. -#}
{#- Lifecycle stage of a customer at a date, from features computed at that date (first match):
      new        first seen less than lifecycle_new_days (60) ago
      lost       never completed an order, or the last one more than lifecycle_lost_days (180) ago
      dormant    last completed order more than lifecycle_dormant_days (90) ago
      declining  fewer than lifecycle_decline_ratio (0.5) times as many orders in the last
                 trend window as in the window before (none counts: a customer whose last
                 order was exactly lifecycle_dormant_days ago, the boundary day, is declining)
      active     otherwise -#}
{% macro lifecycle_stage(tenure_days, recency_days, recent_orders, previous_orders) -%}
  {{ return(adapter.dispatch('lifecycle_stage', 'customer_activation')(tenure_days, recency_days, recent_orders, previous_orders)) }}
{%- endmacro %}

{% macro default__lifecycle_stage(tenure_days, recency_days, recent_orders, previous_orders) -%}
  case
    when {{ tenure_days }} < {{ setting('lifecycle_new_days') }} then 'new'
    when {{ recency_days }} is null or {{ recency_days }} > {{ setting('lifecycle_lost_days') }} then 'lost'
    when {{ recency_days }} > {{ setting('lifecycle_dormant_days') }} then 'dormant'
    when {{ recent_orders }} < {{ setting('lifecycle_decline_ratio') }} * {{ previous_orders }} then 'declining'
    else 'active'
  end
{%- endmacro %}
