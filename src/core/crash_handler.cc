#include "core/crash_handler.h"

#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <exception>
#include <typeinfo>

namespace mlflow {
namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr int kMaxFrames = 64;

// Only async-signal-safe calls below: write(2), backtrace_symbols_fd, no allocation, no locks.
void WriteRaw(const char* s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

void WriteNumber(unsigned long long v, int base) {
  char buf[32];
  int i = sizeof(buf) - 1;
  buf[i] = '\0';
  do {
    int d = static_cast<int>(v % static_cast<unsigned>(base));
    buf[--i] = static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10);
    v /= static_cast<unsigned>(base);
  } while (v && i > 0);
  WriteRaw(buf + i);
}

void WriteStackTrace() {
  void* frames[kMaxFrames];
  int n = backtrace(frames, kMaxFrames);
  WriteRaw("stack trace (most recent call first):\n");
  backtrace_symbols_fd(frames, n, STDERR_FILENO);
  WriteRaw("end of stack trace\n");
}

std::atomic<bool> g_reporting{false};

void OnFatalSignal(int sig, siginfo_t* info, void*) {
  // A second fault while reporting (or in another thread) must not loop: die at once.
  if (g_reporting.exchange(true)) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  WriteRaw("\nmlflow-cpp: fatal signal ");
  WriteNumber(static_cast<unsigned>(sig), 10);
  WriteRaw(" (");
  WriteRaw(sigdescr_np(sig) ? sigdescr_np(sig) : "unknown");
  WriteRaw(")");
  if ((sig == SIGSEGV || sig == SIGBUS) && info && info->si_code > 0) {  // raised by the kernel, not kill(2)
    WriteRaw(" at address 0x");
    WriteNumber(reinterpret_cast<unsigned long long>(info->si_addr), 16);
  }
  WriteRaw(", thread ");
  WriteNumber(static_cast<unsigned long long>(gettid()), 10);
  WriteRaw("\n");
  WriteStackTrace();
  // SA_RESETHAND restored the default action: re-raise so the process dies of this signal (and
  // leaves a core file where the system keeps them).
  raise(sig);
}

void OnTerminate() {
  const char* what = "unknown exception";
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      WriteRaw("\nmlflow-cpp: uncaught exception: ");
      WriteRaw(ex.what());
      WriteRaw("\n");
      what = nullptr;
    } catch (...) {
    }
  }
  if (what) {
    WriteRaw("\nmlflow-cpp: terminate called (");
    WriteRaw(what);
    WriteRaw(")\n");
  }
  WriteStackTrace();
  g_reporting = true;  // abort() below must not report a second time
  std::abort();
}

}  // namespace

void InstallCrashHandler() {
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;
  // backtrace() loads libgcc on first use, which allocates: do it now, not inside a handler.
  void* warm[1];
  backtrace(warm, 1);

  static char alt_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof(alt_stack);
  sigaltstack(&ss, nullptr);

  struct sigaction sa{};
  sa.sa_sigaction = OnFatalSignal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  for (int sig : kFatalSignals) sigaction(sig, &sa, nullptr);
  std::set_terminate(OnTerminate);
}

}  // namespace mlflow
