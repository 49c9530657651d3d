#include "models/scoring_server.h"

#include <algorithm>
#include <map>

#include "models/py_json.h"

namespace mlflow::models {
namespace {

std::string Strip(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n\f\v");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(a, b - a + 1);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const char* kProtocolChange =
    "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you "
    "are likely using an outdated scoring request format. To resolve the error, either update your request format or "
    "adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the "
    "'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. "
    "via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use the new request "
    "format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see "
    "https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";

server::HttpResponse ToHttp(const ScoringResponse& r) {
  server::HttpResponse h;
  h.status = r.status;
  h.content_type = r.content_type;
  h.body = r.body;
  return h;
}

// Starlette adds the charset to text/* media types.
ScoringResponse Text(int status, std::string body) { return {status, "text/plain; charset=utf-8", std::move(body)}; }

// FastAPI's answers for unknown paths and methods.
server::HttpResponse Detail(int status, const char* detail) {
  server::HttpResponse h;
  h.status = status;
  h.body = std::string("{\"detail\":\"") + detail + "\"}";
  return h;
}

}  // namespace

ScoringService::ScoringService(std::unique_ptr<Predictor> predictor, const MLmodel& model, ScoringOptions options)
    : predictor_(std::move(predictor)), options_(std::move(options)) {
  auto sig = model.GetSignature();
  if (sig.ok()) signature_ = std::move(*sig);
  // Signatures inferred from type hints take `inputs` unparsed, and complex column types are
  // cast by MLflow's own code: such models only take the raw path.
  raw_only_ = model.is_signature_from_type_hint();
  if (signature_ && signature_->inputs && !signature_->inputs->is_tensor && !signature_->inputs->all_simple_columns()) {
    raw_only_ = true;
  }
  if (!sig.ok()) raw_only_ = true;
}

void ScoringService::Register(server::Router& router) {
  auto ping = [](const server::HttpRequest&) {
    server::HttpResponse r;
    r.body = "\n";
    return r;
  };
  router.Add("GET", "/ping", ping);
  router.Add("GET", "/health", ping);
  router.Add("GET", "/version", [this](const server::HttpRequest&) {
    server::HttpResponse r;
    r.body = options_.version;
    return r;
  });
  if (predictor_->AcceptsRaw()) {
    // python_function: the handler waits for a worker process, on the server's handler threads.
    router.Add("POST", "/invocations", [this](const server::HttpRequest& req) { return Invocations(req); });
  } else {
    // Native flavors answer on the IO threads without waiting for their own prediction, so the
    // rows of every request that arrives meanwhile go into the predictor's next call.
    router.AddAsync("POST", "/invocations", [this](const server::HttpRequest& req, server::Responder respond) {
      if (!req.headers.count("content-type")) return respond(Invocations(req));
      Dispatch(req.body, req.headers.at("content-type"), /*async=*/true,
               [respond = std::move(respond)](ScoringResponse r) { respond(ToHttp(r)); });
    });
  }
  for (const char* m : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    for (const char* p : {"/ping", "/health", "/version"}) {
      router.Add(m, p, [](const server::HttpRequest&) {
        auto r = Detail(405, "Method Not Allowed");
        r.headers.push_back({"allow", "GET"});
        return r;
      });
    }
  }
  for (const char* m : {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    router.Add(m, "/invocations", [](const server::HttpRequest&) {
      auto r = Detail(405, "Method Not Allowed");
      r.headers.push_back({"allow", "POST"});
      return r;
    });
  }
  for (const char* m : {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    router.Add(m, "/{path...}", [](const server::HttpRequest&) { return Detail(404, "Not Found"); });
  }
}

server::HttpResponse ScoringService::Invocations(const server::HttpRequest& req) {
  auto it = req.headers.find("content-type");
  if (it == req.headers.end()) {
    // MLflow's handler fails on a missing header (an unhandled exception).
    server::HttpResponse r;
    r.status = 500;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Internal Server Error";
    return r;
  }
  return ToHttp(Score(req.body, it->second));
}

ScoringResponse ScoringService::Score(std::string body, const std::string& content_type) {
  ScoringResponse answer;
  Dispatch(std::move(body), content_type, /*async=*/false, [&answer](ScoringResponse r) { answer = std::move(r); });
  return answer;
}

void ScoringService::Dispatch(std::string body, const std::string& content_type, bool async,
                              const std::function<void(ScoringResponse)>& done) {
  Deadline deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options_.timeout_seconds);
  // Content type and its parameters, split as MLflow does.
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t semi = content_type.find(';', start);
    parts.push_back(Strip(content_type.substr(start, semi == std::string::npos ? std::string::npos : semi - start)));
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  std::string mime = parts[0];
  std::vector<std::pair<std::string, std::string>> params;
  for (size_t i = 1; i < parts.size(); ++i) {
    size_t eq = parts[i].find('=');
    std::string key = parts[i].substr(0, eq);
    std::string value = eq == std::string::npos ? "" : parts[i].substr(eq + 1);
    bool replaced = false;
    for (auto& [k, v] : params) {
      if (k == key) v = value, replaced = true;
    }
    if (!replaced) params.push_back({key, value});
  }
  std::string charset = "utf-8";
  std::vector<std::string> unexpected;
  for (const auto& [k, v] : params) {
    if (k == "charset") {
      charset = Lower(v);
    } else {
      unexpected.push_back(k);
    }
  }
  if (charset != "utf-8") return done(Text(415, "The scoring server only supports UTF-8"));
  if (!unexpected.empty()) {
    std::string joined;
    for (size_t i = 0; i < unexpected.size(); ++i) joined += (i ? ", " : "") + unexpected[i];
    return done(Text(415, "Unrecognized content type parameters: " + joined + ". " + kProtocolChange));
  }
  bool csv = mime == "text/csv";
  bool json = mime == "application/json";
  bool parquet = mime == "application/vnd.apache.parquet";
  if (!csv && !json && !parquet) {
    return done(Text(415, "This predictor only supports the following content types: Types: ['text/csv', "
                     "'application/json', 'application/vnd.apache.parquet']. Got '" +
                         content_type + "'."));
  }
  bool raw_ok = predictor_->AcceptsRaw();
  // For python_function models, CSV (pandas.read_csv's own type inference) and Parquet bodies go
  // to MLflow as they are.
  if (raw_ok && (raw_only_ || parquet || csv)) return done(predictor_->PredictRaw(body, content_type, deadline));
  if (parquet) {
    return done(ScoringResponse::FromError(ScoringError::BadRequest(
        "Parquet input is served only for python_function models; send JSON or CSV to this natively served model.")));
  }
  ScoringRequest req;
  const Schema* schema = signature_ && signature_->inputs ? &*signature_->inputs : nullptr;
  std::optional<ScoringError> err =
      csv ? ParseCsvRequest(body, schema, &req) : ParseJsonRequest(raw_ok ? body : std::move(body), schema, &req);
  if (!err) err = EnforceParams(signature_ && signature_->params ? &*signature_->params : nullptr, req);
  if (!err) err = EnforceSchema(schema, &req, /*keep_parsed=*/raw_ok);
  if (err) {
    // The C++ layer refuses the request; MLflow itself renders the exact answer when it runs the
    // model (python_function), else the message above is the answer.
    if (raw_ok) return done(predictor_->PredictRaw(body, content_type, deadline));
    if (err->unsupported) {
      err->message = "This request is valid for MLflow but uses input mlflow-cpp handles only for python_function "
                     "models (" + err->message + ").";
    }
    return done(ScoringResponse::FromError(*err));
  }
  // Workers take typed DataFrames; instances/inputs bodies become numpy arrays or dicts in MLflow,
  // which its own parser builds.
  if (raw_ok && req.kind != InputKind::kFrame) return done(predictor_->PredictRaw(body, content_type, deadline));
  if (async) return predictor_->PredictAsync(req, deadline, done);
  done(predictor_->Predict(req, deadline));
}

}  // namespace mlflow::models
