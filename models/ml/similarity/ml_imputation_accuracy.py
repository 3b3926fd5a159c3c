"""How well similarity imputation recovers known attributes (a stratified, seeded share of
known values is hidden and imputed), next to the mode / median baseline. A thin wrapper
around customer_activation.similarity.evaluate_imputation with the settings of
ml_attribute_imputation (vars imputation_*, see _ml.yml). With var refit_models false the
previous evaluation is kept when it covers the same attributes."""
import json

from customer_activation.model_io import previous_result, similarity_inputs
from customer_activation.similarity import evaluate_imputation


def model(dbt, session):
    dbt.config(materialized="table")
    attributes = json.loads(dbt.config.get("attributes"))
    if dbt.config.get("refit") == "no":
        previous = previous_result(session, dbt.this)
        if previous is not None and sorted(previous["attribute"]) == sorted(attributes):
            return previous
    inputs = similarity_inputs(dbt.ref("int_customer_feature_vectors"), dbt.ref("int_feature_scaling"),
                               dbt.ref("stg_customers"), dbt.ref("int_customer_circle"), attributes)
    report = evaluate_imputation(
        inputs["features"], inputs["attributes"], attributes,
        mask_share=float(dbt.config.get("mask_share")),
        random_state=int(dbt.config.get("random_seed")), k=int(dbt.config.get("k")),
        feature_cols=inputs["feature_cols"],
        attribute_kinds=json.loads(dbt.config.get("attribute_kinds")),
        max_donors=int(dbt.config.get("max_donors")),
        exclude_features=json.loads(dbt.config.get("exclude_features")),
        groups=inputs["groups"], group_weight=float(dbt.config.get("circle_weight")),
        max_masked=int(dbt.config.get("max_masked")))
    report["beats_baseline"] = report["lift"] > 1
    return report
