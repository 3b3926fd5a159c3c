"""Out-of-time response predictions for every observed contact: the model that scores a
campaign is trained only on campaigns whose response windows had closed before it started
(customer_activation.campaigns.steps.response.response_predictions). Feeds the pilot gate where a
contact has no predicted_response. Settings: vars campaign_response_model_* (see _campaigns.yml)."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import model_settings, to_frame

# isort: split
from customer_activation.campaigns.steps import response_predictions


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return response_predictions(
        to_frame(dbt.ref("campaign_contact_outcomes")),
        to_frame(dbt.ref("campaign_customer_features"), "feature_context = 'contact'"),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        C=settings["campaign_response_model_c"],
        min_rows=settings["campaign_response_model_min_rows"],
        random_state=settings["random_seed"])
