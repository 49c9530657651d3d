#pragma once
// A real `mlflow-cpp server` process on 127.0.0.1 for the client tests: started with --port 0 (or
// a given port, to restart on the same one), its port read from the first line it prints.
#include <sys/types.h>

#include <string>

namespace mlflow::testing {

class ServerProcess {
 public:
  // binary: the mlflow-cpp program; dir: a private folder for the database, artifacts and log.
  ServerProcess(std::string binary, std::string dir);
  ~ServerProcess();

  // Starts the server (port 0 = any free port) and waits (at most 20 s) until it answers /health.
  void Start(int port = 0);
  void Kill();  // SIGKILL, no cleanup: a crash
  void Stop();  // SIGTERM, graceful

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& db_path() const { return db_path_; }

 private:
  std::string binary_, dir_, db_path_, log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A fresh temporary folder below TMPDIR.
std::string MakeTempDir(const std::string& prefix);

}  // namespace mlflow::testing
