"""Batch-scoring peer: pandas + scikit-learn, chunked like a careful Python batch job.

Trains the same HistGradientBoostingRegressor as ../../../shared/peers/fastapi-sklearn/server.py
(training is not timed), then reads the input CSV in chunks of 65,536 rows, predicts each chunk
and appends the predictions (id, prediction) to a CSV (pyarrow is not installed, so no Parquet).
Prints one JSON line: {"rows": n, "seconds": s, "rows_per_second": r}.

    /usr/bin/python3 batch_peer.py <housing.csv> <input.csv> <output.csv>
"""
import json, sys, time
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

FEATURES = ["longitude", "latitude", "housing_median_age", "total_rooms", "total_bedrooms",
            "population", "households", "median_income"]

train = pd.read_csv(sys.argv[1])
model = HistGradientBoostingRegressor(max_iter=100, max_leaf_nodes=31, random_state=0)
model.fit(train[FEATURES].to_numpy(dtype=np.float64), train["median_house_value"].to_numpy())

start = time.perf_counter()
rows = 0
first = True
for chunk in pd.read_csv(sys.argv[2], chunksize=65536):
    pred = model.predict(chunk[FEATURES].to_numpy(dtype=np.float64))
    pd.DataFrame({"id": chunk["id"], "prediction": pred}).to_csv(sys.argv[3], mode="w" if first else "a", header=first, index=False)
    first = False
    rows += len(chunk)
seconds = time.perf_counter() - start
print(json.dumps({"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds}))
