#pragma once
// `mlflow-cpp migrate-filestore --source DIR --target URI [--progress/--no-progress]`: MLflow
// 3.17.2's command of that name (mlflow/store/fs2db/cli.py), for every backend we serve: the
// legacy `mlruns/` file store (experiments, runs, metrics, params, tags, datasets and inputs,
// logged models, traces and assessments, the registry's models/) goes into an empty SQLite,
// PostgreSQL or MySQL database, ids kept, in one transaction. Artifacts stay where they are (the
// artifact locations are copied). A source that is not a file store or a target that is not
// empty is an error that changes nothing (README "Operator commands").
//
//   CLI::App* migrate = mlflow::cli::AddMigrateFilestoreCommand(cli);
//   CLI11_PARSE(cli, argc, argv);
//   if (migrate->parsed()) return mlflow::cli::RunMigrateFilestoreCommand();
#include <CLI/CLI.hpp>

namespace mlflow::cli {

CLI::App* AddMigrateFilestoreCommand(CLI::App& app);
// Runs the parsed command; returns the process exit code.
int RunMigrateFilestoreCommand();

}  // namespace mlflow::cli
