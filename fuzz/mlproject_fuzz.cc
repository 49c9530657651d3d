// Fuzz target: the MLproject reader and the command it builds (src/projects/project_spec.cc). Any
// text gives a Project or INVALID_PARAMETER_VALUE; every declared entry point then builds its
// command from a fuzzed -P value (or says which parameter is missing), and the shell-word splitter
// takes any text.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_input.h"
#include "projects/project_spec.h"

using namespace mlflow::projects;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlflow::fuzz::FuzzInput in(data, size);
  std::string value(in.Line());  // the first line: a -P value and a shell command line
  std::string text(in.Rest());
  auto words = ShellSplit(value);
  if (words.ok()) {
    // shlex.quote'd words split back to themselves.
    std::string joined;
    for (const std::string& w : *words) joined += (joined.empty() ? "" : " ") + ShellQuote(w);
    auto again = ShellSplit(joined);
    if (!again.ok() || *again != *words) abort();
  }
  (void)PythonStrOfYamlScalar(value);
  // A folder with no environment files: python_env / conda_env names in the text are "not found".
  auto project = ParseProject("/nonexistent-mlproject-fuzz", text, "MLproject");
  if (!project.ok()) return 0;
  for (const EntryPoint& ep : project->entry_points) {
    ParamList params;
    for (const Parameter& p : ep.parameters) params.emplace_back(p.name, value);
    params.emplace_back("extra", value);
    (void)ep.ValidateParameters(params);
    (void)ep.ComputeParameters(params, /*resolve_paths=*/false);
    (void)ep.ComputeCommand(params);
    (void)ep.ComputeCommand({});
  }
  (void)project->GetEntryPoint("main");
  return 0;
}
