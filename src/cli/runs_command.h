#pragma once
// `mlflow-cpp runs list|describe|delete|restore`, with MLflow 3.17.2's flags and output, on the
// store MLFLOW_TRACKING_URI names (a database or a tracking server, as for `experiments`).
//
//   CLI::App* runs = mlflow::cli::AddRunsCommand(cli);
//   CLI11_PARSE(cli, argc, argv);
//   if (runs->parsed()) return mlflow::cli::RunRunsCommand();
#include <CLI/CLI.hpp>

namespace mlflow::cli {

CLI::App* AddRunsCommand(CLI::App& app);
// Runs the parsed subcommand; returns the process exit code.
int RunRunsCommand();

}  // namespace mlflow::cli
