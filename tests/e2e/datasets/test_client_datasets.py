"""The real MLflow 3.17.2 client's evaluation dataset and scorer registry calls against mlflow-cpp
(mlflow.genai.datasets, mlflow.genai.scorers)."""
import uuid

import pytest

import mlflow  # noqa: E402  (the e2e venv pins it)
from mlflow.exceptions import MlflowException  # noqa: E402
from mlflow.genai import datasets as gd  # noqa: E402
from mlflow.genai import scorers as gs  # noqa: E402


@pytest.fixture(scope="module")
def tracking(srv):
    mlflow.set_tracking_uri(srv.url)
    yield srv


@pytest.fixture
def eid(tracking):
    return mlflow.create_experiment("client-ds-" + uuid.uuid4().hex[:8])


def test_dataset_lifecycle(eid):
    ds = gd.create_dataset(name="qa", experiment_id=eid, tags={"team": "eval"})
    assert ds.dataset_id.startswith("d-")
    assert ds.tags["team"] == "eval"
    ds.merge_records([
        {"inputs": {"question": "1+1?"}, "expectations": {"answer": "2"}},
        {"inputs": {"question": "2+2?"}, "expectations": {"answer": "4"}, "tags": {"kind": "math"}},
    ])
    # The same inputs again update the record instead of adding one.
    ds.merge_records([{"inputs": {"question": "1+1?"}, "expectations": {"explanation": "sum"}}])
    got = gd.get_dataset(dataset_id=ds.dataset_id)
    df = got.to_df()
    assert len(df) == 2
    row = df[df["inputs"].apply(lambda x: x["question"] == "1+1?")].iloc[0]
    assert row["expectations"] == {"answer": "2", "explanation": "sum"}
    assert got.experiment_ids == [eid]
    assert '"num_records": 2' in got.profile

    found = gd.search_datasets(experiment_ids=[eid], filter_string="name = 'qa'")
    assert [d.dataset_id for d in found] == [ds.dataset_id]
    gd.set_dataset_tags(dataset_id=ds.dataset_id, tags={"stage": "v2"})
    gd.delete_dataset_tag(dataset_id=ds.dataset_id, key="team")
    assert gd.get_dataset(dataset_id=ds.dataset_id).tags.get("stage") == "v2"
    assert "team" not in gd.get_dataset(dataset_id=ds.dataset_id).tags

    other = mlflow.create_experiment("client-ds-other-" + uuid.uuid4().hex[:8])
    gd.add_dataset_to_experiments(dataset_id=ds.dataset_id, experiment_ids=[other])
    assert sorted(gd.get_dataset(dataset_id=ds.dataset_id).experiment_ids) == sorted([eid, other])
    gd.remove_dataset_from_experiments(dataset_id=ds.dataset_id, experiment_ids=[other])
    assert gd.get_dataset(dataset_id=ds.dataset_id).experiment_ids == [eid]

    gd.delete_dataset(dataset_id=ds.dataset_id)
    with pytest.raises(MlflowException, match="not found"):
        gd.get_dataset(dataset_id=ds.dataset_id)


def test_records_read_in_pages(eid):
    ds = gd.create_dataset(name="big", experiment_id=eid)
    ds.merge_records([{"inputs": {"i": i}, "expectations": {"double": 2 * i}} for i in range(2500)])
    df = gd.get_dataset(dataset_id=ds.dataset_id).to_df()  # the client pages 1000 at a time
    assert sorted(r["i"] for r in df["inputs"]) == list(range(2500))


def test_scorer_registry(eid):
    from mlflow.genai.scorers import RelevanceToQuery

    registered = RelevanceToQuery().register(name="relevance", experiment_id=eid)
    assert registered.name == "relevance"
    RelevanceToQuery().register(name="relevance", experiment_id=eid)
    names = [s.name for s in gs.list_scorers(experiment_id=eid)]
    assert names == ["relevance"]
    versions = gs.registry.list_scorer_versions(name="relevance", experiment_id=eid)
    assert [v for _, v in versions] == [1, 2]
    assert gs.get_scorer(name="relevance", experiment_id=eid, version=1).name == "relevance"
    gs.delete_scorer(name="relevance", experiment_id=eid, version=1)
    assert [v for _, v in gs.registry.list_scorer_versions(name="relevance", experiment_id=eid)] == [2]
    gs.delete_scorer(name="relevance", experiment_id=eid, version="all")
    assert gs.list_scorers(experiment_id=eid) == []
    with pytest.raises(MlflowException, match="not found"):
        gs.get_scorer(name="relevance", experiment_id=eid)


def test_decorator_scorer_registration_is_refused(eid):
    @gs.scorer
    def exact(outputs, expectations):
        return outputs == expectations.get("answer")

    with pytest.raises(MlflowException, match="Custom scorer registration"):
        exact.register(name="exact", experiment_id=eid)
