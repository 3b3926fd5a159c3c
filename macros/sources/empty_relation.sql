{% macro empty_relation() %}{{ return(adapter.dispatch('empty_relation', 'customer_activation')()) }}{% endmacro %}

{% macro default__empty_relation() %}(select 1 as no_rows) as no_table{% endmacro %}
