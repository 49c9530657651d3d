#pragma once
// MLflow's limits (docs/reference/limits.md), each defined once. The service applies the request
// limits; the stores apply the store-level ones (registry tags, aliases). Nothing else writes
// these numbers as literals.
//
//   if (validation::CharLength(value) > limits::kMaxParamValueLength) {
//     value = validation::TruncateChars(value, limits::kMaxParamValueLength);
//   }
//
// Page sizes of the search endpoints (defaults and caps of max_results) live with the search
// compiler that enforces them: search/sql_compiler.h.
#include <cstddef>
#include <cstdint>

namespace mlflow::limits {

// --- keys and values (sections 1, 2, 5, 6) ---
inline constexpr size_t kMaxEntityKeyLength = 250;  // metric, param, tag keys
inline constexpr size_t kMaxParamValueLength = 6000;
inline constexpr size_t kMaxTagValueLength = 8000;
inline constexpr size_t kMaxExperimentTagValueLength = 20000;  // MLflow 3.x (5000 in 3.6)
inline constexpr size_t kMaxExperimentNameLength = 500;
inline constexpr size_t kMaxArtifactLocationLength = 2048;
inline constexpr size_t kMaxRunIdLength = 256;  // LogBatch / LogInputs run id pattern

// --- LogBatch (section 4) ---
inline constexpr size_t kMaxMetricsPerBatch = 1000;
inline constexpr size_t kMaxParamsPerBatch = 100;
inline constexpr size_t kMaxTagsPerBatch = 100;
inline constexpr size_t kMaxEntitiesPerBatch = 1000;

// --- LogInputs: dataset fields and input tags (section 7) ---
inline constexpr size_t kMaxDatasetNameLength = 500;
inline constexpr size_t kMaxDatasetDigestLength = 36;
inline constexpr size_t kMaxDatasetSourceLength = 65535;
inline constexpr size_t kMaxDatasetSchemaLength = 1048575;
inline constexpr size_t kMaxDatasetProfileLength = 16777215;
inline constexpr size_t kMaxInputTagKeyLength = 255;
inline constexpr size_t kMaxInputTagValueLength = 500;

// --- metric history and dataset reads (section 4) ---
inline constexpr size_t kMaxRunIdsPerBulkHistory = 100;       // get-history-bulk and -bulk-interval
inline constexpr int64_t kBulkHistoryMaxResults = 25000;       // get-history-bulk: default and cap
inline constexpr int64_t kBulkIntervalMaxResults = 2500;       // get-history-bulk-interval: default and cap
inline constexpr size_t kMaxExperimentIdsPerDatasetSearch = 20;  // search-datasets
inline constexpr size_t kMaxDatasetSummaries = 1000;           // search-datasets answer size

// --- registry (sections 2 and 8) ---
inline constexpr size_t kMaxRegistryTagValueLength = 100000;  // registered model and model version tags
inline constexpr size_t kMaxAliasLength = 255;

// --- artifacts (section 4) ---
inline constexpr uint64_t kMaxUiUploadBytes = 10ull * 1024 * 1024;  // the UI's upload-artifact route

// --- traces (docs/reference/tracing.md sections 1, 2 and 5) ---
inline constexpr size_t kMaxTraceMetadataChars = 250;        // metadata keys and values as rendered; session ids
inline constexpr size_t kMaxTraceTagKeyChars = 250;          // tag keys as rendered
inline constexpr size_t kMaxTraceTagValueChars = 4096;       // tag values as rendered; trace names
inline constexpr size_t kMaxTraceTagStoredValueChars = 8000;  // a stored trace tag value
inline constexpr size_t kMaxPreviewChars = 1000;             // request/response previews
inline constexpr size_t kMaxTraceLinksPerRequest = 100;      // link-to-run

}  // namespace mlflow::limits
