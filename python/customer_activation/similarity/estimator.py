"""The similarity imputer: a scikit-learn-style estimator voting from the nearest donors.

:class:`SimilarityImputer` keeps (a stratified sample of) the rows with a known value as
donors and predicts a value for other rows from their ``k`` most similar donors (cosine, see
:func:`customer_activation.similarity.kernel.cosine_topk`), optionally with a group vote.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from customer_activation.similarity.inputs import CATEGORICAL, NUMERIC, _LazyRows
from customer_activation.similarity.kernel import cosine_topk, l2_normalize
from customer_activation.threads import one_thread

__all__ = [
    "SimilarityImputer",
]


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
        Queries per batch; a block of similarities holds batch_size x 2048 floats.
    kind:
        ``'categorical'``: value = similarity-weighted vote. ``'numeric'``: value =
        similarity-weighted mean.
    random_state:
        Seed of the donor sample.
    group_weight:
        Share of the vote given to the customer's group (e.g. the link circle: household,
        referral, ...) when ``groups`` are passed to ``fit`` and ``predict``: every known
        member of the query's group votes with equal weight, and the group's vote counts
        ``group_weight`` against ``1 - group_weight`` for the k feature neighbours. Queries
        without a group, or whose group has no known member, use the neighbours only.

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

    With groups, both votes are normalised to weights summing to ``1 - group_weight`` (the
    neighbours) and ``group_weight`` (the group's known members, equal weights), and value and
    confidence are computed as above over the union.

    Cost: O(n_queries x min(n_known, max_donors) x dims) time and O(batch_size x 2048 +
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
        max_donors: int = 10000,
        batch_size: int = 1024,
        kind: str = CATEGORICAL,
        random_state: int | None = 0,
        group_weight: float = 0.5,
    ) -> None:
        self.k = k
        self.max_donors = max_donors
        self.batch_size = batch_size
        self.kind = kind
        self.random_state = random_state
        self.group_weight = group_weight

    def fit(self, X: Any, y: Any, groups: Any = None) -> SimilarityImputer:
        """Keep (a stratified sample of) the rows of ``X`` whose ``y`` is known as donors.

        ``groups`` (optional, one per row, missing = no group): every row with a known ``y``
        and a group votes for the other members of its group (not sampled).
        """
        if self.kind not in (CATEGORICAL, NUMERIC):
            raise ValueError(f"kind must be {CATEGORICAL!r} or {NUMERIC!r}, got {self.kind!r}")
        if self.k < 1 or self.max_donors < 1 or self.batch_size < 1:
            raise ValueError("k, max_donors and batch_size must be >= 1")
        if not 0.0 <= self.group_weight <= 1.0:
            raise ValueError(f"group_weight must be within [0, 1], got {self.group_weight!r}")
        if not isinstance(X, (pd.DataFrame, _LazyRows)):
            X = np.asarray(X)  # the sampled donor rows are converted (l2_normalize)
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
        self.group_votes_ = None
        if groups is not None:
            g = pd.Series(groups).reset_index(drop=True)
            if len(g) != n_rows:
                raise ValueError("groups must have one value per row of X")
            g_known = g.iloc[known].to_numpy(dtype=object)
            has_group = pd.notna(g_known)
            self.group_votes_ = pd.DataFrame({
                "group": g_known[has_group], "value": values[has_group]})
        return self

    def _group_members(self, groups: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(query row, donor value) pairs: the known members of each query's group."""
        if self.group_votes_ is None or groups is None or self.group_weight <= 0:
            return np.zeros(0, np.int64), np.zeros(0)
        g = pd.Series(groups).reset_index(drop=True)
        if len(g) != n:
            raise ValueError("groups must have one value per row of X")
        queries = pd.DataFrame({"row": np.arange(n), "group": g.to_numpy(dtype=object)})
        pairs = queries.dropna(subset=["group"]).merge(self.group_votes_, on="group")
        pairs = pairs.sort_values("row", kind="stable")
        return pairs["row"].to_numpy(np.int64), pairs["value"].to_numpy()

    def predict(self, X: Any, groups: Any = None) -> pd.DataFrame:
        """Columns ``value``, ``confidence``, ``n_neighbors``, ``n_group_neighbors``; index
        of ``X`` if a frame. ``groups``: the group of each row of ``X`` (see ``fit``)."""
        check_is_fitted(self, "donors_")
        if not isinstance(X, (pd.DataFrame, _LazyRows)):
            X = np.asarray(X)  # converted batch by batch (l2_normalize)
        index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(X.shape[0])
        n = X.shape[0]
        conf = np.full(n, np.nan)
        nn = np.zeros(n, dtype=np.int64)
        n_group = np.zeros(n, dtype=np.int64)
        if self.kind == NUMERIC:
            value: np.ndarray = np.full(n, np.nan)
        else:
            value = np.full(n, None, dtype=object)
        member_rows, member_values = self._group_members(groups, n)
        bounds = np.searchsorted(member_rows, np.arange(0, n + self.batch_size, self.batch_size))
        with one_thread():
            for b_i, start in enumerate(range(0, n, self.batch_size)):
                stop = min(start + self.batch_size, n)
                rows = X.iloc[start:stop] if isinstance(X, pd.DataFrame) else X[start:stop]
                lo, hi = bounds[b_i], bounds[b_i + 1]
                members = (member_rows[lo:hi] - start, member_values[lo:hi])
                self._predict_batch(l2_normalize(rows), start, members, value, conf, nn, n_group)
        return pd.DataFrame({"value": value, "confidence": conf, "n_neighbors": nn,
                             "n_group_neighbors": n_group}, index=index)

    def _predict_batch(
        self, Xn: np.ndarray, offset: int, members: tuple[np.ndarray, np.ndarray],
        value: np.ndarray, conf: np.ndarray, nn: np.ndarray, n_group: np.ndarray,
    ) -> None:
        """Fill rows ``offset:offset + len(Xn)`` of the outputs in place.

        ``members``: (row within the batch, donor value) of the group votes, sorted by row.
        Every vote is a (row, value, weight) triple; a row's neighbour weights sum to
        ``1 - group_weight`` and its group weights to ``group_weight`` (1 and 0 without a
        group), so both kinds reduce to weighted statistics over the triples.
        """
        b = Xn.shape[0]
        m_rows, m_vals = members
        g_count = np.bincount(m_rows, minlength=b)
        alpha = np.where(g_count > 0, self.group_weight, 0.0)
        rows_parts, vals_parts, w_parts = [], [], []
        if self.donors_.shape[0]:
            for s0, s1, sims, idx in cosine_topk(Xn, self.donors_, self.k, self.batch_size):
                w = np.maximum(sims.astype(np.float64), 0.0)
                w[w.sum(axis=1) <= 0] = 1.0
                w = w / w.sum(axis=1, keepdims=True) * (1.0 - alpha[s0:s1, None])
                nn[offset + s0:offset + s1] = idx.shape[1]
                rows_parts.append(np.repeat(np.arange(s0, s1), idx.shape[1]))
                vals_parts.append(self.donor_values_[idx].ravel())
                w_parts.append(w.ravel())
        else:
            alpha = np.where(g_count > 0, 1.0, 0.0)
        if m_rows.size:
            rows_parts.append(m_rows)
            vals_parts.append(m_vals)
            w_parts.append(alpha[m_rows] / g_count[m_rows])
        n_group[offset:offset + b] = g_count
        if not rows_parts:
            return
        r = np.concatenate(rows_parts)
        v = np.concatenate(vals_parts)
        w = np.concatenate(w_parts)
        wsum = np.bincount(r, weights=w, minlength=b)
        has = wsum > 0
        sl = slice(offset, offset + b)
        if self.kind == NUMERIC:
            v = v.astype(np.float64)
            mean = np.bincount(r, weights=w * v, minlength=b) / np.where(has, wsum, 1.0)
            var = np.bincount(r, weights=w * (v - mean[r]) ** 2, minlength=b) / np.where(has, wsum, 1.0)
            value[sl] = np.where(has, mean, np.nan)
            if self.donor_std_ > 0:
                c = np.clip(1.0 - np.sqrt(var) / self.donor_std_, 0.0, 1.0)
            else:
                c = np.ones(b)
            conf[sl] = np.where(has, c, np.nan)
        else:
            n_cls = len(self.classes_)
            votes = np.bincount(r * n_cls + v.astype(np.int64), weights=w,
                                minlength=b * n_cls).reshape(b, n_cls)
            best = np.argmax(votes, axis=1)
            value[sl] = np.where(has, self.classes_[best], None)
            conf[sl] = np.where(has, votes[np.arange(b), best] / np.where(has, wsum, 1.0), np.nan)


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
