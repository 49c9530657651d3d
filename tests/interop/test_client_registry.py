"""Differential registry suite: registered models, versions, stages, aliases, tags, search."""
import time

import pytest

from harness.client_diff import run_scenario

T0 = 1_600_000_000_000


@pytest.mark.area("registry")
def test_registry(pair):
    def scenario(ctx):
        c = ctx.client
        e = c.create_experiment("registry_exp")
        rid = c.create_run(e, start_time=T0, run_name="reg_run").info.run_id
        ctx.call("create", c.create_registered_model, "model_a", tags={"t": "1"}, description="desc")
        time.sleep(0.005)
        ctx.call("create duplicate", c.create_registered_model, "model_a")
        ctx.call("create empty", c.create_registered_model, "")
        ctx.call("create b", c.create_registered_model, "model_b")
        time.sleep(0.005)
        ctx.call("get", c.get_registered_model, "model_a")
        ctx.call("get missing", c.get_registered_model, "nope")
        ctx.call("update description", c.update_registered_model, "model_a", "new desc")
        ctx.call("set tag", c.set_registered_model_tag, "model_a", "k", "v")
        ctx.call("delete tag", c.delete_registered_model_tag, "model_a", "t")
        ctx.call("delete missing tag", c.delete_registered_model_tag, "model_a", "t")
        src = f"mlflow-artifacts:/{e}/{rid}/artifacts/model"
        for i in range(3):
            ctx.call(f"version {i + 1}", c.create_model_version, "model_a", src, rid,
                     tags={"v": str(i)}, description=f"version {i + 1}")
            time.sleep(0.005)
        ctx.call("version without run", c.create_model_version, "model_a", "s3://bucket/path")
        ctx.call("version of missing model", c.create_model_version, "nope", src, rid)
        ctx.call("get version", c.get_model_version, "model_a", "2")
        ctx.call("get missing version", c.get_model_version, "model_a", "99")
        ctx.call("get bad version", c.get_model_version, "model_a", "abc")
        ctx.call("update version", c.update_model_version, "model_a", "2", "changed")
        ctx.call("stage", c.transition_model_version_stage, "model_a", "1", "Staging")
        ctx.call("stage prod archive", c.transition_model_version_stage, "model_a", "2", "production", True)
        ctx.call("stage bad", c.transition_model_version_stage, "model_a", "2", "Nowhere")
        ctx.call("latest", c.get_latest_versions, "model_a")
        ctx.call("latest staging", c.get_latest_versions, "model_a", ["Staging"])
        ctx.call("set alias", c.set_registered_model_alias, "model_a", "champion", "3")
        ctx.call("set alias 2", c.set_registered_model_alias, "model_a", "old", "1")
        ctx.call("set alias bad version", c.set_registered_model_alias, "model_a", "x", "99")
        ctx.call("set alias reserved", c.set_registered_model_alias, "model_a", "latest", "1")
        ctx.call("by alias", c.get_model_version_by_alias, "model_a", "champion")
        ctx.call("by missing alias", c.get_model_version_by_alias, "model_a", "none")
        ctx.call("delete alias", c.delete_registered_model_alias, "model_a", "old")
        ctx.call("version tag", c.set_model_version_tag, "model_a", "3", "vt", "x")
        ctx.call("delete version tag", c.delete_model_version_tag, "model_a", "3", "v")
        ctx.call("download uri", c.get_model_version_download_uri, "model_a", "3")
        ctx.call("model after all", c.get_registered_model, "model_a")
        ctx.call("search all", c.search_registered_models)
        ctx.call("search like", c.search_registered_models, "name LIKE 'model_%'")
        ctx.call("search tag", c.search_registered_models, "tags.k = 'v'")
        ctx.call("search order", c.search_registered_models, None, 100, ["name DESC"])
        ctx.call("search bad order", c.search_registered_models, None, 100, ["creation_timestamp"])
        ctx.call("search bad filter", c.search_registered_models, "name IN ('a')")
        ctx.call("search paged", c.search_registered_models, None, 1)
        ctx.call("versions", c.search_model_versions, "name = 'model_a'")
        ctx.call("versions by run", c.search_model_versions, f"run_id = '{rid}'")
        ctx.call("versions number", c.search_model_versions, "name = 'model_a' AND version_number > 1",
                 order_by=["version_number ASC"])
        ctx.call("versions tag", c.search_model_versions, "tags.vt = 'x'")
        ctx.call("versions bad", c.search_model_versions, "version_number > 'a'")
        ctx.call("rename", c.rename_registered_model, "model_a", "model_renamed")
        ctx.call("rename to existing", c.rename_registered_model, "model_renamed", "model_b")
        ctx.call("get old name", c.get_registered_model, "model_a")
        ctx.call("version after rename", c.get_model_version, "model_renamed", "3")
        ctx.call("delete version", c.delete_model_version, "model_renamed", "1")
        ctx.call("get deleted version", c.get_model_version, "model_renamed", "1")
        ctx.call("latest after delete", c.get_latest_versions, "model_renamed")
        ctx.call("delete model", c.delete_registered_model, "model_b")
        ctx.call("get deleted model", c.get_registered_model, "model_b")
        ctx.call("delete missing model", c.delete_registered_model, "model_b")
        ctx.call("final search", c.search_registered_models)
    run_scenario(pair, "client.registry", scenario)
