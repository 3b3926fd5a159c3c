"""Predicted response of each audience member of each planned campaign at as_of_date: the
response model trained on all the feedback so far (every treated contact with a closed
window), applied with the plan's objective, channel and response window
(customer_activation.campaigns.steps.response.response_scores), and the predicted uplift;
campaign_assignments ranks by ranking_score (var campaign_audience_ranking: response or uplift)."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import model_settings, to_frame

# isort: split
from customer_activation.campaigns.steps import response_scores


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return response_scores(
        to_frame(dbt.ref("campaign_audience_members"), None, ["audience_name", "customer_id"]),
        to_frame(dbt.ref("campaign_definitions"), "is_planned"),
        to_frame(dbt.ref("campaign_contact_outcomes")),
        to_frame(dbt.ref("campaign_customer_features")),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        C=settings["campaign_response_model_c"],
        min_rows=settings["campaign_response_model_min_rows"],
        random_state=settings["random_seed"],
        ranking=settings["campaign_audience_ranking"])
