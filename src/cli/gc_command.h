#pragma once
// `mlflow-cpp gc`: permanently deletes runs, experiments and logged models in the deleted
// lifecycle stage, with their artifacts, with MLflow 3.17.2's flags (--older-than, --run-ids,
// --experiment-ids, --logged-model-ids, --backend-store-uri, --artifacts-destination,
// --tracking-uri), its checks and its output lines (README "Operator commands").
//
//   CLI::App* gc = mlflow::cli::AddGcCommand(cli);
//   CLI11_PARSE(cli, argc, argv);
//   if (gc->parsed()) return mlflow::cli::RunGcCommand();
#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace mlflow::cli {

CLI::App* AddGcCommand(CLI::App& app);
// Runs the parsed command; returns the process exit code.
int RunGcCommand();

// MLflow's --older-than syntax ("1d2h3m4s", each part optional, decimals allowed) in
// milliseconds; nullopt when it does not parse.
std::optional<int64_t> ParseOlderThan(const std::string& text);

}  // namespace mlflow::cli
