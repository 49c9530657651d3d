#pragma once
// `mlflow-cpp db upgrade <uri>`: migrates a database written by an older MLflow (any revision
// from 451aebb31d03 on, or a pre-alembic one) to the schema mlflow-cpp serves, in one
// transaction, printing each migration as it runs. Exit code 0 = upgraded or already current.
//
//   CLI::App* db = mlflow::cli::AddDbCommand(cli);
//   CLI11_PARSE(cli, argc, argv);
//   if (db->parsed()) return mlflow::cli::RunDbCommand();
#include <CLI/CLI.hpp>

namespace mlflow::cli {

CLI::App* AddDbCommand(CLI::App& app);
// Runs the parsed subcommand; returns the process exit code.
int RunDbCommand();

}  // namespace mlflow::cli
