"""Logs a deterministic loss curve with the MLflow client into the project run."""
import argparse

import mlflow

parser = argparse.ArgumentParser()
parser.add_argument("--learning-rate", type=float, required=True)
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("--label", default="")
args, extra = parser.parse_known_args()

# MLFLOW_RUN_ID, MLFLOW_TRACKING_URI and MLFLOW_EXPERIMENT_ID come from `mlflow run`.
with mlflow.start_run():
    for epoch in range(args.epochs):
        loss = 1.0 / (1.0 + args.learning_rate * (epoch + 1))
        mlflow.log_metric("loss", loss, step=epoch)
    mlflow.log_metric("final_loss", loss)
    print(f"label={args.label} epochs={args.epochs} final_loss={loss:.6f} extra={extra}")
