#include "server_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <curl/curl.h>

namespace mlflow::testing {
namespace {

bool Healthy(const std::string& url) {
  CURL* c = curl_easy_init();
  if (!c) return false;
  curl_easy_setopt(c, CURLOPT_URL, (url + "/health").c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 2L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(c);
  return status == 200;
}

}  // namespace

std::string MakeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  return buf.data();
}

ServerProcess::ServerProcess(std::string binary, std::string dir)
    : binary_(std::move(binary)), dir_(std::move(dir)), db_path_(dir_ + "/mlflow.db"), log_path_(dir_ + "/server.log") {}

ServerProcess::~ServerProcess() { Stop(); }

void ServerProcess::Start(int port) {
  std::string port_arg = std::to_string(port);
  std::string store = "sqlite:///" + db_path_;
  std::string artifacts = dir_ + "/mlartifacts";
  {
    std::ofstream truncate(log_path_);
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_APPEND);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(binary_.c_str(), binary_.c_str(), "server", "--host", "127.0.0.1", "--port", port_arg.c_str(),
          "--backend-store-uri", store.c_str(), "--artifacts-destination", artifacts.c_str(), "--workers", "2",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  port_ = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    std::smatch m;
    std::string text = ss.str();
    if (std::regex_search(text, m, listening)) {
      port_ = std::stoi(m[1]);
      break;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("server exited early: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (port_ == 0) throw std::runtime_error("server did not report its port");
  while (std::chrono::steady_clock::now() < deadline) {
    if (Healthy(url())) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("server never became healthy");
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void ServerProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Kill();
}

}  // namespace mlflow::testing
