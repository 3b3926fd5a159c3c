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
