#!/usr/bin/python3
"""SciPy peer for bench/monitoring/drift-1m.ts: the statistics Evidently's automatic choice runs on
large numeric references (Wasserstein distance normed by the reference std), column by column.

Usage: /usr/bin/python3 scipy_drift.py <dir> <rows> <columns> [test]
Reads <dir>/reference.f64 and <dir>/current.f64 (column-major float64) and prints JSON.
"""
import json
import sys
import time

import numpy as np
from scipy import stats


def main():
    directory, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    test = sys.argv[4] if len(sys.argv) > 4 else "wasserstein"
    ref = np.fromfile(f"{directory}/reference.f64", dtype=np.float64).reshape(cols, rows)
    cur = np.fromfile(f"{directory}/current.f64", dtype=np.float64).reshape(cols, rows)
    results = []
    start = time.perf_counter()
    for j in range(cols):
        r, c = ref[j], cur[j]
        if test == "wasserstein":
            score = stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)
        elif test == "ks":
            score = stats.ks_2samp(r, c).pvalue
        else:
            raise SystemExit(f"unknown test {test}")
        results.append(float(score))
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "scores": results, "scipy": __import__("scipy").__version__}))


if __name__ == "__main__":
    main()
