"""Treatment - control effects on the before/after metrics per campaign: post-window mean
difference, difference-in-differences, CUPED, quantile shifts, each with a confidence
interval (customer_activation.campaigns.steps.effects.campaign_effects)."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import model_settings, to_frame

# isort: split
from customer_activation.campaigns.steps import campaign_effects


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return campaign_effects(
        to_frame(dbt.ref("campaign_customer_metrics")),
        confidence=settings["campaign_confidence"],
        n_boot=settings["campaign_n_boot"],
        random_state=settings["random_seed"],
        bootstrap_max_n=settings["campaign_bootstrap_max_n"])
