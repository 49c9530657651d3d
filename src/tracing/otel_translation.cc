#include "tracing/otel_translation.h"

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace mlflow::tracing {
namespace {

// One OTel convention: which attributes hold what (MLflow's translator tables). A key may be a
// regular expression over attribute names (Traceloop's indexed prompt keys).
struct Key {
  Key(const char* n, bool is_pattern = false) : name(n), pattern(is_pattern) {
    if (pattern) rx = std::regex(name);
  }
  std::string name;
  bool pattern = false;
  std::regex rx;  // compiled once, with the table
};

struct Convention {
  const char* span_kind_key;
  std::vector<std::pair<std::string, const char*>> span_kinds;
  const char* input_tokens;
  const char* output_tokens;
  const char* total_tokens;
  const char* cache_read_tokens;
  std::vector<const char*> cache_creation_tokens;  // first present wins
  std::vector<Key> inputs;
  std::vector<Key> outputs;
  std::vector<Key> model_names;
  const char* provider;
  std::vector<Key> tool_definitions;
};

const std::vector<Convention>& Conventions() {
  static const std::vector<Convention> kAll = {
      // OpenInference
      {"openinference.span.kind",
       {{"TOOL", "TOOL"}, {"CHAIN", "CHAIN"}, {"LLM", "LLM"}, {"RETRIEVER", "RETRIEVER"}, {"EMBEDDING", "EMBEDDING"},
        {"AGENT", "AGENT"}, {"RERANKER", "RERANKER"}, {"UNKNOWN", "UNKNOWN"}, {"GUARDRAIL", "GUARDRAIL"},
        {"EVALUATOR", "EVALUATOR"}},
       "llm.token_count.prompt", "llm.token_count.completion", "llm.token_count.total",
       "llm.token_count.prompt_details.cache_read", {"llm.token_count.prompt_details.cache_write"},
       {{"input.value"}}, {{"output.value"}},
       {{"llm.response.model_name"}, {"llm.model_name"}, {"llm.request.model_name"}, {"embedding.model_name"}},
       "llm.provider", {}},
      // OpenTelemetry GenAI semantic conventions
      {"gen_ai.operation.name",
       {{"chat", "CHAT_MODEL"}, {"create_agent", "AGENT"}, {"embeddings", "EMBEDDING"}, {"execute_tool", "TOOL"},
        {"generate_content", "LLM"}, {"invoke_agent", "AGENT"}, {"text_completion", "LLM"}, {"response", "LLM"}},
       "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", nullptr, "gen_ai.usage.cache_read.input_tokens",
       {"gen_ai.usage.cache_write.input_tokens", "gen_ai.usage.cache_creation.input_tokens"},
       {{"gen_ai.input.messages"}, {"gen_ai.tool.call.arguments"}},
       {{"gen_ai.output.messages"}, {"gen_ai.tool.call.result"}},
       {{"gen_ai.response.model"}, {"gen_ai.request.model"}}, "gen_ai.provider.name", {{"gen_ai.tool.definitions"}}},
      // Traceloop / OpenLLMetry
      {"traceloop.span.kind",
       {{"workflow", "WORKFLOW"}, {"task", "TASK"}, {"agent", "AGENT"}, {"tool", "TOOL"}, {"unknown", "UNKNOWN"}},
       "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens", "llm.usage.total_tokens", nullptr, {},
       {{"traceloop.entity.input"},
        {"gen_ai\\.prompt\\.\\d+\\.content", true},
        {"gen_ai\\.completion\\.\\d+\\.tool_calls\\.\\d+\\.arguments", true}},
       {{"traceloop.entity.output"}, {"gen_ai\\.completion\\.\\d+\\.content", true}}, {}, "gen_ai.system", {}},
  };
  return kAll;
}

// json.loads of a stored text, when it is JSON.
std::optional<Json> Loads(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  return PyJsonLoads(v.get<std::string>());
}

// MLflow's _get_and_check_attribute_value: the stored value, unless it is JSON of something empty
// or null.
std::optional<Json> Checked(const Json& attrs, const std::string& key) {
  auto it = attrs.find(key);
  if (it == attrs.end()) return std::nullopt;
  if (it->is_string()) {
    if (std::optional<Json> loaded = Loads(*it)) {
      if (!PyTruthy(*loaded)) return std::nullopt;
    }
  }
  if (!PyTruthy(*it)) return std::nullopt;
  return *it;
}

std::optional<Json> FirstValue(const Json& attrs, const std::vector<Key>& keys) {
  for (const Key& k : keys) {
    if (!k.pattern) {
      if (auto v = Checked(attrs, k.name)) return v;
      continue;
    }
    // Python's re.match: anchored at the start only.
    for (auto it = attrs.begin(); it != attrs.end(); ++it) {
      if (!std::regex_search(it.key(), k.rx, std::regex_constants::match_continuous)) continue;
      if (auto v = Checked(attrs, it.key())) return v;
    }
  }
  return std::nullopt;
}

// _parse_int_attribute.
std::optional<int64_t> IntAttribute(const Json& attrs, const char* key) {
  if (!key) return std::nullopt;
  auto it = attrs.find(key);
  if (it == attrs.end() || it->is_null()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (!it->is_string()) return std::nullopt;
  const std::string& s = it->get_ref<const std::string&>();
  auto to_int = [](const std::string& t) -> std::optional<int64_t> {
    size_t b = 0, e = t.size();
    while (b < e && std::isspace(static_cast<unsigned char>(t[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(t[e - 1]))) --e;
    std::string x = t.substr(b, e - b);
    if (x.empty()) return std::nullopt;
    size_t i = (x[0] == '-' || x[0] == '+') ? 1 : 0;
    if (i == x.size()) return std::nullopt;
    for (size_t k = i; k < x.size(); ++k)
      if (!std::isdigit(static_cast<unsigned char>(x[k])) && x[k] != '_') return std::nullopt;
    try {
      std::string digits;
      for (char c : x)
        if (c != '_') digits += c;
      return std::stoll(digits);
    } catch (...) {
      return std::nullopt;
    }
  };
  if (std::optional<Json> parsed = PyJsonLoads(s)) {
    if (parsed->is_number_integer()) return parsed->get<int64_t>();
    if (parsed->is_string()) {
      if (auto v = to_int(parsed->get<std::string>())) return v;
    }
  }
  return to_int(s);
}

Json Decoded(const Json& v) {
  if (std::optional<Json> loaded = Loads(v)) return *loaded;
  return v;
}

}  // namespace

void TranslateOtelAttributes(Json& attrs, const Json& events) {
  (void)events;  // event-based conventions (Spring AI, LiveKit, Claude Code) are not translated
  const auto& conventions = Conventions();

  // Span type, when MLflow's is missing or UNKNOWN.
  std::optional<Json> current;
  if (auto it = attrs.find("mlflow.spanType"); it != attrs.end() && PyTruthy(*it)) current = Decoded(*it);
  if (!current || current->is_null() || (current->is_string() && *current == "UNKNOWN")) {
    for (const Convention& c : conventions) {
      auto it = attrs.find(c.span_kind_key);
      if (it == attrs.end() || !PyTruthy(*it)) continue;
      Json kind = Decoded(*it);
      if (!kind.is_string()) continue;
      const char* mapped = nullptr;
      for (const auto& [k, v] : c.span_kinds)
        if (k == kind.get<std::string>()) mapped = v;
      if (mapped) {
        attrs["mlflow.spanType"] = PyJsonDumps(Json(mapped), PyJsonStyle::Unicode());
        break;
      }
    }
  }
  if (!attrs.contains("mlflow.spanInputs")) {
    for (const Convention& c : conventions) {
      if (auto v = FirstValue(attrs, c.inputs)) {
        attrs["mlflow.spanInputs"] = *v;
        break;
      }
    }
  }
  if (!attrs.contains("mlflow.spanOutputs")) {
    for (const Convention& c : conventions) {
      if (auto v = FirstValue(attrs, c.outputs)) {
        attrs["mlflow.spanOutputs"] = *v;
        break;
      }
    }
  }
  if (!attrs.contains("mlflow.chat.tokenUsage")) {
    for (const Convention& c : conventions) {
      std::optional<int64_t> in = IntAttribute(attrs, c.input_tokens);
      std::optional<int64_t> out = IntAttribute(attrs, c.output_tokens);
      std::optional<int64_t> total = IntAttribute(attrs, c.total_tokens);
      if (!total && in && out) total = *in + *out;
      if (!in && !out && !total) continue;
      Json usage = Json::object();
      if (in) usage["input_tokens"] = *in;
      if (out) usage["output_tokens"] = *out;
      if (total) usage["total_tokens"] = *total;
      if (auto cr = IntAttribute(attrs, c.cache_read_tokens)) usage["cache_read_input_tokens"] = *cr;
      for (const char* key : c.cache_creation_tokens) {
        if (auto cc = IntAttribute(attrs, key)) {
          usage["cache_creation_input_tokens"] = *cc;
          break;
        }
      }
      attrs["mlflow.chat.tokenUsage"] = PyJsonDumps(usage, PyJsonStyle::Unicode());
      break;
    }
  }
  if (!attrs.contains("mlflow.chat.tools")) {
    for (const Convention& c : conventions) {
      if (auto v = FirstValue(attrs, c.tool_definitions)) {
        attrs["mlflow.chat.tools"] = *v;
        break;
      }
    }
  }
  if (!attrs.contains("mlflow.llm.model")) {
    std::optional<Json> model;
    for (const Convention& c : conventions) {
      if (auto v = FirstValue(attrs, c.model_names)) {
        Json d = Decoded(*v);
        if (PyTruthy(d)) {
          model = d;
          break;
        }
      }
    }
    // A "model" field of the span's inputs or outputs.
    for (const char* key : {"mlflow.spanInputs", "mlflow.spanOutputs"}) {
      if (model) break;
      auto it = attrs.find(key);
      if (it == attrs.end() || !PyTruthy(*it)) continue;
      Json v = it->is_string() ? Decoded(*it) : *it;
      if (!v.is_object()) continue;
      auto m = v.find("model");
      if (m == v.end() || !PyTruthy(*m)) continue;
      if (m->is_string()) model = *m;
      break;  // a non-string model stops the search, as in MLflow
    }
    if (model) attrs["mlflow.llm.model"] = PyJsonDumps(*model, PyJsonStyle::Unicode());
  }
  if (!attrs.contains("mlflow.llm.provider")) {
    for (const Convention& c : conventions) {
      if (!c.provider) continue;
      if (auto v = Checked(attrs, c.provider)) {
        attrs["mlflow.llm.provider"] = PyJsonDumps(Decoded(*v), PyJsonStyle::Unicode());
        break;
      }
    }
  }
}

}  // namespace mlflow::tracing
