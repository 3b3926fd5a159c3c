{#- The contract tables with the expression that identifies a row in stg_rejected_rows. -#}
{% macro staged_tables() %}
  {{ return({
    'customers': "customer_id",
    'orders': "order_id",
    'order_items': dbt.concat(["order_id", "':'", "product_id"]),
    'products': "product_id",
    'events': dbt.concat(["customer_id", "'@'", "cast(event_ts as " ~ dbt.type_string() ~ ")"]),
    'customer_links': dbt.concat(["customer_id", "'->'", "linked_customer_id"]),
    'campaigns': "campaign_id",
    'campaign_contacts': dbt.concat(["campaign_id", "':'", "customer_id"]),
    'campaign_responses': dbt.concat(["campaign_id", "':'", "customer_id"]),
    'manual_labels': dbt.concat(["customer_id", "':'", "label_name"]),
  }) }}
{% endmacro %}
