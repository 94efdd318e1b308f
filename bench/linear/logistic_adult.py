"""scikit-learn peer for bench/linear/logistic-adult.ts: the same split, the same preprocessing.

Usage: /usr/bin/python3 bench/linear/logistic_adult.py <adult.data> <split.json> <repeats> <max_iter>
Prints one JSON object: fit and predict seconds (median of repeats), iterations, test metrics.
"""
import json
import statistics
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

path, split_path, repeats, max_iter = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
df = pd.read_csv(path, skipinitialspace=True)
split = json.load(open(split_path))
numeric = split["numeric"]
categorical = split["categorical"]
train = df.iloc[split["train"]]
test = df.iloc[split["test"]]
features = numeric + categorical
y_train = (train["Salary"] == ">50K").astype(int).to_numpy()
y_test = (test["Salary"] == ">50K").astype(int).to_numpy()


def make():
    pre = ColumnTransformer(
        [("num", StandardScaler(), numeric), ("cat", OneHotEncoder(handle_unknown="ignore"), categorical)]
    )
    return Pipeline([("pre", pre), ("model", LogisticRegression(C=1.0, max_iter=max_iter))])


fits = []
model = None
for _ in range(repeats):
    m = make()
    t0 = time.perf_counter()
    m.fit(train[features], y_train)
    fits.append(time.perf_counter() - t0)
    model = m
preds = []
for _ in range(repeats):
    t0 = time.perf_counter()
    proba = model.predict_proba(test[features])[:, 1]
    preds.append(time.perf_counter() - t0)
row = test[features].iloc[[0]]
t0 = time.perf_counter()
for _ in range(200):
    model.predict_proba(row)
single = (time.perf_counter() - t0) / 200
print(
    json.dumps(
        {
            "version": sklearn.__version__,
            "firstFitSeconds": fits[0],
            "fitSeconds": statistics.median(fits[1:]),
            "predictSeconds": statistics.median(preds),
            "singleRowSeconds": single,
            "iterations": int(np.max(model.named_steps["model"].n_iter_)),
            "features": int(model.named_steps["pre"].transform(train[features].iloc[:1]).shape[1]),
            "accuracy": float(accuracy_score(y_test, (proba >= 0.5).astype(int))),
            "rocAuc": float(roc_auc_score(y_test, proba)),
            "logLoss": float(log_loss(y_test, proba)),
        }
    )
)
