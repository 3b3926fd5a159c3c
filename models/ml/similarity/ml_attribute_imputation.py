"""Similarity imputation of customer attributes at as_of_date (long form: one row per customer
and attribute). A thin wrapper around customer_activation.similarity.impute_attributes;
settings come from the model config (vars imputation_*, see _ml.yml)."""
import json

from customer_activation.model_io import similarity_inputs
from customer_activation.similarity import impute_attributes


def model(dbt, session):
    dbt.config(materialized="table")
    attributes = json.loads(dbt.config.get("attributes"))
    inputs = similarity_inputs(dbt.ref("int_customer_feature_vectors"), dbt.ref("int_feature_scaling"),
                               dbt.ref("stg_customers"), dbt.ref("int_customer_circle"), attributes)
    imputed = impute_attributes(
        inputs["features"], inputs["attributes"], feature_cols=inputs["feature_cols"],
        attribute_cols=attributes, attribute_kinds=json.loads(dbt.config.get("attribute_kinds")),
        k=int(dbt.config.get("k")), max_donors=int(dbt.config.get("max_donors")),
        random_state=int(dbt.config.get("random_seed")),
        exclude_features=json.loads(dbt.config.get("exclude_features")),
        groups=inputs["groups"], group_weight=float(dbt.config.get("circle_weight")))
    # the values are text even when nobody knows an attribute (all null would be typed NULL)
    return imputed.astype({c: "string" for c in ("observed_value", "imputed_value", "value")})
