#include "store/filestore/file_store_reader.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/py_json.h"
#include "core/python_numbers.h"
#include "models/py_yaml.h"

namespace mlflow::store::filestore {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// Folders inside an experiment folder that are not runs (MLflow's FileStore keeps these names
// beside the run folders).
const std::set<std::string>& ReservedFolders() {
  static const std::set<std::string> kNames = {"tags", "datasets", "traces", "models", ".trash"};
  return kNames;
}

// MLflow's RunStatus numbers as its FileStore writes them in a run's meta.yaml.
std::string RunStatusName(int64_t n) {
  switch (n) {
    case 1: return "RUNNING";
    case 2: return "SCHEDULED";
    case 3: return "FINISHED";
    case 4: return "FAILED";
    case 5: return "KILLED";
  }
  return "";
}

// LoggedModelStatus names, for a meta.yaml that spells the status out.
std::optional<int64_t> LoggedModelStatusNumber(const std::string& name) {
  if (name == "UNSPECIFIED" || name == "LOGGED_MODEL_STATUS_UNSPECIFIED") return 0;
  if (name == "PENDING" || name == "LOGGED_MODEL_PENDING") return 1;
  if (name == "READY" || name == "LOGGED_MODEL_READY") return 2;
  if (name == "FAILED" || name == "LOGGED_MODEL_UPLOAD_FAILED") return 3;
  return std::nullopt;
}

Result<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidParameter("cannot read '" + path.string() + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A YAML mapping file; null when the file is empty (MLflow skips such entries).
Result<Json> ReadYaml(const fs::path& path) {
  MLFLOW_ASSIGN_OR_RETURN(std::string text, ReadText(path));
  Result<Json> doc = models::ParseYaml(text);
  if (!doc.ok()) return Status::InvalidParameter("'" + path.string() + "': " + doc.status().message());
  if (!doc->is_null() && !doc->is_object()) {
    return Status::InvalidParameter("'" + path.string() + "' is not a YAML mapping");
  }
  return std::move(*doc);
}

const Json* Field(const Json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return nullptr;
  return &*it;
}

// A scalar as the text Python's str() gives it (YAML may have typed it as a number or bool).
std::string ScalarText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return v.dump();
}

std::optional<std::string> OptString(const Json& doc, const char* key) {
  const Json* v = Field(doc, key);
  if (!v) return std::nullopt;
  return ScalarText(*v);
}

std::string StringOr(const Json& doc, const char* key, const std::string& fallback) {
  return OptString(doc, key).value_or(fallback);
}

Result<std::optional<int64_t>> OptInt(const Json& doc, const char* key, const fs::path& file) {
  const Json* v = Field(doc, key);
  if (!v) return std::optional<int64_t>();
  if (v->is_number_integer()) return std::optional<int64_t>(v->get<int64_t>());
  if (v->is_string()) {
    if (auto n = ParsePythonInt(v->get<std::string>())) return std::optional<int64_t>(*n);
  }
  return Status::InvalidParameter("'" + file.string() + "': '" + key + "' is not an integer");
}

std::vector<std::string> SortedEntries(const fs::path& dir, bool want_dirs) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (want_dirs ? entry.is_directory(ec) : entry.is_regular_file(ec)) out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Python's str.splitlines() for the line ends MLflow writes ("\n", and "\r\n" on Windows).
std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// line.strip().split(" "), as MLflow splits a metric line.
std::vector<std::string> SplitMetricFields(const std::string& line) {
  size_t b = line.find_first_not_of(" \t\r\n\v\f");
  size_t e = line.find_last_not_of(" \t\r\n\v\f");
  std::string s = b == std::string::npos ? "" : line.substr(b, e - b + 1);
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t sp = s.find(' ', start);
    parts.push_back(s.substr(start, sp == std::string::npos ? std::string::npos : sp - start));
    if (sp == std::string::npos) break;
    start = sp + 1;
  }
  return parts;
}

Result<std::vector<FsMetric>> ReadRunMetrics(const fs::path& dir) {
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> files, ReadKeyValueFolder(dir.string()));
  std::vector<FsMetric> metrics;
  for (const KeyValue& file : files) {
    FsMetric m;
    m.key = file.key;
    for (const std::string& line : SplitLines(file.value)) {
      Result<FsMetricPoint> p = ParseRunMetricLine(line);
      if (!p.ok()) return Status::InvalidParameter("'" + (dir / file.key).string() + "': " + p.status().message());
      m.points.push_back(*p);
    }
    metrics.push_back(std::move(m));
  }
  return metrics;
}

Result<FsRun> ReadRun(const fs::path& run_dir) {
  const fs::path meta_path = run_dir / "meta.yaml";
  MLFLOW_ASSIGN_OR_RETURN(Json meta, ReadYaml(meta_path));
  FsRun run;
  if (meta.is_null()) return run;  // empty run_id: skipped
  run.run_id = StringOr(meta, "run_uuid", "");
  if (run.run_id.empty()) run.run_id = StringOr(meta, "run_id", "");
  if (run.run_id.empty()) return run;
  run.run_name = OptString(meta, "run_name");
  if (!run.run_name || run.run_name->empty()) run.run_name = OptString(meta, "name");
  if (run.run_name && run.run_name->empty()) run.run_name.reset();
  // The FileStore writes its SourceType as a number; MLflow's migration stores LOCAL then.
  if (const Json* st = Field(meta, "source_type"); st && st->is_string()) run.source_type = st->get<std::string>();
  run.source_name = StringOr(meta, "source_name", "");
  run.entry_point_name = StringOr(meta, "entry_point_name", "");
  run.source_version = StringOr(meta, "source_version", "");
  run.user_id = OptString(meta, "user_id");
  if (const Json* status = Field(meta, "status")) {
    if (status->is_number_integer()) {
      run.status = RunStatusName(status->get<int64_t>());
      if (run.status.empty()) return Status::InvalidParameter("'" + meta_path.string() + "': unknown run status");
    } else {
      run.status = ScalarText(*status);
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(run.start_time, OptInt(meta, "start_time", meta_path));
  MLFLOW_ASSIGN_OR_RETURN(run.end_time, OptInt(meta, "end_time", meta_path));
  MLFLOW_ASSIGN_OR_RETURN(run.deleted_time, OptInt(meta, "deleted_time", meta_path));
  run.lifecycle_stage = StringOr(meta, "lifecycle_stage", "active");
  run.artifact_uri = OptString(meta, "artifact_uri");
  MLFLOW_ASSIGN_OR_RETURN(run.params, ReadKeyValueFolder((run_dir / "params").string()));
  MLFLOW_ASSIGN_OR_RETURN(run.tags, ReadKeyValueFolder((run_dir / "tags").string()));
  MLFLOW_ASSIGN_OR_RETURN(run.metrics, ReadRunMetrics(run_dir / "metrics"));

  for (const std::string& id : SortedEntries(run_dir / "inputs", /*want_dirs=*/true)) {
    const fs::path path = run_dir / "inputs" / id / "meta.yaml";
    if (!fs::is_regular_file(path)) continue;
    MLFLOW_ASSIGN_OR_RETURN(Json in, ReadYaml(path));
    if (in.is_null()) continue;
    FsRunInput input;
    input.input_id = id;
    input.source_type = StringOr(in, "source_type", "DATASET");
    input.source_id = StringOr(in, "source_id", "");
    if (const Json* tags = Field(in, "tags"); tags && tags->is_object()) {
      for (const auto& [k, v] : tags->items()) input.tags.push_back({k, v.is_null() ? "None" : ScalarText(v)});
    }
    run.inputs.push_back(std::move(input));
  }
  for (const std::string& model_id : SortedEntries(run_dir / "outputs", /*want_dirs=*/true)) {
    const fs::path path = run_dir / "outputs" / model_id / "meta.yaml";
    if (!fs::is_regular_file(path)) continue;
    MLFLOW_ASSIGN_OR_RETURN(Json out, ReadYaml(path));
    if (out.is_null()) continue;
    MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> step, OptInt(out, "step", path));
    run.outputs.push_back({model_id, step.value_or(0)});
  }
  return run;
}

Result<std::vector<FsDataset>> ReadDatasets(const fs::path& dir) {
  std::vector<FsDataset> out;
  for (const std::string& id : SortedEntries(dir, /*want_dirs=*/true)) {
    const fs::path path = dir / id / "meta.yaml";
    if (!fs::is_regular_file(path)) continue;
    MLFLOW_ASSIGN_OR_RETURN(Json meta, ReadYaml(path));
    if (meta.is_null()) continue;
    FsDataset d;
    d.dataset_id = id;
    d.dataset_uuid = OptString(meta, "dataset_uuid");
    d.dataset.name = StringOr(meta, "name", "");
    d.dataset.digest = StringOr(meta, "digest", "");
    d.dataset.source_type = StringOr(meta, "source_type", "");
    d.dataset.source = StringOr(meta, "source", "");
    d.dataset.schema = OptString(meta, "schema");
    d.dataset.profile = OptString(meta, "profile");
    out.push_back(std::move(d));
  }
  return out;
}

Result<FsLoggedModel> ReadLoggedModel(const fs::path& dir) {
  const fs::path meta_path = dir / "meta.yaml";
  MLFLOW_ASSIGN_OR_RETURN(Json meta, ReadYaml(meta_path));
  FsLoggedModel m;
  if (meta.is_null()) return m;
  m.model_id = StringOr(meta, "model_id", dir.filename().string());
  m.name = StringOr(meta, "name", "");
  m.artifact_location = StringOr(meta, "artifact_location", "");
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> created, OptInt(meta, "creation_timestamp", meta_path));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> updated, OptInt(meta, "last_updated_timestamp", meta_path));
  m.creation_timestamp = created.value_or(0);
  m.last_updated_timestamp = updated.value_or(0);
  if (const Json* status = Field(meta, "status")) {
    if (status->is_number_integer()) {
      m.status = status->get<int64_t>();
    } else {
      m.status = LoggedModelStatusNumber(ScalarText(*status)).value_or(1);
    }
  }
  m.lifecycle_stage = StringOr(meta, "lifecycle_stage", "active");
  m.model_type = OptString(meta, "model_type");
  m.source_run_id = OptString(meta, "source_run_id");
  m.status_message = OptString(meta, "status_message");
  MLFLOW_ASSIGN_OR_RETURN(m.params, ReadKeyValueFolder((dir / "params").string()));
  MLFLOW_ASSIGN_OR_RETURN(m.tags, ReadKeyValueFolder((dir / "tags").string()));
  MLFLOW_ASSIGN_OR_RETURN(std::vector<KeyValue> files, ReadKeyValueFolder((dir / "metrics").string()));
  for (const KeyValue& file : files) {
    for (const std::string& line : SplitLines(file.value)) {
      std::vector<std::string> f = SplitMetricFields(line);
      std::optional<int64_t> ts = f.size() >= 4 ? ParsePythonInt(f[0]) : std::nullopt;
      std::optional<double> value = f.size() >= 4 ? ParsePythonFloat(f[1]) : std::nullopt;
      std::optional<int64_t> step = f.size() >= 4 ? ParsePythonInt(f[2]) : std::nullopt;
      // MLflow's migration skips a line of another shape (with a warning); we do the same.
      if ((f.size() != 4 && f.size() != 6) || !ts || !value || !step) continue;
      FsModelMetric metric{file.key, *ts, *value, *step, f[3], std::nullopt, std::nullopt};
      if (f.size() == 6) {
        metric.dataset_name = f[4];
        metric.dataset_digest = f[5];
      }
      m.metrics.push_back(std::move(metric));
    }
  }
  return m;
}

// A YAML value as json.dumps writes it (assessment values, errors and metadata).
std::string JsonText(const Json& v) { return PyJsonDumps(PyJson(v)); }

Result<std::optional<FsAssessment>> ReadAssessment(const fs::path& path, const std::string& fallback_id) {
  MLFLOW_ASSIGN_OR_RETURN(Json meta, ReadYaml(path));
  if (meta.is_null()) return std::optional<FsAssessment>();
  FsAssessment a;
  const Json* feedback = Field(meta, "feedback");
  const Json* expectation = Field(meta, "expectation");
  static const Json kNull;
  if (feedback && feedback->is_object()) {
    a.assessment_type = "feedback";
    const Json* value = Field(*feedback, "value");
    a.value_json = JsonText(value ? *value : kNull);
    if (const Json* error = Field(*feedback, "error"); error && !(error->is_object() && error->empty())) {
      a.error_json = JsonText(*error);
    }
  } else if (expectation && expectation->is_object()) {
    a.assessment_type = "expectation";
    const Json* value = Field(*expectation, "value");
    a.value_json = JsonText(value ? *value : kNull);
  } else {
    return std::optional<FsAssessment>();
  }
  a.assessment_id = StringOr(meta, "assessment_id", fallback_id);
  a.name = StringOr(meta, "assessment_name", StringOr(meta, "name", ""));
  if (const Json* source = Field(meta, "source"); source && source->is_object()) {
    a.source_type = StringOr(*source, "source_type", "CODE");
    a.source_id = OptString(*source, "source_id");
  }
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> created, OptInt(meta, "create_time_ms", path));
  MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> updated, OptInt(meta, "last_update_time_ms", path));
  a.created_timestamp = created.value_or(0);
  a.last_updated_timestamp = updated.value_or(a.created_timestamp);
  a.run_id = OptString(meta, "run_id");
  a.span_id = OptString(meta, "span_id");
  a.rationale = OptString(meta, "rationale");
  a.overrides = OptString(meta, "overrides");
  if (const Json* valid = Field(meta, "valid"); valid && valid->is_boolean()) a.valid = valid->get<bool>();
  if (const Json* md = Field(meta, "metadata"); md && !(md->is_object() && md->empty())) a.metadata_json = JsonText(*md);
  return std::optional<FsAssessment>(std::move(a));
}

Result<std::optional<FsTrace>> ReadTrace(const fs::path& dir) {
  const fs::path info_path = dir / "trace_info.yaml";
  if (!fs::is_regular_file(info_path)) return std::optional<FsTrace>();
  MLFLOW_ASSIGN_OR_RETURN(Json meta, ReadYaml(info_path));
  if (meta.is_null()) return std::optional<FsTrace>();
  FsTrace t;
  // v3 files say trace_id, v2 files request_id.
  t.trace_id = StringOr(meta, "trace_id", "");
  if (t.trace_id.empty()) t.trace_id = StringOr(meta, "request_id", "");
  if (t.trace_id.empty()) t.trace_id = dir.filename().string();
  // v2: timestamp_ms; v3: request_time, an RFC 3339 text (0 when it does not parse, as MLflow).
  if (const Json* ts = Field(meta, "timestamp_ms"); ts && ts->is_number_integer()) {
    t.timestamp_ms = ts->get<int64_t>();
  } else if (const Json* rt = Field(meta, "request_time")) {
    if (rt->is_number_integer()) t.timestamp_ms = rt->get<int64_t>();
    if (rt->is_string()) t.timestamp_ms = ParseRfc3339Millis(rt->get<std::string>()).value_or(0);
  }
  MLFLOW_ASSIGN_OR_RETURN(t.execution_time_ms, OptInt(meta, "execution_time_ms", info_path));
  if (!t.execution_time_ms || *t.execution_time_ms == 0) {
    // Python's `a or b`: a zero time falls through to the v3 field, absent or not.
    MLFLOW_ASSIGN_OR_RETURN(t.execution_time_ms, OptInt(meta, "execution_duration_ms", info_path));
  }
  t.status = StringOr(meta, "status", "");
  if (t.status.empty()) t.status = StringOr(meta, "state", "OK");
  t.client_request_id = OptString(meta, "client_request_id");
  t.request_preview = OptString(meta, "request_preview");
  t.response_preview = OptString(meta, "response_preview");
  MLFLOW_ASSIGN_OR_RETURN(t.tags, ReadKeyValueFolder((dir / "tags").string()));
  MLFLOW_ASSIGN_OR_RETURN(t.request_metadata, ReadKeyValueFolder((dir / "request_metadata").string()));
  for (const std::string& file : SortedEntries(dir / "assessments", /*want_dirs=*/false)) {
    const std::string suffix = ".yaml";
    if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    MLFLOW_ASSIGN_OR_RETURN(std::optional<FsAssessment> a,
                            ReadAssessment(dir / "assessments" / file, file.substr(0, file.size() - suffix.size())));
    if (a) t.assessments.push_back(std::move(*a));
  }
  return std::optional<FsTrace>(std::move(t));
}

// A folder name Python's int() accepts: MLflow's test for an experiment folder.
bool IsExperimentFolderName(const std::string& name) { return ParsePythonInt(name).has_value(); }

std::vector<std::string> ExperimentFolders(const fs::path& dir) {
  std::vector<std::string> out;
  for (const std::string& name : SortedEntries(dir, /*want_dirs=*/true)) {
    if (IsExperimentFolderName(name)) out.push_back(name);
  }
  return out;
}

}  // namespace

Result<std::vector<KeyValue>> ReadKeyValueFolder(const std::string& dir) {
  std::vector<KeyValue> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    MLFLOW_ASSIGN_OR_RETURN(std::string value, ReadText(it->path()));
    out.push_back({it->path().lexically_relative(dir).generic_string(), std::move(value)});
  }
  if (ec) return Status::InvalidParameter("cannot list '" + dir + "': " + ec.message());
  std::sort(out.begin(), out.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
  return out;
}

Result<FsMetricPoint> ParseRunMetricLine(const std::string& line) {
  std::vector<std::string> f = SplitMetricFields(line);
  if (f.size() < 2) return Status::InvalidParameter("malformed metric line '" + line + "'");
  std::optional<int64_t> ts = ParsePythonInt(f[0]);
  std::optional<double> value = ParsePythonFloat(f[1]);
  std::optional<int64_t> step = f.size() >= 3 ? ParsePythonInt(f[2]) : std::optional<int64_t>(0);
  if (!ts || !value || !step) return Status::InvalidParameter("malformed metric line '" + line + "'");
  return FsMetricPoint{*ts, *value, *step};
}

std::optional<int64_t> ParseRfc3339Millis(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6) {
    return std::nullopt;
  }
  size_t pos = static_cast<size_t>(used);
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int oh = 0, om = 0;
      if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
      offset_seconds = (text[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      pos += 6;
    }
  }
  if (pos != text.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset_seconds;
  return seconds * 1000 + millis;
}

Result<FileStoreLayout> ListFileStore(const std::string& source) {
  std::error_code ec;
  fs::path root = fs::absolute(source, ec).lexically_normal();
  if (!root.empty() && root.filename().empty()) root = root.parent_path();  // no trailing '/'
  if (!fs::is_directory(root, ec)) return Status::InvalidParameter("'" + source + "' is not a folder");
  if (fs::is_directory(root / "mlruns", ec)) root /= "mlruns";
  FileStoreLayout layout;
  layout.root = root.string();
  for (const std::string& id : ExperimentFolders(root)) layout.experiments.push_back({(root / id).string(), id});
  for (const std::string& id : ExperimentFolders(root / ".trash")) {
    layout.experiments.push_back({(root / ".trash" / id).string(), id});
  }
  for (const std::string& name : SortedEntries(root / "models", /*want_dirs=*/true)) {
    layout.registered_model_dirs.push_back((root / "models" / name).string());
  }
  if (layout.experiments.empty() && !fs::is_directory(root / ".trash", ec) && !fs::is_directory(root / "models", ec)) {
    return Status::InvalidParameter("'" + source +
                                    "' is not an MLflow file store: it has no mlruns folder, no experiment folders, "
                                    "no .trash and no models folder");
  }
  return layout;
}

Result<FsExperiment> ReadExperiment(const ExperimentDir& dir) {
  const fs::path root(dir.path);
  FsExperiment e;
  e.experiment_id = dir.experiment_id;
  const fs::path meta_path = root / "meta.yaml";
  if (!fs::is_regular_file(meta_path)) return e;  // no meta.yaml: not an experiment (empty name)
  MLFLOW_ASSIGN_OR_RETURN(Json meta, ReadYaml(meta_path));
  if (meta.is_null()) return e;
  e.name = StringOr(meta, "name", "experiment_" + dir.experiment_id);
  e.artifact_location = OptString(meta, "artifact_location");
  e.lifecycle_stage = StringOr(meta, "lifecycle_stage", "active");
  MLFLOW_ASSIGN_OR_RETURN(e.creation_time, OptInt(meta, "creation_time", meta_path));
  MLFLOW_ASSIGN_OR_RETURN(e.last_update_time, OptInt(meta, "last_update_time", meta_path));
  MLFLOW_ASSIGN_OR_RETURN(e.tags, ReadKeyValueFolder((root / "tags").string()));

  for (const std::string& name : SortedEntries(root, /*want_dirs=*/true)) {
    if (ReservedFolders().count(name) || !fs::is_regular_file(root / name / "meta.yaml")) continue;
    MLFLOW_ASSIGN_OR_RETURN(FsRun run, ReadRun(root / name));
    if (!run.run_id.empty()) e.runs.push_back(std::move(run));
  }
  MLFLOW_ASSIGN_OR_RETURN(e.datasets, ReadDatasets(root / "datasets"));
  for (const std::string& name : SortedEntries(root / "traces", /*want_dirs=*/true)) {
    MLFLOW_ASSIGN_OR_RETURN(std::optional<FsTrace> trace, ReadTrace(root / "traces" / name));
    if (trace) e.traces.push_back(std::move(*trace));
  }
  for (const std::string& name : SortedEntries(root / "models", /*want_dirs=*/true)) {
    if (!fs::is_regular_file(root / "models" / name / "meta.yaml")) continue;
    MLFLOW_ASSIGN_OR_RETURN(FsLoggedModel model, ReadLoggedModel(root / "models" / name));
    if (!model.model_id.empty()) e.logged_models.push_back(std::move(model));
  }
  return e;
}

Result<FsRegisteredModel> ReadRegisteredModel(const std::string& dir_text) {
  const fs::path dir(dir_text);
  FsRegisteredModel m;
  const fs::path meta_path = dir / "meta.yaml";
  if (!fs::is_regular_file(meta_path)) return m;  // empty name: skipped
  MLFLOW_ASSIGN_OR_RETURN(Json meta, ReadYaml(meta_path));
  if (meta.is_null()) return m;
  m.name = StringOr(meta, "name", dir.filename().string());
  MLFLOW_ASSIGN_OR_RETURN(m.creation_time, OptInt(meta, "creation_timestamp", meta_path));
  MLFLOW_ASSIGN_OR_RETURN(m.last_updated_time, OptInt(meta, "last_updated_timestamp", meta_path));
  m.description = OptString(meta, "description");
  MLFLOW_ASSIGN_OR_RETURN(m.tags, ReadKeyValueFolder((dir / "tags").string()));

  for (const std::string& name : SortedEntries(dir, /*want_dirs=*/true)) {
    if (name.rfind("version-", 0) != 0) continue;
    const fs::path vpath = dir / name / "meta.yaml";
    if (!fs::is_regular_file(vpath)) continue;
    MLFLOW_ASSIGN_OR_RETURN(Json vmeta, ReadYaml(vpath));
    if (vmeta.is_null()) continue;
    FsModelVersion v;
    MLFLOW_ASSIGN_OR_RETURN(std::optional<int64_t> version, OptInt(vmeta, "version", vpath));
    if (!version) return Status::InvalidParameter("'" + vpath.string() + "' has no version");
    v.version = *version;
    MLFLOW_ASSIGN_OR_RETURN(v.creation_time, OptInt(vmeta, "creation_timestamp", vpath));
    MLFLOW_ASSIGN_OR_RETURN(v.last_updated_time, OptInt(vmeta, "last_updated_timestamp", vpath));
    v.description = OptString(vmeta, "description");
    v.user_id = OptString(vmeta, "user_id");
    v.current_stage = StringOr(vmeta, "current_stage", "None");
    v.source = OptString(vmeta, "source");
    v.storage_location = OptString(vmeta, "storage_location");
    v.run_id = OptString(vmeta, "run_id");
    v.run_link = OptString(vmeta, "run_link");
    v.status = StringOr(vmeta, "status", "READY");
    v.status_message = OptString(vmeta, "status_message");
    MLFLOW_ASSIGN_OR_RETURN(v.tags, ReadKeyValueFolder((dir / name / "tags").string()));
    m.versions.push_back(std::move(v));
  }
  // Versions in number order (folder names sort version-10 before version-2).
  std::sort(m.versions.begin(), m.versions.end(),
            [](const FsModelVersion& a, const FsModelVersion& b) { return a.version < b.version; });

  for (const std::string& alias : SortedEntries(dir / "aliases", /*want_dirs=*/false)) {
    MLFLOW_ASSIGN_OR_RETURN(std::string text, ReadText(dir / "aliases" / alias));
    // A version that is not a number is skipped, as MLflow's migration does.
    if (std::optional<int64_t> version = ParsePythonInt(text)) m.aliases.emplace_back(alias, *version);
  }
  return m;
}

}  // namespace mlflow::store::filestore
