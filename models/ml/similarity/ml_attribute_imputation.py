"""Similarity imputation of customer attributes at as_of_date (long form: one row per customer
and attribute), each attribute by the method ml_imputation_accuracy chose. A thin wrapper around customer_activation.similarity.imputation.impute_attributes;
settings are the vars imputation_* (read from build_settings)."""
from customer_activation.io.model_io import model_settings, similarity_inputs, to_frame
from customer_activation.similarity.imputation import impute_attributes


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    attributes = settings["imputation_attributes"]
    inputs = similarity_inputs(dbt.ref("int_customer_feature_vectors"), dbt.ref("int_feature_scaling"),
                               dbt.ref("stg_customers"), dbt.ref("int_customer_circle"), attributes)
    # the method of each attribute, chosen on masked known values by ml_imputation_accuracy
    chosen = to_frame(dbt.ref("ml_imputation_accuracy"), None, ["attribute", "chosen_method"])
    methods = dict(zip(chosen["attribute"], chosen["chosen_method"]))
    imputed = impute_attributes(
        inputs["features"], inputs["attributes"], feature_cols=inputs["feature_cols"],
        attribute_cols=attributes, attribute_kinds=settings["imputation_attribute_kinds"],
        k=settings["imputation_k"], max_donors=settings["imputation_max_donors"],
        random_state=settings["random_seed"],
        exclude_features=settings["imputation_exclude_features"],
        groups=inputs["groups"], group_weight=settings["imputation_circle_weight"], methods=methods)
    # the values are text even when nobody knows an attribute (all null would be typed NULL)
    return imputed.astype({c: "string" for c in ("observed_value", "imputed_value", "value", "imputation_method")})
