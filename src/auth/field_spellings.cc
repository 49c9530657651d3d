#include "auth/field_spellings.h"

#include <map>
#include <sstream>
#include <utility>

namespace mlflow::auth {
namespace {

// A message: its fields with two spellings and its message-typed fields leading to one
// ("field:Message"), space separated, in the .proto's order (MLflow reports the first conflict in
// that order, depth first). Map fields and google.protobuf types are left out, as MLflow skips them.
// Names drop the "mlflow." package.
struct MessageRow {
  const char* name;
  const char* fields;
};

// mlflow/protos/*.proto of MLflow 3.17.2, the messages the routes below reach.
constexpr MessageRow kMessages[] = {
    {"AddDatasetToExperiments", "dataset_id experiment_ids"},
    {"AddGuardrailToEndpoint", "endpoint_id guardrail_id execution_order"},
    {"AttachModelToGatewayEndpoint", "endpoint_id model_config:GatewayEndpointModelConfig created_by"},
    {"BatchGetTraceInfos", "trace_ids experiment_ids"},
    {"BatchGetTraces", "trace_ids experiment_ids"},
    {"CalculateTraceFilterCorrelation", "experiment_ids filter_string1 filter_string2 base_filter"},
    {"CreateAssessment", "assessment:assessments.Assessment"},
    {"CreateDataset", "experiment_ids source_type created_by"},
    {"CreateExperiment", "artifact_location"},
    {"CreateGatewayBudgetPolicy", "budget_unit budget_amount target_scope budget_action created_by target_value"},
    {"CreateGatewayEndpoint",
     "model_configs:GatewayEndpointModelConfig created_by routing_strategy fallback_config:FallbackConfig "
     "experiment_id usage_tracking"},
    {"CreateGatewayEndpointBinding", "endpoint_id resource_type resource_id created_by"},
    {"CreateGatewayGuardrail", "scorer_id scorer_version action_endpoint_id"},
    {"CreateGatewayModelDefinition", "secret_id model_name created_by"},
    {"CreateGatewaySecret", "secret_name secret_value auth_config created_by"},
    {"CreateLoggedModel", "experiment_id model_type source_run_id"},
    {"CreateModelVersion", "run_id run_link model_id"},
    {"CreatePresignedDownloadUrl", "run_id"},
    {"CreatePresignedUploadUrl", "run_id model_id"},
    {"CreatePromptOptimizationJob", "experiment_id source_prompt_uri config:PromptOptimizationJobConfig"},
    {"CreateRegisteredModel", "deployment_job_id"},
    {"CreateRun", "experiment_id user_id run_name start_time"},
    {"Dataset", "source_type"},
    {"DatasetInput", "dataset:Dataset"},
    {"DeleteDatasetRecords", "dataset_id dataset_record_ids"},
    {"DeleteExperiment", "experiment_id"},
    {"DeleteExperimentTag", "experiment_id"},
    {"DeleteGatewayBudgetPolicy", "budget_policy_id"},
    {"DeleteGatewayEndpoint", "endpoint_id"},
    {"DeleteGatewayEndpointBinding", "endpoint_id resource_type resource_id"},
    {"DeleteGatewayEndpointTag", "endpoint_id"},
    {"DeleteGatewayGuardrail", "guardrail_id"},
    {"DeleteGatewayModelDefinition", "model_definition_id"},
    {"DeleteGatewaySecret", "secret_id"},
    {"DeleteRun", "run_id"},
    {"DeleteScorer", "experiment_id"},
    {"DeleteTag", "run_id"},
    {"DeleteTraceTag", "request_id"},
    {"DeleteTraceTagV3", "trace_id"},
    {"DeleteTraces", "experiment_id max_timestamp_millis max_traces request_ids"},
    {"DetachModelFromGatewayEndpoint", "endpoint_id model_definition_id"},
    {"EndTrace", "request_id timestamp_ms request_metadata"},
    {"FallbackConfig", "max_attempts"},
    {"FinalizeLoggedModel", "model_id"},
    {"GatewayEndpointModelConfig", "model_definition_id linkage_type fallback_order"},
    {"GetDatasetRecords", "dataset_id max_results page_token"},
    {"GetExperiment", "experiment_id"},
    {"GetExperimentByName", "experiment_name"},
    {"GetGatewayBudgetPolicy", "budget_policy_id"},
    {"GetGatewayEndpoint", "endpoint_id"},
    {"GetGatewayGuardrail", "guardrail_id"},
    {"GetGatewayModelDefinition", "model_definition_id"},
    {"GetGatewaySecretInfo", "secret_id secret_name"},
    {"GetMetricHistory", "run_id run_uuid metric_key page_token max_results"},
    {"GetMetricHistoryBulkInterval", "run_ids metric_key start_step end_step max_results"},
    {"GetRun", "run_id run_uuid"},
    {"GetScorer", "experiment_id"},
    {"GetTrace", "trace_id allow_partial"},
    {"LinkPromptsToTrace", "trace_id prompt_versions"},
    {"LinkTracesToRun", "trace_ids run_id"},
    {"ListArtifacts", "run_id run_uuid page_token"},
    {"ListEndpointGuardrailConfigs", "endpoint_id"},
    {"ListGatewayBudgetPolicies", "max_results page_token"},
    {"ListGatewayEndpointBindings", "endpoint_id resource_type resource_id"},
    {"ListGatewayEndpoints", "secret_id"},
    {"ListGatewayGuardrails", "max_results page_token"},
    {"ListGatewayModelDefinitions", "secret_id"},
    {"ListLoggedModelArtifacts", "model_id artifact_directory_path page_token"},
    {"ListScorerVersions", "experiment_id"},
    {"ListScorers", "experiment_id experiment_ids"},
    {"ListWebhooks", "max_results page_token"},
    {"LogBatch", "run_id metrics:Metric"},
    {"LogInputs", "run_id datasets:DatasetInput models:ModelInput"},
    {"LogLoggedModelParamsRequest", "model_id"},
    {"LogMetric", "run_id run_uuid model_id dataset_name dataset_digest"},
    {"LogModel", "run_id model_json"},
    {"LogOutputs", "run_id models:ModelOutput"},
    {"LogParam", "run_id run_uuid"},
    {"Metric", "dataset_name dataset_digest model_id run_id"},
    {"MetricAggregation", "aggregation_type percentile_value"},
    {"ModelInput", "model_id"},
    {"ModelOutput", "model_id"},
    {"PromptOptimizationJobConfig", "optimizer_type dataset_id optimizer_config_json"},
    {"QueryTraceMetrics",
     "experiment_ids view_type metric_name aggregations:MetricAggregation time_interval_seconds "
     "start_time_ms end_time_ms max_results page_token"},
    {"RegisterScorer", "experiment_id serialized_scorer"},
    {"RemoveDatasetFromExperiments", "dataset_id experiment_ids"},
    {"RemoveGuardrailFromEndpoint", "endpoint_id guardrail_id"},
    {"RenameRegisteredModel", "new_name"},
    {"RestoreExperiment", "experiment_id"},
    {"RestoreRun", "run_id"},
    {"SearchDatasets", "experiment_ids"},
    {"SearchEvaluationDatasets", "experiment_ids filter_string max_results order_by page_token"},
    {"SearchExperiments", "max_results page_token order_by view_type"},
    {"SearchLoggedModels",
     "experiment_ids datasets:SearchLoggedModels.Dataset max_results order_by:SearchLoggedModels.OrderBy "
     "page_token"},
    {"SearchLoggedModels.Dataset", "dataset_name dataset_digest"},
    {"SearchLoggedModels.OrderBy", "field_name dataset_name dataset_digest"},
    {"SearchModelVersions", "max_results order_by page_token"},
    {"SearchPromptOptimizationJobs", "experiment_id"},
    {"SearchRegisteredModels", "max_results order_by page_token"},
    {"SearchRuns", "experiment_ids run_view_type max_results order_by page_token"},
    {"SearchTraces", "experiment_ids max_results order_by page_token"},
    {"SearchTracesV3", "locations:TraceLocation max_results order_by page_token"},
    {"SetDatasetTags", "dataset_id"},
    {"SetExperimentTag", "experiment_id"},
    {"SetGatewayEndpointTag", "endpoint_id"},
    {"SetLoggedModelTags", "model_id"},
    {"SetTag", "run_id run_uuid"},
    {"SetTraceTag", "request_id"},
    {"SetTraceTagV3", "trace_id"},
    {"StartTrace", "experiment_id timestamp_ms request_metadata"},
    {"StartTraceV3", "trace:Trace"},
    {"TestWebhook", "webhook_id"},
    {"Trace", "trace_info:TraceInfoV3 spans:opentelemetry.proto.trace.v1.Span"},
    {"TraceInfoV3",
     "trace_id client_request_id trace_location:TraceLocation request_preview response_preview "
     "request_time execution_duration trace_metadata assessments:assessments.Assessment"},
    {"TraceLocation",
     "mlflow_experiment:TraceLocation.MlflowExperimentLocation "
     "inference_table:TraceLocation.InferenceTableLocation"},
    {"TraceLocation.InferenceTableLocation", "full_table_name"},
    {"TraceLocation.MlflowExperimentLocation", "experiment_id"},
    {"TransitionModelVersionStage", "archive_existing_versions"},
    {"UpdateAssessment", "assessment:assessments.Assessment update_mask"},
    {"UpdateEndpointGuardrailConfig", "endpoint_id guardrail_id execution_order"},
    {"UpdateExperiment", "experiment_id new_name"},
    {"UpdateGatewayBudgetPolicy",
     "budget_policy_id budget_unit budget_amount target_scope budget_action updated_by target_value"},
    {"UpdateGatewayEndpoint",
     "endpoint_id updated_by model_configs:GatewayEndpointModelConfig routing_strategy "
     "fallback_config:FallbackConfig experiment_id usage_tracking"},
    {"UpdateGatewayModelDefinition", "model_definition_id secret_id model_name updated_by"},
    {"UpdateGatewaySecret", "secret_id secret_value auth_config updated_by"},
    {"UpdateRegisteredModel", "deployment_job_id"},
    {"UpdateRun", "run_id run_uuid end_time run_name"},
    {"UpdateWebhook", "webhook_id"},
    {"UpsertDatasetRecords", "dataset_id updated_by"},
    {"artifacts.AbortMultipartUpload", "upload_id"},
    {"artifacts.CompleteMultipartUpload", "upload_id parts:artifacts.MultipartUploadPart"},
    {"artifacts.CreateMultipartUpload", "num_parts"},
    {"artifacts.MultipartUploadPart", "part_number"},
    {"assessments.Assessment",
     "assessment_id assessment_name trace_id span_id source:assessments.AssessmentSource create_time "
     "last_update_time feedback:assessments.Feedback expectation:assessments.Expectation "
     "issue:assessments.IssueReference error:assessments.AssessmentError"},
    {"assessments.AssessmentError", "error_code error_message stack_trace"},
    {"assessments.AssessmentSource", "source_type source_id"},
    {"assessments.Expectation", "serialized_value:assessments.Expectation.SerializedValue"},
    {"assessments.Expectation.SerializedValue", "serialization_format"},
    {"assessments.Feedback", "error:assessments.AssessmentError"},
    {"assessments.IssueReference", "issue_name"},
    {"issues.CreateIssue", "experiment_id root_causes source_run_id created_by"},
    {"issues.SearchIssues", "experiment_id filter_string max_results page_token include_trace_count"},
    {"issues.UpdateIssue", "issue_id"},
    {"label_schemas.CreateLabelSchema", "experiment_id input:label_schemas.LabelSchemaInput enable_comment"},
    {"label_schemas.DeleteLabelSchema", "schema_id"},
    {"label_schemas.GetLabelSchema", "schema_id"},
    {"label_schemas.GetLabelSchemaByName", "experiment_id"},
    {"label_schemas.InputCategorical", "multi_select"},
    {"label_schemas.InputNumeric", "min_value max_value"},
    {"label_schemas.InputPassFail", "positive_label negative_label"},
    {"label_schemas.InputText", "max_length"},
    {"label_schemas.LabelSchemaInput",
     "pass_fail:label_schemas.InputPassFail categorical:label_schemas.InputCategorical "
     "numeric:label_schemas.InputNumeric text:label_schemas.InputText"},
    {"label_schemas.ListLabelSchemas", "experiment_id max_results page_token"},
    {"label_schemas.UpdateLabelSchema", "schema_id enable_comment input:label_schemas.LabelSchemaInput"},
    {"opentelemetry.proto.common.v1.AnyValue",
     "string_value bool_value int_value double_value array_value:opentelemetry.proto.common.v1.ArrayValue "
     "kvlist_value:opentelemetry.proto.common.v1.KeyValueList bytes_value string_value_strindex"},
    {"opentelemetry.proto.common.v1.ArrayValue", "values:opentelemetry.proto.common.v1.AnyValue"},
    {"opentelemetry.proto.common.v1.KeyValue", "value:opentelemetry.proto.common.v1.AnyValue key_strindex"},
    {"opentelemetry.proto.common.v1.KeyValueList", "values:opentelemetry.proto.common.v1.KeyValue"},
    {"opentelemetry.proto.trace.v1.Span",
     "trace_id span_id trace_state parent_span_id start_time_unix_nano end_time_unix_nano "
     "attributes:opentelemetry.proto.common.v1.KeyValue dropped_attributes_count "
     "events:opentelemetry.proto.trace.v1.Span.Event dropped_events_count "
     "links:opentelemetry.proto.trace.v1.Span.Link dropped_links_count"},
    {"opentelemetry.proto.trace.v1.Span.Event",
     "time_unix_nano attributes:opentelemetry.proto.common.v1.KeyValue dropped_attributes_count"},
    {"opentelemetry.proto.trace.v1.Span.Link",
     "trace_id span_id trace_state attributes:opentelemetry.proto.common.v1.KeyValue "
     "dropped_attributes_count"},
    {"review_queues.AddItemsToReviewQueue", "queue_id item_type item_ids"},
    {"review_queues.CreateReviewQueue", "experiment_id queue_type created_by schema_ids"},
    {"review_queues.DeleteReviewQueue", "queue_id"},
    {"review_queues.GetOrCreateUserQueue", "experiment_id created_by"},
    {"review_queues.GetReviewQueue", "queue_id"},
    {"review_queues.GetReviewQueueByName", "experiment_id"},
    {"review_queues.ListReviewQueueItems", "queue_id max_results page_token"},
    {"review_queues.ListReviewQueues", "experiment_id max_results page_token item_id"},
    {"review_queues.RemoveItemsFromReviewQueue", "queue_id item_ids"},
    {"review_queues.SetReviewQueueItemStatus", "queue_id item_id completed_by"},
    {"review_queues.UpdateReviewQueue", "queue_id update_users update_schema_ids schema_ids new_owner"},
};

struct RouteRow {
  const char* method;
  const char* path;  // RouteKey form
  const char* message;
};

// mlflow/server/handlers.py of MLflow 3.17.2: every route whose handler parses its request with
// _get_request_message (or _get_workspace_request_message) into a message listed above. GET rows
// matter only for a GET without a query string, whose JSON body MLflow reads instead.
constexpr RouteRow kRoutes[] = {
    {"POST", "/api/2.0/mlflow-artifacts/mpu/abort/{}", "artifacts.AbortMultipartUpload"},
    {"POST", "/api/2.0/mlflow-artifacts/mpu/complete/{}", "artifacts.CompleteMultipartUpload"},
    {"POST", "/api/2.0/mlflow-artifacts/mpu/create/{}", "artifacts.CreateMultipartUpload"},
    {"GET", "/api/2.0/mlflow/artifacts/list", "ListArtifacts"},
    {"POST", "/api/2.0/mlflow/artifacts/presigned-download-url", "CreatePresignedDownloadUrl"},
    {"POST", "/api/2.0/mlflow/artifacts/presigned-upload-url", "CreatePresignedUploadUrl"},
    {"POST", "/api/2.0/mlflow/experiments/create", "CreateExperiment"},
    {"POST", "/api/2.0/mlflow/experiments/delete", "DeleteExperiment"},
    {"POST", "/api/2.0/mlflow/experiments/delete-experiment-tag", "DeleteExperimentTag"},
    {"GET", "/api/2.0/mlflow/experiments/get", "GetExperiment"},
    {"GET", "/api/2.0/mlflow/experiments/get-by-name", "GetExperimentByName"},
    {"POST", "/api/2.0/mlflow/experiments/restore", "RestoreExperiment"},
    {"GET", "/api/2.0/mlflow/experiments/search", "SearchExperiments"},
    {"POST", "/api/2.0/mlflow/experiments/search", "SearchExperiments"},
    {"POST", "/api/2.0/mlflow/experiments/search-datasets", "SearchDatasets"},
    {"POST", "/api/2.0/mlflow/experiments/set-experiment-tag", "SetExperimentTag"},
    {"POST", "/api/2.0/mlflow/experiments/update", "UpdateExperiment"},
    {"POST", "/api/2.0/mlflow/logged-models", "CreateLoggedModel"},
    {"POST", "/api/2.0/mlflow/logged-models/search", "SearchLoggedModels"},
    {"PATCH", "/api/2.0/mlflow/logged-models/{}", "FinalizeLoggedModel"},
    {"GET", "/api/2.0/mlflow/logged-models/{}/artifacts/directories", "ListLoggedModelArtifacts"},
    {"POST", "/api/2.0/mlflow/logged-models/{}/params", "LogLoggedModelParamsRequest"},
    {"PATCH", "/api/2.0/mlflow/logged-models/{}/tags", "SetLoggedModelTags"},
    {"GET", "/api/2.0/mlflow/metrics/get-history", "GetMetricHistory"},
    {"GET", "/api/2.0/mlflow/metrics/get-history-bulk-interval", "GetMetricHistoryBulkInterval"},
    {"POST", "/api/2.0/mlflow/model-versions/create", "CreateModelVersion"},
    {"GET", "/api/2.0/mlflow/model-versions/search", "SearchModelVersions"},
    {"POST", "/api/2.0/mlflow/model-versions/transition-stage", "TransitionModelVersionStage"},
    {"POST", "/api/2.0/mlflow/registered-models/create", "CreateRegisteredModel"},
    {"POST", "/api/2.0/mlflow/registered-models/rename", "RenameRegisteredModel"},
    {"GET", "/api/2.0/mlflow/registered-models/search", "SearchRegisteredModels"},
    {"PATCH", "/api/2.0/mlflow/registered-models/update", "UpdateRegisteredModel"},
    {"POST", "/api/2.0/mlflow/runs/create", "CreateRun"},
    {"POST", "/api/2.0/mlflow/runs/delete", "DeleteRun"},
    {"POST", "/api/2.0/mlflow/runs/delete-tag", "DeleteTag"},
    {"GET", "/api/2.0/mlflow/runs/get", "GetRun"},
    {"POST", "/api/2.0/mlflow/runs/log-batch", "LogBatch"},
    {"POST", "/api/2.0/mlflow/runs/log-inputs", "LogInputs"},
    {"POST", "/api/2.0/mlflow/runs/log-metric", "LogMetric"},
    {"POST", "/api/2.0/mlflow/runs/log-model", "LogModel"},
    {"POST", "/api/2.0/mlflow/runs/log-parameter", "LogParam"},
    {"POST", "/api/2.0/mlflow/runs/outputs", "LogOutputs"},
    {"POST", "/api/2.0/mlflow/runs/restore", "RestoreRun"},
    {"POST", "/api/2.0/mlflow/runs/search", "SearchRuns"},
    {"POST", "/api/2.0/mlflow/runs/set-tag", "SetTag"},
    {"POST", "/api/2.0/mlflow/runs/update", "UpdateRun"},
    {"GET", "/api/2.0/mlflow/traces", "SearchTraces"},
    {"POST", "/api/2.0/mlflow/traces", "StartTrace"},
    {"POST", "/api/2.0/mlflow/traces/delete-traces", "DeleteTraces"},
    {"POST", "/api/2.0/mlflow/traces/link-prompts", "LinkPromptsToTrace"},
    {"POST", "/api/2.0/mlflow/traces/link-to-run", "LinkTracesToRun"},
    {"PATCH", "/api/2.0/mlflow/traces/{}", "EndTrace"},
    {"DELETE", "/api/2.0/mlflow/traces/{}/tags", "DeleteTraceTag"},
    {"PATCH", "/api/2.0/mlflow/traces/{}/tags", "SetTraceTag"},
    {"GET", "/api/2.0/mlflow/webhooks", "ListWebhooks"},
    {"PATCH", "/api/2.0/mlflow/webhooks/{}", "UpdateWebhook"},
    {"POST", "/api/2.0/mlflow/webhooks/{}/test", "TestWebhook"},
    {"POST", "/api/3.0/mlflow/datasets/create", "CreateDataset"},
    {"GET", "/api/3.0/mlflow/datasets/search", "SearchEvaluationDatasets"},
    {"POST", "/api/3.0/mlflow/datasets/search", "SearchEvaluationDatasets"},
    {"POST", "/api/3.0/mlflow/datasets/{}/add-experiments", "AddDatasetToExperiments"},
    {"DELETE", "/api/3.0/mlflow/datasets/{}/records", "DeleteDatasetRecords"},
    {"GET", "/api/3.0/mlflow/datasets/{}/records", "GetDatasetRecords"},
    {"POST", "/api/3.0/mlflow/datasets/{}/records", "UpsertDatasetRecords"},
    {"POST", "/api/3.0/mlflow/datasets/{}/remove-experiments", "RemoveDatasetFromExperiments"},
    {"PATCH", "/api/3.0/mlflow/datasets/{}/tags", "SetDatasetTags"},
    {"POST", "/api/3.0/mlflow/gateway/budgets/create", "CreateGatewayBudgetPolicy"},
    {"DELETE", "/api/3.0/mlflow/gateway/budgets/delete", "DeleteGatewayBudgetPolicy"},
    {"GET", "/api/3.0/mlflow/gateway/budgets/get", "GetGatewayBudgetPolicy"},
    {"GET", "/api/3.0/mlflow/gateway/budgets/list", "ListGatewayBudgetPolicies"},
    {"POST", "/api/3.0/mlflow/gateway/budgets/update", "UpdateGatewayBudgetPolicy"},
    {"POST", "/api/3.0/mlflow/gateway/endpoints/bindings/create", "CreateGatewayEndpointBinding"},
    {"DELETE", "/api/3.0/mlflow/gateway/endpoints/bindings/delete", "DeleteGatewayEndpointBinding"},
    {"GET", "/api/3.0/mlflow/gateway/endpoints/bindings/list", "ListGatewayEndpointBindings"},
    {"POST", "/api/3.0/mlflow/gateway/endpoints/create", "CreateGatewayEndpoint"},
    {"DELETE", "/api/3.0/mlflow/gateway/endpoints/delete", "DeleteGatewayEndpoint"},
    {"DELETE", "/api/3.0/mlflow/gateway/endpoints/delete-tag", "DeleteGatewayEndpointTag"},
    {"GET", "/api/3.0/mlflow/gateway/endpoints/get", "GetGatewayEndpoint"},
    {"GET", "/api/3.0/mlflow/gateway/endpoints/list", "ListGatewayEndpoints"},
    {"POST", "/api/3.0/mlflow/gateway/endpoints/models/attach", "AttachModelToGatewayEndpoint"},
    {"POST", "/api/3.0/mlflow/gateway/endpoints/models/detach", "DetachModelFromGatewayEndpoint"},
    {"POST", "/api/3.0/mlflow/gateway/endpoints/set-tag", "SetGatewayEndpointTag"},
    {"POST", "/api/3.0/mlflow/gateway/endpoints/update", "UpdateGatewayEndpoint"},
    {"POST", "/api/3.0/mlflow/gateway/guardrails/add-to-endpoint", "AddGuardrailToEndpoint"},
    {"POST", "/api/3.0/mlflow/gateway/guardrails/create", "CreateGatewayGuardrail"},
    {"DELETE", "/api/3.0/mlflow/gateway/guardrails/delete", "DeleteGatewayGuardrail"},
    {"GET", "/api/3.0/mlflow/gateway/guardrails/get", "GetGatewayGuardrail"},
    {"GET", "/api/3.0/mlflow/gateway/guardrails/list", "ListGatewayGuardrails"},
    {"GET", "/api/3.0/mlflow/gateway/guardrails/list-for-endpoint", "ListEndpointGuardrailConfigs"},
    {"DELETE", "/api/3.0/mlflow/gateway/guardrails/remove-from-endpoint", "RemoveGuardrailFromEndpoint"},
    {"PATCH", "/api/3.0/mlflow/gateway/guardrails/update-config", "UpdateEndpointGuardrailConfig"},
    {"POST", "/api/3.0/mlflow/gateway/model-definitions/create", "CreateGatewayModelDefinition"},
    {"DELETE", "/api/3.0/mlflow/gateway/model-definitions/delete", "DeleteGatewayModelDefinition"},
    {"GET", "/api/3.0/mlflow/gateway/model-definitions/get", "GetGatewayModelDefinition"},
    {"GET", "/api/3.0/mlflow/gateway/model-definitions/list", "ListGatewayModelDefinitions"},
    {"POST", "/api/3.0/mlflow/gateway/model-definitions/update", "UpdateGatewayModelDefinition"},
    {"POST", "/api/3.0/mlflow/gateway/secrets/create", "CreateGatewaySecret"},
    {"DELETE", "/api/3.0/mlflow/gateway/secrets/delete", "DeleteGatewaySecret"},
    {"GET", "/api/3.0/mlflow/gateway/secrets/get", "GetGatewaySecretInfo"},
    {"POST", "/api/3.0/mlflow/gateway/secrets/update", "UpdateGatewaySecret"},
    {"POST", "/api/3.0/mlflow/issues", "issues.CreateIssue"},
    {"POST", "/api/3.0/mlflow/issues/search", "issues.SearchIssues"},
    {"PATCH", "/api/3.0/mlflow/issues/{}", "issues.UpdateIssue"},
    {"POST", "/api/3.0/mlflow/label-schemas/create", "label_schemas.CreateLabelSchema"},
    {"DELETE", "/api/3.0/mlflow/label-schemas/delete", "label_schemas.DeleteLabelSchema"},
    {"GET", "/api/3.0/mlflow/label-schemas/get", "label_schemas.GetLabelSchema"},
    {"GET", "/api/3.0/mlflow/label-schemas/get-by-name", "label_schemas.GetLabelSchemaByName"},
    {"GET", "/api/3.0/mlflow/label-schemas/list", "label_schemas.ListLabelSchemas"},
    {"PATCH", "/api/3.0/mlflow/label-schemas/update", "label_schemas.UpdateLabelSchema"},
    {"POST", "/api/3.0/mlflow/prompt-optimization/jobs", "CreatePromptOptimizationJob"},
    {"GET", "/api/3.0/mlflow/prompt-optimization/jobs/search", "SearchPromptOptimizationJobs"},
    {"POST", "/api/3.0/mlflow/prompt-optimization/jobs/search", "SearchPromptOptimizationJobs"},
    {"POST", "/api/3.0/mlflow/review-queues/create", "review_queues.CreateReviewQueue"},
    {"POST", "/api/3.0/mlflow/review-queues/delete", "review_queues.DeleteReviewQueue"},
    {"GET", "/api/3.0/mlflow/review-queues/get", "review_queues.GetReviewQueue"},
    {"GET", "/api/3.0/mlflow/review-queues/get-by-name", "review_queues.GetReviewQueueByName"},
    {"POST", "/api/3.0/mlflow/review-queues/get-or-create-user", "review_queues.GetOrCreateUserQueue"},
    {"POST", "/api/3.0/mlflow/review-queues/items/add", "review_queues.AddItemsToReviewQueue"},
    {"GET", "/api/3.0/mlflow/review-queues/items/list", "review_queues.ListReviewQueueItems"},
    {"POST", "/api/3.0/mlflow/review-queues/items/remove", "review_queues.RemoveItemsFromReviewQueue"},
    {"POST", "/api/3.0/mlflow/review-queues/items/set-status", "review_queues.SetReviewQueueItemStatus"},
    {"GET", "/api/3.0/mlflow/review-queues/list", "review_queues.ListReviewQueues"},
    {"POST", "/api/3.0/mlflow/review-queues/update", "review_queues.UpdateReviewQueue"},
    {"DELETE", "/api/3.0/mlflow/scorers/delete", "DeleteScorer"},
    {"GET", "/api/3.0/mlflow/scorers/get", "GetScorer"},
    {"GET", "/api/3.0/mlflow/scorers/list", "ListScorers"},
    {"POST", "/api/3.0/mlflow/scorers/register", "RegisterScorer"},
    {"GET", "/api/3.0/mlflow/scorers/versions", "ListScorerVersions"},
    {"POST", "/api/3.0/mlflow/traces", "StartTraceV3"},
    {"GET", "/api/3.0/mlflow/traces/batchGet", "BatchGetTraces"},
    {"POST", "/api/3.0/mlflow/traces/batchGetInfos", "BatchGetTraceInfos"},
    {"POST", "/api/3.0/mlflow/traces/calculate-filter-correlation", "CalculateTraceFilterCorrelation"},
    {"POST", "/api/3.0/mlflow/traces/delete-traces", "DeleteTraces"},
    {"GET", "/api/3.0/mlflow/traces/get", "GetTrace"},
    {"POST", "/api/3.0/mlflow/traces/metrics", "QueryTraceMetrics"},
    {"POST", "/api/3.0/mlflow/traces/search", "SearchTracesV3"},
    {"POST", "/api/3.0/mlflow/traces/{}/assessments", "CreateAssessment"},
    {"PATCH", "/api/3.0/mlflow/traces/{}/assessments/{}", "UpdateAssessment"},
    {"DELETE", "/api/3.0/mlflow/traces/{}/tags", "DeleteTraceTagV3"},
    {"PATCH", "/api/3.0/mlflow/traces/{}/tags", "SetTraceTagV3"},
};

class Table {
 public:
  Table() {
    for (const MessageRow& m : kMessages) rows_[m.name] = m.fields;
    for (const RouteRow& r : kRoutes) {
      std::string key = std::string(r.method) + " " + r.path;
      routes_[key] = {r.message, Build(r.message, 0)};
    }
  }

  const std::pair<std::string, std::vector<AliasedField>>* Find(std::string_view method, std::string_view path) const {
    auto it = routes_.find(std::string(method) + " " + RouteKey(path));
    return it == routes_.end() ? nullptr : &it->second;
  }

 private:
  // Recursive messages (OTLP's AnyValue holds lists of AnyValue) are unfolded to a fixed depth:
  // a body nested deeper than that is refused by the JSON parser's own limits long before.
  static constexpr int kMaxDepth = 12;

  std::vector<AliasedField> Build(const std::string& message, int depth) const {
    std::vector<AliasedField> out;
    auto row = rows_.find(message);
    if (row == rows_.end() || depth > kMaxDepth) return out;
    std::istringstream in(row->second);
    std::string item;
    while (in >> item) {
      size_t colon = item.find(':');
      std::string name = item.substr(0, colon);
      AliasedField f{name, JsonName(name), {}};
      if (colon != std::string::npos) f.fields = Build(item.substr(colon + 1), depth + 1);
      out.push_back(std::move(f));
    }
    return out;
  }

  std::map<std::string, std::string> rows_;
  std::map<std::string, std::pair<std::string, std::vector<AliasedField>>> routes_;
};

const Table& TheTable() {
  static const Table kTable;
  return kTable;
}

}  // namespace

std::string JsonName(std::string_view proto_name) {
  std::string out;
  bool upper = false;
  for (char c : proto_name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    upper = false;
  }
  return out;
}

std::string RouteKey(std::string_view path) {
  std::string p(path);
  if (p.rfind("/ajax-api/", 0) == 0) p = "/api/" + p.substr(10);
  std::string out;
  size_t i = 0;
  while (i < p.size()) {
    size_t end = p.find('/', i + 1);
    if (end == std::string::npos) end = p.size();
    std::string_view seg(p.data() + i, end - i);  // "/segment"
    bool param = seg.size() > 2 && ((seg[1] == '{' && seg.back() == '}') || (seg[1] == '<' && seg.back() == '>'));
    out += param ? "/{}" : std::string(seg);
    i = end;
  }
  return out;
}

std::string_view MessageOfRoute(std::string_view method, std::string_view path) {
  const auto* hit = TheTable().Find(method, path);
  return hit == nullptr ? std::string_view() : std::string_view(hit->first);
}

const std::vector<AliasedField>* SpelledFieldsOfRoute(std::string_view method, std::string_view path) {
  const auto* hit = TheTable().Find(method, path);
  return hit == nullptr ? nullptr : &hit->second;
}

}  // namespace mlflow::auth
