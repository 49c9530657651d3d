#pragma once
// `mlflow-cpp artifacts log-artifact|log-artifacts|list|download`, with MLflow's flags
// (docs/reference/formats.md h.8). The tracking server comes from MLFLOW_TRACKING_URI (http/https); artifacts
// move directly between this process and the run's artifact store (proxy, S3 or folder).
//
//   CLI::App* artifacts = mlflow::cli::AddArtifactsCommand(cli);
//   CLI11_PARSE(cli, argc, argv);
//   if (artifacts->parsed()) return mlflow::cli::RunArtifactsCommand();
#include <CLI/CLI.hpp>

namespace mlflow::cli {

CLI::App* AddArtifactsCommand(CLI::App& app);
// Runs the parsed subcommand; returns the process exit code.
int RunArtifactsCommand();

}  // namespace mlflow::cli
