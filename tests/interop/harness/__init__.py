"""Differential test harness: real MLflow vs mlflow-cpp."""
