"""Out-of-time uplift model (two-model: P(outcome | treated) - P(outcome | control), trained on
campaigns closed before each start) and its Qini / AUUC / uplift at top k% per campaign, against
ranking by the response model and random targeting
(customer_activation.campaigns.steps.uplift.uplift_metrics)."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import model_settings, to_frame

# isort: split
from customer_activation.campaigns.steps import uplift_metrics


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return uplift_metrics(
        to_frame(dbt.ref("campaign_contact_outcomes")),
        to_frame(dbt.ref("campaign_customer_features"), "feature_context = 'contact'"),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        to_frame(dbt.ref("campaign_response_predictions")),
        C=settings["campaign_response_model_c"],
        min_rows=settings["campaign_response_model_min_rows"],
        random_state=settings["random_seed"],
        top_k=settings["campaign_uplift_top_k"])
