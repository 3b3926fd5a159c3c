{#- The output of a dbt Python model (or of a SQL model that only reshapes one), for the SQL
    models that read it. Engines that run Python models get ref(name). Where they cannot run
    (dbt-spark with method: session, see dbt_project.yml), the engine's version returns a
    stand-in relation with the same columns that the readers use, so the readers still build
    and say plainly that the learnt part is missing (spark__python_model_ref in
    macros/spark_shims.sql). -#}
{% macro python_model_ref(name) -%}
  {{ return(adapter.dispatch('python_model_ref', 'customer_activation')(name)) }}
{%- endmacro %}

{% macro default__python_model_ref(name) -%}
  {{ return(ref(name)) }}
{%- endmacro %}
