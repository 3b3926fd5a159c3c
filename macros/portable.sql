{#- Cross-engine helpers where dbt has no macro of its own. -#}

{# Comma-separated text of the non-null values of expr, ordered by order_by. #}
{% macro ordered_string_agg(expr, order_by, delimiter=', ') -%}
  {{ return(adapter.dispatch('ordered_string_agg', 'customer_activation')(expr, order_by, delimiter)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(expr, order_by, delimiter) -%}
  {{ dbt.listagg(expr, "'" ~ delimiter ~ "'", "order by " ~ order_by) }}
{%- endmacro %}
{% macro spark__ordered_string_agg(expr, order_by, delimiter) -%}
  case when count({{ expr }}) > 0 then
  array_join(transform(array_sort(collect_list(case when {{ expr }} is not null then struct({{ order_by }} as k, {{ expr }} as v) end)), x -> x.v), '{{ delimiter }}')
  end
{%- endmacro %}

{# Age band of an age in years: '<25', '25-34', '35-44', '45-54', '55-64', '65+', null. #}
{% macro age_band(age_expr) -%}
  case
    when {{ age_expr }} is null then null
    when {{ age_expr }} < 25 then '<25'
    when {{ age_expr }} < 35 then '25-34'
    when {{ age_expr }} < 45 then '35-44'
    when {{ age_expr }} < 55 then '45-54'
    when {{ age_expr }} < 65 then '55-64'
    else '65+'
  end
{%- endmacro %}

{# Median (exact where the engine has it). #}
{% macro median(expr) -%}
  {{ return(adapter.dispatch('median', 'customer_activation')(expr)) }}
{%- endmacro %}
{% macro default__median(expr) -%}percentile_cont(0.5) within group (order by {{ expr }}){%- endmacro %}
{% macro duckdb__median(expr) -%}median({{ expr }}){%- endmacro %}
{% macro spark__median(expr) -%}percentile({{ expr }}, 0.5){%- endmacro %}

{# Median of a money column (decimal, 2 places), as that decimal: DuckDB interpolates and
   floors to the column's scale ((1.01 + 1.02) / 2 = 1.01); the other engines do the same. #}
{% macro money_median(expr) -%}
  {{ return(adapter.dispatch('money_median', 'customer_activation')(expr)) }}
{%- endmacro %}
{% macro default__money_median(expr) -%}{{ median(expr) }}{%- endmacro %}

{# Mean as a double (DuckDB's avg of a decimal is a double; Spark's a decimal rounded to 6 places). #}
{% macro avg_as_double(expr) -%}
  {{ return(adapter.dispatch('avg_as_double', 'customer_activation')(expr)) }}
{%- endmacro %}
{% macro default__avg_as_double(expr) -%}avg({{ expr }}){%- endmacro %}

{# Quantile q (0..1) of expr, interpolated. #}
{% macro quantile(expr, q) -%}
  {{ return(adapter.dispatch('quantile', 'customer_activation')(expr, q)) }}
{%- endmacro %}
{% macro default__quantile(expr, q) -%}percentile_cont({{ q }}) within group (order by {{ expr }}){%- endmacro %}
{% macro duckdb__quantile(expr, q) -%}quantile_cont({{ expr }}, {{ q }}){%- endmacro %}
{% macro spark__quantile(expr, q) -%}percentile({{ expr }}, {{ q }}){%- endmacro %}

{# A lower-case identifier fragment from any text ('Paid Search' -> 'paid_search'). Text with
   non-ASCII characters, or whose slug is longer than 40 characters, keeps at most 40 characters
   of it plus 8 hex digits of the text's md5, so distinct values ('関東' and '東北', which have no
   ASCII letter; a 10,000-character value) give distinct, short column names. #}
{% macro slugify(text) -%}
  {%- set raw = text | string -%}
  {%- set s = modules.re.sub('[^a-z0-9]+', '_', raw | lower).strip('_') -%}
  {%- if not raw.isascii() or s | length > 40 -%}
    {%- set s = (s[:40].strip('_') or 'x') ~ '_' ~ local_md5(raw)[:8] -%}
  {%- endif -%}
  {{- s if s else 'blank' -}}
{%- endmacro %}

{# The most frequent non-null values of a column (at most `limit`), for one-hot encoding and
   pivots; ties broken by value. Empty at parse time. #}
{% macro top_values(relation, column, limit, where='1 = 1') %}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set query -%}
    select value from (
        select cast({{ column }} as {{ dbt.type_string() }}) as value, count(*) as n_rows
        from {{ relation }}
        where {{ column }} is not null and {{ where }}
        group by cast({{ column }} as {{ dbt.type_string() }})
    ) as value_counts
    order by n_rows desc, value
    limit {{ limit }}
  {%- endset -%}
  {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}
