"""Writes the benchmark models and request bodies (bench/models_bench.sh):
  xgb/       XGBoost Booster, 100 trees (max_depth 6), 10 float features, saved with mlflow.xgboost
  sklearn/   scikit-learn LogisticRegression on the same features, saved with mlflow.sklearn
  xgb_1.json, xgb_1000.json, sk_1.json, sk_1000.json   dataframe_split bodies of 1 and 1,000 rows
"""
import json
import os
import sys

import mlflow
import numpy as np
import pandas as pd
import sklearn.linear_model
import xgboost as xgb
from mlflow.models import infer_signature

out = sys.argv[1]
rng = np.random.RandomState(0)
cols = [f"f{i}" for i in range(10)]
X = pd.DataFrame(rng.rand(2000, 10), columns=cols)
y = X["f0"] * 3 + X["f1"] ** 2 + rng.rand(2000) * 0.1
booster = xgb.train({"max_depth": 6, "eta": 0.1}, xgb.DMatrix(X, label=y), 100)
mlflow.xgboost.save_model(booster, os.path.join(out, "xgb"),
                          signature=infer_signature(X, booster.predict(xgb.DMatrix(X))))
lr = sklearn.linear_model.LogisticRegression().fit(X, (y > y.median()).astype(int))
mlflow.sklearn.save_model(lr, os.path.join(out, "sklearn"), signature=infer_signature(X, lr.predict(X)))
for n in (1, 1000):
    body = {"dataframe_split": {"columns": cols, "data": rng.rand(n, 10).tolist()}}
    for name in ("xgb", "sk"):
        with open(os.path.join(out, f"{name}_{n}.json"), "w") as f:
            json.dump(body, f)
