#include "server/http/http_server.h"

// GCC 12 in C++20 mode needs <utility> before Beast headers (docs/notes/beast-notes.md).
#include <utility>

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

namespace mlflow::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kStreamChunk = 1 << 20;  // bytes per socket read/write on streaming routes
constexpr int kStreamChunkTimeoutSeconds = 120;
constexpr int kMaxStreams = 256;  // concurrent artifact transfers (one thread each)
constexpr uint64_t kStreamBodyLimit = 1ull << 42;  // 4 TiB: effectively unbounded, but explicit (beast#2070)

const char* ReasonPhrase(int status) {
  return http::obsolete_reason(static_cast<http::status>(status)).data();
}

std::string HtmlError(int status) {
  std::string reason = std::string(http::obsolete_reason(static_cast<http::status>(status)));
  return "<!doctype html>\n<html lang=en>\n<title>" + std::to_string(status) + " " + reason + "</title>\n<h1>" +
         reason + "</h1>\n";
}

// Security headers (and CORS headers) for the answer to req: the policy's, or the fixed pair.
std::vector<std::pair<std::string, std::string>> SecurityHeaders(const SecurityPolicy* policy, const HttpRequest& req) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (policy) {
    policy->AddResponseHeaders(req, &headers);
  } else {
    headers = {{"X-Content-Type-Options", "nosniff"}, {"X-Frame-Options", "SAMEORIGIN"}};
  }
  return headers;
}

// Not counted in metrics (MLflow's exporter leaves out the first two as well).
bool Unmetered(const std::string& path) { return path == "/health" || path == "/version" || path == "/metrics"; }

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// One access-log line on stderr (a single write, so lines from threads never interleave).
void WriteAccessLog(HttpServerOptions::AccessLog format, const std::string& remote, const HttpRequest& req,
                    int status, uint64_t bytes, double seconds) {
  char when[96];
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  char dur[400];  // any double in %.3f fits
  std::snprintf(dur, sizeof(dur), "%.3f", seconds * 1000.0);
  std::string line;
  if (format == HttpServerOptions::AccessLog::kJson) {
    line = std::string("{\"time\": \"") + when + "\", \"remote\": \"" + JsonEscape(remote) + "\", \"method\": \"" +
           JsonEscape(req.method) + "\", \"path\": \"" + JsonEscape(req.path) + "\", \"status\": " +
           std::to_string(status) + ", \"bytes\": " + std::to_string(bytes) + ", \"duration_ms\": " + dur + "}\n";
  } else {
    line = std::string(when) + " " + remote + " \"" + req.method + " " + req.path + "\" " + std::to_string(status) + " " +
           std::to_string(bytes) + " " + dur + "ms\n";
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
}

// An answer's bytes on the wire: the head (status line and fields) and the body, written in one
// gather write. Built here rather than by Beast's serializer, whose buffer-sequence iteration took
// about a tenth of the server's CPU on small JSON answers (perf of tracking_bench --only log-metric).
struct WireResponse {
  std::string head;
  std::string body;
};

// 1xx, 204 and 304 answers carry neither a body nor a Content-Length (RFC 9110 8.6).
bool CarriesBody(int status) { return status >= 200 && status != 204 && status != 304; }

// A field's name or value, with any CR or LF (from a file name, say) turned into a space: a field
// never ends early, and no client-chosen text can start a field or an answer of its own.
void AppendFieldText(std::string& head, std::string_view text) {
  for (char c : text) head += (c == '\r' || c == '\n') ? ' ' : c;
}

// The head of an HTTP/1.1 answer, for buffered and streamed answers alike: Server, Content-Type,
// the security headers, the handler's own (each replacing any earlier field of its name, as
// Beast's set did), Connection: close when the connection ends, then `framing` (the
// Content-Length or Transfer-Encoding field, or nothing for a 304), which only the server decides.
std::string ResponseHead(int status, const std::string& content_type,
                         std::vector<std::pair<std::string, std::string>> fields,
                         const std::vector<std::pair<std::string, std::string>>& own, bool keep_alive,
                         std::string_view framing) {
  fields.insert(fields.begin(), {"Server", "mlflow-cpp"});
  if (!content_type.empty()) fields.insert(fields.begin() + 1, {"Content-Type", content_type});
  for (const auto& [name, value] : own) {
    std::erase_if(fields, [&](const auto& f) { return beast::iequals(f.first, name); });
    fields.emplace_back(name, value);
  }
  std::string head;
  head.reserve(256);
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head += ReasonPhrase(status);
  head += "\r\n";
  for (const auto& [name, value] : fields) {
    AppendFieldText(head, name);
    head += ": ";
    AppendFieldText(head, value);
    head += "\r\n";
  }
  if (!keep_alive) head += "Connection: close\r\n";
  head += framing;
  head += "\r\n";
  return head;
}

std::string ContentLengthField(uint64_t length) { return "Content-Length: " + std::to_string(length) + "\r\n"; }

constexpr std::string_view kTooManyConnections =
    "HTTP/1.1 503 Service Unavailable\r\nServer: mlflow-cpp\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "Retry-After: 1\r\nConnection: close\r\nContent-Length: 20\r\n\r\nToo many connections";

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, const Router& router)
      : options_(std::move(options)),
        router_(router),
        ioc_(options_.io_threads),
        acceptor_(ioc_),
        workers_(options_.worker_threads),
        signals_(ioc_) {}

  Result<uint16_t> Listen() {
    if (!options_.ssl_certfile.empty() || !options_.ssl_keyfile.empty()) MLFLOW_RETURN_IF_ERROR(LoadTls());
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.host == "localhost" ? "127.0.0.1" : options_.host, ec);
    if (ec) return Status::InvalidParameter("invalid --host '" + options_.host + "': " + ec.message());
    tcp::endpoint ep(address, options_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Internal("cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
                              ec.message());
    }
    return acceptor_.local_endpoint().port();
  }

  void Run(bool handle_signals) {
    if (handle_signals) {
      signals_.add(SIGINT);
      signals_.add(SIGTERM);
      signals_.async_wait([this](const beast::error_code& ec, int sig) {
        if (!ec) {
          spdlog::info("received signal {}, shutting down", sig);
          Stop();
        }
      });
    }
    DoAccept();
    std::vector<std::thread> threads;
    for (int i = 0; i < options_.io_threads; ++i) threads.emplace_back([this] { ioc_.run(); });
    {
      std::unique_lock lock(stop_mu_);
      stop_cv_.wait(lock, [this] { return stopping_; });
    }
    // Graceful: no new connections; in-flight requests finish within the grace period.
    asio::post(ioc_, [this] {
      beast::error_code ec;
      acceptor_.close(ec);
      signals_.cancel(ec);
    });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options_.shutdown_grace_seconds);
    while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ioc_.stop();
    for (auto& t : threads) t.join();
    workers_.join();
  }

  void Stop() {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
    stop_cv_.notify_all();
  }

  const HttpServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  asio::thread_pool& workers() { return workers_; }
  std::atomic<int>& in_flight() { return in_flight_; }
  std::atomic<int>& streams() { return streams_; }
  std::atomic<int>& connections() { return connections_; }
  const SecurityPolicy* security() const { return options_.security.get(); }
  HttpMetrics* metrics() const { return options_.metrics.get(); }
  bool stopping() {
    std::lock_guard lock(stop_mu_);
    return stopping_;
  }

 private:
  void DoAccept();

  // --ssl-certfile / --ssl-keyfile: PEM certificate chain and private key, TLS 1.2 or newer.
  Status LoadTls() {
    if (options_.ssl_certfile.empty() || options_.ssl_keyfile.empty()) {
      return Status::InvalidParameter("--ssl-certfile and --ssl-keyfile must be given together");
    }
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                     asio::ssl::context::single_dh_use);
    beast::error_code ec;
    ctx->use_certificate_chain_file(options_.ssl_certfile, ec);
    if (ec) return Status::InvalidParameter("cannot load --ssl-certfile " + options_.ssl_certfile + ": " + ec.message());
    ctx->use_private_key_file(options_.ssl_keyfile, asio::ssl::context::pem, ec);
    if (ec) return Status::InvalidParameter("cannot load --ssl-keyfile " + options_.ssl_keyfile + ": " + ec.message());
    ssl_ = std::move(ctx);
    return Status();
  }

  HttpServerOptions options_;
  const Router& router_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::thread_pool workers_;
  asio::signal_set signals_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> streams_{0};  // streaming exchanges, each on its own thread
  std::atomic<int> connections_{0};  // open sessions
  std::unique_ptr<asio::ssl::context> ssl_;  // set when serving https
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

namespace {

// Fills our HttpRequest from a parsed Beast header.
template <class Fields>
bool FillRequest(const http::request_header<Fields>& h, HttpRequest* req) {
  req->method = std::string(h.method_string());
  req->target = std::string(h.target());
  std::string_view target = req->target;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  req->query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  for (const auto& f : h) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req->headers[name] = std::string(f.value());
  }
  return PercentDecode(raw_path, &req->path);
}

// Blocking socket I/O for a streaming route, on its own thread. SyncStream: the TCP socket, or the
// TLS stream over it.
template <class SyncStream>
class SocketStreamContext : public StreamContext {
 public:
  SocketStreamContext(SyncStream& socket, beast::flat_buffer& buffer,
                      http::request_parser<http::buffer_body>& parser, HttpRequest req, const SecurityPolicy* policy)
      : socket_(socket), buffer_(buffer), parser_(parser), req_(std::move(req)), policy_(policy) {}

  const HttpRequest& request() const override { return req_; }
  std::optional<uint64_t> request_content_length() const override {
    auto len = parser_.content_length();
    if (len) return *len;
    return std::nullopt;
  }

  int64_t ReadBody(char* buf, size_t size) override {
    if (failed_) return -1;
    if (BodyDone()) return 0;
    if (!continue_sent_ && beast::iequals(req_.Header("expect"), "100-continue")) {
      // After an early final response the client will not send the body: never send a stray
      // 100 after it; the connection closes instead of being drained.
      if (started_) return Fail();
      continue_sent_ = true;
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      beast::error_code ec;
      asio::write(socket_, asio::buffer(kContinue), ec);
      if (ec) return Fail();
    }
    // A Content-Length body is read straight into the caller's buffer: going through the parser
    // and the 16 KB flat buffer capped uploads at ~700 MB/s. Chunked bodies use the parser.
    if (!parser_.chunked() && parser_.content_length()) {
      if (!direct_remaining_) direct_remaining_ = *parser_.content_length();
      if (*direct_remaining_ == 0) return 0;
      size_t want = static_cast<size_t>(std::min<uint64_t>(size, *direct_remaining_));
      size_t got = 0;
      if (buffer_.size() > 0) {  // bytes that arrived together with the header
        got = asio::buffer_copy(asio::buffer(buf, want), buffer_.data());
        buffer_.consume(got);
      } else {
        beast::error_code ec;
        got = socket_.read_some(asio::buffer(buf, want), ec);
        if (ec) return Fail();
      }
      *direct_remaining_ -= got;
      bytes_read_ += got;
      return static_cast<int64_t>(got);
    }
    while (!parser_.is_done()) {
      parser_.get().body().data = buf;
      parser_.get().body().size = size;
      beast::error_code ec;
      http::read_some(socket_, buffer_, parser_, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return Fail();
      size_t got = size - parser_.get().body().size;
      bytes_read_ += got;
      if (got > 0) return static_cast<int64_t>(got);
    }
    return 0;
  }

  bool Respond(const HttpResponse& r) override {
    std::vector<std::pair<std::string, std::string>> headers = r.headers;
    if (!BeginResponse(r.status, r.content_type, r.body.size(), headers)) return false;
    return WriteBody(r.body.data(), r.body.size()) && EndResponse();
  }

  bool BeginResponse(int status, const std::string& content_type, std::optional<uint64_t> content_length,
                     const std::vector<std::pair<std::string, std::string>>& headers) override {
    if (started_) return false;
    started_ = true;
    status_ = status;
    chunked_ = !content_length.has_value();
    declared_length_ = content_length.value_or(0);
    std::string head = ResponseHead(status, content_type, SecurityHeaders(policy_, req_), headers, KeepAlive(),
                                    chunked_ ? "Transfer-Encoding: chunked\r\n" : ContentLengthField(*content_length));
    return Write(head.data(), head.size());
  }

  bool WriteBody(const char* data, size_t size) override {
    if (size == 0) return !failed_;
    bytes_written_ += size;
    if (!chunked_) {
      body_written_ += size;
      return Write(data, size);
    }
    char hex[32];
    int n = std::snprintf(hex, sizeof(hex), "%zx\r\n", size);
    return Write(hex, static_cast<size_t>(n)) && Write(data, size) && Write("\r\n", 2);
  }

  bool EndResponse() override {
    if (chunked_) return Write("0\r\n\r\n", 5);
    return !failed_;
  }

  // The connection can serve another request if the exchange completed cleanly.
  // A response cut short of its Content-Length (a failed download) leaves the connection unusable.
  bool Reusable() const {
    return !failed_ && started_ && BodyDone() && KeepAlive() && (chunked_ || body_written_ == declared_length_);
  }
  bool started() const { return started_; }
  int status() const { return status_; }
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t bytes_written() const { return bytes_written_; }
  bool BodyComplete() const { return BodyDone(); }

 private:
  bool KeepAlive() const { return parser_.get().keep_alive(); }
  bool BodyDone() const { return parser_.is_done() || (direct_remaining_ && *direct_remaining_ == 0); }
  int64_t Fail() {
    failed_ = true;
    return -1;
  }
  bool Write(const char* data, size_t size) {
    if (failed_) return false;
    beast::error_code ec;
    asio::write(socket_, asio::buffer(data, size), ec);
    if (ec) failed_ = true;
    return !failed_;
  }

  SyncStream& socket_;
  beast::flat_buffer& buffer_;
  http::request_parser<http::buffer_body>& parser_;
  HttpRequest req_;
  const SecurityPolicy* policy_;
  int status_ = 0;
  uint64_t bytes_read_ = 0;
  uint64_t bytes_written_ = 0;
  bool started_ = false;
  bool chunked_ = false;
  bool failed_ = false;
  bool continue_sent_ = false;
  std::optional<uint64_t> direct_remaining_;  // Content-Length bodies: bytes still to read
  uint64_t declared_length_ = 0;              // response Content-Length
  uint64_t body_written_ = 0;
};

// One connection: plain TCP, or TLS over it (kTls, --ssl-certfile).
template <bool kTls>
class Session : public std::enable_shared_from_this<Session<kTls>> {
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

 public:
  template <class... SslContext>
  Session(tcp::socket socket, HttpServer::Impl& server, SslContext&... ssl)
      : stream_(std::move(socket), ssl...), server_(server) {
    server_.connections()++;
  }
  ~Session() { server_.connections()--; }

  void Start() {
    beast::error_code ec;
    tcp().socket().set_option(tcp::no_delay(true), ec);  // Nagle adds ~40 ms to small replies
    if (server_.options().access_log != HttpServerOptions::AccessLog::kOff) {
      auto remote = tcp().socket().remote_endpoint(ec);
      if (!ec) remote_ = remote.address().to_string();
    }
    if constexpr (kTls) {
      // The handshake is bounded like a header: a client that never completes it is dropped.
      tcp().expires_after(std::chrono::seconds(server_.options().header_timeout_seconds));
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->Close();
        self->DoRead();
      });
    } else {
      asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->DoRead(); });
    }
  }

 private:
  // Waits (up to the idle timeout) for a request's first bytes, then reads its header under the
  // shorter header timeout: a client dribbling a header cannot hold the connection for long.
  void DoRead() {
    if (buffer_.size() > 0) return ReadHeader();
    tcp().expires_after(std::chrono::seconds(server_.options().idle_timeout_seconds));
    stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Close();
      self->buffer_.commit(n);
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    header_parser_.emplace();
    header_parser_->header_limit(64 * 1024);
    // Streaming routes take bodies of any size: the buffered-body limit is applied in OnHeader once
    // the route is known (a limit here would reject a multi-GB artifact upload before routing).
    header_parser_->body_limit(kStreamBodyLimit);
    // A small request arrives whole in one read: parse what the buffer holds first, and go through
    // Beast's composed read (and its hand-offs through the scheduler) only for what is missing.
    if (buffer_.size() > 0) {
      beast::error_code ec;
      buffer_.consume(header_parser_->put(buffer_.data(), ec));
      if (ec != http::error::need_more && (ec || header_parser_->is_header_done())) return OnHeader(ec);
    }
    tcp().expires_after(std::chrono::seconds(server_.options().header_timeout_seconds));
    http::async_read_header(stream_, buffer_, *header_parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      req_ = HttpRequest();
      server_.in_flight()++;
      counted_ = true;
      started_at_ = std::chrono::steady_clock::now();
      endpoint_.clear();
      keep_alive_ = false;
      return Reply(Plain(431, "Request Header Fields Too Large"));
    }
    if (ec) return Close();
    server_.in_flight()++;
    counted_ = true;
    started_at_ = std::chrono::steady_clock::now();
    endpoint_.clear();
    status_ = 0;
    bytes_out_ = 0;
    req_ = HttpRequest();
    const auto& h = header_parser_->get();
    keep_alive_ = h.keep_alive();
    if (!FillRequest(h.base(), &req_)) return Reply(Plain(400, "Bad Request: malformed path"));
    if (const SecurityPolicy* policy = server_.security()) {
      if (std::optional<HttpResponse> refusal = policy->Admit(req_)) {
        // Refused before routing: its body is never read, so the connection cannot be reused.
        if (header_parser_->chunked() || header_parser_->content_length().value_or(0) > 0) keep_alive_ = false;
        return Reply(std::move(*refusal));
      }
    }
    auto match = server_.router().Find(req_.method, req_.path);
    req_.path_params = std::move(match.path_params);
    if (match.pattern) endpoint_ = *match.pattern;
    if (match.kind == Router::Match::Kind::kStream) return StartStream(match.stream);
    handler_ = match.kind == Router::Match::Kind::kHandler ? match.handler : nullptr;
    async_ = match.kind == Router::Match::Kind::kAsync ? match.async : nullptr;
    inline_ = match.kind == Router::Match::Kind::kHandler ? match.inline_handler : nullptr;
    match_kind_ = match.kind;
    if (auto len = header_parser_->content_length(); len && *len > server_.options().body_limit) {
      keep_alive_ = false;
      return Reply(Plain(413, "Request Entity Too Large"));
    }
    body_parser_.emplace(std::move(*header_parser_));
    body_parser_->body_limit(server_.options().body_limit);
    if (beast::iequals(req_.Header("expect"), "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont, [self = this->shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    beast::error_code ec;  // as in ReadHeader: the buffered part of the body first
    for (int i = 0; i < 64 && !body_parser_->is_done() && buffer_.size() > 0; ++i) {
      size_t used = body_parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) ec = {};
      if (ec || used == 0) break;
    }
    if (ec || body_parser_->is_done()) return OnBody(ec);
    tcp().expires_after(std::chrono::seconds(server_.options().body_timeout_seconds));
    http::async_read(stream_, buffer_, *body_parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      return Reply(Plain(413, "Request Entity Too Large"));
    }
    if (ec) return Close();
    req_.body = std::move(body_parser_->get().body());
    if (match_kind_ == Router::Match::Kind::kNotFound) return Reply(Html(404));
    if (match_kind_ == Router::Match::Kind::kMethodNotAllowed) {
      HttpResponse r = Html(405);
      r.headers.push_back({"Allow", server_.router().AllowHeader(req_.path)});
      return Reply(std::move(r));
    }
    if (async_) return CallAsync();
    if (inline_ && CallInline()) return;
    if (server_.options().inline_handlers) return Reply(Call());
    asio::post(server_.workers(), [self = this->shared_from_this()] {
      HttpResponse res = self->Call();
      asio::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->Reply(std::move(res)); });
    });
  }

  HttpResponse Call() {
    try {
      return (*handler_)(req_);
    } catch (const std::exception& e) {
      return HandlerThrew(e);
    }
  }

  // Runs an async handler here, on the IO thread; its answer is written on this session's strand.
  // A handler that throws before answering gets the usual 500; one answer only, whatever happens.
  void CallAsync() {
    Responder respond = OneAnswerResponder();
    try {
      (*async_)(req_, respond);
    } catch (const std::exception& e) {
      respond(HandlerThrew(e));
    }
  }

  // A Responder that writes the first answer on this session's strand and drops any later one.
  Responder OneAnswerResponder() {
    auto answered = std::make_shared<std::atomic<bool>>(false);
    return [self = this->shared_from_this(), answered](HttpResponse res) {
      if (answered->exchange(true)) return;
      asio::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->Reply(std::move(res)); });
    };
  }

  // The 500 a handler that threw gets, logged with the request it served.
  HttpResponse HandlerThrew(const std::exception& e) const {
    spdlog::error("handler for {} {} threw: {}", req_.method, req_.path, e.what());
    HttpResponse res;
    res.status = 500;
    res.body = R"({"error_code": "INTERNAL_ERROR", "message": "Internal server error"})";
    return res;
  }

  // Tries the route's inline handler here, on the IO thread; false when it declined (nothing was
  // answered), and the buffered handler runs on a worker as for any route. Answered as CallAsync.
  bool CallInline() {
    Responder respond = OneAnswerResponder();
    try {
      return (*inline_)(req_, respond);
    } catch (const std::exception& e) {
      respond(HandlerThrew(e));
      return true;
    }
  }

  static HttpResponse Plain(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(body);
    return r;
  }
  static HttpResponse Html(int status) {
    HttpResponse r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = HtmlError(status);
    return r;
  }

  void Reply(HttpResponse r) {
    status_ = r.status;
    bytes_out_ = req_.method == "HEAD" ? 0 : r.body.size();
    bool keep = keep_alive_ && !server_.stopping();
    auto wire = std::make_shared<WireResponse>();
    wire->head = ResponseHead(r.status, r.content_type, SecurityHeaders(server_.security(), req_), r.headers, keep,
                              CarriesBody(r.status) ? ContentLengthField(r.body.size()) : "");
    if (req_.method != "HEAD" && CarriesBody(r.status)) wire->body = std::move(r.body);
    tcp().expires_after(std::chrono::seconds(120));
    std::array<asio::const_buffer, 2> buffers{asio::buffer(wire->head), asio::buffer(wire->body)};
    asio::async_write(stream_, buffers, [self = this->shared_from_this(), wire, keep](beast::error_code ec, size_t) {
      self->Done();
      if (ec) return self->Close();
      if (!keep) return self->LingerClose();
      self->DoRead();
    });
  }

  void Done() {
    if (counted_) {
      counted_ = false;
      server_.in_flight()--;
      if (status_ != 0) Observe();
    }
  }

  // Metrics and the access log for the exchange that just ended.
  void Observe() {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
    if (HttpMetrics* m = server_.metrics(); m && !Unmetered(req_.path)) {
      m->Record(req_.method, endpoint_, status_, seconds);
    }
    if (server_.options().access_log != HttpServerOptions::AccessLog::kOff) {
      WriteAccessLog(server_.options().access_log, remote_, req_, status_, bytes_out_, seconds);
    }
  }

  // Closes after an answer that left request bytes unread (a 413, a refusal): closing with unread
  // bytes would reset the connection and could destroy the answer before the client reads it. So
  // the sending side is shut first and what the client still sends is discarded, boundedly (4 MiB,
  // 2 seconds), until it closes too.
  void LingerClose() {
    Done();
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    tcp().expires_after(std::chrono::seconds(2));
    Drain(0);
  }

  void Drain(size_t drained) {
    if (drained > (4u << 20)) return Close();
    auto sink = std::make_shared<std::array<char, 16384>>();
    tcp().async_read_some(asio::buffer(*sink), [self = this->shared_from_this(), sink, drained](beast::error_code ec,
                                                                                                size_t n) {
      if (ec) return self->Close();
      self->Drain(drained + n);
    });
  }

  void Close() {
    Done();
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp().socket().close(ec);
  }

  // Hands the socket to a dedicated thread that runs the streaming handler with blocking I/O.
  void StartStream(const StreamHandler* handler) {
    // Each stream holds a thread: past the cap, ask the client to retry (MLflow's client retries 503).
    if (server_.streams().fetch_add(1) >= kMaxStreams) {
      server_.streams()--;
      keep_alive_ = false;
      return Reply(HttpResponse{503, "application/json",
                                R"({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "Too many concurrent )"
                                R"(artifact transfers; retry later"})",
                                {{"Retry-After", "1"}}});
    }
    tcp().expires_never();
    std::thread([self = this->shared_from_this(), handler] {
      self->RunStream(handler);
      self->server_.streams()--;
    }).detach();
  }

  void RunStream(const StreamHandler* handler) {
    auto& socket = tcp().socket();
    // Per-chunk deadlines: each blocking read or write must progress within the timeout.
    timeval tv{kStreamChunkTimeoutSeconds, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    http::request_parser<http::buffer_body> parser(std::move(*header_parser_));
    parser.body_limit(boost::none);
    bool reusable = false;
    {
      SocketStreamContext<std::conditional_t<kTls, Stream, tcp::socket>> ctx(SyncStream(), buffer_, parser, req_,
                                                                             server_.security());
      try {
        (*handler)(ctx);
      } catch (const std::exception& e) {
        spdlog::error("stream handler for {} {} threw: {}", req_.method, req_.path, e.what());
        if (!ctx.started()) {
          ctx.Respond(HttpResponse{500, "application/json",
                                   R"({"error_code": "INTERNAL_ERROR", "message": "Internal server error"})", {}});
        }
      }
      if (!ctx.BodyComplete()) {
        // The handler answered without consuming the body (an early error): drain a bounded
        // amount so the client sees the reply, then close.
        std::vector<char> sink(kStreamChunk);
        for (int i = 0; i < 64 && ctx.ReadBody(sink.data(), sink.size()) > 0; ++i) {
        }
      }
      reusable = ctx.Reusable() && !server_.stopping();
      status_ = ctx.status();
      bytes_out_ = ctx.bytes_written();
      if (HttpMetrics* m = server_.metrics()) {
        m->AddArtifactBytes(true, ctx.bytes_read());
        m->AddArtifactBytes(false, ctx.bytes_written());
      }
    }
    timeval zero{0, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &zero, sizeof(zero));
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &zero, sizeof(zero));
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), reusable] {
      self->Done();
      if (reusable) {
        self->DoRead();
      } else {
        self->Close();
      }
    });
  }

  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }
  // What a streaming handler reads and writes with blocking calls.
  auto& SyncStream() {
    if constexpr (kTls) {
      return stream_;
    } else {
      return stream_.socket();
    }
  }

  Stream stream_;
  HttpServer::Impl& server_;
  std::string remote_;  // peer address, for the access log
  std::chrono::steady_clock::time_point started_at_;
  std::string endpoint_;  // matched route pattern
  int status_ = 0;        // of the answer sent (0: none)
  uint64_t bytes_out_ = 0;
  beast::flat_buffer buffer_;  // grows to the header limit; a cap below it would refuse big headers
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::string_body>> body_parser_;
  HttpRequest req_;
  const Handler* handler_ = nullptr;
  const AsyncHandler* async_ = nullptr;
  const InlineHandler* inline_ = nullptr;
  Router::Match::Kind match_kind_ = Router::Match::Kind::kNotFound;
  bool keep_alive_ = true;
  bool counted_ = false;
};

}  // namespace

void HttpServer::Impl::DoAccept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;
    if (!ec && connections_.load() >= options_.max_connections && ssl_) {
      beast::error_code ignored;
      socket.close(ignored);  // no TLS session to answer in: just refuse
    } else if (!ec && connections_.load() >= options_.max_connections) {
      // Over the bound: a short 503 and close, so a flood of idle connections cannot starve others.
      // The request the client sent meanwhile is read (one read, 2 s at most) before closing, so the
      // close does not reset the connection under the answer.
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      stream->expires_after(std::chrono::seconds(2));
      asio::async_write(*stream, asio::buffer(kTooManyConnections.data(), kTooManyConnections.size()),
                        [stream](beast::error_code ec, size_t) {
                          beast::error_code ignored;
                          if (ec) {
                            stream->socket().close(ignored);
                            return;
                          }
                          stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
                          auto sink = std::make_shared<std::array<char, 4096>>();
                          stream->async_read_some(asio::buffer(*sink), [stream, sink](beast::error_code, size_t) {
                            beast::error_code ignored2;
                            stream->socket().close(ignored2);
                          });
                        });
    } else if (!ec && ssl_) {
      std::make_shared<Session<true>>(std::move(socket), *this, *ssl_)->Start();
    } else if (!ec) {
      std::make_shared<Session<false>>(std::move(socket), *this)->Start();
    }
    DoAccept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}
HttpServer::~HttpServer() = default;
Result<uint16_t> HttpServer::Listen() { return impl_->Listen(); }
void HttpServer::Run(bool handle_signals) { impl_->Run(handle_signals); }
void HttpServer::Stop() { impl_->Stop(); }
int HttpServer::InFlight() const { return impl_->in_flight().load(); }

}  // namespace mlflow::server
