{#- The contract tables with the expression that identifies a row in stg_rejected_rows
    (composite keys keep their known parts when one part is missing). -#}
{% macro staged_tables() %}
  {{ return({
    'customers': "customer_id",
    'orders': "order_id",
    'order_items': dbt.concat(["coalesce(order_id, '')", "':'", "coalesce(product_id, '')"]),
    'products': "product_id",
    'events': dbt.concat(["coalesce(customer_id, '')", "'@'", "coalesce(cast(event_ts as " ~ dbt.type_string() ~ "), '')"]),
    'customer_links': dbt.concat(["coalesce(customer_id, '')", "'->'", "coalesce(linked_customer_id, '')"]),
    'campaigns': "campaign_id",
    'campaign_contacts': dbt.concat(["coalesce(campaign_id, '')", "':'", "coalesce(customer_id, '')"]),
    'campaign_responses': dbt.concat(["coalesce(campaign_id, '')", "':'", "coalesce(customer_id, '')"]),
    'manual_labels': dbt.concat(["coalesce(customer_id, '')", "':'", "coalesce(label_name, '')"]),
    'consents': dbt.concat(["coalesce(customer_id, '')", "':'", "coalesce(channel, '')"]),
  }) }}
{% endmacro %}
