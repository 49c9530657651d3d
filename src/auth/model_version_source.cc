#include "auth/model_version_source.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "auth/request_aliases.h"

namespace mlflow::auth {
namespace {

constexpr const char* kPromptMarker = "mlflow.prompt.is_prompt";

// Python's str.strip() set, as far as ASCII goes.
bool IsPySpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }

bool BlankAfterStrip(const std::string& s) { return std::all_of(s.begin(), s.end(), IsPySpace); }

Status ImproperModelsUri(const std::string& uri) {
  // MLflow raises it without an error code: INTERNAL_ERROR, answered as a 500.
  return Status::Internal("Not a proper models:/ URI: " + uri +
                          ". Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' where "
                          "suffix is a version, stage, or the string 'latest' and where alias is a registered model "
                          "alias. Only one of suffix or alias can be defined at a time.");
}

// mlflow/store/artifact/utils/models.py _parse_model_uri for the "models" scheme: a name (any
// suffix or alias) or a logged model id.
Status ParseModelsUri(const std::string& uri, CreateVersionRequest* out) {
  const std::string path = PyUrlParse(uri, /*allow_fragments=*/false).path;
  if (path.empty() || path[0] != '/' || path.size() <= 1) return ImproperModelsUri(uri);
  const size_t first = path.find_first_not_of('/');
  const std::string rest = first == std::string::npos ? "" : path.substr(first);
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t slash = rest.find('/', start);
    parts.push_back(rest.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.size() > 2 || BlankAfterStrip(parts[0])) return ImproperModelsUri(uri);
  if (parts.size() == 2) {
    if (BlankAfterStrip(parts[1])) return ImproperModelsUri(uri);
    out->source_name = parts[0];  // a version, "latest" or a stage: the name decides either way
    return Status();
  }
  if (path.find('@') != std::string::npos) {
    size_t at = parts[0].rfind('@');
    if (at == std::string::npos || BlankAfterStrip(parts[0].substr(at + 1))) return ImproperModelsUri(uri);
    out->source_name = parts[0].substr(0, at);
    return Status();
  }
  out->source_model_id = parts[0];
  return Status();
}

// A string field of the message: its value when sent as a string under either spelling, nullopt
// when absent or null. (Another type fails MLflow's parse at that field, leaving it unset; its
// handler then refuses the request.)
std::optional<std::string> StringField(const nlohmann::json& body, const AliasedField& field) {
  const nlohmann::json* v = AliasedValue(body, field);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

}  // namespace

PyUrlParts PyUrlParse(std::string url, bool allow_fragments) {
  PyUrlParts p;
  size_t lead = 0;
  while (lead < url.size() && static_cast<unsigned char>(url[lead]) <= 0x20) ++lead;
  url.erase(0, lead);
  url.erase(std::remove_if(url.begin(), url.end(), [](char c) { return c == '\t' || c == '\r' || c == '\n'; }),
            url.end());
  size_t colon = url.find(':');
  if (colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(url[0]))) {
    bool scheme_chars = std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
    if (scheme_chars) {
      p.scheme = url.substr(0, colon);
      for (char& c : p.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      url.erase(0, colon + 1);
    }
  }
  if (url.rfind("//", 0) == 0) {
    size_t end = url.find_first_of("/?#", 2);
    p.netloc = url.substr(2, end == std::string::npos ? std::string::npos : end - 2);
    url = end == std::string::npos ? "" : url.substr(end);
  }
  if (allow_fragments) url = url.substr(0, url.find('#'));
  p.path = url.substr(0, url.find('?'));
  return p;
}

CreateVersionRequest ReadCreateVersionRequest(const nlohmann::json& body) {
  CreateVersionRequest r;
  if (!body.is_object()) return r;
  r.run_id = StringField(body, {"run_id", "runId", {}});
  r.model_id = StringField(body, {"model_id", "modelId", {}});
  if (auto tags = body.find("tags"); tags != body.end()) {
    static const std::vector<AliasedField> kTagFields = {{"key", "key", {}}, {"value", "value", {}}};
    for (const nlohmann::json* tag : ItemsParsedBeforeFailure(*tags, kTagFields)) {
      auto key = tag->find("key");
      if (key == tag->end() || !key->is_string() || *key != kPromptMarker) continue;
      auto value = tag->find("value");
      std::string v = value != tag->end() && value->is_string() ? value->get<std::string>() : "";
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
      r.prompt_marker = v == "true";
    }
  }
  std::optional<std::string> source = StringField(body, {"source", "source", {}});
  if (source && PyUrlParse(*source).scheme == "models") {
    r.source_status = ParseModelsUri(*source, &r);
    if (r.source_status.ok() && r.source_name && r.source_name->empty()) {
      r.source_status = Status::InvalidParameter("Missing value for required parameter 'name'.");
    }
  }
  return r;
}

}  // namespace mlflow::auth
