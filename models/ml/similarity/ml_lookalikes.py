"""Look-alike audiences: for every seed audience of ml_lookalike_seeds, the top-N other
customers ranked by similarity to its members at as_of_date. A thin wrapper around
customer_activation.similarity.lookalikes.lookalikes; settings from vars lookalike_* (see _ml.yml)."""
from customer_activation.io.model_io import model_settings, to_frame
from customer_activation.similarity.lookalikes import lookalike_audiences


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    scaling = to_frame(dbt.ref("int_feature_scaling"))
    groups = settings["lookalike_feature_groups"]
    feature_cols = scaling.loc[scaling["feature_group"].isin(groups)].sort_values(
        "feature_order")["feature_name"].tolist()
    features = to_frame(dbt.ref("int_customer_feature_vectors"), "feature_date_role = 'scoring'",
                        ["customer_id", *feature_cols], float32=feature_cols, arrow=True)
    seeds = to_frame(dbt.ref("ml_lookalike_seeds"))
    return lookalike_audiences(
        features, seeds, feature_cols=feature_cols, top_n=settings["lookalike_top_n"],
        k=settings["lookalike_k"], method=settings["lookalike_method"],
        random_state=settings["random_seed"],
        max_seeds=settings["lookalike_max_seeds"],
        shortlist_seeds=settings["lookalike_shortlist_seeds"],
        shortlist_factor=settings["lookalike_shortlist_factor"])
