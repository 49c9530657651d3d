"""Which areas of the API the interop suites exercise against mlflow-cpp.

Every interop test is marked with one area (@pytest.mark.area("...")). Tests whose area is not in
ENABLED_AREAS are not run against mlflow-cpp, and the closing summary line names those areas, so a
gap is never silent. Add an area here in the same commit that makes the server serve it.

MLFLOW_INTEROP_AREAS=all (or a comma list) overrides this list; a real-vs-real run enables all.
"""

ALL_AREAS = {
    "experiments": "create, get, get-by-name, rename, delete, restore, experiment tags",
    "runs": "create, update, end, nested, delete, restore, get",
    "logging": "params, metrics (steps, NaN/inf), tags, log-batch and its limits, metric history",
    "search": "search runs/experiments: filter and order-by corpus, paging over thousands of runs",
    "artifacts": "log, list, download artifacts through the proxied artifact endpoints",
    "registry": "registered models, versions, stages, aliases, tags, registry search",
    "logged_models": "MLflow 3 logged models: create, finalize, tags, params, search",
    "datasets": "dataset inputs on runs, dataset filters in run search",
    "tracing": "GenAI traces: traced functions, spans (OTLP), trace search, tags, assessments, deletion",
    "genai_datasets": "evaluation datasets (mlflow.genai.datasets) and the scorer registry",
    "http": "raw HTTP: malformed JSON, wrong types, missing fields, unknown ids/paths/methods",
    "stateful": "seeded random operation sequences (experiments, runs, logging, search)",
    "db_roundtrip": "databases written by one server read by the other",
    "migrate_filestore": "a file store (mlruns/) migrated by MLflow's and by our migrate-filestore, read back equal",
    "harness": "self-tests of normalization and comparison (no server)",
}

# The lead updates this list as areas land in mlflow-cpp.
ENABLED_AREAS = [
    "experiments", "runs", "logging", "search", "artifacts", "registry", "logged_models", "datasets",
    "genai_datasets", "tracing", "http", "stateful", "db_roundtrip", "migrate_filestore",
    "harness",
]


def enabled_areas() -> set:
    """ENABLED_AREAS, or all areas in a real-vs-real run, or MLFLOW_INTEROP_AREAS when set."""
    import os
    override = os.environ.get("MLFLOW_INTEROP_AREAS", "").strip()
    if override == "all" or os.environ.get("MLFLOW_INTEROP_CANDIDATE", "") == "real":
        return set(ALL_AREAS)
    if override:
        return {a.strip() for a in override.split(",") if a.strip()}
    return set(ENABLED_AREAS)
