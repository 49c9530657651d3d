"""The real MLflow Python client's registry and logged-model flows against mlflow-cpp, with model
files in a local artifact root and behind the artifact proxy."""
import json

import pytest

import mlflow  # noqa: E402  (the e2e venv pins it)
from mlflow import MlflowClient  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402

from mlflow_server import MlflowCppServer  # noqa: E402


@pytest.fixture(scope="module", params=["local-artifact-root", "proxied-artifacts"])
def client_server(request, tmp_path_factory):
    """Model files either in a local root the client writes itself, or behind the server's
    mlflow-artifacts proxy (the default)."""
    work = tmp_path_factory.mktemp("client")
    args = []
    if request.param == "local-artifact-root":
        args = ["--default-artifact-root", str(work / "mlruns"), "--no-serve-artifacts"]
    with MlflowCppServer(work, extra_args=args) as s:
        mlflow.set_tracking_uri(s.url)
        mlflow.set_registry_uri(s.url)
        yield s


class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return [2 * x for x in model_input]


def test_scenario_log_register_alias_stages_search_delete(client_server):
    c = MlflowClient()
    mlflow.set_experiment("registry-scenario")
    with mlflow.start_run() as run:
        info = mlflow.pyfunc.log_model(name="model", python_model=Doubler(), params={"alpha": 1})
        mlflow.log_metric("acc", 0.9, model_id=info.model_id)
    lm = c.get_logged_model(info.model_id)
    assert lm.status.to_int() == 2  # LOGGED_MODEL_READY after FinalizeLoggedModel
    assert lm.source_run_id == run.info.run_id
    assert [m.key for m in lm.metrics] == ["acc"]
    r = c.get_run(run.info.run_id)
    assert [o.model_id for o in r.outputs.model_outputs] == [info.model_id]

    # Register twice: once from the run, once from the logged model URI.
    mv1 = mlflow.register_model(f"runs:/{run.info.run_id}/model", "scenario")
    mv2 = mlflow.register_model(info.model_uri, "scenario")
    assert (mv1.version, mv2.version) == ("1", "2")
    assert mv1.run_id == run.info.run_id
    tag = json.loads(c.get_logged_model(info.model_id).tags["mlflow.modelVersions"])
    assert {"name": "scenario", "version": 1} in tag and {"name": "scenario", "version": 2} in tag

    # Alias, then move it.
    c.set_registered_model_alias("scenario", "champion", "1")
    assert c.get_model_version_by_alias("scenario", "champion").version == "1"
    c.set_registered_model_alias("scenario", "champion", "2")
    assert c.get_model_version_by_alias("scenario", "champion").version == "2"
    assert c.get_registered_model("scenario").aliases == {"champion": "2"}
    assert mlflow.pyfunc.load_model("models:/scenario@champion").predict([1, 2]) == [2, 4]
    assert mlflow.pyfunc.load_model("models:/scenario/1").predict([3]) == [6]

    # Stages with archive.
    with pytest.warns(FutureWarning):
        c.transition_model_version_stage("scenario", "1", "Production")
        c.transition_model_version_stage("scenario", "2", "Production", archive_existing_versions=True)
    stages = {v.version: v.current_stage for v in c.search_model_versions("name = 'scenario'")}
    assert stages == {"1": "Archived", "2": "Production"}
    with pytest.warns(FutureWarning):
        latest = c.get_latest_versions("scenario", stages=["Production"])
    assert [v.version for v in latest] == ["2"]
    assert mlflow.pyfunc.load_model("models:/scenario/Production").predict([5]) == [10]

    # Searches.
    assert [m.name for m in c.search_registered_models("name LIKE 'scen%'")] == ["scenario"]
    found = mlflow.search_logged_models(filter_string="metrics.acc > 0.5", output_format="list")
    assert [m.model_id for m in found] == [info.model_id]
    c.set_logged_model_tags(info.model_id, {"team": "ml"})
    found = mlflow.search_logged_models(filter_string="tags.team = 'ml'", output_format="list")
    assert [m.model_id for m in found] == [info.model_id]
    assert c.get_model_version_download_uri("scenario", "2").endswith(f"/models/{info.model_id}/artifacts")

    # Deletes.
    c.delete_model_version("scenario", "1")
    assert [v.version for v in c.search_model_versions("name = 'scenario'")] == ["2"]
    with pytest.raises(MlflowException) as e:
        c.get_model_version("scenario", "1")
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    c.delete_registered_model("scenario")
    assert list(c.search_registered_models("name = 'scenario'")) == []


def test_client_registry_calls(client_server):
    c = MlflowClient()
    rm = c.create_registered_model("client-calls", tags={"a": "1"}, description="d")
    assert rm.name == "client-calls" and rm.tags == {"a": "1"}
    # register_model tolerates an existing registered model.
    mv = c.create_model_version("client-calls", "s3://bucket/path", tags={"t": "x"})
    assert mv.version == "1" and mv.tags == {"t": "x"}
    c.update_registered_model("client-calls", description="new")
    c.rename_registered_model("client-calls", "client-calls-2")
    assert c.get_registered_model("client-calls-2").description == "new"
    c.set_model_version_tag("client-calls-2", "1", "k", "v")
    c.delete_model_version_tag("client-calls-2", "1", "t")
    assert c.get_model_version("client-calls-2", "1").tags == {"k": "v"}
    c.update_model_version("client-calls-2", "1", description="mv")
    assert c.get_model_version("client-calls-2", "1").description == "mv"
    c.delete_registered_model_alias("client-calls-2", "none")
    with pytest.raises(MlflowException) as e:
        c.create_registered_model("client-calls-2")
    assert e.value.error_code == "RESOURCE_ALREADY_EXISTS"
    with pytest.raises(MlflowException) as e:
        c.get_model_version_by_alias("client-calls-2", "nope")
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"
    pages = c.search_registered_models(max_results=1)
    assert len(pages) == 1
    c.delete_registered_model("client-calls-2")
    with pytest.raises(MlflowException) as e:
        c.get_registered_model("client-calls-2")
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_logged_model_client_calls(client_server):
    c = MlflowClient()
    exp = c.create_experiment("lm-client")
    m = c.create_logged_model(exp, name="lm_one", params={"p": "1"}, tags={"t": "1"}, model_type="demo")
    assert m.status.to_int() == 1 and m.params == {"p": "1"} and m.model_type == "demo"
    c.log_model_params(m.model_id, {"q": "2"})
    c.delete_logged_model_tag(m.model_id, "t")
    c.finalize_logged_model(m.model_id, mlflow.entities.LoggedModelStatus.READY)
    got = c.get_logged_model(m.model_id)
    assert got.params == {"p": "1", "q": "2"} and got.tags == {} and got.status.to_int() == 2
    paged = c.search_logged_models([exp], max_results=1)
    assert [x.model_id for x in paged] == [m.model_id]
    c.delete_logged_model(m.model_id)
    with pytest.raises(MlflowException) as e:
        c.get_logged_model(m.model_id)
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_sklearn_log_register_load(client_server):
    from sklearn.linear_model import LinearRegression

    x = [[0.0], [1.0], [2.0], [3.0]]
    model = LinearRegression().fit(x, [1.0, 3.0, 5.0, 7.0])
    mlflow.set_experiment("sklearn-flow")
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model")
    mv = mlflow.register_model(f"runs:/{run.info.run_id}/model", "sk")
    MlflowClient().set_registered_model_alias("sk", "champion", mv.version)
    loaded = mlflow.sklearn.load_model("models:/sk@champion")
    assert [round(v, 6) for v in loaded.predict([[4.0]])] == [9.0]
    assert MlflowClient().get_logged_model(info.model_id).status.to_int() == 2


def test_prompts_are_registry_entries(client_server):
    p = mlflow.genai.register_prompt(name="qa-prompt", template="Answer {{question}}", commit_message="first")
    assert p.version == 1
    assert mlflow.genai.register_prompt(name="qa-prompt", template="Answer well {{question}}").version == 2
    mlflow.genai.set_prompt_alias("qa-prompt", alias="prod", version=1)
    assert mlflow.genai.load_prompt("prompts:/qa-prompt@prod").template == "Answer {{question}}"
    assert mlflow.genai.load_prompt("prompts:/qa-prompt/2").template == "Answer well {{question}}"
    assert "qa-prompt" in [x.name for x in mlflow.genai.search_prompts()]
    # Prompts stay out of model searches.
    assert "qa-prompt" not in [m.name for m in MlflowClient().search_registered_models()]
    with pytest.raises(MlflowException) as e:
        MlflowClient().create_registered_model("qa-prompt")
    assert e.value.error_code == "RESOURCE_ALREADY_EXISTS"
