"""End-to-end tests of every model registry endpoint and its errors (docs/reference/rest-api.md 3.4)."""
import time

from regutil import API, call, error, ok

SRC = "s3://bucket/models/m"


def create_model(s, name, **kw):
    return ok(s, "POST", "registered-models/create", {"name": name, **kw})["registered_model"]


def create_version(s, name, source=SRC, **kw):
    return ok(s, "POST", "model-versions/create", {"name": name, "source": source, **kw})["model_version"]


# ------------------------------------------------------------------ registered models

def test_create_registered_model_shape(srv, name):
    before = int(time.time() * 1000)
    rm = create_model(srv, name, tags=[{"key": "team", "value": "a"}, {"key": "team", "value": "b"}],
                      description="first")
    assert rm["name"] == name
    assert rm["description"] == "first"
    assert rm["creation_timestamp"] == rm["last_updated_timestamp"] >= before
    assert rm["tags"] == [{"key": "team", "value": "b"}]  # duplicate keys: last wins
    assert "latest_versions" not in rm and "aliases" not in rm


def test_create_registered_model_errors(srv, name):
    create_model(srv, name)
    assert error(srv, "POST", "registered-models/create", {"name": name}) == (
        400, "RESOURCE_ALREADY_EXISTS", f"Registered Model (name={name}) already exists.")
    status, code, msg = error(srv, "POST", "registered-models/create", {"name": ""})
    assert (status, code) == (400, "INVALID_PARAMETER_VALUE") and "'name'" in msg
    status, code, msg = error(srv, "POST", "registered-models/create",
                              {"name": name + "x", "tags": [{"key": "bad\u0000", "value": "v"}]})
    assert code == "INVALID_PARAMETER_VALUE"
    status, code, msg = error(srv, "POST", "registered-models/create",
                              {"name": name + "y", "tags": [{"key": "k", "value": "v" * 100001}]})
    assert msg == "'value' exceeds the maximum length of 100000 characters"
    status, code, msg = error(srv, "POST", "registered-models/create",
                              {"name": name + "z", "tags": [{"key": "k" * 251, "value": "v"}]})
    assert msg == "'key' exceeds the maximum length of 250 characters"
    # A tag error creates nothing.
    assert error(srv, "GET", "registered-models/get", params={"name": name + "y"})[1] == "RESOURCE_DOES_NOT_EXIST"


def test_prompt_and_model_names_conflict(srv, name):
    create_model(srv, name, tags=[{"key": "mlflow.prompt.is_prompt", "value": "true"}])
    _, code, msg = error(srv, "POST", "registered-models/create", {"name": name})
    assert code == "RESOURCE_ALREADY_EXISTS"
    assert msg.startswith(f"Tried to create a registered model with name '{name}', but the name is already taken "
                          "by a prompt.")
    _, code, msg = error(srv, "POST", "registered-models/create",
                         {"name": name, "tags": [{"key": "mlflow.prompt.is_prompt", "value": "true"}]})
    assert msg == f"Prompt (name={name}) already exists."


def test_get_update_rename_delete(srv, name):
    create_model(srv, name, description="d")
    create_version(srv, name)
    ok(srv, "POST", "model-versions/set-tag", {"name": name, "version": "1", "key": "vt", "value": "x"})
    ok(srv, "POST", "registered-models/alias", {"name": name, "alias": "champion", "version": "1"})
    ok(srv, "POST", "registered-models/set-tag", {"name": name, "key": "k", "value": "v"})

    rm = ok(srv, "PATCH", "registered-models/update", {"name": name, "description": "new"})["registered_model"]
    assert rm["description"] == "new"
    rm = ok(srv, "PATCH", "registered-models/update", {"name": name})["registered_model"]
    assert "description" not in rm  # absent description clears it

    new = name + "-renamed"
    time.sleep(0.002)
    rm = ok(srv, "POST", "registered-models/rename", {"name": name, "new_name": new})["registered_model"]
    assert rm["name"] == new
    assert rm["aliases"] == [{"alias": "champion", "version": "1"}]
    assert rm["tags"] == [{"key": "k", "value": "v"}]
    mv = ok(srv, "GET", "model-versions/get", params={"name": new, "version": "1"})["model_version"]
    assert mv["name"] == new and mv["tags"] == [{"key": "vt", "value": "x"}] and mv["aliases"] == ["champion"]
    assert mv["last_updated_timestamp"] == rm["last_updated_timestamp"]
    assert error(srv, "GET", "registered-models/get", params={"name": name}) == (
        404, "RESOURCE_DOES_NOT_EXIST", f"Registered Model with name={name} not found")

    other = create_model(srv, name + "-other")["name"]
    status, code, msg = error(srv, "POST", "registered-models/rename", {"name": new, "new_name": other})
    assert (status, code) == (400, "RESOURCE_ALREADY_EXISTS")
    assert msg.startswith(f"Registered Model (name={other}) already exists. Error: ")
    assert error(srv, "POST", "registered-models/rename", {"name": new})[1] == "INVALID_PARAMETER_VALUE"
    assert error(srv, "POST", "registered-models/rename", {"name": "nope-" + name, "new_name": "x"})[0] == 404

    ok(srv, "DELETE", "registered-models/delete", {"name": new})
    assert error(srv, "GET", "registered-models/get", params={"name": new})[0] == 404
    assert error(srv, "DELETE", "registered-models/delete", {"name": new})[0] == 404
    # The name can be reused and numbering starts again.
    create_model(srv, new)
    assert create_version(srv, new)["version"] == "1"


def test_registered_model_tags(srv, name):
    create_model(srv, name)
    ok(srv, "POST", "registered-models/set-tag", {"name": name, "key": "a", "value": "1"})
    ok(srv, "POST", "registered-models/set-tag", {"name": name, "key": "a", "value": "2"})
    ok(srv, "POST", "registered-models/set-tag", {"name": name, "key": "b"})
    rm = ok(srv, "GET", "registered-models/get", params={"name": name})["registered_model"]
    assert rm["tags"] == [{"key": "a", "value": "2"}, {"key": "b", "value": ""}]
    ok(srv, "DELETE", "registered-models/delete-tag", {"name": name, "key": "a"})
    ok(srv, "DELETE", "registered-models/delete-tag", {"name": name, "key": "a"})  # missing tag: no error
    rm = ok(srv, "GET", "registered-models/get", params={"name": name})["registered_model"]
    assert rm["tags"] == [{"key": "b", "value": ""}]
    assert error(srv, "POST", "registered-models/set-tag", {"name": "nope-" + name, "key": "a", "value": "1"})[0] == 404
    assert error(srv, "DELETE", "registered-models/delete-tag", {"name": "nope-" + name, "key": "a"})[0] == 404
    _, code, msg = error(srv, "POST", "registered-models/set-tag", {"name": name, "key": "/abs", "value": "1"})
    assert code == "INVALID_PARAMETER_VALUE" and "resolve" in msg
    _, code, msg = error(srv, "POST", "registered-models/set-tag", {"name": name, "value": "1"})
    assert msg.startswith("Missing value for required parameter 'key'.")


# ------------------------------------------------------------------ model versions

def test_create_model_version_shape_and_numbering(srv, name):
    create_model(srv, name)
    run = ok(srv, "POST", "runs/create", {"experiment_id": "0"})["run"]["info"]
    mv = create_version(srv, name, run_id=run["run_id"], tags=[{"key": "t", "value": "1"}],
                        run_link="http://x", description="v1")
    assert mv == {
        "name": name, "version": "1", "creation_timestamp": mv["creation_timestamp"],
        "last_updated_timestamp": mv["creation_timestamp"], "current_stage": "None", "description": "v1",
        "source": SRC, "run_id": run["run_id"], "status": "READY", "tags": [{"key": "t", "value": "1"}],
        "run_link": "http://x",
    }
    mv2 = create_version(srv, name)
    assert mv2["version"] == "2"
    # Unset strings come back as "" (MLflow stores the request's proto defaults).
    assert mv2["run_id"] == "" and mv2["run_link"] == "" and mv2["description"] == ""
    rm = ok(srv, "GET", "registered-models/get", params={"name": name})["registered_model"]
    assert rm["last_updated_timestamp"] == mv2["creation_timestamp"]
    ok(srv, "DELETE", "model-versions/delete", {"name": name, "version": "2"})
    assert create_version(srv, name)["version"] == "3"  # numbers are never reused


def test_create_model_version_errors(srv, name):
    assert error(srv, "POST", "model-versions/create", {"name": "nope-" + name, "source": SRC}) == (
        404, "RESOURCE_DOES_NOT_EXIST", f"Registered Model with name=nope-{name} not found")
    create_model(srv, name)
    assert error(srv, "POST", "model-versions/create", {"name": name})[2].startswith(
        "Missing value for required parameter 'source'.")
    for bad in ["s3://b/a/../b", "mlflow-artifacts:/0/x/%2E%2E/y", "http://h/api/2.0/mlflow-artifacts/artifacts/../x",
                "s3://b/./x"]:
        _, code, msg = error(srv, "POST", "model-versions/create", {"name": name, "source": bad})
        assert code == "INVALID_PARAMETER_VALUE"
        assert msg.startswith(f"Invalid model version source: '{bad}'. If supplying a source as an http")
    for bad in ["s3://bucket", "dbfs:relative/x"]:  # no absolute path: rejected, never a crash
        assert error(srv, "POST", "model-versions/create", {"name": name, "source": bad})[:2] == (
            400, "INVALID_PARAMETER_VALUE")
    # runs:/ and models:/m- sources must name the run / logged model the request names.
    run = ok(srv, "POST", "runs/create", {"experiment_id": "0"})["run"]["info"]["run_id"]
    assert error(srv, "POST", "model-versions/create", {"name": name, "source": f"runs:/{run}/model"})[2] == (
        f"Invalid model version source: 'runs:/{run}/model'. The run_id request parameter must identify the "
        "resource that contains the source.")
    assert error(srv, "POST", "model-versions/create",
                 {"name": name, "source": "models:/m-" + "0" * 32})[2].endswith(
        "The model_id request parameter must identify the resource that contains the source.")
    assert error(srv, "POST", "model-versions/create", {"name": name, "source": f"models:/{name}/42"}) == (
        404, "RESOURCE_DOES_NOT_EXIST", f"Model Version (name={name}, version=42) not found")
    status, code, msg = error(srv, "POST", "registered-models/create",
                              {"name": name + "-k", "tags": [{"key": "", "value": "v"}]})
    assert msg.startswith("Invalid value \"\" for parameter 'key' supplied: Names may be treated as files")
    _, code, msg = error(srv, "POST", "model-versions/create", {"name": name, "source": "/etc/passwd"})
    assert msg.startswith("Invalid model version source: '/etc/passwd'. To use a local path as a model version "
                          "source, the run_id request parameter has to be specified")
    _, _, msg = error(srv, "POST", "model-versions/create",
                      {"name": name, "source": "s3://b/x", "tags": [{"key": "mlflow.prompt.text", "value": "x" * 100001}]})
    assert msg == "Prompt text exceeds max length of 100000 characters."
    # Prompts skip source validation.
    mv = create_version(srv, name, source="../anything", tags=[{"key": "mlflow.prompt.is_prompt", "value": "true"}])
    assert mv["source"] == "../anything"
    # Failed creations consumed no number.
    assert mv["version"] == "1"
    mv = create_version(srv, name, source=f"runs:/{run}/model", run_id=run)
    assert (mv["version"], mv["run_id"]) == ("2", run)


def test_local_source_inside_run_artifacts(tmp_path):
    from mlflow_server import MlflowCppServer
    root = tmp_path / "mlruns"
    with MlflowCppServer(tmp_path, extra_args=["--default-artifact-root", str(root), "--no-serve-artifacts"]) as s:
        ok(s, "POST", "registered-models/create", {"name": "local"})
        run = ok(s, "POST", "runs/create", {"experiment_id": "0"})["run"]["info"]
        inside = run["artifact_uri"] + "/model"
        mv = ok(s, "POST", "model-versions/create",
                {"name": "local", "source": inside, "run_id": run["run_id"]})["model_version"]
        assert mv["source"] == inside
        _, code, msg = error(s, "POST", "model-versions/create",
                             {"name": "local", "source": str(tmp_path / "elsewhere"), "run_id": run["run_id"]})
        assert code == "INVALID_PARAMETER_VALUE" and "contained within the artifact directory" in msg


def test_get_update_delete_model_version(srv, name):
    create_model(srv, name)
    create_version(srv, name, description="x")
    assert error(srv, "GET", "model-versions/get", params={"name": name, "version": "9"}) == (
        404, "RESOURCE_DOES_NOT_EXIST", f"Model Version (name={name}, version=9) not found")
    assert error(srv, "GET", "model-versions/get", params={"name": name, "version": "abc"}) == (
        400, "INVALID_PARAMETER_VALUE", "Parameter 'version' must be an integer, got 'abc'.")
    assert ok(srv, "GET", "model-versions/get", params={"name": name, "version": " 1 "})["model_version"]["version"] == "1"
    mv = ok(srv, "PATCH", "model-versions/update", {"name": name, "version": "1", "description": "y"})["model_version"]
    assert mv["description"] == "y"
    mv = ok(srv, "PATCH", "model-versions/update", {"name": name, "version": "1"})["model_version"]
    assert mv["description"] == ""
    assert error(srv, "PATCH", "model-versions/update", {"name": name, "version": "7"})[0] == 404
    ok(srv, "POST", "registered-models/alias", {"name": name, "alias": "a1", "version": "1"})
    ok(srv, "DELETE", "model-versions/delete", {"name": name, "version": "1"})
    assert error(srv, "GET", "model-versions/get", params={"name": name, "version": "1"})[0] == 404
    assert error(srv, "DELETE", "model-versions/delete", {"name": name, "version": "1"})[0] == 404
    rm = ok(srv, "GET", "registered-models/get", params={"name": name})["registered_model"]
    assert "aliases" not in rm and "latest_versions" not in rm  # its alias went with it
    assert error(srv, "GET", "model-versions/get-download-uri", params={"name": name, "version": "1"})[0] == 404


def test_transition_stage_and_latest_versions(srv, name):
    create_model(srv, name)
    for _ in range(4):
        create_version(srv, name)
    mv = ok(srv, "POST", "model-versions/transition-stage",
            {"name": name, "version": "1", "stage": "production"})["model_version"]
    assert mv["current_stage"] == "Production"
    ok(srv, "POST", "model-versions/transition-stage", {"name": name, "version": "2", "stage": "STAGING"})
    ok(srv, "POST", "model-versions/transition-stage", {"name": name, "version": "3", "stage": "Staging"})
    mv = ok(srv, "POST", "model-versions/transition-stage",
            {"name": name, "version": "4", "stage": "Production", "archive_existing_versions": True})["model_version"]
    assert mv["current_stage"] == "Production"
    v1 = ok(srv, "GET", "model-versions/get", params={"name": name, "version": "1"})["model_version"]
    assert v1["current_stage"] == "Archived" and v1["last_updated_timestamp"] == mv["last_updated_timestamp"]
    v2 = ok(srv, "GET", "model-versions/get", params={"name": name, "version": "2"})["model_version"]
    assert v2["current_stage"] == "Staging"  # other stages untouched

    latest = ok(srv, "POST", "registered-models/get-latest-versions", {"name": name})["model_versions"]
    assert {(v["version"], v["current_stage"]) for v in latest} == {("1", "Archived"), ("3", "Staging"),
                                                                    ("4", "Production")}
    latest = ok(srv, "GET", "registered-models/get-latest-versions",
                params={"name": name, "stages": ["staging", "None"]})
    assert [v["version"] for v in latest["model_versions"]] == ["3"]
    rm = ok(srv, "GET", "registered-models/get", params={"name": name})["registered_model"]
    assert sorted(v["version"] for v in rm["latest_versions"]) == ["1", "3", "4"]

    assert error(srv, "POST", "model-versions/transition-stage", {"name": name, "version": "1", "stage": "Nowhere"}) == (
        400, "INVALID_PARAMETER_VALUE",
        "Invalid Model Version stage: Nowhere. Value must be one of None, Staging, Production, Archived.")
    assert error(srv, "POST", "registered-models/get-latest-versions", {"name": name, "stages": ["x"]})[2] == (
        "Invalid Model Version stage: x. Value must be one of None, Staging, Production, Archived.")
    status, code, msg = error(srv, "POST", "model-versions/transition-stage",
                              {"name": name, "version": "1", "stage": "Archived", "archive_existing_versions": True})
    assert (status, code) == (400, "INVALID_PARAMETER_VALUE")
    assert msg == ("Model version transition cannot archive existing model versions because 'Archived' is not an "
                   "Active stage. Valid stages are ['Staging', 'Production']")
    assert error(srv, "POST", "model-versions/transition-stage", {"name": name, "version": "9", "stage": "None"})[0] == 404
    assert error(srv, "POST", "registered-models/get-latest-versions", {"name": "nope-" + name})[0] == 404


def test_model_version_tags(srv, name):
    create_model(srv, name)
    create_version(srv, name)
    ok(srv, "POST", "model-versions/set-tag", {"name": name, "version": "1", "key": "k", "value": "1"})
    ok(srv, "POST", "model-versions/set-tag", {"name": name, "version": "1", "key": "k", "value": "2"})
    mv = ok(srv, "GET", "model-versions/get", params={"name": name, "version": "1"})["model_version"]
    assert mv["tags"] == [{"key": "k", "value": "2"}]
    ok(srv, "DELETE", "model-versions/delete-tag", {"name": name, "version": "1", "key": "k"})
    ok(srv, "DELETE", "model-versions/delete-tag", {"name": name, "version": "1", "key": "k"})
    mv = ok(srv, "GET", "model-versions/get", params={"name": name, "version": "1"})["model_version"]
    assert "tags" not in mv
    assert error(srv, "POST", "model-versions/set-tag", {"name": name, "version": "5", "key": "k", "value": "1"})[0] == 404
    assert error(srv, "POST", "model-versions/set-tag", {"name": name, "version": "x", "key": "k", "value": "1"})[0] == 400
    assert error(srv, "DELETE", "model-versions/delete-tag", {"name": name, "version": "5", "key": "k"})[0] == 404
    assert error(srv, "POST", "model-versions/set-tag",
                 {"name": name, "version": "1", "key": "k", "value": "v" * 100001})[2] == (
        "'value' exceeds the maximum length of 100000 characters")


def test_aliases(srv, name):
    create_model(srv, name)
    create_version(srv, name)
    create_version(srv, name)
    ok(srv, "POST", "registered-models/alias", {"name": name, "alias": "champion", "version": "1"})
    mv = ok(srv, "GET", "registered-models/alias", params={"name": name, "alias": "champion"})["model_version"]
    assert mv["version"] == "1" and mv["aliases"] == ["champion"]
    ok(srv, "POST", "registered-models/alias", {"name": name, "alias": "champion", "version": "2"})  # moves
    mv = ok(srv, "GET", "registered-models/alias", params={"name": name, "alias": "champion"})["model_version"]
    assert mv["version"] == "2"
    v1 = ok(srv, "GET", "model-versions/get", params={"name": name, "version": "1"})["model_version"]
    assert "aliases" not in v1
    # "latest" is the highest version when no stages are used.
    assert ok(srv, "GET", "registered-models/alias", params={"name": name, "alias": "Latest"})["model_version"]["version"] == "2"

    for alias, msg in [
        ("latest", "'latest' alias name (case insensitive) is reserved."),
        ("v3", "Version alias name 'v3' is reserved."),
        ("V12", "Version alias name 'V12' is reserved."),
        ("bad alias", "Invalid alias name: 'bad alias'. Names may only contain alphanumerics, underscores (_), "
                      "and dashes (-)."),
        ("a" * 256, "'Registered model alias name' exceeds the maximum length of 255 characters"),
    ]:
        assert error(srv, "POST", "registered-models/alias", {"name": name, "alias": alias, "version": "1"}) == (
            400, "INVALID_PARAMETER_VALUE", msg)
    assert error(srv, "POST", "registered-models/alias", {"name": name, "alias": "x", "version": "9"})[0] == 404
    assert error(srv, "GET", "registered-models/alias", params={"name": name, "alias": "none"}) == (
        400, "INVALID_PARAMETER_VALUE", "Registered model alias none not found.")
    ok(srv, "DELETE", "registered-models/alias", {"name": name, "alias": "champion"})
    ok(srv, "DELETE", "registered-models/alias", {"name": name, "alias": "champion"})  # missing: no error
    assert error(srv, "GET", "registered-models/alias", params={"name": name, "alias": "champion"})[0] == 400
    assert error(srv, "DELETE", "registered-models/alias", {"name": "nope-" + name, "alias": "a"})[0] == 404
    empty = create_model(srv, name + "-empty")["name"]
    assert error(srv, "GET", "registered-models/alias", params={"name": empty, "alias": "latest"}) == (
        404, "RESOURCE_DOES_NOT_EXIST", f"Latest version not found for model {empty}.")


def test_download_uri(srv, name):
    create_model(srv, name)
    create_version(srv, name, source="s3://b/one")
    assert ok(srv, "GET", "model-versions/get-download-uri",
              params={"name": name, "version": "1"}) == {"artifact_uri": "s3://b/one"}
    # models:/<name>/<version> sources resolve to that version's location.
    mv = create_version(srv, name, source=f"models:/{name}/1")
    assert mv["source"] == f"models:/{name}/1"
    assert ok(srv, "GET", "model-versions/get-download-uri",
              params={"name": name, "version": "2"})["artifact_uri"] == "s3://b/one"
    # models:/<name>/<stage>, /latest and @alias sources resolve too.
    create_version(srv, name, source="s3://b/three")
    ok(srv, "POST", "model-versions/transition-stage", {"name": name, "version": "1", "stage": "Production"})
    ok(srv, "POST", "registered-models/alias", {"name": name, "alias": "champ", "version": "3"})
    # (latest = version 4 by then, itself made from the Production version 1.)
    for src, expected in [(f"models:/{name}/production", "s3://b/one"), (f"models:/{name}/latest", "s3://b/one"),
                          (f"models:/{name}@champ", "s3://b/three")]:
        v = create_version(srv, name, source=src)["version"]
        assert ok(srv, "GET", "model-versions/get-download-uri",
                  params={"name": name, "version": v})["artifact_uri"] == expected, src
    assert error(srv, "POST", "model-versions/create", {"name": name, "source": f"models:/{name}/Staging"})[1] == (
        "INVALID_PARAMETER_VALUE")
    _, code, msg = error(srv, "GET", "model-versions/get-download-uri", params={"version": "1"})
    assert code == "INVALID_PARAMETER_VALUE" and "'name'" in msg


def test_search_registered_models(srv):
    prefix = "srch-" + str(time.time_ns())
    names = [f"{prefix}-{i:02d}" for i in range(7)]
    for n in names:
        create_model(srv, n)
    ok(srv, "POST", "registered-models/set-tag", {"name": names[3], "key": "team", "value": "x"})
    create_model(srv, prefix + "-prompt", tags=[{"key": "mlflow.prompt.is_prompt", "value": "true"}])

    out = ok(srv, "GET", "registered-models/search", params={"filter": f"name LIKE '{prefix}-%'"})
    assert [m["name"] for m in out["registered_models"]] == names  # prompts excluded, name ASC
    out = ok(srv, "GET", "registered-models/search", params={"filter": "tags.team = 'x'"})
    assert [m["name"] for m in out["registered_models"]] == [names[3]]
    out = ok(srv, "GET", "registered-models/search",
             params={"filter": f"tags.`mlflow.prompt.is_prompt` = 'true' AND name LIKE '{prefix}%'"})
    assert [m["name"] for m in out["registered_models"]] == [prefix + "-prompt"]
    out = ok(srv, "GET", "registered-models/search",
             params={"filter": f"name LIKE '{prefix}-%'", "order_by": ["name DESC"]})
    assert [m["name"] for m in out["registered_models"]] == names[::-1]

    # Paging: tokens only while more rows exist.
    seen, token = [], None
    for _ in range(10):
        params = {"filter": f"name LIKE '{prefix}-%'", "max_results": 3}
        if token:
            params["page_token"] = token
        out = ok(srv, "GET", "registered-models/search", params=params)
        seen += [m["name"] for m in out.get("registered_models", [])]
        token = out.get("next_page_token")
        if not token:
            break
    assert seen == names

    assert error(srv, "GET", "registered-models/search", params={"max_results": 1001})[2].startswith(
        "Invalid value 1001 for parameter 'max_results' supplied")
    assert error(srv, "GET", "registered-models/search", params={"order_by": ["creation_timestamp"]})[1] == (
        "INVALID_PARAMETER_VALUE")
    assert error(srv, "GET", "registered-models/search", params={"filter": "name = 'a' OR name = 'b'"})[1] == (
        "INVALID_PARAMETER_VALUE")
    assert error(srv, "GET", "registered-models/search", params={"page_token": "notatoken"})[1] == (
        "INVALID_PARAMETER_VALUE")


def test_search_model_versions(srv, name):
    create_model(srv, name)
    run = ok(srv, "POST", "runs/create", {"experiment_id": "0"})["run"]["info"]["run_id"]
    for i in range(5):
        create_version(srv, name, source=f"s3://b/v{i}", run_id=run if i % 2 else "")
        time.sleep(0.002)
    ok(srv, "POST", "registered-models/alias", {"name": name, "alias": "a", "version": "2"})
    ok(srv, "DELETE", "model-versions/delete", {"name": name, "version": "5"})

    out = ok(srv, "GET", "model-versions/search", params={"filter": f"name = '{name}'"})
    versions = out["model_versions"]
    assert [v["version"] for v in versions] == ["4", "3", "2", "1"]  # last_updated DESC; deleted excluded
    assert all("aliases" not in v for v in versions)  # search carries no aliases, as in MLflow
    out = ok(srv, "GET", "model-versions/search", params={"filter": f"run_id = '{run}'"})
    assert sorted(v["version"] for v in out["model_versions"]) == ["2", "4"]
    out = ok(srv, "GET", "model-versions/search",
             params={"filter": f"name = '{name}' AND version_number >= 3", "order_by": ["version_number ASC"]})
    assert [v["version"] for v in out["model_versions"]] == ["3", "4"]
    out = ok(srv, "GET", "model-versions/search",
             params={"filter": f"name = '{name}' AND source_path LIKE 's3://b/v1%'"})
    assert [v["version"] for v in out["model_versions"]] == ["2"]
    out = ok(srv, "GET", "model-versions/search", params={"filter": f"name = '{name}'", "max_results": 3})
    assert len(out["model_versions"]) == 3 and out["next_page_token"]
    out = ok(srv, "GET", "model-versions/search",
             params={"filter": f"name = '{name}'", "max_results": 3, "page_token": out["next_page_token"]})
    assert [v["version"] for v in out["model_versions"]] == ["1"] and "next_page_token" not in out
    assert error(srv, "GET", "model-versions/search", params={"max_results": 0})[2] == (
        "Invalid value for max_results. It must be a positive integer, but got 0")
    assert error(srv, "GET", "model-versions/search", params={"max_results": 200001})[2].startswith(
        "Invalid value 200001 for parameter 'max_results' supplied")
    assert error(srv, "GET", "model-versions/search", params={"filter": "creation_timestamp > 1"})[1] == (
        "INVALID_PARAMETER_VALUE")


def test_required_fields_and_content_type(srv):
    status, out = srv.request("POST", API + "registered-models/create", raw="{}",
                              headers={"Content-Type": "text/plain"})
    assert status == 400 and out["message"] == "Bad Request. Content-Type must be one of ['application/json']."
    for method, endpoint, field in [
        ("POST", "registered-models/create", "name"),
        ("GET", "registered-models/get", "name"),
        ("DELETE", "registered-models/delete", "name"),
        ("POST", "model-versions/create", "name"),
        ("GET", "model-versions/get", "name"),
        ("POST", "registered-models/alias", "name"),
    ]:
        body = {} if method != "GET" else None
        status, code, msg = error(srv, method, endpoint, body=body)
        assert (status, code) == (400, "INVALID_PARAMETER_VALUE")
        assert msg.startswith(f"Missing value for required parameter '{field}'.")


def test_ajax_prefix_and_methods(srv, name):
    create_model(srv, name)
    s1, a = srv.get(API + "registered-models/get", params={"name": name})
    s2, b = srv.get("/ajax-api/2.0/mlflow/registered-models/get", params={"name": name})
    assert s1 == s2 == 200 and a == b
    status, _ = srv.request("POST", API + "registered-models/get", body={"name": name})
    assert status == 405
