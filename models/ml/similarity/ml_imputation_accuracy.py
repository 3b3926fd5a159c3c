"""Which imputation method to use per attribute, by evidence: every candidate (kNN vote, circle
vote, supervised model, mode / median) imputes a stratified, seeded share of hidden known
values; the best is chosen if it beats the baseline (else var imputation_fallback). A thin wrapper
around customer_activation.similarity.imputation.evaluate_imputation with the settings of
ml_attribute_imputation (vars imputation_*, see _ml.yml). With var refit_models false the
previous evaluation is kept when it covers the same attributes."""
from customer_activation.io.model_io import model_settings, previous_result, similarity_inputs
from customer_activation.similarity.imputation import evaluate_imputation


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    attributes = settings["imputation_attributes"]
    if not settings["refit_models"]:
        previous = previous_result(session, dbt.this)
        if previous is not None and sorted(previous["attribute"]) == sorted(attributes):
            return previous
    inputs = similarity_inputs(dbt.ref("int_customer_feature_vectors"), dbt.ref("int_feature_scaling"),
                               dbt.ref("stg_customers"), dbt.ref("int_customer_circle"), attributes)
    report = evaluate_imputation(
        inputs["features"], inputs["attributes"], attributes,
        mask_share=settings["imputation_mask_share"],
        random_state=settings["random_seed"], k=settings["imputation_k"],
        feature_cols=inputs["feature_cols"],
        attribute_kinds=settings["imputation_attribute_kinds"],
        max_donors=settings["imputation_max_donors"],
        exclude_features=settings["imputation_exclude_features"],
        groups=inputs["groups"], group_weight=settings["imputation_circle_weight"],
        max_masked=settings["imputation_max_masked"], fallback=settings["imputation_fallback"])
    report["beats_baseline"] = report["lift"] > 1
    return report
