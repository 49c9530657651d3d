#pragma once
// YAML as MLflow reads and writes MLmodel files: PyYAML's safe_load typing (YAML 1.1 implicit
// bool/int/float/null for plain scalars) and safe_dump's output (block style, keys sorted, indent
// 2, sequences inside mappings not indented, width 80 with folding, plain / 'single' / "double"
// quoting chosen as PyYAML does). The tree is nlohmann::ordered_json: keys keep the file's order
// when read; writing sorts them.
//
//   MLFLOW_ASSIGN_OR_RETURN(nlohmann::ordered_json doc, ParseYaml(text));
//   std::string text2 = DumpYaml(doc);  // byte-identical to yaml.safe_dump(doc, default_flow_style=False)
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace mlflow::models {

// INVALID_PARAMETER_VALUE with the parser's message on malformed YAML.
Result<nlohmann::ordered_json> ParseYaml(const std::string& text);

// yaml.safe_dump(value, default_flow_style=False, sort_keys=sort_keys) (allow_unicode=False).
std::string DumpYaml(const nlohmann::ordered_json& value, bool sort_keys = true);

}  // namespace mlflow::models
