"""Customer similarity: similarity imputation of attributes and look-alike audiences.

Similarity is the cosine of the angle between two customers' normalised feature vectors.
Both uses rest on one batched exact nearest-neighbour search (:func:`cosine_topk`):

1. rows are L2-normalised (a zero vector stays zero and is similar to nothing);
2. queries are taken ``batch_size`` rows at a time and reference rows ("donors") in blocks
   of 2048; each block of similarities is one matrix product;
3. the running top-k per query is kept: the first block by ``np.argpartition``, later
   blocks only contribute entries above the current k-th best similarity (a cheap vector
   comparison), which are merged by a sort of a few candidates per row.

Memory is O(batch_size x 2048) for a block plus O(n_donors x dims) for the donors; time is
O(n_queries x n_donors x dims). With the number of donors capped (``max_donors``), the
cost is linear in the number of customers. The search is exact, not approximate.

The search runs with BLAS limited to one thread (``threadpoolctl``): the matrix products
are small (batch x dims by dims x 2048), so extra BLAS threads mostly add synchronisation.
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
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

__all__ = [
    "SimilarityImputer",
    "cosine_topk",
    "evaluate_imputation",
    "impute_attributes",
    "l2_normalize",
    "lookalike_audiences",
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
        X = X.to_numpy(dtype=np.float32 if all(t == np.float32 for t in X.dtypes) else float,
                       na_value=np.nan)
    else:
        X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError("expected a 2-d feature matrix")
    out = np.empty(X.shape, dtype=np.float32)
    step = 65536  # rows per block: the float64 working copy stays small
    for start in range(0, X.shape[0], step):
        arr = np.nan_to_num(np.asarray(X[start:start + step], dtype=float),
                            nan=0.0, posinf=0.0, neginf=0.0)
        norms = np.linalg.norm(arr, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out[start:start + step] = arr / norms
    return out


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
    queries: np.ndarray, donors: np.ndarray, k: int, batch_size: int = 1024,
    *, donor_block_size: int = 2048,
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
        with threadpool_limits(limits=1, user_api="blas"):
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


def _feature_columns(
    features: pd.DataFrame, id_col: str, feature_cols: Sequence[str] | None
) -> list[str]:
    """``feature_cols`` if given, else every numeric, non-boolean column but ``id_col``."""
    if feature_cols is not None:
        return list(feature_cols)
    return [c for c in features.columns
            if c != id_col and is_numeric_dtype(features[c]) and not is_bool_dtype(features[c])]


def _attribute_features(
    fcols: list[str], attr: str, exclude_features: dict[str, Sequence[str]] | None
) -> list[str]:
    """The feature columns used for ``attr``: all but those derived from it.

    ``exclude_features[attr]`` lists prefixes: a feature named ``p`` or ``p__<anything>``
    (a one-hot column of attribute ``p``) is left out, so that the vector of a customer does
    not reveal the value being imputed (or a value that determines it, e.g. region for city).
    """
    prefixes = list((exclude_features or {}).get(attr, ()))
    return [c for c in fcols
            if not any(c == p or c.startswith(p + "__") for p in prefixes)]


def _groups_for(ids: pd.Series, groups: pd.DataFrame | None, id_col: str) -> pd.Series | None:
    """The group of each id (None = no group) from a frame ``id_col``, ``group``."""
    if groups is None:
        return None
    if "group" not in groups.columns or id_col not in groups.columns:
        raise ValueError(f"groups must have columns {id_col!r} and 'group'")
    if groups[id_col].duplicated().any():
        raise ValueError(f"{id_col} must be unique in groups")
    mapping = groups.set_index(id_col)["group"]
    return ids.map(mapping).astype(object).where(lambda g: g.notna(), None).reset_index(drop=True)


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


def _feature_matrix(features: pd.DataFrame, fcols: list[str]) -> np.ndarray:
    """The feature columns as one float32 matrix (missing = NaN): the precision the search
    uses anyway (:func:`l2_normalize` returns float32), at half the memory of the frame."""
    return features[fcols].to_numpy(dtype=np.float32, na_value=np.nan)


class _LazyRows:
    """Rows ``rows`` and columns ``cols`` of ``matrix``, copied only a slice at a time: what
    :class:`SimilarityImputer` needs (``shape``, row slices, row selection), without holding
    a copy of every donor or query row at once."""

    def __init__(self, matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
        self.matrix, self.rows, self.cols = matrix, np.asarray(rows, dtype=np.int64), cols
        self.shape = (len(self.rows), len(cols))
        self.ndim = 2

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        return self.matrix[np.ix_(self.rows[key], self.cols)]


def impute_attributes(
    features: pd.DataFrame,
    attributes: pd.DataFrame,
    *,
    id_col: str = "customer_id",
    feature_cols: Sequence[str] | None = None,
    attribute_cols: Sequence[str] = ("gender", "birth_year", "city", "region", "member_tier"),
    attribute_kinds: dict[str, str] | None = None,
    k: int = 15,
    max_donors: int = 10000,
    batch_size: int = 1024,
    random_state: int | None = 0,
    exclude_features: dict[str, Sequence[str]] | None = None,
    groups: pd.DataFrame | None = None,
    group_weight: float = 0.5,
) -> pd.DataFrame:
    """Fill unknown attributes from similar customers; observed values are never changed.

    ``features`` holds one row per customer with normalised feature columns
    (``feature_cols``, default: every numeric column but ``id_col``); ``attributes`` one row
    per customer with the attribute columns (missing = unknown). Attributes listed in
    ``attribute_cols`` but absent from ``attributes`` are skipped. The kind of an attribute
    is numeric for a numeric dtype, categorical otherwise, unless ``attribute_kinds`` says
    so (e.g. ``{'birth_year': 'categorical'}`` to vote on exact years).

    For each attribute a :class:`SimilarityImputer` is fitted on the customers with a
    known value and predicts only customers with an unknown value and a feature row, on the
    features not excluded for it (``exclude_features``, see :func:`_attribute_features`).
    ``groups`` (columns ``id_col``, ``group``; e.g. link circles) adds the group vote of
    :class:`SimilarityImputer` with weight ``group_weight``.

    Grain: one row per customer (in ``features`` or ``attributes``) and attribute, sorted.
    Columns: ``id_col``, ``attribute``, ``observed_value``, ``imputed_value``, ``value``
    (observed if known, else imputed), ``confidence`` (1.0 for observed values),
    ``n_neighbors`` and ``n_group_neighbors`` (0 for observed values), ``is_imputed``. Values are text so that one
    table holds every attribute; integer-valued numeric attributes (birth_year) are
    imputed as a rounded integer. A customer without a feature row and without an
    observed value keeps a null value.
    """
    fcols = _feature_columns(features, id_col, feature_cols)
    attrs = [a for a in attribute_cols if a in attributes.columns]
    if features[id_col].duplicated().any() or attributes[id_col].duplicated().any():
        raise ValueError(f"{id_col} must be unique in features and attributes")
    # one row per customer in either frame, sorted by id; the feature rows stay where they
    # are (one float32 matrix) and are looked up by position
    ids = pd.Series(pd.concat([features[id_col], attributes[id_col]], ignore_index=True).unique())
    ids = ids.sort_values(kind="stable").reset_index(drop=True)
    feature_row = pd.Index(features[id_col]).get_indexer(ids)
    has_features = feature_row >= 0
    matrix = _feature_matrix(features, fcols)
    observed = attributes.set_index(id_col)[attrs].reindex(ids).reset_index(drop=True)
    group_of = _groups_for(ids, groups, id_col)
    n_rows = len(ids)
    frames = []
    for attr in attrs:
        col = observed[attr]
        kind = _attribute_kind(attributes[attr].rename(attr), attribute_kinds)
        known = col.notna().to_numpy()
        integer_like = False
        if kind == NUMERIC:
            known_vals = pd.to_numeric(col[known]).to_numpy(dtype=float)
            integer_like = bool(known_vals.size) and bool(np.all(np.mod(known_vals, 1) == 0))
        target = known | ~has_features  # rows not to impute
        imputed = pd.Series([None] * n_rows, dtype=object)
        conf = np.where(known, 1.0, np.nan)
        nn = np.zeros(n_rows, dtype=np.int64)
        n_group = np.zeros(n_rows, dtype=np.int64)
        to_impute = np.flatnonzero(~target)
        donors_mask = known & has_features
        if to_impute.size and donors_mask.any():
            use = pd.Index(fcols).get_indexer(_attribute_features(fcols, attr, exclude_features))
            imp = SimilarityImputer(k=k, max_donors=max_donors, batch_size=batch_size, kind=kind,
                                    random_state=random_state, group_weight=group_weight)
            imp.fit(_LazyRows(matrix, feature_row[donors_mask], use), col[donors_mask],
                    None if group_of is None else group_of[donors_mask])
            pred = imp.predict(_LazyRows(matrix, feature_row[to_impute], use),
                               None if group_of is None else group_of.iloc[to_impute])
            imputed.iloc[to_impute] = pred["value"].to_numpy(dtype=object)
            conf[to_impute] = pred["confidence"].to_numpy()
            nn[to_impute] = pred["n_neighbors"].to_numpy()
            n_group[to_impute] = pred["n_group_neighbors"].to_numpy()
        observed_text = _to_text(col, integer_like)
        imputed_text = _to_text(imputed, integer_like)
        is_imputed = (~known) & imputed_text.notna().to_numpy()
        frames.append(pd.DataFrame({
            id_col: ids.to_numpy(),
            "attribute": attr,
            "observed_value": observed_text.to_numpy(),
            "imputed_value": imputed_text.to_numpy(),
            "value": np.where(known, observed_text.to_numpy(), imputed_text.to_numpy()),
            "confidence": conf,
            "n_neighbors": nn,
            "n_group_neighbors": n_group,
            "is_imputed": is_imputed,
        }))
    columns = [id_col, "attribute", "observed_value", "imputed_value", "value", "confidence",
               "n_neighbors", "n_group_neighbors", "is_imputed"]
    if not frames:  # no attribute to impute: the table's columns, no rows
        dtypes = {"confidence": float, "n_neighbors": "int64", "n_group_neighbors": "int64", "is_imputed": bool}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in columns})
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
    max_donors: int = 10000,
    batch_size: int = 1024,
    exclude_features: dict[str, Sequence[str]] | None = None,
    groups: pd.DataFrame | None = None,
    group_weight: float = 0.5,
    max_masked: int | None = None,
) -> pd.DataFrame:
    """Accuracy of similarity imputation on masked known values, against the mode.

    Per attribute, among customers with a feature row and a known value, a seeded share
    ``mask_share`` is hidden, stratified (per class, or per value decile for numeric
    attributes: ``round(mask_share * n_stratum)`` rows of each stratum). The rest are the
    donors; the hidden values are imputed (with the same features, ``exclude_features``,
    ``groups`` and settings as :func:`impute_attributes`) and compared with the truth. A
    masked row also leaves the group vote, as an unknown value would. ``max_masked`` caps
    the masked rows per attribute (a seeded subsample of the stratified mask) to bound the
    cost on large populations.

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
    # customers with a feature row and an attribute row, sorted by id; the feature rows stay
    # in one float32 matrix and are looked up by position
    both = attributes[[id_col, *attrs]].merge(
        pd.DataFrame({id_col: features[id_col], "_row": np.arange(len(features))}),
        on=id_col, how="inner", sort=True)
    matrix = _feature_matrix(features, fcols)
    group_of = _groups_for(both[id_col], groups, id_col)
    rng = check_random_state(random_state)
    rows = []
    for attr in attrs:
        kind = _attribute_kind(attributes[attr].rename(attr), attribute_kinds)
        known_mask = both[attr].notna().to_numpy()
        known_row = both["_row"].to_numpy()[known_mask]
        known_groups = None if group_of is None else group_of[known_mask].reset_index(drop=True)
        truth = both.loc[known_mask, attr].reset_index(drop=True)
        if kind == NUMERIC:
            truth = pd.to_numeric(truth).astype(float)
            strata = _decile_codes(truth.to_numpy())
        else:
            strata = pd.factorize(truth.astype(str), sort=True)[0]
        masked = np.zeros(len(truth), dtype=bool)
        for s in np.unique(strata):
            members = np.flatnonzero(strata == s)
            take = int(round(mask_share * len(members)))
            if take:
                masked[rng.choice(members, size=take, replace=False)] = True
        if max_masked is not None and masked.sum() > max_masked:
            keep = rng.choice(np.flatnonzero(masked), size=max_masked, replace=False)
            masked[:] = False
            masked[keep] = True
        row: dict[str, Any] = {"attribute": attr, "kind": kind, "n_known": len(truth),
                               "n_masked": int(masked.sum()), "accuracy": np.nan,
                               "mode_baseline_accuracy": np.nan, "mae": np.nan,
                               "median_baseline_mae": np.nan, "lift": np.nan}
        if masked.any() and (~masked).any():
            use = pd.Index(fcols).get_indexer(_attribute_features(fcols, attr, exclude_features))
            imp = SimilarityImputer(k=k, max_donors=max_donors, batch_size=batch_size, kind=kind,
                                    random_state=random_state, group_weight=group_weight)
            imp.fit(_LazyRows(matrix, known_row[~masked], use), truth[~masked],
                    None if known_groups is None else known_groups[~masked])
            pred = imp.predict(_LazyRows(matrix, known_row[masked], use),
                               None if known_groups is None else known_groups[masked])["value"]
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
    batch_size: int = 1024,
    random_state: int | None = 0,
    shortlist_seeds: int = 0,
    shortlist_factor: int = 20,
    normalized: np.ndarray | None = None,
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

    Shortlist (knn only; ``shortlist_seeds`` > 0 and ``top_n`` set): every candidate is first
    scored against a seeded sample of ``shortlist_seeds`` seeds, the best
    ``shortlist_factor x top_n`` candidates by that score are kept, and only they are scored
    against all seeds (up to ``max_seeds``). Scores are the exact knn scores; what can
    differ from the exhaustive search is which customers make the top ``top_n``: one whose
    sampled score falls outside the shortlist. Cost O(n_customers x shortlist_seeds +
    shortlist x seeds) instead of O(n_customers x seeds). Off (``0``) or with fewer seeds
    or candidates than that, the search is exhaustive.

    ``normalized``: the rows of ``features`` already L2-normalised (float32), to normalise
    once for several audiences.
    """
    if method not in ("knn", "centroid"):
        raise ValueError("method must be 'knn' or 'centroid'")
    fcols = _feature_columns(features, id_col, feature_cols)
    ids = features[id_col].to_numpy(dtype=object)
    is_seed = features[id_col].isin(list(seed_ids)).to_numpy()
    Xn = l2_normalize(features[fcols]) if normalized is None else normalized
    seeds = np.flatnonzero(is_seed)
    candidates = np.flatnonzero(~is_seed)
    columns = [id_col, "score", "rank"]
    if seeds.size == 0 or candidates.size == 0:
        return pd.DataFrame(columns=columns)
    rng = check_random_state(random_state)
    if seeds.size > max_seeds:
        seeds = np.sort(rng.choice(seeds, size=max_seeds, replace=False))
    with threadpool_limits(limits=1, user_api="blas"):
        shortlist = top_n is not None and shortlist_seeds > 0 and method == "knn"
        size = max(shortlist_factor, 1) * top_n if shortlist else 0
        if shortlist and seeds.size > shortlist_seeds and candidates.size > size:
            sample = np.sort(rng.choice(seeds, size=shortlist_seeds, replace=False))
            rough = np.empty(candidates.size)
            _lookalike_scores(Xn, sample, candidates, rough, method, k, batch_size)
            # the best `size` by the sampled score (ties by position, deterministic)
            best = np.lexsort((np.arange(candidates.size), -rough))[:size]
            candidates = np.sort(candidates[best])
        score = np.empty(candidates.size)
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
    queries = _LazyRows(Xn, candidates, np.arange(Xn.shape[1]))  # copied a batch at a time
    for start, stop, sims, _ in cosine_topk(queries, Xn[seeds], k, batch_size):
        score[start:stop] = sims.mean(axis=1)


def lookalike_audiences(
    features: pd.DataFrame,
    seeds: pd.DataFrame,
    *,
    id_col: str = "customer_id",
    audience_col: str = "audience_name",
    feature_cols: Sequence[str] | None = None,
    top_n: int | None = 1000,
    k: int = 10,
    method: str = "knn",
    random_state: int | None = 0,
    max_seeds: int = 50000,
    shortlist_seeds: int = 0,
    shortlist_factor: int = 20,
) -> pd.DataFrame:
    """:func:`lookalikes` for every audience of ``seeds`` (columns ``audience_col``,
    ``id_col``; a customer may seed several audiences), the feature rows normalised once.
    ``max_seeds``, ``shortlist_seeds`` and ``shortlist_factor``: see :func:`lookalikes`.

    One row per audience and look-alike customer: ``audience_col``, ``id_col``, ``score``,
    ``rank``, ``n_seeds`` (seed members with a feature row, the ones that count) and
    ``method``. An audience none of whose seeds has a feature row gives no rows; audiences
    are processed in sorted order, so the output is deterministic.
    """
    columns = [audience_col, id_col, "score", "rank", "n_seeds", "method"]
    known = set(features[id_col])
    fcols = _feature_columns(features, id_col, feature_cols)
    normalized = l2_normalize(features[fcols])
    frames = []
    for name, members in seeds.groupby(audience_col, sort=True):
        ids = [i for i in members[id_col].dropna().unique() if i in known]
        ranked = lookalikes(features, ids, id_col=id_col, feature_cols=fcols,
                            top_n=top_n, k=k, method=method, random_state=random_state,
                            max_seeds=max_seeds, shortlist_seeds=shortlist_seeds,
                            shortlist_factor=shortlist_factor, normalized=normalized)
        if ranked.empty:
            continue
        ranked.insert(0, audience_col, name)
        ranked["n_seeds"] = len(ids)
        ranked["method"] = method
        frames.append(ranked)
    if not frames:
        return pd.DataFrame({audience_col: pd.Series(dtype=object), id_col: pd.Series(dtype=object),
                             "score": pd.Series(dtype=float), "rank": pd.Series(dtype="int64"),
                             "n_seeds": pd.Series(dtype="int64"), "method": pd.Series(dtype=object)})
    return pd.concat(frames, ignore_index=True)[columns]
