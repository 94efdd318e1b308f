"""Peers for bench/gbdt: XGBoost `hist` and scikit-learn on exactly the rows Cairn uses.

bench/gbdt/gbdt.ts writes each data set (already split) as raw little-endian arrays plus
meta.json into a folder and runs:

    OMP_NUM_THREADS=2 /usr/bin/python3 bench/gbdt/peers.py <folder> <job> [<job> ...]

Jobs: xgboost, sklearn-hgb, xgboost-predict, sklearn-rf, sklearn-logreg. Prints one JSON object per
job.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

THREADS = int(os.environ.get("OMP_NUM_THREADS", "2"))


def timed_fit(model, X, y, repeats):
    """Fit `repeats` times (a fresh fit each time) and return the fastest wall time in seconds."""
    best = float("inf")
    for _ in range(max(1, repeats)):
        t = time.perf_counter()
        model.fit(X, y)
        best = min(best, time.perf_counter() - t)
    return best


def load(folder, part):
    meta = json.load(open(os.path.join(folder, "meta.json")))
    rows = meta[f"{part}Rows"]
    cols = {}
    for c in meta["columns"]:
        raw = np.fromfile(os.path.join(folder, f"{part}-{c['name']}.bin"), dtype="<f8", count=rows)
        if c["kind"] == "category":
            codes = np.where(np.isnan(raw), -1, raw).astype(np.int64)
            cols[c["name"]] = pd.Categorical.from_codes(codes, categories=c["categories"])
        else:
            cols[c["name"]] = raw
    frame = pd.DataFrame(cols)
    target = meta["target"]
    y = frame.pop(target)
    if meta["task"] == "binary":
        y = (np.asarray(y.cat.codes) == meta["positive"]).astype(np.int64)
    else:
        y = np.asarray(y, dtype=np.float64)
    return meta, frame, y


def metrics(task, y, p):
    from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score, roc_auc_score

    if task == "binary":
        return {"auc": roc_auc_score(y, p), "logloss": log_loss(y, p), "accuracy": accuracy_score(y, p >= 0.5)}
    return {"rmse": float(np.sqrt(mean_squared_error(y, p))), "r2": r2_score(y, p)}


def ordinal(frame):
    out = frame.copy()
    for c in out.columns:
        if str(out[c].dtype) == "category":
            out[c] = out[c].cat.codes.astype(np.float64)
    return out


def run(folder, job):
    import xgboost as xgb

    meta, Xtr, ytr = load(folder, "train")
    _, Xte, yte = load(folder, "test")
    p = meta["params"]
    task = meta["task"]
    cats = [c for c in Xtr.columns if str(Xtr[c].dtype) == "category"]
    if job in ("xgboost", "xgboost-predict"):
        cls = xgb.XGBClassifier if task == "binary" else xgb.XGBRegressor
        model = cls(tree_method="hist", n_estimators=p["trees"], max_depth=p["depth"], learning_rate=p["eta"],
                    max_bin=p["bins"], n_jobs=THREADS, enable_categorical=bool(cats), max_cat_to_onehot=4,
                    random_state=0)
        fit = timed_fit(model, Xtr, ytr, p.get("repeats", 1))
        pred = model.predict_proba(Xte)[:, 1] if task == "binary" else model.predict(Xte)
        out = {"job": job, "seconds": fit, **metrics(task, yte, pred)}
        if job == "xgboost-predict":
            # inplace_predict on a fresh array each time: no DMatrix prediction cache involved.
            booster = model.get_booster()
            booster.set_param({"nthread": THREADS})
            arr = Xte.to_numpy(dtype=np.float64)
            booster.inplace_predict(arr)
            best = float("inf")
            for _ in range(3):
                fresh = arr.copy()
                t = time.perf_counter()
                booster.inplace_predict(fresh)
                best = min(best, time.perf_counter() - t)
            out["batchRowsPerSecond"] = len(Xte) / best
            one = arr[:1].copy()
            calls = 2000
            for _ in range(200):
                booster.inplace_predict(one)
            t = time.perf_counter()
            for _ in range(calls):
                booster.inplace_predict(one)
            out["singleRowMicros"] = (time.perf_counter() - t) / calls * 1e6
        return out
    if job == "sklearn-hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        cls = HistGradientBoostingClassifier if task == "binary" else HistGradientBoostingRegressor
        mask = [c in cats for c in Xtr.columns]
        model = cls(max_iter=p["trees"], max_depth=p["depth"], max_leaf_nodes=None, learning_rate=p["eta"],
                    max_bins=p["bins"], early_stopping=False, l2_regularization=1.0, min_samples_leaf=1,
                    categorical_features=mask if cats else None, random_state=0)
        Atr, Ate = ordinal(Xtr), ordinal(Xte)
        # scikit-learn treats negative codes as missing only from 1.3; -1 becomes NaN here.
        for c in cats:
            Atr.loc[Atr[c] < 0, c] = np.nan
            Ate.loc[Ate[c] < 0, c] = np.nan
        fit = timed_fit(model, Atr, ytr, p.get("repeats", 1))
        pred = model.predict_proba(Ate)[:, 1] if task == "binary" else model.predict(Ate)
        return {"job": job, "seconds": fit, **metrics(task, yte, pred)}
    if job == "sklearn-rf":
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

        cls = RandomForestClassifier if task == "binary" else RandomForestRegressor
        model = cls(n_estimators=p["forestTrees"], n_jobs=THREADS, random_state=0)
        Atr, Ate = ordinal(Xtr).fillna(-1), ordinal(Xte).fillna(-1)
        fit = timed_fit(model, Atr, ytr, p.get("repeats", 1))
        pred = model.predict_proba(Ate)[:, 1] if task == "binary" else model.predict(Ate)
        return {"job": job, "seconds": fit, **metrics(task, yte, pred)}
    if job == "sklearn-logreg":
        from sklearn.compose import ColumnTransformer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        nums = [c for c in Xtr.columns if c not in cats]
        # Categories as strings with missing values as their own level, as Cairn's one-hot encoder does.
        Str, Ste = Xtr.copy(), Xte.copy()
        for c in cats:
            Str[c] = Str[c].astype(object).fillna("(missing)")
            Ste[c] = Ste[c].astype(object).fillna("(missing)")
        model = Pipeline([
            ("prep", ColumnTransformer([("num", StandardScaler(), nums),
                                        ("cat", OneHotEncoder(handle_unknown="ignore"), cats)])),
            ("model", LogisticRegression(C=1.0, max_iter=p["logregMaxIter"])),
        ])
        fit = timed_fit(model, Str, ytr, p.get("repeats", 1))
        pred = model.predict_proba(Ste)[:, 1]
        return {"job": job, "seconds": fit, "iterations": int(model[-1].n_iter_[0]), **metrics(task, yte, pred)}
    raise SystemExit(f"unknown job {job}")


if __name__ == "__main__":
    folder = sys.argv[1]
    for job in sys.argv[2:]:
        print(json.dumps(run(folder, job)), flush=True)
