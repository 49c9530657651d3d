#include "server/auth/signup_handlers.h"

#include <cctype>
#include <chrono>
#include <map>
#include <optional>

#include "auth/csrf_token.h"
#include "core/markup.h"
#include "server/auth/auth_request.h"
#include "server/handlers/json_render.h"

namespace mlflow::server {
namespace {

constexpr const char* kNonceCookie = "mlflow_signup_csrf";
constexpr const char* kCreateUiPath = "/api/2.0/mlflow/users/create-ui";

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A JavaScript string literal that is safe inside <script>: every non-alphanumeric byte escaped.
std::string JsString(const std::string& s) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == ' ' || c == '.' || c == ':' || c == '_' || c == '-') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out + "\"";
}

HttpResponse Html(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  return r;
}

// Shows `message` in an alert and sends the browser to `href`, as MLflow's page does.
HttpResponse AlertAndGo(const std::string& message, const std::string& href) {
  return Html(200, "<script type=\"text/javascript\">\n  alert(" + JsString(message) + ");\n  window.location.href = " +
                       JsString(href) + ";\n</script>\n");
}

HttpResponse BadRequestPage(const std::string& reason) {
  return Html(400, "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>" +
                       EscapeMarkup(reason) + "</p>\n");
}

std::string CookieValue(const HttpRequest& req, const std::string& name) {
  const std::string header = req.Header("cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

std::string SignupPage(const std::string& token) {
  return "<!doctype html>\n<html lang=en>\n<head><meta charset=utf-8><title>MLflow: sign up</title>\n"
         "<style>\n"
         "  body { font-family: sans-serif; background: #fafafa; }\n"
         "  form { max-width: 360px; margin: 60px auto; padding: 24px; background: #fff; border: 1px solid #ddd; }\n"
         "  label, input { display: block; width: 100%; box-sizing: border-box; }\n"
         "  input { margin: 4px 0 14px; padding: 8px; }\n"
         "  input[type=submit] { width: auto; cursor: pointer; }\n"
         "</style></head>\n<body>\n"
         "<form action=\"" + std::string(kCreateUiPath) + "\" method=\"post\">\n"
         "  <h2>Create a user</h2>\n"
         "  <input type=\"hidden\" name=\"csrf_token\" value=\"" + EscapeMarkup(token) + "\"/>\n"
         "  <label for=\"username\">Username</label>\n"
         "  <input type=\"text\" id=\"username\" name=\"username\" minlength=\"4\">\n"
         "  <label for=\"password\">Password</label>\n"
         "  <input type=\"password\" id=\"password\" name=\"password\" minlength=\"12\">\n"
         "  <input type=\"submit\" value=\"Sign up\">\n"
         "</form>\n</body>\n</html>\n";
}

}  // namespace

void RegisterSignupHandlers(Router& router, auth::AuthStore& store, const std::string& secret_key) {
  auth::AuthStore* s = &store;
  router.Add("GET", "/signup", [secret_key](const HttpRequest&) {
    // A fresh session nonce per page; the token in the form is bound to it.
    std::string nonce = auth::NewCsrfNonce();
    HttpResponse r = Html(200, SignupPage(auth::CsrfToken(secret_key, nonce, NowSeconds())));
    r.headers.push_back({"Set-Cookie", std::string(kNonceCookie) + "=" + nonce +
                                           "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                           std::to_string(auth::kCsrfTokenLifetimeSeconds)});
    return r;
  });
  router.Add("POST", kCreateUiPath, [s, secret_key](const HttpRequest& req) -> HttpResponse {
    const bool form = req.Header("content-type") == "application/x-www-form-urlencoded";
    std::map<std::string, std::string> fields;
    if (form) {
      for (auto& [k, v] : ParseForm(req.body)) fields.emplace(k, v);
    }
    // The CSRF check comes first, whatever the body is (the token may also come as X-CSRFToken).
    std::string token = fields.count("csrf_token") ? fields["csrf_token"] : req.Header("x-csrftoken");
    Status csrf = auth::CheckCsrfToken(secret_key, CookieValue(req, kNonceCookie), token, NowSeconds());
    if (!csrf.ok()) return BadRequestPage(csrf.message());
    if (!form) return Html(400, "Invalid content type. Must be application/x-www-form-urlencoded");
    if (!fields.count("username")) return BadRequestPage("Missing form field 'username'.");
    if (!fields.count("password")) return BadRequestPage("Missing form field 'password'.");
    const std::string username = fields["username"], password = fields["password"];
    if (username.empty() || password.empty()) return Html(400, "Username and password cannot be empty.");
    Result<std::optional<auth::User>> existing = s->FindUser(username);
    if (!existing.ok()) return ErrorResponse(existing.status());
    if (existing->has_value()) return AlertAndGo("Username has already been taken: " + username, "/signup");
    Result<auth::User> created = s->CreateUser(username, password, false);
    if (!created.ok()) return ErrorResponse(created.status());
    return AlertAndGo("Successfully signed up user: " + username, "/");
  });
}

}  // namespace mlflow::server
