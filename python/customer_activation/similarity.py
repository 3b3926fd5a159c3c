"""Customer similarity: similarity imputation of attributes and look-alike audiences.

Similarity is the cosine of the angle between two customers' normalised feature vectors.
Both uses rest on one batched exact nearest-neighbour search (:func:`cosine_topk`):

1. rows are L2-normalised (a zero vector stays zero and is similar to nothing);
2. queries are taken ``batch_size`` rows at a time and reference rows ("donors") in blocks
   of 512; each block of similarities is one matrix product;
3. the running top-k per query is kept: the first block by ``np.argpartition``, later
   blocks only contribute entries above the current k-th best similarity (a cheap vector
   comparison), which are merged by a sort of a few candidates per row.

Memory is O(batch_size x 512) for a block plus O(n_donors x dims) for the donors; time is
O(n_queries x n_donors x dims). With the number of donors capped (``max_donors``), the
cost is linear in the number of customers. The search is exact, not approximate.

The search runs with BLAS limited to one thread (``threadpoolctl``): the matrix products
are small (batch x dims by dims x 512), so extra BLAS threads mostly add synchronisation.
On an idle 2-core machine two threads were ~13% faster; on a busy one (dbt running
several models at once) they were ~1.8x slower, so one thread is the predictable choice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "SimilarityImputer",
    "cosine_topk",
    "evaluate_imputation",
    "impute_attributes",
    "l2_normalize",
    "lookalikes",
]

CATEGORICAL = "categorical"
NUMERIC = "numeric"


def l2_normalize(X: Any) -> np.ndarray:
    """Rows scaled to unit L2 norm (float32); missing values become 0, zero rows stay 0.

    Features are expected standardised already, so 0 is the population mean and filling a
    missing value with 0 means "average on this dimension".
    """
    if isinstance(X, pd.DataFrame):
        arr = X.to_numpy(dtype=float, na_value=np.nan)
    else:
        arr = np.asarray(X, dtype=float)
    if arr.ndim != 2:
        raise ValueError("expected a 2-d feature matrix")
    arr = np.nan_to_num(arr, nan=0.0, posinf=0.0, neginf=0.0)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (arr / norms).astype(np.float32)


def _sort_rows(vals: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort each row by decreasing value, ties by increasing index."""
    order = np.lexsort((idx, -vals), axis=1)
    return np.take_along_axis(vals, order, axis=1), np.take_along_axis(idx, order, axis=1)


def _merge_topk(
    vals: np.ndarray, idx: np.ndarray, rows: np.ndarray, cand_vals: np.ndarray,
    cand_idx: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Merge candidates ``(rows, cand_vals, cand_idx)`` into the sorted (b, k) top-k.

    One stable sort on the key ``row * 4 + (1 - similarity)`` (similarities lie in
    [-1, 1], so rows never overlap) groups entries by row, best first; on equal
    similarity the entry already held comes first. The first k of each row are kept.
    """
    b, k = vals.shape
    all_rows = np.concatenate([np.repeat(np.arange(b), k), rows])
    all_vals = np.concatenate([vals.ravel(), cand_vals])
    all_idx = np.concatenate([idx.ravel(), cand_idx])
    key = all_rows * 4.0 + (1.0 - np.clip(all_vals.astype(np.float64), -1.0, 1.0))
    order = np.argsort(key, kind="stable")
    all_rows, all_vals, all_idx = all_rows[order], all_vals[order], all_idx[order]
    starts = np.searchsorted(all_rows, np.arange(b))
    keep = (np.arange(len(all_rows)) - starts[all_rows]) < k
    return all_vals[keep].reshape(b, k), all_idx[keep].reshape(b, k)


def cosine_topk(
    queries: np.ndarray, donors: np.ndarray, k: int, batch_size: int = 4096,
    *, donor_block_size: int = 512,
) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
    """Exact top-k cosine neighbours of each query among the donors, batch by batch.

    ``queries`` and ``donors`` must be L2-normalised already (see :func:`l2_normalize`).
    Yields ``(start, stop, similarities, donor_indices)`` for query rows ``start:stop``;
    both arrays are (stop - start, k') with k' = min(k, n_donors), sorted by decreasing
    similarity (ties are broken deterministically: equal inputs give equal outputs).

    Per query batch, donors are visited in blocks of ``donor_block_size``: the first block
    seeds the top-k by ``np.argpartition``; in later blocks a comparison with each row's
    current k-th similarity finds the few entries that can enter, and only the rows that
    have one are merged. Memory: O(batch_size x donor_block_size) per block.
    """
    n_q, n_d = queries.shape[0], donors.shape[0]
    kk = min(k, n_d)
    block = max(donor_block_size, kk)
    for start in range(0, n_q, batch_size):
        stop = min(start + batch_size, n_q)
        q = queries[start:stop]
        b = stop - start
        if kk <= 0:
            yield start, stop, np.zeros((b, 0), np.float32), np.zeros((b, 0), np.int64)
            continue
        vals = idx = None
        for d0 in range(0, n_d, block):
            d1 = min(d0 + block, n_d)
            sims = q @ donors[d0:d1].T
            if vals is None or idx is None:
                width = d1 - d0  # >= kk: the block is at least kk wide unless it is all donors
                part = np.argpartition(sims, width - kk, axis=1)[:, width - kk:]
                vals, idx = _sort_rows(np.take_along_axis(sims, part, axis=1), part + d0)
                continue
            above = sims > vals[:, -1:]
            hit_rows = np.flatnonzero(above.any(axis=1))
            if hit_rows.size == 0:
                continue
            r, c = np.nonzero(above[hit_rows])
            sub_v, sub_i = _merge_topk(vals[hit_rows], idx[hit_rows], r,
                                       sims[hit_rows[r], c], c + d0)
            vals[hit_rows] = sub_v
            idx[hit_rows] = sub_i
        yield start, stop, vals, idx


class SimilarityImputer(BaseEstimator):
    """Infer an attribute from the k most similar customers who gave it.

    Parameters (keyword-only)
    -------------------------
    k:
        Number of neighbours.
    max_donors:
        Cap on donors (rows with a known value). Above it, donors are sampled without
        replacement, seeded and stratified: every class first keeps ``min(n_class, k)``
        rows (so a rare class can still win a vote), the rest of the budget is shared in
        proportion to class size (largest remainders). Numeric attributes are stratified
        by deciles of the value.
    batch_size:
        Queries per batch; a block of similarities holds batch_size x 512 floats.
    kind:
        ``'categorical'``: value = similarity-weighted vote. ``'numeric'``: value =
        similarity-weighted mean.
    random_state:
        Seed of the donor sample.

    Algorithm
    ---------
    Feature rows are L2-normalised and searched exactly with :func:`cosine_topk`. The weight
    of a neighbour is ``max(similarity, 0)``: a dissimilar customer is no evidence for the
    value; when every neighbour has weight 0 the k neighbours vote equally.

    - categorical: ``value`` is the class with the largest summed weight (ties: the first
      class in sorted order); ``confidence`` is its share of the total weight (between
      1/n_classes and 1).
    - numeric: ``value`` is the weighted mean; ``confidence`` is
      ``clip(1 - weighted_std / donor_std, 0, 1)``: 1 when the neighbours agree exactly,
      0 when they are as spread as all donors.

    Cost: O(n_queries x min(n_known, max_donors) x dims) time and O(batch_size x 512 +
    max_donors x dims) memory, i.e. linear in the number of customers scored.

    Fitted attributes: ``donors_`` (normalised donor rows), ``donor_values_`` (codes or
    numbers), ``classes_`` (categorical), ``donor_std_`` (numeric), ``n_donors_``,
    ``n_known_``.

    Note: predicting on a donor row finds the row itself as its nearest neighbour, as with
    scikit-learn's ``KNNImputer``; impute only rows whose value is unknown.
    """

    def __init__(
        self,
        *,
        k: int = 15,
        max_donors: int = 50000,
        batch_size: int = 4096,
        kind: str = CATEGORICAL,
        random_state: int | None = 0,
    ) -> None:
        self.k = k
        self.max_donors = max_donors
        self.batch_size = batch_size
        self.kind = kind
        self.random_state = random_state

    def fit(self, X: Any, y: Any) -> SimilarityImputer:
        """Keep (a stratified sample of) the rows of ``X`` whose ``y`` is known as donors."""
        if self.kind not in (CATEGORICAL, NUMERIC):
            raise ValueError(f"kind must be {CATEGORICAL!r} or {NUMERIC!r}, got {self.kind!r}")
        if self.k < 1 or self.max_donors < 1 or self.batch_size < 1:
            raise ValueError("k, max_donors and batch_size must be >= 1")
        if not isinstance(X, pd.DataFrame):
            X = np.asarray(X, dtype=float)
        n_rows = X.shape[0]
        y_ser = pd.Series(y).reset_index(drop=True)
        if len(y_ser) != n_rows:
            raise ValueError("X and y must have the same number of rows")
        known = np.flatnonzero(y_ser.notna().to_numpy())
        y_known = y_ser.iloc[known]
        if self.kind == NUMERIC:
            values = pd.to_numeric(y_known).to_numpy(dtype=float)
            strata = _decile_codes(values)
        else:
            codes, uniques = pd.factorize(y_known, sort=True)
            self.classes_ = np.asarray(uniques, dtype=object)
            values = codes.astype(np.int64)
            strata = values
        rng = check_random_state(self.random_state)
        chosen = _stratified_sample(strata, self.max_donors, self.k, rng)
        rows = known[chosen]
        self.donors_ = l2_normalize(X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows])
        self.donor_values_ = values[chosen]
        self.n_known_ = len(known)
        self.n_donors_ = len(chosen)
        if self.kind == NUMERIC:
            self.donor_std_ = float(np.std(self.donor_values_)) if len(chosen) else 0.0
        return self

    def predict(self, X: Any) -> pd.DataFrame:
        """Columns ``value``, ``confidence``, ``n_neighbors``; index of ``X`` if a frame."""
        check_is_fitted(self, "donors_")
        if not isinstance(X, pd.DataFrame):
            X = np.asarray(X, dtype=float)
        index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(X.shape[0])
        n = X.shape[0]
        conf = np.full(n, np.nan)
        nn = np.zeros(n, dtype=np.int64)
        if self.kind == NUMERIC:
            value: np.ndarray = np.full(n, np.nan)
        else:
            value = np.full(n, None, dtype=object)
        with threadpool_limits(limits=1, user_api="blas"):
            for start in range(0, n, self.batch_size):
                stop = min(start + self.batch_size, n)
                rows = X.iloc[start:stop] if isinstance(X, pd.DataFrame) else X[start:stop]
                self._predict_batch(l2_normalize(rows), start, value, conf, nn)
        return pd.DataFrame({"value": value, "confidence": conf, "n_neighbors": nn}, index=index)

    def _predict_batch(
        self, Xn: np.ndarray, offset: int, value: np.ndarray, conf: np.ndarray, nn: np.ndarray
    ) -> None:
        """Fill rows ``offset:offset + len(Xn)`` of ``value``, ``conf`` and ``nn`` in place."""
        for s0, s1, sims, idx in cosine_topk(Xn, self.donors_, self.k, self.batch_size):
            if idx.shape[1] == 0:
                continue
            start, stop = offset + s0, offset + s1
            w = np.maximum(sims.astype(np.float64), 0.0)
            zero = w.sum(axis=1) <= 0
            w[zero] = 1.0
            nn[start:stop] = idx.shape[1]
            vals = self.donor_values_[idx]
            if self.kind == NUMERIC:
                wsum = w.sum(axis=1)
                mean = (w * vals).sum(axis=1) / wsum
                std = np.sqrt((w * (vals - mean[:, None]) ** 2).sum(axis=1) / wsum)
                value[start:stop] = mean
                if self.donor_std_ > 0:
                    conf[start:stop] = np.clip(1.0 - std / self.donor_std_, 0.0, 1.0)
                else:
                    conf[start:stop] = 1.0
            else:
                n_cls = len(self.classes_)
                b = stop - start
                flat = (np.arange(b)[:, None] * n_cls + vals).ravel()
                votes = np.bincount(flat, weights=w.ravel(), minlength=b * n_cls).reshape(b, n_cls)
                best = np.argmax(votes, axis=1)
                value[start:stop] = self.classes_[best]
                conf[start:stop] = votes[np.arange(b), best] / votes.sum(axis=1)


def _decile_codes(values: np.ndarray) -> np.ndarray:
    """Equal-count decile (0..9) of each value by stable rank, for stratifying numbers."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    codes = np.empty(n, dtype=np.int64)
    codes[order] = np.floor(np.arange(n) * 10 / n).astype(np.int64)
    return codes


def _stratified_sample(
    strata: np.ndarray, budget: int, floor: int, rng: np.random.RandomState
) -> np.ndarray:
    """Sorted positions of a stratified sample of at most ``budget`` rows.

    Each stratum first gets ``min(size, floor)`` rows (lowered evenly if the floors alone
    exceed the budget); the remaining budget is shared in proportion to the rows left in
    each stratum, by largest remainder (ties: lower stratum code). Returns every row when
    the budget allows.
    """
    n = len(strata)
    if n <= budget:
        return np.arange(n)
    labels, inverse, sizes = np.unique(strata, return_inverse=True, return_counts=True)
    base = np.minimum(sizes, floor)
    if base.sum() > budget:
        base = np.minimum(sizes, max(budget // len(labels), 1))
    remaining = budget - int(base.sum())
    spare = sizes - base
    extra = np.zeros_like(base)
    if remaining > 0 and spare.sum() > 0:
        share = spare * remaining / spare.sum()
        extra = np.floor(share).astype(np.int64)
        left = remaining - int(extra.sum())
        order = np.lexsort((np.arange(len(labels)), -(share - extra)))
        extra[order[:left]] += 1
        extra = np.minimum(extra, spare)
    quota = base + extra
    chosen = []
    for s in range(len(labels)):
        members = np.flatnonzero(inverse == s)
        chosen.append(rng.choice(members, size=int(quota[s]), replace=False))
    return np.sort(np.concatenate(chosen))[:budget]


def _feature_columns(
    features: pd.DataFrame, id_col: str, feature_cols: Sequence[str] | None
) -> list[str]:
    """``feature_cols`` if given, else every numeric, non-boolean column but ``id_col``."""
    if feature_cols is not None:
        return list(feature_cols)
    return [c for c in features.columns
            if c != id_col and is_numeric_dtype(features[c]) and not is_bool_dtype(features[c])]


def _attribute_kind(series: pd.Series, kinds: dict[str, str] | None) -> str:
    if kinds and series.name in kinds:
        return kinds[series.name]
    if is_numeric_dtype(series) and not is_bool_dtype(series):
        return NUMERIC
    return CATEGORICAL


def _to_text(values: pd.Series, integer_like: bool) -> pd.Series:
    """Values as text for the long output; integer-like numbers lose the ``.0``."""
    def fmt(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return None
        if integer_like and isinstance(v, (int, float, np.integer, np.floating)):
            return str(int(round(float(v))))
        return str(v)
    return values.map(fmt).astype(object)


def impute_attributes(
    features: pd.DataFrame,
    attributes: pd.DataFrame,
    *,
    id_col: str = "customer_id",
    feature_cols: Sequence[str] | None = None,
    attribute_cols: Sequence[str] = ("gender", "birth_year", "city", "region", "member_tier"),
    attribute_kinds: dict[str, str] | None = None,
    k: int = 15,
    max_donors: int = 50000,
    batch_size: int = 4096,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Fill unknown attributes from similar customers; observed values are never changed.

    ``features`` holds one row per customer with normalised feature columns
    (``feature_cols``, default: every numeric column but ``id_col``); ``attributes`` one row
    per customer with the attribute columns (missing = unknown). Attributes listed in
    ``attribute_cols`` but absent from ``attributes`` are skipped. The kind of an attribute
    is numeric for a numeric dtype, categorical otherwise, unless ``attribute_kinds`` says
    so (e.g. ``{'birth_year': 'categorical'}`` to vote on exact years).

    For each attribute a :class:`SimilarityImputer` is fitted on the customers with a
    known value and predicts only customers with an unknown value and a feature row.

    Grain: one row per customer (in ``features`` or ``attributes``) and attribute, sorted.
    Columns: ``id_col``, ``attribute``, ``observed_value``, ``imputed_value``, ``value``
    (observed if known, else imputed), ``confidence`` (1.0 for observed values),
    ``n_neighbors`` (0 for observed values), ``is_imputed``. Values are text so that one
    table holds every attribute; integer-valued numeric attributes (birth_year) are
    imputed as a rounded integer. A customer without a feature row and without an
    observed value keeps a null value.
    """
    fcols = _feature_columns(features, id_col, feature_cols)
    attrs = [a for a in attribute_cols if a in attributes.columns]
    if features[id_col].duplicated().any() or attributes[id_col].duplicated().any():
        raise ValueError(f"{id_col} must be unique in features and attributes")
    merged = features[[id_col, *fcols]].merge(
        attributes[[id_col, *attrs]], on=id_col, how="outer", indicator=True, sort=True
    )
    has_features = (merged["_merge"] != "right_only").to_numpy()
    X = merged[fcols]
    frames = []
    for attr in attrs:
        col = merged[attr]
        kind = _attribute_kind(attributes[attr].rename(attr), attribute_kinds)
        known = col.notna().to_numpy()
        integer_like = False
        if kind == NUMERIC:
            known_vals = pd.to_numeric(col[known]).to_numpy(dtype=float)
            integer_like = bool(known_vals.size) and bool(np.all(np.mod(known_vals, 1) == 0))
        target = known | ~has_features  # rows not to impute
        imputed = pd.Series([None] * len(merged), dtype=object)
        conf = np.where(known, 1.0, np.nan)
        nn = np.zeros(len(merged), dtype=np.int64)
        to_impute = np.flatnonzero(~target)
        donors_mask = known & has_features
        if to_impute.size and donors_mask.any():
            imp = SimilarityImputer(k=k, max_donors=max_donors, batch_size=batch_size, kind=kind,
                                    random_state=random_state)
            imp.fit(X[donors_mask], col[donors_mask])
            pred = imp.predict(X.iloc[to_impute])
            imputed.iloc[to_impute] = pred["value"].to_numpy(dtype=object)
            conf[to_impute] = pred["confidence"].to_numpy()
            nn[to_impute] = pred["n_neighbors"].to_numpy()
        observed_text = _to_text(col, integer_like)
        imputed_text = _to_text(imputed, integer_like)
        is_imputed = (~known) & imputed_text.notna().to_numpy()
        frames.append(pd.DataFrame({
            id_col: merged[id_col].to_numpy(),
            "attribute": attr,
            "observed_value": observed_text.to_numpy(),
            "imputed_value": imputed_text.to_numpy(),
            "value": np.where(known, observed_text.to_numpy(), imputed_text.to_numpy()),
            "confidence": conf,
            "n_neighbors": nn,
            "is_imputed": is_imputed,
        }))
    columns = [id_col, "attribute", "observed_value", "imputed_value", "value", "confidence",
               "n_neighbors", "is_imputed"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def evaluate_imputation(
    features: pd.DataFrame,
    attributes: pd.DataFrame,
    attribute_cols: Sequence[str],
    mask_share: float = 0.2,
    random_state: int | None = 0,
    k: int = 15,
    *,
    id_col: str = "customer_id",
    feature_cols: Sequence[str] | None = None,
    attribute_kinds: dict[str, str] | None = None,
    max_donors: int = 50000,
    batch_size: int = 4096,
) -> pd.DataFrame:
    """Accuracy of similarity imputation on masked known values, against the mode.

    Per attribute, among customers with a feature row and a known value, a seeded share
    ``mask_share`` is hidden, stratified (per class, or per value decile for numeric
    attributes: ``round(mask_share * n_stratum)`` rows of each stratum). The rest are the
    donors; the hidden values are imputed and compared with the truth.

    One row per attribute: ``attribute``, ``kind``, ``n_known``, ``n_masked``, and

    - categorical: ``accuracy``, ``mode_baseline_accuracy`` (always answering the mode of
      the unmasked known values; ties: smallest value as text) and ``lift`` =
      accuracy / mode_baseline_accuracy;
    - numeric: ``mae``, ``median_baseline_mae`` (always answering the median of the
      unmasked values) and ``lift`` = median_baseline_mae / mae.

    Values above 1 in ``lift`` mean imputation beats the baseline.
    """
    if not 0.0 < mask_share < 1.0:
        raise ValueError("mask_share must be within (0, 1)")
    fcols = _feature_columns(features, id_col, feature_cols)
    attrs = [a for a in attribute_cols if a in attributes.columns]
    merged = features[[id_col, *fcols]].merge(
        attributes[[id_col, *attrs]], on=id_col, how="inner", sort=True
    )
    rng = check_random_state(random_state)
    rows = []
    for attr in attrs:
        kind = _attribute_kind(attributes[attr].rename(attr), attribute_kinds)
        known = merged[merged[attr].notna()]
        truth = known[attr]
        if kind == NUMERIC:
            truth = pd.to_numeric(truth).astype(float)
            strata = _decile_codes(truth.to_numpy())
        else:
            strata = pd.factorize(truth.astype(str), sort=True)[0]
        masked = np.zeros(len(known), dtype=bool)
        for s in np.unique(strata):
            members = np.flatnonzero(strata == s)
            take = int(round(mask_share * len(members)))
            if take:
                masked[rng.choice(members, size=take, replace=False)] = True
        row: dict[str, Any] = {"attribute": attr, "kind": kind, "n_known": len(known),
                               "n_masked": int(masked.sum()), "accuracy": np.nan,
                               "mode_baseline_accuracy": np.nan, "mae": np.nan,
                               "median_baseline_mae": np.nan, "lift": np.nan}
        if masked.any() and (~masked).any():
            imp = SimilarityImputer(k=k, max_donors=max_donors, batch_size=batch_size, kind=kind,
                                    random_state=random_state)
            imp.fit(known.loc[~masked, fcols], truth[~masked])
            pred = imp.predict(known.loc[masked, fcols])["value"]
            t = truth[masked]
            if kind == NUMERIC:
                mae = float(np.mean(np.abs(pred.to_numpy(dtype=float) - t.to_numpy())))
                base = float(np.mean(np.abs(float(np.median(truth[~masked])) - t.to_numpy())))
                row.update(mae=mae, median_baseline_mae=base,
                           lift=base / mae if mae > 0 else np.inf)
            else:
                acc = float(np.mean(pred.to_numpy(dtype=object) == t.to_numpy(dtype=object)))
                mode = _mode(truth[~masked])
                base = float(np.mean(t.to_numpy(dtype=object) == mode))
                row.update(accuracy=acc, mode_baseline_accuracy=base,
                           lift=acc / base if base > 0 else np.inf)
        rows.append(row)
    return pd.DataFrame(rows, columns=["attribute", "kind", "n_known", "n_masked", "accuracy",
                                       "mode_baseline_accuracy", "mae", "median_baseline_mae",
                                       "lift"])


def _mode(values: pd.Series) -> Any:
    """Most frequent value; ties broken by the smallest value as text."""
    text = values.astype(str)
    counts = text.value_counts()
    best = sorted(counts.index[counts == counts.max()])[0]
    return values[text == best].iloc[0]


def lookalikes(
    features: pd.DataFrame,
    seed_ids: Sequence[Any],
    *,
    id_col: str = "customer_id",
    feature_cols: Sequence[str] | None = None,
    top_n: int | None = 100,
    k: int = 10,
    method: str = "knn",
    max_seeds: int = 50000,
    batch_size: int = 4096,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Rank non-seed customers by similarity to a seed audience.

    - ``method='knn'`` (default): score = mean cosine similarity to the customer's ``k``
      most similar seed members (all seeds if fewer than ``k``). It follows a seed
      audience made of several distinct groups, which a centroid would blur.
    - ``method='centroid'``: score = cosine similarity to the mean of the normalised seed
      vectors.

    Seeds above ``max_seeds`` are sampled (seeded), so the cost is O(n_customers x
    min(n_seeds, max_seeds) x dims), linear in the number of customers, with the same
    batched search as :class:`SimilarityImputer`. Seed ids without a feature row are
    ignored. Returns ``id_col``, ``score``, ``rank`` (1 = most similar; ties by id), the
    ``top_n`` best (all when ``top_n`` is None).
    """
    if method not in ("knn", "centroid"):
        raise ValueError("method must be 'knn' or 'centroid'")
    fcols = _feature_columns(features, id_col, feature_cols)
    ids = features[id_col].to_numpy(dtype=object)
    is_seed = features[id_col].isin(list(seed_ids)).to_numpy()
    Xn = l2_normalize(features[fcols])
    seeds = np.flatnonzero(is_seed)
    candidates = np.flatnonzero(~is_seed)
    columns = [id_col, "score", "rank"]
    if seeds.size == 0 or candidates.size == 0:
        return pd.DataFrame(columns=columns)
    if seeds.size > max_seeds:
        rng = check_random_state(random_state)
        seeds = np.sort(rng.choice(seeds, size=max_seeds, replace=False))
    score = np.empty(candidates.size)
    with threadpool_limits(limits=1, user_api="blas"):
        _lookalike_scores(Xn, seeds, candidates, score, method, k, batch_size)
    out = pd.DataFrame({id_col: ids[candidates], "score": score.astype(float)})
    out["_id_text"] = out[id_col].astype(str)
    out = out.sort_values(["score", "_id_text"], ascending=[False, True], kind="stable")
    if top_n is not None:
        out = out.head(top_n)
    out["rank"] = np.arange(1, len(out) + 1)
    return out[columns].reset_index(drop=True)


def _lookalike_scores(
    Xn: np.ndarray, seeds: np.ndarray, candidates: np.ndarray, score: np.ndarray,
    method: str, k: int, batch_size: int,
) -> None:
    """Fill ``score`` (one per candidate) in place; see :func:`lookalikes`."""
    if method == "centroid":
        centroid = l2_normalize(Xn[seeds].mean(axis=0, keepdims=True))[0]
        for start in range(0, candidates.size, batch_size):
            stop = min(start + batch_size, candidates.size)
            score[start:stop] = Xn[candidates[start:stop]] @ centroid
        return
    for start, stop, sims, _ in cosine_topk(Xn[candidates], Xn[seeds], k, batch_size):
        score[start:stop] = sims.mean(axis=1)
