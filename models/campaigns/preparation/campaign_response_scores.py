"""Predicted response of each audience member of each planned campaign at as_of_date: the
response model trained on all the feedback so far (every treated contact with a closed
window), applied with the plan's objective, channel and response window
(customer_activation.campaign_models.response_scores). campaign_assignments ranks by it."""
from customer_activation.model_io import to_frame
from customer_activation.campaign_models import response_scores


def model(dbt, session):
    dbt.config(materialized="table")
    return response_scores(
        to_frame(dbt.ref("campaign_audience_members"), None, ["audience_name", "customer_id"]),
        to_frame(dbt.ref("campaign_definitions"), "is_planned"),
        to_frame(dbt.ref("campaign_contact_outcomes")),
        to_frame(dbt.ref("campaign_customer_features")),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        C=float(dbt.config.get("regularisation_c")),
        min_rows=int(dbt.config.get("min_training_rows")),
        random_state=int(dbt.config.get("random_seed")))
