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

The search runs with BLAS limited to one thread (``customer_activation.threads.one_thread``):
the matrix products are small (batch x dims by dims x 2048), so extra BLAS threads mostly add
synchronisation. On an idle 2-core machine two threads were ~13% faster; on a busy one (dbt
running several models at once) they were ~1.8x slower, so one thread is the predictable
choice. It is also the reproducible one: OpenBLAS products differ in the last bits between 1
and 2 threads, which is enough to swap two customers of nearly equal score.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "cosine_topk",
    "l2_normalize",
]


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
