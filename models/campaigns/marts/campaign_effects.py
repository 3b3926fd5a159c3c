"""Treatment - control effects on the before/after metrics per campaign: post-window mean
difference, difference-in-differences, CUPED, quantile shifts, each with a confidence
interval (customer_activation.campaign_models.campaign_effects)."""
from customer_activation.model_io import to_frame
from customer_activation.campaign_models import campaign_effects


def model(dbt, session):
    dbt.config(materialized="table")
    return campaign_effects(
        to_frame(dbt.ref("campaign_customer_metrics")),
        confidence=float(dbt.config.get("confidence")),
        n_boot=int(dbt.config.get("n_boot")),
        random_state=int(dbt.config.get("random_seed")),
        bootstrap_max_n=int(dbt.config.get("bootstrap_max_n")))
