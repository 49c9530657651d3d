"""Differential suite for MLflow 3 logged models, dataset inputs and model inputs/outputs."""
import pytest
from mlflow.entities import Dataset, DatasetInput, InputTag, LoggedModelInput, LoggedModelStatus

from harness.client_diff import run_scenario

T0 = 1_600_000_000_000


@pytest.mark.area("logged_models")
def test_logged_models(pair):
    def scenario(ctx):
        c = ctx.client
        e = c.create_experiment("models_exp")
        rid = c.create_run(e, start_time=T0, run_name="model_run").info.run_id
        m1 = ctx.call("create", c.create_logged_model, e, "model_one", rid, {"t": "1"}, {"p": "1"}, "agent")
        m2 = ctx.call("create minimal", c.create_logged_model, e, "model_two")
        ctx.call("create in missing experiment", c.create_logged_model, "987654", "x")
        if not (m1 and m2):
            return
        a, b = m1.model_id, m2.model_id
        ctx.call("get", c.get_logged_model, a)
        ctx.call("get missing", c.get_logged_model, "m-" + "0" * 32)
        ctx.call("finalize", c.finalize_logged_model, a, LoggedModelStatus.READY)
        ctx.call("finalize failed", c.finalize_logged_model, b, LoggedModelStatus.FAILED)
        ctx.call("set tags", c.set_logged_model_tags, a, {"k": "v", "t": "2"})
        ctx.call("delete tag", c.delete_logged_model_tag, a, "k")
        ctx.call("delete missing tag", c.delete_logged_model_tag, a, "never")
        ctx.call("params", c.log_model_params, a, {"q": "x", "r": "y"})
        ctx.call("metric for model", c.log_metric, rid, "acc", 0.7, timestamp=T0, step=1, model_id=a,
                 dataset_name="ds", dataset_digest="d1")
        ctx.call("metric for model 2", c.log_metric, rid, "acc", 0.3, timestamp=T0, step=1, model_id=b)
        ctx.call("model inputs", c.log_inputs, rid, None, [LoggedModelInput(a)])
        ctx.call("after all", c.get_logged_model, a)
        ctx.call("run with model io", c.get_run, rid)
        ctx.call("artifacts", c.list_logged_model_artifacts, a)
        ctx.call("search", c.search_logged_models, [e])
        ctx.call("search filter", c.search_logged_models, [e], "name = 'model_one'")
        ctx.call("search metric", c.search_logged_models, [e], "metrics.acc > 0.5")
        ctx.call("search params", c.search_logged_models, [e], "params.q = 'x'")
        ctx.call("search tags IN", c.search_logged_models, [e], "tags.t IN ('2', '3')")
        ctx.call("search order", c.search_logged_models, [e], None, None, None,
                 [{"field_name": "metrics.acc", "ascending": False}])
        ctx.call("search order name", c.search_logged_models, [e], None, None, None,
                 [{"field_name": "name", "ascending": True}])
        ctx.call("search datasets", c.search_logged_models, [e], None, [{"dataset_name": "ds"}])
        ctx.call("search bad entity", c.search_logged_models, [e], "foo.x = 'a'")
        ctx.call("search paged", c.search_logged_models, [e], None, None, 1)
        ctx.call("delete", c.delete_logged_model, b)
        ctx.call("get deleted", c.get_logged_model, b)
        ctx.call("search after delete", c.search_logged_models, [e])
    run_scenario(pair, "client.logged_models", scenario)


@pytest.mark.area("datasets")
def test_dataset_inputs(pair):
    def scenario(ctx):
        c = ctx.client
        e = c.create_experiment("datasets_exp")
        rid = c.create_run(e, start_time=T0, run_name="ds_run").info.run_id
        ds = Dataset("train", "d1g3st", "local", '{"uri": "/data/train.csv"}', '{"cols": ["a"]}',
                     '{"rows": 10}')
        ctx.call("log input", c.log_inputs, rid,
                 [DatasetInput(ds, [InputTag("mlflow.data.context", "training")])])
        ctx.call("log same input again", c.log_inputs, rid,
                 [DatasetInput(ds, [InputTag("mlflow.data.context", "training")])])
        ctx.call("log second", c.log_inputs, rid,
                 [DatasetInput(Dataset("eval", "e1", "local", "{}"), [InputTag("mlflow.data.context", "eval")]),
                  DatasetInput(Dataset("noctx", "n1", "http", "{}"), [])])
        ctx.call("log to missing run", c.log_inputs, "a" * 32,
                 [DatasetInput(Dataset("x", "y", "local", "{}"), [])])
        ctx.call("run inputs", c.get_run, rid)
        ctx.call("search by dataset", c.search_runs, [e], "datasets.name = 'train'")
        ctx.call("search by context", c.search_runs, [e], "datasets.context = 'eval'")
        ctx.call("run inputs via search", lambda: c.search_runs([e])[0].inputs)
        # the fluent flow most users write: a pandas dataset logged as a training input
        import mlflow
        import pandas as pd
        df = pd.DataFrame({"x": [1, 2, 3], "y": [0.5, 1.5, 2.5]})
        mlflow.set_experiment(experiment_id=e)
        with mlflow.start_run(run_name="pandas_input") as run:
            ds = mlflow.data.from_pandas(df, source="file:///data/frame.csv", name="frame", targets="y")
            mlflow.log_input(ds, context="training", tags={"split": "train"})
            mlflow.log_input(ds, context="eval")
        ctx.call("pandas inputs", lambda: c.get_run(run.info.run_id).inputs)
        ctx.call("dataset source round trip", lambda: mlflow.data.get_source(
            c.get_run(run.info.run_id).inputs.dataset_inputs[0].dataset).uri)
        ctx.call("search pandas dataset", c.search_runs, [e],
                 "datasets.name = 'frame' AND datasets.context = 'eval'")
    run_scenario(pair, "client.datasets", scenario)


class AddOne:
    """A tiny pyfunc model (wrapped below); predict adds one to each input."""

    def predict(self, context, model_input, params=None):
        return [x + 1 for x in model_input]


@pytest.mark.area("logged_models")
def test_pyfunc_model_flow(pair):
    """The everyday flow: log a model inside a run, register it, load it back by every URI kind."""
    import mlflow
    import mlflow.pyfunc

    class Model(AddOne, mlflow.pyfunc.PythonModel):
        pass

    def scenario(ctx):
        c = ctx.client
        mlflow.set_experiment("pyfunc_exp")
        with mlflow.start_run(run_name="pyfunc_run") as run:
            mlflow.log_param("alpha", "1")
            info = mlflow.pyfunc.log_model(name="adder", python_model=Model(), pip_requirements=[],
                                           registered_model_name="pyfunc_model")
            mlflow.log_metric("score", 0.5, step=1, timestamp=T0, model_id=info.model_id)
        ctx.note("model info", {"model_uri": info.model_uri, "model_id": info.model_id,
                                "run_id": info.run_id, "registered_model_version": info.registered_model_version,
                                "artifact_path": info.artifact_path})
        ctx.call("logged model", c.get_logged_model, info.model_id)
        ctx.call("model artifacts", lambda: sorted(f.path for f in c.list_logged_model_artifacts(info.model_id)))
        ctx.call("run", c.get_run, run.info.run_id)
        ctx.call("registered version", c.get_model_version, "pyfunc_model", "1")
        ctx.call("registered model", c.get_registered_model, "pyfunc_model")
        for kind, uri in (("model_uri", info.model_uri), ("models:/<model_id>", f"models:/{info.model_id}"),
                          ("models:/<name>/1", "models:/pyfunc_model/1"),
                          ("runs:/<run>/adder", f"runs:/{run.info.run_id}/adder")):
            ctx.call(f"load {kind}", lambda u=uri: mlflow.pyfunc.load_model(u).predict([1, 2]))
        c.set_registered_model_alias("pyfunc_model", "prod", "1")
        ctx.call("load by alias", lambda: mlflow.pyfunc.load_model("models:/pyfunc_model@prod").predict([5]))
        ctx.call("search logged models", mlflow.search_logged_models, output_format="list")
    run_scenario(pair, "client.pyfunc", scenario)
