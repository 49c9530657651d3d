// models_probe: runs one piece of the models library on stdin and prints the result as JSON, so
// tests/e2e/models/test_formats_diff.py can compare it with what pandas, numpy, PyYAML and MLflow
// produce for the same input.
//   models_probe parse [schema-json]    body -> {"ok", "repr", "dtypes", "labels"} or {"error", "unsupported"}
//   models_probe enforce [schema-json]  body -> as parse, then schema enforcement
//   models_probe ndarray <dtype>        nested list -> {"str", "repr"}
//   models_probe yaml                   JSON -> YAML text
//   models_probe floats                 JSON list of numbers -> their Python reprs
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "models/py_json.h"
#include "models/py_yaml.h"
#include "models/scoring_input.h"

using namespace mlflow;
using namespace mlflow::models;

namespace {

std::string ReadAll() {
  std::ostringstream ss;
  ss << std::cin.rdbuf();
  return ss.str();
}

nlohmann::json FrameJson(const Frame& f) {
  nlohmann::json dtypes = nlohmann::json::array(), labels = nlohmann::json::array();
  for (const auto& c : f.columns) {
    dtypes.push_back(std::string(DTypeName(c.dtype)));
    if (c.label.is_int) {
      labels.push_back(c.label.i);
    } else {
      labels.push_back(c.label.s);
    }
  }
  return {{"dtypes", dtypes}, {"labels", labels}, {"rows", f.rows}};
}

int Parse(int argc, char** argv, bool enforce) {
  std::optional<Schema> schema;
  if (argc > 2 && std::string(argv[2]).size()) {
    auto s = ParseSchema(argv[2]);
    if (!s.ok()) {
      std::cout << nlohmann::json{{"schema_error", s.status().message()}}.dump() << "\n";
      return 0;
    }
    schema = *s;
  }
  ScoringRequest req;
  auto err = ParseJsonRequest(ReadAll(), schema ? &*schema : nullptr, &req);
  if (!err && enforce) err = EnforceSchema(schema ? &*schema : nullptr, &req);
  nlohmann::json out;
  if (err) {
    out = {{"ok", false}, {"status", err->http_status}, {"body", err->Body()}, {"unsupported", err->unsupported}};
  } else {
    out = FrameJson(req.kind == InputKind::kFrame ? req.frame : Frame{});
    out["ok"] = true;
    out["kind"] = req.kind == InputKind::kFrame ? "frame" : req.kind == InputKind::kArray ? "array" : "dict";
    out["repr"] = req.DataStr();
    if (enforce) out["enforced"] = FrameJson(req.enforced);
  }
  std::cout << out.dump() << "\n";
  return 0;
}

int Array(const std::string& dtype) {
  JsonDoc doc;
  if (doc.Parse(ReadAll())) return 1;
  // Rebuild through the inputs path with a tensor spec of that dtype.
  std::string body = "{\"inputs\": " + doc.text() + "}";
  auto schema = ParseSchema(R"([{"type": "tensor", "tensor-spec": {"dtype": ")" + dtype + R"(", "shape": [-1]}}])");
  ScoringRequest req;
  auto err = ParseJsonRequest(body, &*schema, &req);
  if (err) {
    std::cout << nlohmann::json{{"error", err->message}}.dump() << "\n";
    return 0;
  }
  std::cout << nlohmann::json{{"str", NdArrayStr(req.array)}, {"repr", NdArrayRepr(req.array)}}.dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "parse") return Parse(argc, argv, false);
  if (cmd == "enforce") return Parse(argc, argv, true);
  if (cmd == "ndarray") return Array(argc > 2 ? argv[2] : "float64");
  if (cmd == "yaml") {
    auto v = nlohmann::ordered_json::parse(ReadAll(), nullptr, false);
    std::cout << DumpYaml(v);
    return 0;
  }
  if (cmd == "floats") {
    JsonDoc d;
    if (d.Parse(ReadAll())) return 1;
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < d.root().size(); ++i) out.push_back(PyFloatRepr(d.root()[i].as_double()));
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cerr << "usage: models_probe parse|enforce|ndarray|yaml|floats\n";
  return 2;
}
