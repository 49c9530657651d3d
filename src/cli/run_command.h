#pragma once
// `mlflow-cpp run URI`: runs an MLflow project as a tracked run, with MLflow's flags
// (docs/reference/formats.md h.2) plus --async, --dry-run (kubernetes) and --sweep/--max-parallel.
//
//   CLI::App* run = mlflow::cli::AddRunCommand(cli);
//   CLI11_PARSE(cli, argc, argv);
//   if (run->parsed()) return mlflow::cli::RunRunCommand();
#include <CLI/CLI.hpp>

namespace mlflow::cli {

CLI::App* AddRunCommand(CLI::App& app);
// Runs the parsed subcommand; returns the process exit code.
int RunRunCommand();

}  // namespace mlflow::cli
