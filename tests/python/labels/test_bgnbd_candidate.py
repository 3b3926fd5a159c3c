"""The BG/NBD churn probability as a publishable candidate of churn_risk: chosen by the same
log-loss rule as the others, published with its scoring-date probabilities, absent with a
reason when the purchase model is."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from customer_activation.labels.calibration import choose_candidate
from customer_activation.labels.data import LabelModelSettings
from customer_activation.labels.pipeline import version_hash
from customer_activation.labels.training import train_label_models
from customer_activation.settings import registry

ROLES = ("backtest", "training", "scoring")


def label_settings(**overrides) -> LabelModelSettings:
    return LabelModelSettings.from_settings({e["name"]: e["default"] for e in registry()} | overrides)


def _panel(n: int = 600, *, informative_features: bool, informative_bgnbd: bool, seed: int = 0):
    """Vectors, churn labels and purchase scores at every role. The labels follow either the
    purchase model's P(no purchase) (then the features are noise) or the first feature (then
    the purchase model's probabilities are noise). One customer in ten is not scored by the
    purchase model (no completed order) and churns 90 % of the time."""
    rng = np.random.default_rng(seed)
    ids = [f"c{i:04d}" for i in range(n)]
    frames, labels, scores = [], [], []
    unscored = rng.random(n) < 0.1
    for role in ROLES:
        x = rng.normal(size=(n, 3))
        p_bg = rng.beta(0.6, 0.6, n)
        if informative_bgnbd:
            p_true = np.where(unscored, 0.9, p_bg)
        else:
            p_true = 1 / (1 + np.exp(-3 * x[:, 0]))
        churn = np.where(rng.random(n) < p_true, "churned", "retained")
        frames.append(pd.DataFrame({"customer_id": ids, "feature_date_role": role,
                                    "f0": x[:, 0], "f1": x[:, 1], "f2": x[:, 2]}))
        if role != "scoring":
            labels.append(pd.DataFrame({"customer_id": ids, "feature_date_role": role, "target": "churn_risk",
                                        "label": churn, "label_source": "observed"}))
        scores.append(pd.DataFrame({"customer_id": np.array(ids)[~unscored], "feature_date_role": role,
                                    "bgnbd_p_no_purchase": p_bg[~unscored], "clv": 1.0}))
    params = pd.DataFrame({"feature_date_role": list(ROLES), "model_status": "ok", "r": [0.5, 0.6, 0.7],
                           "alpha": [10.0, 11.0, 12.0], "a": [1.0, 1.1, 1.2], "b": [2.0, 2.1, 2.2],
                           "bgnbd_n_customers": float((~unscored).sum())})
    vectors = pd.concat(frames, ignore_index=True)
    return (vectors, pd.concat(labels, ignore_index=True), pd.concat(scores, ignore_index=True), params,
            ["f0", "f1", "f2"], unscored, ids)


def _train(vectors, labels, scores, params, cols):
    training = vectors[vectors["feature_date_role"] != "scoring"]
    return train_label_models(
        training, labels, cols, targets=("churn_risk",), purchase_scores=scores, purchase_parameters=params,
        scoring_customers=lambda: vectors.loc[vectors["feature_date_role"] == "scoring", "customer_id"],
        settings=label_settings(random_seed=1), class_order={"churn_risk": ["retained", "churned"]})


def test_bgnbd_is_published_where_its_probabilities_are_clearly_the_best() -> None:
    vectors, labels, scores, params, cols, unscored, ids = _panel(informative_features=False, informative_bgnbd=True)
    res = _train(vectors, labels, scores, params, cols)
    m = res.metrics[res.metrics["order_band"] == "all"]
    loss = m[m["metric"] == "log_loss"].set_index("model")["value"]
    assert loss["bgnbd_p_no_purchase"] < min(loss["logistic_regression"], loss["majority_class"]) - 0.05
    published = m[m["is_published"]]
    assert set(published["model"]) == {"bgnbd_p_no_purchase"}
    why = published["selection_reason"].dropna().iloc[0]
    assert "beats logistic_regression" in why and f"{loss['bgnbd_p_no_purchase']:.4f}" in why
    assert res.published["churn_risk"] == "bgnbd_p_no_purchase"
    assert set(res.parameters["published_model"]) == {"bgnbd_p_no_purchase"}

    # the scoring-date probabilities: bgnbd_p_no_purchase at role scoring, the unscored filled
    s = res.scores[(res.scores["target"] == "churn_risk") & (res.scores["class"] == "churned")].set_index("customer_id")
    assert len(s) == len(ids) and set(res.scores["class"]) == {"retained", "churned"}
    at = scores[scores["feature_date_role"] == "scoring"].set_index("customer_id")["bgnbd_p_no_purchase"]
    np.testing.assert_allclose(s.loc[at.index, "probability"], np.clip(at, 1e-6, 1 - 1e-6), rtol=0, atol=1e-12)
    train_labels = labels[labels["feature_date_role"] == "training"].set_index("customer_id")["label"]
    unscored_ids = [i for i, u in zip(ids, unscored) if u]
    fill = (train_labels.loc[unscored_ids] == "churned").mean()
    np.testing.assert_allclose(s.loc[unscored_ids, "probability"], fill)
    p = res.scores.pivot(index="customer_id", columns="class", values="probability")
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # decision weights as the prior-corrected candidates': 1 / the training-date class shares
    shares = train_labels.value_counts(normalize=True)
    w = res.scores.groupby("class")["decision_weight"].first()
    assert w["churned"] == pytest.approx(1 / shares["churned"]) and w["retained"] == pytest.approx(1 / shares["retained"])
    # the version is a hash of the scoring-date purchase model's parameters (and the fill)
    row = params.set_index("feature_date_role").loc["scoring"]
    expected = version_hash({"model": "bgnbd_p_no_purchase", "feature_date_role": "scoring", "fill": repr(float(fill)),
                             "n_customers": row["bgnbd_n_customers"],
                             **{k: repr(float(row[k])) for k in ("r", "alpha", "a", "b")}})
    assert set(res.scores["model_version"]) == {expected}
    assert res.runs["model_version"].tolist() == [expected]
    assert "BG/NBD published" in res.runs["reason"].iloc[0]


def test_logistic_regression_stays_where_it_is_better() -> None:
    vectors, labels, scores, params, cols, _, _ = _panel(informative_features=True, informative_bgnbd=False)
    res = _train(vectors, labels, scores, params, cols)
    m = res.metrics[(res.metrics["order_band"] == "all")]
    loss = m[m["metric"] == "log_loss"].set_index("model")["value"]
    assert loss["logistic_regression"] < loss["bgnbd_p_no_purchase"]
    assert set(m.loc[m["is_published"], "model"]) == {"logistic_regression"}
    assert res.published["churn_risk"] == "logistic_regression" and res.scores.empty


@pytest.mark.parametrize("drop", ["scores", "scoring_role", "failed_fit"])
def test_candidate_is_absent_with_a_reason_without_a_purchase_model(drop: str) -> None:
    vectors, labels, scores, params, cols, _, _ = _panel(informative_features=False, informative_bgnbd=True)
    if drop == "scores":
        scores = None
    elif drop == "scoring_role":
        scores = scores[scores["feature_date_role"] != "scoring"]
    else:
        params.loc[params["feature_date_role"] == "training", ["r", "alpha", "a", "b"]] = np.nan
        params.loc[params["feature_date_role"] == "training", "model_status"] = "too_few_rows"
    res = _train(vectors, labels, scores, params, cols)
    rows = res.metrics[res.metrics["model"] == "bgnbd_p_no_purchase"]
    assert len(rows) and rows["value"].isna().all() and not rows["is_published"].any()
    assert rows["reason"].str.startswith("candidate absent").all()
    assert res.published["churn_risk"] != "bgnbd_p_no_purchase"


def test_choose_candidate_applies_the_margin_to_bgnbd_like_the_challenger() -> None:
    margin = 0.01
    # beats the regression by more than the margin and the majority class: published
    assert choose_candidate({"logistic_regression": 0.35, "bgnbd_p_no_purchase": 0.25, "majority_class": 0.30},
                            margin)[0] == "bgnbd_p_no_purchase"
    # within the margin of the regression: the default stays
    assert choose_candidate({"logistic_regression": 0.255, "bgnbd_p_no_purchase": 0.25, "majority_class": 0.30},
                            margin)[0] == "logistic_regression"
    # within the margin of a challenger that already beat the regression: the challenger stays
    assert choose_candidate({"logistic_regression": 0.30, "gradient_boosting": 0.25, "bgnbd_p_no_purchase": 0.245,
                             "majority_class": 0.32}, margin)[0] == "gradient_boosting"
    # best, but not by the margin over the majority class: not published
    chosen, why = choose_candidate({"logistic_regression": 0.40, "bgnbd_p_no_purchase": 0.295,
                                    "majority_class": 0.30}, margin)
    assert chosen == "majority_class" and "no candidate beats" in why and "bgnbd_p_no_purchase 0.2950" in why
    # the two-candidate behaviour is unchanged
    assert choose_candidate({"logistic_regression": 0.30, "gradient_boosting": 0.28, "majority_class": 0.35},
                            margin)[0] == "gradient_boosting"
    assert choose_candidate({"logistic_regression": 0.30, "gradient_boosting": 0.295, "majority_class": 0.35},
                            margin)[0] == "logistic_regression"
