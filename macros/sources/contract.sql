{#-
  The data contract (source `raw`): every table, its columns, their types, and which are
  required. One definition, read by the raw loader, the staging models and the docs.

  types: text | date | timestamp | int | money | float
  required (table): the build fails if the table is missing.
  required (column): the build fails, naming table and column, if a present table lacks it.
  Optional columns that are absent are read as null (or `default` when given); a blank value
  of a column with a `default` takes the default too.
-#}
{% macro contract() %}
{% do return({
  'customers': {'required': true, 'columns': [
      {'name': 'customer_id', 'type': 'text', 'required': true},
      {'name': 'signup_date', 'type': 'date'},
      {'name': 'birth_year', 'type': 'int'},
      {'name': 'gender', 'type': 'text'},
      {'name': 'city', 'type': 'text'},
      {'name': 'region', 'type': 'text'},
      {'name': 'acquisition_channel', 'type': 'text'},
      {'name': 'member_tier', 'type': 'text'},
      {'name': 'email', 'type': 'text'},
      {'name': 'phone', 'type': 'text'},
  ]},
  'orders': {'required': true, 'columns': [
      {'name': 'order_id', 'type': 'text', 'required': true},
      {'name': 'customer_id', 'type': 'text', 'required': true},
      {'name': 'order_ts', 'type': 'timestamp', 'required': true},
      {'name': 'order_amount', 'type': 'money', 'required': true},
      {'name': 'discount_amount', 'type': 'money'},
      {'name': 'status', 'type': 'text', 'default': setting('default_order_status')},
      {'name': 'channel', 'type': 'text'},
  ]},
  'order_items': {'required': false, 'columns': [
      {'name': 'order_id', 'type': 'text', 'required': true},
      {'name': 'product_id', 'type': 'text', 'required': true},
      {'name': 'quantity', 'type': 'int', 'required': true},
      {'name': 'unit_price', 'type': 'money', 'required': true},
  ]},
  'products': {'required': false, 'columns': [
      {'name': 'product_id', 'type': 'text', 'required': true},
      {'name': 'category', 'type': 'text', 'required': true},
      {'name': 'subcategory', 'type': 'text'},
      {'name': 'brand', 'type': 'text'},
  ]},
  'events': {'required': false, 'columns': [
      {'name': 'customer_id', 'type': 'text', 'required': true},
      {'name': 'event_ts', 'type': 'timestamp', 'required': true},
      {'name': 'event_type', 'type': 'text', 'required': true},
      {'name': 'product_id', 'type': 'text'},
      {'name': 'category', 'type': 'text'},
  ]},
  'customer_links': {'required': false, 'columns': [
      {'name': 'customer_id', 'type': 'text', 'required': true},
      {'name': 'linked_customer_id', 'type': 'text', 'required': true},
      {'name': 'link_type', 'type': 'text'},
      {'name': 'linked_at', 'type': 'timestamp'},
  ]},
  'campaigns': {'required': false, 'columns': [
      {'name': 'campaign_id', 'type': 'text', 'required': true},
      {'name': 'campaign_name', 'type': 'text'},
      {'name': 'objective', 'type': 'text'},
      {'name': 'channel', 'type': 'text'},
      {'name': 'start_date', 'type': 'date', 'required': true},
      {'name': 'end_date', 'type': 'date'},
      {'name': 'cost_per_contact', 'type': 'money'},
      {'name': 'fixed_cost', 'type': 'money'},
      {'name': 'response_window_days', 'type': 'int'},
      {'name': 'experiment_id', 'type': 'text'},
  ]},
  'campaign_contacts': {'required': false, 'columns': [
      {'name': 'campaign_id', 'type': 'text', 'required': true},
      {'name': 'customer_id', 'type': 'text', 'required': true},
      {'name': 'arm', 'type': 'text', 'required': true},
      {'name': 'phase', 'type': 'text', 'default': 'rollout'},
      {'name': 'contacted_at', 'type': 'timestamp'},
      {'name': 'predicted_response', 'type': 'float'},
  ]},
  'campaign_responses': {'required': false, 'columns': [
      {'name': 'campaign_id', 'type': 'text', 'required': true},
      {'name': 'customer_id', 'type': 'text', 'required': true},
      {'name': 'responded_at', 'type': 'timestamp', 'required': true},
      {'name': 'response_type', 'type': 'text'},
      {'name': 'revenue', 'type': 'money'},
  ]},
  'manual_labels': {'required': false, 'columns': [
      {'name': 'customer_id', 'type': 'text', 'required': true},
      {'name': 'label_name', 'type': 'text', 'required': true},
      {'name': 'label_value', 'type': 'text', 'required': true},
      {'name': 'labeled_at', 'type': 'timestamp'},
      {'name': 'labeled_by', 'type': 'text'},
  ]},
  'consents': {'required': false, 'columns': [
      {'name': 'customer_id', 'type': 'text', 'required': true},
      {'name': 'channel', 'type': 'text', 'required': true},
      {'name': 'status', 'type': 'text', 'required': true},
      {'name': 'updated_at', 'type': 'timestamp'},
  ]},
}) %}
{% endmacro %}

{% macro contract_columns(table) %}
  {%- set spec = contract().get(table) -%}
  {%- if spec is none -%}
    {{ exceptions.raise_compiler_error("'" ~ table ~ "' is not a table of the data contract; expected one of: " ~ (contract().keys() | list | join(', '))) }}
  {%- endif -%}
  {{ return(spec['columns']) }}
{% endmacro %}

{% macro contract_column(table, column) %}
  {%- for col in contract_columns(table) if col['name'] == column -%}{{ return(col) }}{%- endfor -%}
  {{ exceptions.raise_compiler_error("'" ~ column ~ "' is not a column of contract table '" ~ table ~ "'") }}
{% endmacro %}

{#- The optional typed columns of a table: a value that does not parse (or fails a value check)
    there is nulled and recorded in stg_rejected_values, and the row is kept. -#}
{% macro value_checked_columns(table) %}
  {%- set names = [] -%}
  {%- for col in contract_columns(table) if not col.get('required') and col['type'] in ('date', 'timestamp', 'int', 'money', 'float') -%}
    {%- do names.append(col['name']) -%}
  {%- endfor -%}
  {{ return(names) }}
{% endmacro %}
