{#- Circle kind of a link circle from its majority link type (null = no type holds more than
    half of the circle's link weight). A business rule: dispatched so a project can override it. -#}
{% macro circle_kind_of_link_type(majority_link_type_expr) -%}
  {{ return(adapter.dispatch('circle_kind_of_link_type', 'customer_activation')(majority_link_type_expr)) }}
{%- endmacro %}

{% macro default__circle_kind_of_link_type(majority_link_type_expr) -%}
  case
    when {{ majority_link_type_expr }} is null then 'mixed'
    when {{ majority_link_type_expr }} in ('household', 'referral', 'group', 'social') then {{ majority_link_type_expr }}
    else 'other'
  end
{%- endmacro %}
