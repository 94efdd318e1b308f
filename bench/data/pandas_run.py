"""The pandas side of bench/data: the same work as cairn-run.ts.

Ingest the CSV (pandas type inference, dates parsed, bad lines counted), validate the same 10
expectations (failing counts + the first 10 failing rows of each), profile every column (count,
missing, distinct, min/max/mean/std, quantiles p1..p99, 20-bin histogram over min..max, top-10
values, text length stats). Prints one JSON line. Run with Debian's /usr/bin/python3.
"""
import json
import re
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

path = sys.argv[1]
t0 = time.perf_counter()
# the C engine is pandas' fast path; it can only count bad lines through warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    df = pd.read_csv(path, parse_dates=["ts"], on_bad_lines="warn")
malformed = sum(str(w.message).count("Skipping line") for w in caught)
t1 = time.perf_counter()

failing = {}
samples = {}


def row_check(name, mask):
    mask = mask.fillna(False)
    failing[name] = int(mask.sum())
    samples[name] = df[mask].head(10).to_dict("records")


row_check("not_null(id)", df["id"].isna())
row_check("unique(id)", df["id"].notna() & df["id"].duplicated(keep=False))
row_check("not_null(x1)", df["x1"].isna())
row_check("between(x2)", df["x2"].notna() & ((df["x2"] < 0) | (df["x2"] > 100)))
row_check("in_set(c1)", df["c1"].notna() & ~df["c1"].isin(["c0", "c1", "c2", "c3", "c4"]))
row_check("match_regex(code)", df["code"].notna() & ~df["code"].str.contains(re.compile(r"^[A-Z]{2}-[0-9]{5}$"), na=False))
lengths = df["note"].str.len()
row_check("length_between(note)", df["note"].notna() & ((lengths < 1) | (lengths > 60)))
failing["mean_between(x3)"] = float(df["x3"].mean())
failing["row_count_between"] = int(len(df))
row_check("column_pair(i2 <= i3)", df["i2"].notna() & df["i3"].notna() & ~(df["i2"] <= df["i3"]))
t2 = time.perf_counter()

QS = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]
profile = {}
for name in df.columns:
    s = df[name]
    p = {"count": int(s.count()), "missing": int(s.isna().sum()), "distinct": int(s.nunique())}
    if pd.api.types.is_bool_dtype(s):
        p["top"] = s.value_counts().head(10).to_dict()
    elif pd.api.types.is_numeric_dtype(s):
        v = s.dropna().to_numpy(dtype="float64")
        lo, hi = float(v.min()), float(v.max())
        p.update(min=lo, max=hi, mean=float(v.mean()), std=float(v.std(ddof=1)), zeros=int((v == 0).sum()))
        p["quantiles"] = [float(q) for q in np.quantile(v, QS)]
        p["histogram"] = np.histogram(v, bins=20, range=(lo, hi))[0].tolist()
    elif pd.api.types.is_datetime64_any_dtype(s):
        v = s.dropna().astype("int64").to_numpy() // 1_000_000
        p.update(min=int(v.min()), max=int(v.max()))
        p["histogram"] = np.histogram(v, bins=20, range=(v.min(), v.max()))[0].tolist()
    else:
        if name == "note":
            lens = s.dropna().str.len()
            p["length"] = {"min": int(lens.min()), "max": int(lens.max()), "mean": float(lens.mean()), "std": float(lens.std()), "quantiles": [float(q) for q in lens.quantile(QS)]}
            p["blank"] = int((s.dropna().str.strip() == "").sum())
        else:
            p["top"] = s.value_counts().head(10).to_dict()
    profile[name] = p
t3 = time.perf_counter()

print(json.dumps({
    "rows": int(len(df)),
    "columns": int(len(df.columns)),
    "malformed": malformed,
    "ingestSeconds": t1 - t0,
    "validateSeconds": t2 - t1,
    "profileSeconds": t3 - t2,
    "totalSeconds": t3 - t0,
    "failing": failing,
    "profiledColumns": len(profile),
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "cpuSeconds": resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
}, default=str))
