"""Out-of-time response predictions for every observed contact: the model that scores a
campaign is trained only on campaigns whose response windows had closed before it started
(customer_activation.campaign_models.response_predictions). Feeds the pilot gate where a
contact has no predicted_response. Settings: vars campaign_response_model_* (see _campaigns.yml)."""
from customer_activation.model_io import to_frame
from customer_activation.campaign_models import response_predictions


def model(dbt, session):
    dbt.config(materialized="table")
    return response_predictions(
        to_frame(dbt.ref("campaign_contact_outcomes")),
        to_frame(dbt.ref("campaign_customer_features"), "feature_context = 'contact'"),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        C=float(dbt.config.get("regularisation_c")),
        min_rows=int(dbt.config.get("min_training_rows")),
        random_state=int(dbt.config.get("random_seed")))
