#include "cli/tracking_api.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "artifacts/curl_http.h"
#include "artifacts/http_repository.h"
#include "cli/local_backend.h"

namespace mlflow::cli {
namespace {

using nlohmann::json;

// Runs and experiments through the service layer, on a database.
class LocalTrackingApi final : public TrackingApi {
 public:
  explicit LocalTrackingApi(std::unique_ptr<LocalBackend> backend) : backend_(std::move(backend)) {}

  Result<std::string> CreateExperiment(const std::string& name, const std::string& artifact_location) override {
    service::CreateExperimentRequest request;
    request.name = name;
    request.artifact_location = artifact_location;
    return tracking().CreateExperiment(request);
  }
  Result<std::vector<Experiment>> SearchExperiments(ViewType view, std::optional<int64_t> max_results) override {
    std::vector<Experiment> out;
    service::SearchExperimentsRequest request;
    request.view_type = view;
    for (int page = 0; page < 1000000; ++page) {
      int64_t want = 1000;
      if (max_results) want = std::min<int64_t>(want, *max_results - static_cast<int64_t>(out.size()));
      if (want <= 0) break;
      request.max_results = want;
      MLFLOW_ASSIGN_OR_RETURN(store::ExperimentSearchPage found, tracking().SearchExperiments(request));
      for (auto& e : found.experiments) out.push_back(std::move(e));
      if (found.next_page_token.empty()) break;
      request.page_token = found.next_page_token;
    }
    return out;
  }
  Status RenameExperiment(const std::string& id, const std::string& name) override {
    return tracking().RenameExperiment(id, name);
  }
  Status DeleteExperiment(const std::string& id) override { return tracking().DeleteExperiment(id); }
  Status RestoreExperiment(const std::string& id) override { return tracking().RestoreExperiment(id); }
  Result<std::vector<Run>> ListRuns(const std::string& experiment_id, ViewType view) override {
    std::vector<Run> out;
    service::SearchRunsRequest request;
    request.experiment_ids = {experiment_id};
    request.view_type = view;
    for (int page = 0; page < 1000000; ++page) {
      MLFLOW_ASSIGN_OR_RETURN(store::RunSearchPage found, tracking().SearchRuns(request));
      for (auto& r : found.runs) out.push_back(std::move(r));
      if (found.next_page_token.empty()) break;
      request.page_token = found.next_page_token;
    }
    return out;
  }
  Result<Run> GetRun(const std::string& run_id) override { return tracking().GetRun(run_id); }
  Status DeleteRun(const std::string& run_id) override { return tracking().DeleteRun(run_id); }
  Status RestoreRun(const std::string& run_id) override { return tracking().RestoreRun(run_id); }

 private:
  service::TrackingService& tracking() { return *backend_->tracking; }
  std::unique_ptr<LocalBackend> backend_;
};

std::optional<int64_t> OptInt(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (j[key].is_number_integer()) return j[key].get<int64_t>();
  if (j[key].is_string()) return std::strtoll(j[key].get<std::string>().c_str(), nullptr, 10);
  return std::nullopt;
}

std::string Str(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

std::vector<KeyValue> KeyValues(const json& j, const char* key) {
  std::vector<KeyValue> out;
  if (!j.contains(key) || !j[key].is_array()) return out;
  for (const json& kv : j[key]) out.push_back({Str(kv, "key"), Str(kv, "value")});
  return out;
}

Experiment ExperimentFromJson(const json& j) {
  Experiment e;
  e.experiment_id = Str(j, "experiment_id");
  e.name = Str(j, "name");
  e.artifact_location = Str(j, "artifact_location");
  e.lifecycle_stage = Str(j, "lifecycle_stage");
  e.creation_time = OptInt(j, "creation_time");
  e.last_update_time = OptInt(j, "last_update_time");
  e.tags = KeyValues(j, "tags");
  return e;
}

Run RunFromJson(const json& j) {
  Run r;
  const json info = j.value("info", json::object());
  r.info.run_id = Str(info, "run_id");
  r.info.run_name = Str(info, "run_name");
  r.info.experiment_id = Str(info, "experiment_id");
  r.info.user_id = Str(info, "user_id");
  r.info.status = Str(info, "status");
  r.info.start_time = OptInt(info, "start_time");
  r.info.end_time = OptInt(info, "end_time");
  r.info.artifact_uri = Str(info, "artifact_uri");
  r.info.lifecycle_stage = Str(info, "lifecycle_stage");
  const json data = j.value("data", json::object());
  if (data.contains("metrics") && data["metrics"].is_array()) {
    for (const json& m : data["metrics"]) {
      Metric metric;
      metric.key = Str(m, "key");
      if (m.contains("value") && m["value"].is_number()) metric.value = m["value"].get<double>();
      if (m.contains("value") && m["value"].is_string()) metric.value = std::strtod(Str(m, "value").c_str(), nullptr);
      metric.timestamp = OptInt(m, "timestamp").value_or(0);
      metric.step = OptInt(m, "step").value_or(0);
      r.metrics.push_back(metric);
    }
  }
  r.params = KeyValues(data, "params");
  r.tags = KeyValues(data, "tags");
  const json inputs = j.value("inputs", json::object());
  if (inputs.contains("dataset_inputs") && inputs["dataset_inputs"].is_array()) {
    for (const json& d : inputs["dataset_inputs"]) {
      DatasetInput in;
      in.tags = KeyValues(d, "tags");
      const json ds = d.value("dataset", json::object());
      in.dataset.name = Str(ds, "name");
      in.dataset.digest = Str(ds, "digest");
      in.dataset.source_type = Str(ds, "source_type");
      in.dataset.source = Str(ds, "source");
      if (ds.contains("schema") && ds["schema"].is_string()) in.dataset.schema = Str(ds, "schema");
      if (ds.contains("profile") && ds["profile"].is_string()) in.dataset.profile = Str(ds, "profile");
      r.dataset_inputs.push_back(std::move(in));
    }
  }
  if (inputs.contains("model_inputs") && inputs["model_inputs"].is_array()) {
    for (const json& m : inputs["model_inputs"]) r.model_inputs.push_back({Str(m, "model_id")});
  }
  const json outputs = j.value("outputs", json::object());
  if (outputs.contains("model_outputs") && outputs["model_outputs"].is_array()) {
    for (const json& m : outputs["model_outputs"]) r.model_outputs.push_back({Str(m, "model_id"), OptInt(m, "step").value_or(0)});
  }
  return r;
}

const char* ViewName(ViewType view) {
  switch (view) {
    case ViewType::kActiveOnly: return "ACTIVE_ONLY";
    case ViewType::kDeletedOnly: return "DELETED_ONLY";
    case ViewType::kAll: return "ALL";
  }
  return "ACTIVE_ONLY";
}

// The same calls over a tracking server's REST API (/api/2.0/mlflow/...).
class HttpTrackingApi final : public TrackingApi {
 public:
  explicit HttpTrackingApi(std::string base) : base_(std::move(base)) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }

  Result<std::string> CreateExperiment(const std::string& name, const std::string& artifact_location) override {
    json body = {{"name", name}};
    if (!artifact_location.empty()) body["artifact_location"] = artifact_location;
    MLFLOW_ASSIGN_OR_RETURN(json r, Call("POST", "experiments/create", body));
    return Str(r, "experiment_id");
  }
  Result<std::vector<Experiment>> SearchExperiments(ViewType view, std::optional<int64_t> max_results) override {
    std::vector<Experiment> out;
    std::string token;
    for (int page = 0; page < 1000000; ++page) {
      int64_t want = 1000;
      if (max_results) want = std::min<int64_t>(want, *max_results - static_cast<int64_t>(out.size()));
      if (want <= 0) break;
      json body = {{"view_type", ViewName(view)}, {"max_results", want}};
      if (!token.empty()) body["page_token"] = token;
      MLFLOW_ASSIGN_OR_RETURN(json r, Call("POST", "experiments/search", body));
      if (r.contains("experiments") && r["experiments"].is_array()) {
        for (const json& e : r["experiments"]) out.push_back(ExperimentFromJson(e));
      }
      token = Str(r, "next_page_token");
      if (token.empty()) break;
    }
    return out;
  }
  Status RenameExperiment(const std::string& id, const std::string& name) override {
    return Call("POST", "experiments/update", {{"experiment_id", id}, {"new_name", name}}).status();
  }
  Status DeleteExperiment(const std::string& id) override {
    return Call("POST", "experiments/delete", {{"experiment_id", id}}).status();
  }
  Status RestoreExperiment(const std::string& id) override {
    return Call("POST", "experiments/restore", {{"experiment_id", id}}).status();
  }
  Result<std::vector<Run>> ListRuns(const std::string& experiment_id, ViewType view) override {
    std::vector<Run> out;
    std::string token;
    for (int page = 0; page < 1000000; ++page) {
      json body = {{"experiment_ids", {experiment_id}}, {"run_view_type", ViewName(view)}, {"max_results", 1000}};
      if (!token.empty()) body["page_token"] = token;
      MLFLOW_ASSIGN_OR_RETURN(json r, Call("POST", "runs/search", body));
      if (r.contains("runs") && r["runs"].is_array()) {
        for (const json& run : r["runs"]) out.push_back(RunFromJson(run));
      }
      token = Str(r, "next_page_token");
      if (token.empty()) break;
    }
    return out;
  }
  Result<Run> GetRun(const std::string& run_id) override {
    MLFLOW_ASSIGN_OR_RETURN(json r, Call("GET", "runs/get?run_id=" + artifacts::UrlEncode(run_id), nullptr));
    return RunFromJson(r.value("run", json::object()));
  }
  Status DeleteRun(const std::string& run_id) override {
    return Call("POST", "runs/delete", {{"run_id", run_id}}).status();
  }
  Status RestoreRun(const std::string& run_id) override {
    return Call("POST", "runs/restore", {{"run_id", run_id}}).status();
  }

 private:
  Result<json> Call(const std::string& method, const std::string& endpoint, const json& body) {
    artifacts::HttpCall call;
    call.method = method;
    call.url = base_ + "/api/2.0/mlflow/" + endpoint;
    call.headers = artifacts::TrackingRequestHeaders();
    call.body_limit = size_t{256} << 20;
    std::string text;
    if (!body.is_null()) {
      text = body.dump();
      call.body = &text;
      call.headers.push_back("Content-Type: application/json");
    }
    MLFLOW_ASSIGN_OR_RETURN(artifacts::HttpResult r, artifacts::PerformHttp(call));
    if (r.status != 200) {
      // Shown as the Python client's RestException shows a server's error: "CODE: message".
      Status st = artifacts::StatusFromHttp(r.status, r.body, endpoint);
      return Status(st.code(), std::string(ErrorCodeName(st.code())) + ": " + st.message());
    }
    json parsed = json::parse(r.body, nullptr, false);
    if (!parsed.is_object()) return Status::Internal("unexpected answer from " + call.url + ": " + r.body.substr(0, 200));
    return parsed;
  }
  std::string base_;
};

}  // namespace

std::string TrackingUriFromEnv() {
  const char* v = std::getenv("MLFLOW_TRACKING_URI");
  return v && *v ? v : "sqlite:///mlflow.db";
}

Result<std::unique_ptr<TrackingApi>> OpenTrackingApi(const std::string& uri) {
  if (IsHttpUri(uri)) return std::unique_ptr<TrackingApi>(new HttpTrackingApi(uri));
  // MLflow's default artifact root for a database store: ./mlruns, made absolute.
  MLFLOW_ASSIGN_OR_RETURN(std::unique_ptr<LocalBackend> backend, OpenLocalBackend(uri, "./mlruns"));
  return std::unique_ptr<TrackingApi>(new LocalTrackingApi(std::move(backend)));
}

Result<ViewType> ParseViewType(const std::string& view) {
  std::string v = view;
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "active_only") return ViewType::kActiveOnly;
  if (v == "deleted_only") return ViewType::kDeletedOnly;
  if (v == "all") return ViewType::kAll;
  return Status::InvalidParameter("Could not get valid view type corresponding to string " + view +
                                  ". Valid view types are ['active_only', 'deleted_only', 'all']");
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& headers) {
  std::vector<size_t> widths;
  // Like MLflow's: no rows, no columns (its widths come from the rows).
  if (!rows.empty()) {
    for (size_t c = 0; c < headers.size(); ++c) {
      size_t w = std::max<size_t>(headers[c].size() + 2, 4);
      size_t longest = 0;
      for (const auto& row : rows) longest = std::max(longest, c < row.size() ? row[c].size() : 0);
      widths.push_back(std::max(w, longest));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < widths.size(); ++c) {
      if (c) out += "  ";
      std::string cell = c < cells.size() ? cells[c] : "";
      cell.resize(std::max(cell.size(), widths[c]), ' ');
      out += cell;
    }
    return out;
  };
  std::string out = line(headers) + "\n";
  std::vector<std::string> dashes;
  for (size_t w : widths) dashes.push_back(std::string(w, '-'));
  out += line(dashes);
  for (const auto& row : rows) out += "\n" + line(row);
  return out;
}

}  // namespace mlflow::cli
