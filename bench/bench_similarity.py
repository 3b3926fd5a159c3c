"""Time and peak memory of similarity imputation and look-alikes at a given customer count.

    python bench/bench_similarity.py --customers 1000000 [--dims 80] [--max-donors 50000]

Synthetic standardised vectors (clusters in random directions, like customer segments), five
attributes each 25% missing, one look-alike audience of 1% of customers. Prints seconds and
peak resident memory (ru_maxrss) per step. The search is exact, so the time depends only on
the sizes, not on the data.
"""
from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd
from customer_activation.settings import registry_defaults
from customer_activation.similarity.imputation import evaluate_imputation, impute_attributes
from customer_activation.similarity.lookalikes import lookalikes


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--dims", type=int, default=80)
    ap.add_argument("--max-donors", type=int, default=10_000)
    ap.add_argument("--k", type=int, default=30)
    ap.add_argument("--max-masked", type=int, default=20_000)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    n, d = args.customers, args.dims
    centres = rng.normal(size=(50, d)).astype(np.float32)
    cluster = rng.integers(0, 50, n)
    X = centres[cluster] + rng.normal(0, 1.0, (n, d)).astype(np.float32)
    ids = np.array([f"C{i:08d}" for i in range(n)], dtype=object)
    features = pd.DataFrame(X, columns=[f"f{j}" for j in range(d)])
    features.insert(0, "customer_id", ids)
    attrs = pd.DataFrame({"customer_id": ids})
    for a, n_classes in (("gender", 3), ("city", 40), ("region", 6), ("member_tier", 4)):
        attrs[a] = pd.Series((cluster * 7 + rng.integers(0, 2, n)) % n_classes).map(lambda v, a=a: f"{a}{v}")
        attrs.loc[rng.random(n) < 0.25, a] = None
    attrs["birth_year"] = (1950 + cluster + rng.integers(0, 20, n)).astype(float)
    attrs.loc[rng.random(n) < 0.25, "birth_year"] = np.nan
    groups = pd.DataFrame({"customer_id": ids[: n // 4], "group": rng.integers(0, n // 20, n // 4)})
    cols = ["gender", "birth_year", "city", "region", "member_tier"]
    print(f"customers={n} dims={d} max_donors={args.max_donors} k={args.k}  data ready, peak {peak_mb():.0f} MB")
    t = time.perf_counter()
    # every other setting: the settings registry's default (what a dbt build uses)
    defaults = registry_defaults()
    imputation = dict(attribute_kinds=defaults["imputation_attribute_kinds"], random_state=defaults["random_seed"],
                      exclude_features=defaults["imputation_exclude_features"],
                      group_weight=defaults["imputation_circle_weight"])
    out = impute_attributes(features, attrs, attribute_cols=cols, k=args.k, max_donors=args.max_donors,
                            groups=groups, **imputation)
    t_imp = time.perf_counter() - t
    print(f"impute_attributes: {t_imp:.1f} s, {int(out['is_imputed'].sum())} values imputed, "
          f"{t_imp / max(out['is_imputed'].sum(), 1) * 1e6:.0f} us/value, peak {peak_mb():.0f} MB")
    t = time.perf_counter()
    ev = evaluate_imputation(features, attrs, cols, k=args.k, max_donors=args.max_donors,
                             groups=groups, max_masked=args.max_masked, mask_share=defaults["imputation_mask_share"],
                             **imputation)
    print(f"evaluate_imputation: {time.perf_counter() - t:.1f} s, masked {int(ev['n_masked'].sum())}, "
          f"peak {peak_mb():.0f} MB")
    t = time.perf_counter()
    la = lookalikes(features, ids[rng.random(n) < 0.01], top_n=1000, k=10, method=defaults["lookalike_method"],
                    random_state=defaults["random_seed"], max_seeds=defaults["lookalike_max_seeds"],
                    shortlist_seeds=defaults["lookalike_shortlist_seeds"],
                    shortlist_factor=defaults["lookalike_shortlist_factor"])
    print(f"lookalikes (1% seeds): {time.perf_counter() - t:.1f} s, {len(la)} rows, peak {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
