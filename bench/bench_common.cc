#include "bench_common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <regex>
#include <stdexcept>
#include <thread>

namespace mlflow::bench {

ServerProcess::ServerProcess(const std::string& binary, const std::string& workdir,
                             const std::vector<std::string>& extra) {
  int pipefd[2];
  if (pipe(pipefd) != 0) throw std::runtime_error("pipe failed");
  auto start = Clock::now();
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    if (chdir(workdir.c_str()) != 0) _exit(127);
    std::vector<std::string> args = {binary, "server", "--host", "127.0.0.1", "--port", "0", "--backend-store-uri",
                                     "sqlite:///" + workdir + "/mlflow.db", "--artifacts-destination",
                                     workdir + "/mlartifacts"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  std::string out;
  std::regex re("listening on http://127\\.0\\.0\\.1:(\\d+)");
  std::smatch m;
  char chunk[512];
  while (true) {
    ssize_t n = read(pipefd[0], chunk, sizeof(chunk));
    if (n <= 0) throw std::runtime_error("server exited before listening: " + out);
    out.append(chunk, static_cast<size_t>(n));
    if (std::regex_search(out, m, re)) break;
    if (out.size() > 65536) throw std::runtime_error("no port line from the server");
  }
  port_ = std::stoi(m[1]);
  // Keep draining the server's stderr so it never blocks on a full pipe.
  std::thread([fd = pipefd[0]] {
    char sink[4096];
    while (read(fd, sink, sizeof(sink)) > 0) {
    }
    close(fd);
  }).detach();
  for (int i = 0; i < 10000; ++i) {
    try {
      HttpConnection c(port_);
      if (c.Request("GET", "/health", "") == 200) break;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  launch_to_healthy_ = Seconds(start, Clock::now());
}

ServerProcess::~ServerProcess() { Stop(); }

void ServerProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

double ServerProcess::RssMb() const {
  std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

double ServerProcess::CpuSeconds() const {
  std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

HttpConnection::HttpConnection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno;
    close(fd_);
    fd_ = -1;
    // Told apart: the fault benchmark counts refusals (server down) separately.
    throw std::runtime_error(err == ECONNREFUSED ? "connection refused" : "connect failed");
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) close(fd_);
}

int HttpConnection::Request(const std::string& method, const std::string& target, const std::string& json_body,
                            std::string* body) {
  return Send(method, target, "application/json", json_body, {}, body);
}

int HttpConnection::Send(const std::string& method, const std::string& target, const std::string& content_type,
                         const std::string& payload, const std::vector<std::pair<std::string, std::string>>& extra_headers,
                         std::string* body) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [k, v] : extra_headers) req += k + ": " + v + "\r\n";
  if (!payload.empty() || method == "POST") {
    req += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(payload.size()) + "\r\n";
  }
  req += "\r\n";
  req += payload;
  size_t sent = 0;
  while (sent < req.size()) {
    ssize_t n = send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<size_t>(n);
  }
  // Read headers, then Content-Length bytes.
  size_t header_end;
  char chunk[65536];
  while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) throw std::runtime_error("connection closed");
    buf_.append(chunk, static_cast<size_t>(n));
  }
  int status = std::stoi(buf_.substr(9, 3));
  size_t length = 0;
  std::string headers = buf_.substr(0, header_end);
  for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto pos = headers.find("content-length:");
  if (pos != std::string::npos) length = std::stoul(headers.substr(pos + 15));
  size_t total = header_end + 4 + length;
  while (buf_.size() < total) {
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) throw std::runtime_error("connection closed in body");
    buf_.append(chunk, static_cast<size_t>(n));
  }
  if (body) body->assign(buf_, header_end + 4, length);
  buf_.erase(0, total);
  return status;
}

std::string BatchBody(const std::string& run_id, int64_t first_step, int n) {
  std::string b = "{\"run_id\":\"" + run_id + "\",\"metrics\":[";
  for (int i = 0; i < n; ++i) {
    if (i) b += ',';
    int64_t step = first_step + i;
    b += "{\"key\":\"m" + std::to_string(i % 10) + "\",\"value\":" + std::to_string(step * 0.5) +
         ",\"timestamp\":" + std::to_string(1700000000000 + step) + ",\"step\":" + std::to_string(step) + "}";
  }
  return b + "]}";
}

std::string ExtractString(const std::string& body, const std::string& field) {
  std::string key = "\"" + field + "\":\"";
  auto pos = body.find(key);
  if (pos == std::string::npos) {
    key = "\"" + field + "\": \"";
    pos = body.find(key);
    if (pos == std::string::npos) return "";
  }
  pos += key.size();
  return body.substr(pos, body.find('"', pos) - pos);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

std::string SearchSeedBatch(const std::string& run_id, int64_t i) {
  std::string b = "{\"run_id\":\"" + run_id + "\",\"params\":[";
  for (int p = 0; p < 20; ++p) {
    if (p) b += ',';
    std::string v = p == 2 ? (i % 10 == 0 ? "v" : "w" + std::to_string(i % 7)) : std::to_string((i * 31 + p * 17) % 9973);
    b += "{\"key\":\"p" + std::to_string(p) + "\",\"value\":\"" + v + "\"}";
  }
  b += "],\"metrics\":[";
  for (int m = 0; m < 20; ++m) {
    if (m) b += ',';
    double v = static_cast<double>((i * 7919 + m * 104729) % 100003) / 100003.0;
    b += "{\"key\":\"m" + std::to_string(m) + "\",\"value\":" + std::to_string(v) + ",\"timestamp\":1,\"step\":0}";
  }
  b += "],\"tags\":[";
  for (int t = 0; t < 10; ++t) {
    if (t) b += ',';
    b += "{\"key\":\"t" + std::to_string(t) + "\",\"value\":\"v" + std::to_string((i + t) % 5) + "\"}";
  }
  return b + "]}";
}

}  // namespace mlflow::bench
