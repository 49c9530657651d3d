#pragma once
// `mlflow-cpp experiments create|search|rename|delete|restore|csv`, with MLflow 3.17.2's flags
// and output, on the store MLFLOW_TRACKING_URI names: a database (sqlite:///..., postgresql://...,
// mysql://...; default sqlite:///mlflow.db) or a tracking server (http(s)://). README "Operator commands".
//
//   CLI::App* experiments = mlflow::cli::AddExperimentsCommand(cli);
//   CLI11_PARSE(cli, argc, argv);
//   if (experiments->parsed()) return mlflow::cli::RunExperimentsCommand();
#include <CLI/CLI.hpp>

namespace mlflow::cli {

CLI::App* AddExperimentsCommand(CLI::App& app);
// Runs the parsed subcommand; returns the process exit code.
int RunExperimentsCommand();

}  // namespace mlflow::cli
