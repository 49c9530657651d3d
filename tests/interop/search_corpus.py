"""Filter strings and order-by clauses for the differential search tests.

{id:NAME} / {ID:NAME} are replaced, on each server, by the run id (lower / upper case) of the corpus
run called NAME, so filters on run ids mean the same on both sides.
"""

RUN_FILTERS = [
    "",
    # metrics: numeric comparisons against the latest value, NaN stored as 0, inf as max double
    "metrics.acc > 0.5", "metrics.acc >= 0.8", "metrics.acc < 0.85", "metrics.acc <= 0",
    "metrics.acc = 0", "metrics.acc != 0.9", "metrics.acc > 1e300", "metrics.acc < -1e300",
    "metrics.acc = 1.7976931348623157e308", "metrics.loss = 0", "metrics.loss != 0.5",
    "metrics.loss > -1", "metric.acc > 0.5", "metrics.`acc` > 0.5", 'metrics."acc" > 0.5',
    "metrics.acc>=0.8", "metrics.acc > .5", "metrics.acc > -0.5", "metrics.acc > 5e-1",
    "metrics.acc > 0 AND metrics.acc < 1", "metrics.acc > 0 and metrics.loss < 1",
    "metrics.`step metric` >= 2", "metrics.missing_metric > 0", "metrics.missing_metric != 0",
    # params
    "params.lr = '0.1'", "params.lr != '0.1'", "param.lr = '0.1'", "parameter.lr='0.1'",
    'parameters.lr = "0.1"', "params.opt LIKE 'a%'", "params.opt ILIKE 'a%'", "params.opt LIKE '_dam'",
    "params.opt LIKE '%'", "params.opt like 'A%'", "params.`p-1` = 'a%b'", "params.`p-1` LIKE 'a_b'",
    "params.`p-1` LIKE 'a%'", "params.`p-1` LIKE '%\\%%'", "params.uni = 'é'", "params.uni LIKE '_'",
    "params.empty = ''", "params.empty != ''", "params.lr != '0.1' AND params.lr != '0.01'",
    "params.missing = 'x'", "params.missing != 'x'", "params.lr = '0.1' AND params.opt = 'adam'",
    "params.\"with space\" = 'v'", "params.`with space` LIKE 'v%'", "params.a.b = 'dotted'",
    # tags
    "tags.env = 'prod'", "tags.env LIKE 'prod%'", "tags.env LIKE 'prod_1'", "tags.env ILIKE 'PROD'",
    "tags.env != 'prod'", "tags.env = ''", "tags.`my tag` = 'x y'", 'tags."my tag" = \'x y\'',
    "tags.t LIKE '%\\_%'", "tags.t LIKE 'under_score'", "tags.t LIKE 'under%score'",
    "tags.mlflow.runName = 'r01'", "tags.`mlflow.runName` LIKE 'r0%'", "tag.env = 'dev'",
    "tags.env LIKE '%'", "tags.env LIKE ''", "tags.quote = \"it's\"",
    # attributes
    "attributes.status = 'FINISHED'", "status = 'FAILED'", "attribute.status != 'RUNNING'",
    "attr.status = 'RUNNING'", "run.status = 'KILLED'", "attributes.status LIKE 'FIN%'",
    "attributes.status ILIKE 'fin%'", "run_name = 'r01'", "attributes.run_name LIKE 'r0%'",
    "attributes.`Run name` = 'r02'", "attributes.`run name` = 'r02'", "attributes.run_name ILIKE 'R1%'",
    "attributes.run_name != 'r01'", "attributes.user_id LIKE '%'", "attributes.user_id = 'nobody'",
    "attributes.start_time > 1600000004000", "attributes.created >= 1600000006000",
    "attributes.Created < 1600000003000", "attributes.end_time < 1600000500000",
    "attributes.end_time > 0", "attributes.end_time != 1600000100000", "start_time = 1600000001000",
    "attributes.run_id = '{id:r03}'", "attributes.run_id IN ('{id:r01}', '{id:r02}')",
    "run_id NOT IN ('{id:r01}')", "attributes.run_id IN ('{ID:r01}', '{id:r04}')",
    "attributes.run_id IN ('{id:r05}')", "attributes.run_id != '{id:r01}'",
    "attributes.run_id LIKE '{id:r06}'", "attributes.artifact_uri LIKE '%{id:r03}%'",
    "attributes.artifact_uri LIKE 'mlflow-artifacts:%'",
    # datasets
    "datasets.name = 'ds1'", "dataset.digest = 'abc123'", "datasets.context = 'training'",
    "datasets.name IN ('ds1', 'ds2')", "datasets.name NOT IN ('ds1')", "datasets.context LIKE 'ev%'",
    "datasets.name = 'ds1' AND datasets.context = 'eval'", "datasets.name ILIKE 'DS%'",
    "datasets.digest != 'abc123'", "datasets.name IN ('DS1')", "datasets.bogus = 'x'",
    # combinations
    "params.lr = '0.1' AND tags.env = 'prod' AND status = 'FINISHED'",
    "metrics.acc > 0 AND params.opt LIKE '%a%' AND tags.env LIKE 'prod%'",
    "metrics.acc > 0.5 AND metrics.acc > 0.85", "tags.env = 'prod' AND tags.env = 'dev'",
    # errors
    "metrics.acc > '0.5'", "metrics.acc LIKE '0.9'", "params.lr > '0.05'", "params.lr = 0.1",
    "tags.env = prod", "metrics.acc > 0 OR params.lr = '0.1'", "(metrics.acc > 0)", "metrics.acc",
    "metrics.acc >", "foo.bar = 1", "metrics.acc IS NULL", "metrics.acc <> 1", "metrics.acc == 1",
    "1 < metrics.acc", "attributes.experiment_id = '1'", "attributes.lifecycle_stage = 'deleted'",
    "params.lr = '0.1';", "metrics.acc BETWEEN 0 AND 1", "attributes.run_id IN ()",
    "attributes.run_id IN 'x'", "attributes.start_time > 'abc'", "params.lr IN ('0.1')",
    "attributes.status IN ('FINISHED')", "tags.env = `prod`", "metrics.acc > 0 AND",
    "NOT params.lr = '0.1'", "attributes.name = 'r01'", "datasets.name > 'a'",
    "params.lr = '0.1' AND OR tags.env = 'x'", "metrics.acc > 1 2",
]

RUN_ORDER_BYS = [
    [], ["metrics.acc"], ["metrics.acc DESC"], ["metrics.acc ASC"], ["metrics.loss desc"],
    ["metrics.loss"], ["params.lr"], ["params.lr DESC", "metrics.acc"], ["tags.env"],
    ["tags.env DESC"], ["attributes.start_time"], ["start_time DESC"], ["attributes.run_name"],
    ["run_name DESC"], ["status"], ["end_time"], ["end_time DESC"], ["created"],
    ["metrics.`acc` DESC"], ['params."p-1"'], ["tags.`my tag` ASC"], ["metrics.missing"],
    ["user_id"], ["params.lr", "tags.env DESC", "metrics.loss"],
    # errors
    ["metrics.acc", "metrics.acc"], ["foo.bar"], ["metrics.acc DESC ASC"], [" metrics.acc"],
    ["datasets.name"], ["metrics.acc sideways"], ["attributes.experiment_id"],
]

# (filter, order_by) pairs exercised together on top of the two lists above.
RUN_COMBOS = [
    ("metrics.acc > -1e308", ["metrics.acc DESC"]),
    ("params.lr LIKE '%'", ["params.lr ASC", "metrics.loss DESC"]),
    ("tags.env LIKE 'prod%'", ["tags.env DESC"]),
    ("attributes.status != 'RUNNING'", ["end_time"]),
    ("datasets.name = 'ds1'", ["metrics.acc"]),
]

EXPERIMENT_FILTERS = [
    "", "name = 'srch_alpha'", "name LIKE 'srch%'", "name ILIKE 'SRCH_B%'", "name LIKE 'srch\\_%'",
    "name LIKE 'srch_gamma__'", "name LIKE '%pct%'", "name LIKE 'srch%' AND tags.k = 'v1'",
    "name != 'srch_alpha' AND name LIKE 'srch%'", "attribute.name = 'srch_Beta'",
    "tags.k = 'v1'", "tags.k != 'v1'", "tags.k LIKE 'v%'", "tags.k ILIKE 'V%'", "tag.k = 'v2'",
    "tags.`with space` = 'yes'", "tags.\"with space\" LIKE 'y%'", "tags.missing = 'x'",
    "creation_time > 0", "attribute.creation_time >= 0 AND name LIKE 'srch%'",
    "last_update_time > 0 AND name LIKE 'srch_%'", "creation_time < 0",
    # errors
    "name IN ('srch_alpha')", "name like 'srch%'", "experiment_id = '1'", "foo.name = 'x'",
    "attributes.name = 'x'", "name = srch_alpha", "creation_time > 'x'", "tags.k > 'v'",
    "name LIKE 'a' OR name LIKE 'b'", "lifecycle_stage = 'active'",
]

EXPERIMENT_ORDER_BYS = [
    ["name"], ["name DESC"], ["attribute.name ASC"], ["experiment_id"], ["experiment_id DESC"],
    ["creation_time DESC", "name"], ["last_update_time"],
    # errors
    ["tags.k"], ["name", "name"], ["bogus"], ["name UP"],
]

REGISTERED_MODEL_FILTERS = [
    "", "name = 'rs_alpha'", "name != 'rs_alpha'", "name LIKE 'rs_%'", "name LIKE 'rs\\_%'",
    "name ILIKE 'RS_B%'", "name LIKE '%pct%'", "name like 'rs_a%'", "tags.k = 'v1'", "tags.k != 'v1'",
    "tags.k LIKE 'v%'", "tags.k ILIKE 'V%'", "tags.`with space` = 'yes'", "tag.k = 'v2'",
    "tags.k = 'v1' AND name LIKE 'rs_a%'", "tags.missing = 'x'",
    "tags.`mlflow.prompt.is_prompt` = 'true'", "tags.`mlflow.prompt.is_prompt` = 'false'",
    "tags.`mlflow.prompt.is_prompt` != 'true'",
    # errors (or extensions)
    "name IN ('rs_alpha')", "creation_timestamp > 0", "foo = 'x'", "name = rs_alpha",
    "name = 'a' OR name = 'b'", "tags.k > 'v'",
]

REGISTERED_MODEL_ORDER_BYS = [
    [], ["name"], ["name DESC"], ["timestamp DESC"], ["last_updated_timestamp"], ["name ASC", "timestamp DESC"],
    ["creation_timestamp"], ["name", "name"], ["tags.k"], ["bogus"],
]

MODEL_VERSION_FILTERS = [
    "name = 'rs_alpha'", "name LIKE 'rs_%'", "name ILIKE 'RS_%'", "version_number = 2",
    "version_number > 1 AND name = 'rs_alpha'", "version_number <= 1", "run_id = '{run}'",
    "run_id IN ('{run}')", "run_id IN ('{RUN}')", "source_path = 's3://b/alpha/1'",
    "source_path LIKE 's3://b/%'", "tags.vk = 'x'", "tags.vk != 'x'", "tags.vk LIKE '%'",
    "name = 'rs_alpha' AND tags.vk = 'x'",
    # errors
    "version_number = '2'", "version_number LIKE '2'", "run_id NOT IN ('{run}')", "bogus = 1",
    "name = 'a' OR name = 'b'",
]

MODEL_VERSION_ORDER_BYS = [
    ["name", "version_number"], ["version_number DESC"], ["creation_timestamp"],
    ["last_updated_timestamp DESC", "name"], ["name DESC", "version_number ASC"], ["bogus"],
]

LOGGED_MODEL_FILTERS = [
    "", "name = 'lm_a'", "name != 'lm_a'", "name LIKE 'lm_%'", "name ILIKE 'LM_B%'",
    "name IN ('lm_a', 'lm_c')", "name NOT IN ('lm_a')", "model_type = 'agent'",
    "metrics.acc > 0.5", "metrics.acc <= 0.5", "metrics.acc != 0.9", "params.p = '1'",
    "params.p IN ('1', '2')", "tags.t = 'x'", "tags.t LIKE '%'", "metrics.`acc` >= 0",
    "creation_timestamp > 0", "status = 'LOGGED_MODEL_READY'", "source_run_id = '{run}'",
    "name = 'lm_a' AND metrics.acc > 0",
    # errors
    "name LIKE 'lm_%' OR name = 'x'", "foo.x = 'a'", "name like 'lm_%'", "metrics.acc > 'x'",
    "bogus = 'x'",
]

LOGGED_MODEL_ORDER_BYS = [
    [], [{"field_name": "name"}], [{"field_name": "name", "ascending": False}],
    [{"field_name": "metrics.acc", "ascending": False}], [{"field_name": "metrics.acc"}],
    [{"field_name": "creation_timestamp", "ascending": True}],
    [{"field_name": "metrics.acc", "dataset_name": "ds"}],
    [{"field_name": "params.p"}], [{"field_name": "bogus"}],
]
