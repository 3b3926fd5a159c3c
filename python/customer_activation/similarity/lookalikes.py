"""Look-alike audiences: the customers most similar to an audience's seed customers.

:func:`lookalikes` scores every customer against one seed set (``knn``: mean similarity to
the ``k`` nearest seeds; or ``centroid``); :func:`lookalike_audiences` does it for every
audience with the feature rows normalised once. Both are dbt steps (``ml_lookalikes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from customer_activation.similarity.inputs import _feature_columns, _LazyRows
from customer_activation.similarity.kernel import cosine_topk, l2_normalize
from customer_activation.threads import one_thread

__all__ = [
    "lookalike_audiences",
    "lookalikes",
]


def lookalikes(
    features: pd.DataFrame,
    seed_ids: Sequence[Any],
    *,
    id_col: str = "customer_id",
    feature_cols: Sequence[str] | None = None,
    top_n: int | None,
    k: int,
    method: str,
    max_seeds: int,
    batch_size: int = 1024,
    random_state: int | None,
    shortlist_seeds: int,
    shortlist_factor: int,
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
    with one_thread():
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
    top_n: int | None,
    k: int,
    method: str,
    random_state: int | None,
    max_seeds: int,
    shortlist_seeds: int,
    shortlist_factor: int,
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
