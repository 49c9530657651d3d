#pragma once
// Fatal-signal reporting: should the process ever crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
// or an exception nobody caught), it writes what happened and a stack trace to stderr (the server's
// log) before dying with the same signal, so the next crash is found in minutes, not days
// (issue 26). Frames are printed as `binary(function+offset) [address]`; the binary is linked with
// exported symbols (`c++filt` demangles them), and `addr2line -f -C -e <binary> <offset>` gives file
// and line of the rest.
//
//   int main() { mlflow::InstallCrashHandler(); ... }
namespace mlflow {

// Installs the handlers (on an alternate signal stack, so a stack overflow is reported too) and a
// std::terminate handler. Call once, early in main; later calls do nothing.
void InstallCrashHandler();

}  // namespace mlflow
