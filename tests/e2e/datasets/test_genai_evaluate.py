"""Evaluation datasets with traces, through the real MLflow 3.17.2 client against mlflow-cpp: a
dataset built from traces (records sourced from each trace), expectations merged into it, and
mlflow.genai.evaluate over it with a code-only scorer (no LLM is called)."""
import uuid

import pytest

import mlflow  # noqa: E402  (the e2e venv pins it)
from mlflow.genai import datasets as gd  # noqa: E402
from mlflow.genai.scorers import scorer  # noqa: E402

ANSWERS = {"1+1?": "2", "2+2?": "4", "3+3?": "7"}


@mlflow.trace
def answer(question):
    return ANSWERS.get(question, "?")


@scorer
def exact(outputs, expectations):
    return outputs == expectations["expected"]


@pytest.fixture
def eid(srv):
    mlflow.set_tracking_uri(srv.url)
    e = mlflow.create_experiment("genai-eval-" + uuid.uuid4().hex[:8])
    mlflow.set_experiment(experiment_id=e)
    yield e
    mlflow.set_experiment(experiment_id="0")


def test_dataset_from_traces_then_evaluate(eid):
    for q in ANSWERS:
        answer(q)
    mlflow.flush_trace_async_logging()
    traces = mlflow.search_traces(locations=[eid], return_type="list")
    assert len(traces) == 3
    ds = gd.create_dataset(name="from-traces", experiment_id=eid)
    ds.merge_records(traces)
    df = gd.get_dataset(dataset_id=ds.dataset_id).to_df()
    assert sorted(r["question"] for r in df["inputs"]) == sorted(ANSWERS)
    assert set(df["source_type"]) == {"TRACE"}
    assert sorted(df["source_id"]) == sorted(t.info.trace_id for t in traces)
    # Ground truth merged into the same records (same inputs).
    ds.merge_records([{"inputs": {"question": q}, "expectations": {"expected": str(eval(q[:-1]))}}
                      for q in ANSWERS])
    df = gd.get_dataset(dataset_id=ds.dataset_id).to_df()
    assert len(df) == 3
    assert all("expected" in e for e in df["expectations"])

    result = mlflow.genai.evaluate(data=gd.get_dataset(dataset_id=ds.dataset_id), predict_fn=answer,
                                   scorers=[exact])
    assert result.metrics["exact/mean"] == pytest.approx(2 / 3)
    run = mlflow.get_run(result.run_id)
    assert run.info.experiment_id == eid
    # The evaluation's traces carry the scorer's feedback.
    evaluated = mlflow.search_traces(locations=[eid], run_id=result.run_id, return_type="list")
    assert len(evaluated) == 3
    values = sorted(a.value for t in evaluated for a in t.info.assessments if a.name == "exact")
    assert values == [False, True, True]
