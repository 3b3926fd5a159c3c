{#- A memo for one dbt invocation: a mapping where a macro keeps what it computed, so that
    later calls in the same `dbt build` (other models, other threads) reuse it instead of
    computing it again. For values fixed for the whole invocation only: the parsed settings
    registry, where each raw table's files are and their columns, a column's date order.

    dbt gives macros no state of their own; the memo is kept in the `graph` mapping (one
    dict per manifest for the whole invocation), under a key holding the invocation_id, so a
    value is never carried into another invocation (files may change between two runs, and
    the manifest of a partial parse is reused). Where there is no graph, an empty mapping is
    returned each time and every value is computed again. Two threads may both compute a
    missing value; both get the same one. Values are shared: read them, never modify them. -#}
{% macro invocation_memo() %}
  {%- if graph is not mapping -%}{{ return({}) }}{%- endif -%}
  {{ return(graph.setdefault('customer_activation.invocation_memo.' ~ invocation_id, {})) }}
{% endmacro %}
