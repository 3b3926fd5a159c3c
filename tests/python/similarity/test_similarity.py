"""Similarity imputation and look-alikes on small clustered data."""

from __future__ import annotations

import customer_activation.similarity.imputation as imputation
import customer_activation.similarity.lookalikes as lookalike_steps
import numpy as np
import pandas as pd
import pytest
from customer_activation.similarity.estimator import SimilarityImputer
from customer_activation.similarity.kernel import cosine_topk, l2_normalize
from registry_defaults import with_registry_defaults

impute_attributes = with_registry_defaults(imputation.impute_attributes, attribute_cols="imputation_attributes", attribute_kinds="imputation_attribute_kinds", k="imputation_k", max_donors="imputation_max_donors", random_state="random_seed", exclude_features="imputation_exclude_features", group_weight="imputation_circle_weight")
evaluate_imputation = with_registry_defaults(imputation.evaluate_imputation, mask_share="imputation_mask_share", random_state="random_seed", k="imputation_k", attribute_kinds="imputation_attribute_kinds", max_donors="imputation_max_donors", exclude_features="imputation_exclude_features", group_weight="imputation_circle_weight", max_masked="imputation_max_masked", fallback="imputation_fallback")
lookalikes = with_registry_defaults(lookalike_steps.lookalikes, top_n="lookalike_top_n", k="lookalike_k", method="lookalike_method", random_state="random_seed", max_seeds="lookalike_max_seeds", shortlist_seeds="lookalike_shortlist_seeds", shortlist_factor="lookalike_shortlist_factor")
lookalike_audiences = with_registry_defaults(lookalike_steps.lookalike_audiences, top_n="lookalike_top_n", k="lookalike_k", method="lookalike_method", random_state="random_seed", max_seeds="lookalike_max_seeds", shortlist_seeds="lookalike_shortlist_seeds", shortlist_factor="lookalike_shortlist_factor")

CITIES = ["oslo", "rome", "lima", "kyiv"]


def _clustered(n_per: int = 60, dims: int = 8, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four clusters in distinct directions; city follows the cluster; 30% unknown."""
    rng = np.random.default_rng(seed)
    centres = np.eye(dims)[: len(CITIES)] * 3.0
    rows, cities, years = [], [], []
    for c, centre in enumerate(centres):
        rows.append(centre + rng.normal(0, 0.6, size=(n_per, dims)))
        cities += [CITIES[c]] * n_per
        years += list(1960 + 15 * c + rng.integers(0, 5, n_per))
    X = np.vstack(rows)
    ids = [f"c{i:04d}" for i in range(len(X))]
    features = pd.DataFrame(X, columns=[f"f{j}" for j in range(dims)])
    features.insert(0, "customer_id", ids)
    attributes = pd.DataFrame({"customer_id": ids, "city": cities, "birth_year": years})
    attributes["birth_year"] = attributes["birth_year"].astype("float64")
    unknown = rng.random(len(X)) < 0.3
    attributes.loc[unknown, "city"] = None
    attributes.loc[rng.random(len(X)) < 0.3, "birth_year"] = np.nan
    return features, attributes


@pytest.mark.parametrize("n_donors, block", [(101, 16), (101, 1024), (4, 16), (6, 7)])
def test_cosine_topk_matches_brute_force(n_donors: int, block: int) -> None:
    rng = np.random.default_rng(3)
    q = l2_normalize(rng.normal(size=(37, 5)))
    d = l2_normalize(rng.normal(size=(n_donors, 5)))
    full = q @ d.T
    expected = -np.sort(-full, axis=1)[:, :6]
    parts = list(cosine_topk(q, d, 6, batch_size=8, donor_block_size=block))
    sims = np.vstack([p[2] for p in parts])
    idx = np.vstack([p[3] for p in parts])
    np.testing.assert_allclose(sims, expected, rtol=0, atol=1e-6)
    np.testing.assert_allclose(np.take_along_axis(full, idx, axis=1), sims, rtol=0, atol=1e-6)


def test_imputer_predicts_cluster_value() -> None:
    features, attributes = _clustered()
    X = features.drop(columns="customer_id")
    imp = SimilarityImputer(k=5, batch_size=16).fit(X, attributes["city"])
    unknown = attributes["city"].isna()
    pred = imp.predict(X[unknown])
    truth = np.repeat(CITIES, 60)[unknown.to_numpy()]
    assert (pred["value"].to_numpy() == truth).mean() > 0.95
    assert pred["confidence"].between(0.25, 1.0).all()
    assert (pred["n_neighbors"] == 5).all()
    assert pred.index.equals(X[unknown].index)


def test_imputer_is_deterministic_with_sampled_donors() -> None:
    features, attributes = _clustered()
    X = features.drop(columns="customer_id")
    a = SimilarityImputer(k=5, max_donors=40, batch_size=16).fit(X, attributes["city"])
    b = SimilarityImputer(k=5, max_donors=40, batch_size=16).fit(X, attributes["city"])
    assert a.n_donors_ == 40
    np.testing.assert_array_equal(a.donors_, b.donors_)
    pd.testing.assert_frame_equal(a.predict(X), b.predict(X))


def test_stratified_donor_sample_keeps_rare_class() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 4))
    y = pd.Series(["common"] * 995 + ["rare"] * 5)
    imp = SimilarityImputer(k=3, max_donors=50).fit(X, y)
    values = imp.classes_[imp.donor_values_]
    assert imp.n_donors_ == 50
    assert (values == "rare").sum() == 3  # min(n_class, k) survive


def test_numeric_kind() -> None:
    features, attributes = _clustered()
    X = features.drop(columns="customer_id")
    imp = SimilarityImputer(k=5, kind="numeric").fit(X, attributes["birth_year"])
    pred = imp.predict(X.iloc[:5])  # cluster 0: years 1960..1964
    assert pred["value"].between(1959, 1966).all()
    assert pred["confidence"].between(0.5, 1.0).all()


def test_impute_attributes_never_overwrites_observed() -> None:
    features, attributes = _clustered()
    out = impute_attributes(features, attributes, attribute_cols=["city", "birth_year"], k=5, batch_size=32)
    assert len(out) == 2 * len(features)
    city = out[out["attribute"] == "city"].set_index("customer_id")
    observed = attributes.set_index("customer_id")["city"]
    known = observed.notna()
    assert (city.loc[known[known].index, "value"] == observed[known]).all()
    assert not city.loc[known[known].index, "is_imputed"].any()
    assert city.loc[known[known].index, "imputed_value"].isna().all()
    unknown_rows = city.loc[known[~known].index]
    assert unknown_rows["is_imputed"].all() and unknown_rows["value"].notna().all()
    years = out[(out["attribute"] == "birth_year") & out["is_imputed"]]["value"]
    assert years.str.fullmatch(r"\d{4}").all()  # integer-valued attribute stays integer
    again = impute_attributes(features, attributes, attribute_cols=["city", "birth_year"], k=5, batch_size=32)
    pd.testing.assert_frame_equal(out, again)


def test_impute_attributes_with_no_attribute_gives_the_columns_and_no_rows() -> None:
    """imputation_attributes: [] is allowed; the table keeps its columns (this raised NameError)."""
    features, attributes = _clustered()
    out = impute_attributes(features, attributes, attribute_cols=[], k=5, batch_size=32)
    assert out.empty
    assert list(out.columns) == ["customer_id", "attribute", "observed_value", "imputed_value", "value",
                                 "confidence", "n_neighbors", "n_group_neighbors", "is_imputed", "imputation_method"]


def test_impute_attributes_customer_without_features_keeps_observed() -> None:
    features, attributes = _clustered(n_per=10)
    extra = pd.DataFrame({"customer_id": ["x1", "x2"], "city": ["oslo", None], "birth_year": [1990.0, None]})
    out = impute_attributes(features, pd.concat([attributes, extra]), attribute_cols=["city"], k=3)
    rows = out.set_index("customer_id")
    assert rows.loc["x1", "value"] == "oslo" and not rows.loc["x1", "is_imputed"]
    assert pd.isna(rows.loc["x2", "value"]) and not rows.loc["x2", "is_imputed"]


def test_evaluate_imputation_beats_mode() -> None:
    features, attributes = _clustered()
    report = evaluate_imputation(features, attributes, ["city", "birth_year"], mask_share=0.2, k=5)
    city = report.set_index("attribute").loc["city"]
    assert city["n_masked"] > 0
    assert city["accuracy"] > 0.9
    assert city["mode_baseline_accuracy"] < 0.5
    assert city["lift"] > 1.5
    year = report.set_index("attribute").loc["birth_year"]
    assert year["mae"] < year["median_baseline_mae"]
    pd.testing.assert_frame_equal(
        report, evaluate_imputation(features, attributes, ["city", "birth_year"], mask_share=0.2, k=5)
    )


@pytest.mark.parametrize("method", ["knn", "centroid"])
def test_lookalikes_rank_cluster_mates_first(method: str) -> None:
    features, attributes = _clustered()
    rome = features["customer_id"][attributes.index[np.repeat(CITIES, 60) == "rome"]]
    seeds = rome.iloc[:10].tolist()
    out = lookalikes(features, seeds, top_n=50, k=5, method=method, batch_size=32)
    assert list(out.columns) == ["customer_id", "score", "rank"]
    assert out["rank"].tolist() == list(range(1, 51))
    assert not out["customer_id"].isin(seeds).any()
    assert out["score"].is_monotonic_decreasing
    assert out["customer_id"].head(50).isin(rome.iloc[10:]).all()


def test_degenerate_inputs() -> None:
    X = np.zeros((4, 3))
    imp = SimilarityImputer(k=3).fit(X, pd.Series([None, None, None, None]))
    pred = imp.predict(X)
    assert pred["value"].isna().all() and (pred["n_neighbors"] == 0).all()
    imp = SimilarityImputer(k=3).fit(X, pd.Series(["a", "b", None, None]))
    pred = imp.predict(X)  # zero vectors: every similarity 0, equal votes, first class wins
    assert (pred["value"] == "a").all() and (pred["confidence"] == 0.5).all()
    features = pd.DataFrame({"customer_id": ["a", "b"], "f": [1.0, 2.0]})
    assert lookalikes(features, []).empty


def test_group_vote_decides_when_features_carry_no_signal() -> None:
    """Identical feature vectors: only the group (e.g. a household circle) knows the city."""
    n = 40
    X = np.ones((n, 3))
    groups = pd.Series([f"g{i % 4}" for i in range(n)])
    city = pd.Series([CITIES[i % 4] for i in range(n)], dtype=object)
    known = np.arange(n) >= 8  # the first 8 (two per group) are unknown
    imp = SimilarityImputer(k=10, group_weight=0.6).fit(X[known], city[known], groups[known])
    pred = imp.predict(X[~known], groups[~known])
    assert list(pred["value"]) == list(city[~known])
    # neighbours split 10 votes over the 4 cities by similarity (all equal); the group's 0.6
    # goes to one city: confidence = 0.6 + 0.4 * share of that city among the neighbours
    assert (pred["confidence"] > 0.6).all() and (pred["confidence"] <= 1.0).all()
    assert (pred["n_group_neighbors"] == 8).all()
    # without groups, or with weight 0, the group is ignored
    alone = SimilarityImputer(k=10, group_weight=0.0).fit(X[known], city[known], groups[known])
    assert (alone.predict(X[~known], groups[~known])["n_group_neighbors"] == 0).all()


def test_group_vote_numeric_mixes_both_means() -> None:
    X = np.vstack([np.eye(3)[0]] * 6 + [np.eye(3)[1]] * 6)
    y = pd.Series([1960.0] * 6 + [2000.0] * 6)
    groups = pd.Series(["a"] * 6 + ["b"] * 6)
    imp = SimilarityImputer(k=6, kind="numeric", group_weight=0.5).fit(X, y, groups)
    # a query like the first cluster, in the group of the second: half-way
    pred = imp.predict(np.eye(3)[[0]], pd.Series(["b"]))
    assert pred["value"].iloc[0] == pytest.approx(1980.0)
    # same query, no group: the neighbours' mean
    assert imp.predict(np.eye(3)[[0]], pd.Series([None]))["value"].iloc[0] == pytest.approx(1960.0)


def test_group_weight_out_of_range_raises() -> None:
    with pytest.raises(ValueError, match="group_weight"):
        SimilarityImputer(group_weight=1.5).fit(np.ones((3, 2)), pd.Series(["a", "b", "a"]))


def test_excluded_features_are_not_used_for_their_attribute() -> None:
    """A one-hot of the attribute itself would make masked evaluation trivially perfect."""
    features, attributes = _clustered()
    noise = np.random.default_rng(1).normal(size=(len(features), 8))
    features = pd.DataFrame(noise, columns=[f"f{j}" for j in range(8)]).assign(
        customer_id=features["customer_id"])
    truth = attributes["city"].fillna("oslo")
    for c in CITIES:  # leaky one-hot columns: city__<value>
        features[f"city__{c}"] = (truth == c).astype(float) * 10
    leaky = evaluate_imputation(features, attributes, ["city"], k=5, random_state=0, exclude_features=None)
    clean = evaluate_imputation(features, attributes, ["city"], k=5, random_state=0,
                                exclude_features={"city": ["city"]})
    assert leaky["accuracy"].iloc[0] == 1.0
    assert clean["accuracy"].iloc[0] < 0.6  # noise only: near chance (0.25)


def test_impute_attributes_with_groups_and_max_masked() -> None:
    features, attributes = _clustered()
    groups = pd.DataFrame({"customer_id": features["customer_id"],
                           "group": [f"h{i // 3}" for i in range(len(features))]})
    out = impute_attributes(features, attributes, attribute_cols=["city"], k=5, groups=groups)
    assert {"n_group_neighbors"} <= set(out.columns)
    imputed = out[out["is_imputed"]]
    assert (imputed["n_neighbors"] == 5).all() and (imputed["n_group_neighbors"] >= 0).all()
    report = evaluate_imputation(features, attributes, ["city"], k=5, groups=groups, max_masked=7)
    assert report["n_masked"].iloc[0] == 7


def test_lookalike_audiences_per_audience_and_empty() -> None:

    features, _ = _clustered(n_per=20)
    seeds = pd.DataFrame({"audience_name": ["a"] * 5 + ["b"] * 3 + ["ghost"],
                          "customer_id": list(features["customer_id"][:5])
                          + list(features["customer_id"][40:43]) + ["nobody"]})
    out = lookalike_audiences(features, seeds, top_n=10, k=3)
    assert set(out["audience_name"]) == {"a", "b"}  # "ghost" has no seed with features
    a = out[out["audience_name"] == "a"]
    assert list(a["rank"]) == list(range(1, 11)) and (a["n_seeds"] == 5).all()
    # look-alikes of a cluster-0 audience come from cluster 0 (ids c0000..c0019)
    assert (a["customer_id"] < "c0020").all()
    assert not set(a["customer_id"]) & set(seeds["customer_id"][:5])
    empty = lookalike_audiences(features, seeds.iloc[8:], top_n=10)
    assert empty.empty and list(empty.columns) == ["audience_name", "customer_id", "score",
                                                   "rank", "n_seeds", "method"]
    assert empty["score"].dtype == float


def test_lookalike_shortlist_scores_exactly_and_finds_the_exhaustive_top() -> None:
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(6, 8)) * 3
    rows = centres[rng.integers(0, 6, 3000)] + rng.normal(size=(3000, 8))
    features = pd.DataFrame(rows, columns=[f"f{i}" for i in range(8)])
    features.insert(0, "customer_id", [f"c{i:05d}" for i in range(3000)])
    seeds = features["customer_id"][rows[:, 0] > 1.5].tolist()
    exhaustive = lookalikes(features, seeds, top_n=50, k=5)
    short = lookalikes(features, seeds, top_n=50, k=5, shortlist_seeds=100, shortlist_factor=10)
    pd.testing.assert_frame_equal(short, exhaustive)
    # a shortlist of exactly top_n still returns exact scores for the customers it keeps
    tight = lookalikes(features, seeds, top_n=50, k=5, shortlist_seeds=20, shortlist_factor=1)
    full = lookalikes(features, seeds, top_n=None, k=5).set_index("customer_id")["score"]
    assert len(tight) == 50
    np.testing.assert_allclose(tight["score"], full.loc[tight["customer_id"]].to_numpy(), rtol=1e-6)
    assert tight["score"].is_monotonic_decreasing


def test_an_attribute_without_signal_is_never_imputed_worse_than_its_baseline() -> None:
    """A generated attribute independent of every feature: no candidate may be published unless
    it beats the mode on the masked values; the published values are then the mode (or none)."""
    features, attributes = _clustered(n_per=80)
    rng = np.random.default_rng(3)
    attributes["noise"] = rng.choice(["a", "b", "c"], size=len(attributes), p=[0.5, 0.3, 0.2]).astype(object)
    attributes.loc[rng.random(len(attributes)) < 0.3, "noise"] = None
    report = evaluate_imputation(features, attributes, ["noise", "city"], mask_share=0.3, k=5, random_state=0)
    rows = report.set_index("attribute")
    for attr, row in rows.iterrows():
        assert row["accuracy"] >= row["baseline_score"], attr
        assert row["accuracy"] == row[f"{row['chosen_method'] if row['chosen_method'] != 'none' else 'baseline'}_score"]
        assert {"knn_score", "circle_score", "supervised_score"} <= set(row.index)
    assert rows.loc["city", "chosen_method"] in {"knn", "supervised"} and rows.loc["city", "lift"] > 1.5
    noise = rows.loc["noise"]
    if noise["chosen_method"] == "baseline":
        methods = dict(zip(report["attribute"], report["chosen_method"]))
        out = impute_attributes(features, attributes, attribute_cols=["noise"], k=5, methods=methods)
        imputed = out[out["is_imputed"]]
        assert set(imputed["value"]) == {"a"} and set(imputed["imputation_method"]) == {"baseline"}
    none = evaluate_imputation(features, attributes, ["noise"], mask_share=0.3, k=5, random_state=0, fallback="none")
    if none["chosen_method"].iloc[0] == "none":
        out = impute_attributes(features, attributes, attribute_cols=["noise"], k=5, methods={"noise": "none"})
        assert not out["is_imputed"].any()
