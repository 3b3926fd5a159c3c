{#- ---- Python models ------------------------------------------------------------------

  dbt-spark runs Python models only through Databricks job submission; with method: session
  they fail deep inside the run ("Databricks cluster_id is required", dbt-spark issue 415).
  python/customer_activation/io/spark_session.py runs them in dbt's own Spark session instead;
  it marks its process with CUSTOMER_ACTIVATION_SPARK_PYTHON=session. Called on run start:
  when Python models are selected on a session target without that runner, stop at once
  and say how to run them. -#}
{% macro check_python_model_runner() %}
  {#- (dbt-spark does not show the connection method to Jinja; without a Databricks cluster
      id dbt-spark has nowhere to send a Python model) -#}
  {%- if execute and target.type == 'spark' and not target.get('cluster')
        and env_var('CUSTOMER_ACTIVATION_SPARK_PYTHON', '') != 'session' -%}
    {%- set python_nodes = [] -%}
    {%- for uid in selected_resources -%}
      {%- set node = graph.nodes.get(uid) -%}
      {%- if node and node.language == 'python' -%}{%- do python_nodes.append(node.name) -%}{%- endif -%}
    {%- endfor -%}
    {%- if python_nodes -%}
      {{ exceptions.raise_compiler_error(
          "Python models (" ~ (python_nodes | sort | join(', ')) ~ ") cannot run through plain `dbt` on a "
          ~ "Spark target with method: session (dbt-spark supports them only on Databricks). Run dbt "
          ~ "through the project's runner instead, with the same arguments: "
          ~ "`python -m customer_activation.io.spark_session build --target " ~ target.name ~ " ...` "
          ~ "(`make build-spark` does), or leave them out: --exclude \"config.language:python+\"") }}
    {%- endif -%}
  {%- endif -%}
{% endmacro %}
