#pragma once
// `mlflow-cpp models serve|predict|package-cpp` (docs/reference/formats.md h.3 for the first two):
//   serve        a REST scoring server for a model URI (runs:/, models:/, artifact URIs, folders)
//   predict      scores one input file (JSON or CSV) and writes {"predictions": ...}
//   package-cpp  writes a cpp-flavor model folder around a shared library (include/mlflow/model_abi.h)
//
//   CLI::App* models = mlflow::cli::AddModelsCommand(cli);
//   CLI11_PARSE(cli, argc, argv);
//   if (models->parsed()) return mlflow::cli::RunModelsCommand();
#include <CLI/CLI.hpp>

namespace mlflow::cli {

CLI::App* AddModelsCommand(CLI::App& app);
// Runs the parsed subcommand; returns the process exit code.
int RunModelsCommand();

}  // namespace mlflow::cli
