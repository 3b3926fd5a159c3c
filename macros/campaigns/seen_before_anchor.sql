{#- The from clause of a per-anchor aggregate in campaign_customer_features: each anchor (a
    customer at a contact or scoring time) with the customer's rows of `relation` dated strictly
    before the anchor's feature_end_ts, grouped by anchor - what was known then, nothing later. -#}
{% macro seen_before_anchor(relation, ts_column) -%}
    from anchor_dates
    inner join {{ relation }}
        on anchor_dates.customer_id = {{ relation }}.customer_id
        and {{ relation }}.{{ ts_column }} < anchor_dates.feature_end_ts
    group by anchor_dates.anchor_id
{%- endmacro %}
