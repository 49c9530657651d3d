// A main for a libFuzzer target built without libFuzzer (the normal gcc build): runs every file
// given, and every file of every folder given (sorted by name, folders in the order given),
// through the target's LLVMFuzzerTestOneInput once, in one process, as libFuzzer replays a corpus.
// The target aborts on what it judges a bug, so a failing input ends the run with the file named.
// ctest's handlers_fuzz_replay runs fuzz/corpus/handlers_fuzz/ this way (tests/fuzz/CMakeLists.txt):
// every seed, and every crash reproducer saved there, goes through the handlers on every CI run,
// without the clang build scripts/fuzz.sh needs.
//
//   handlers_fuzz_replay fuzz/corpus/handlers_fuzz build-fuzz/crashes/handlers_fuzz-crash-1234
//
// The target's files (a database for handlers_fuzz) go to a fresh temporary folder, removed at the
// end: TMPDIR points there for the run.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <file or folder>...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> files;
      for (const fs::directory_entry& e : fs::directory_iterator(arg)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) {
        fprintf(stderr, "%s: no inputs in %s\n", argv[0], argv[i]);
        return 1;
      }
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.push_back(arg);
    } else {
      fprintf(stderr, "%s: no such file or folder: %s\n", argv[0], argv[i]);
      return 1;
    }
  }

  std::string tmpl = (fs::temp_directory_path() / "fuzz-replay-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    perror("mkdtemp");
    return 1;
  }
  setenv("TMPDIR", tmpl.c_str(), 1);
  for (const fs::path& p : inputs) {
    std::ifstream f(p, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (!f.good() && !f.eof()) {
      fprintf(stderr, "%s: cannot read %s\n", argv[0], p.c_str());
      return 1;
    }
    // Named before it runs: an input the target aborts on is the last name printed.
    fprintf(stderr, "replay %s (%zu bytes)\n", p.c_str(), data.size());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  }
  fprintf(stderr, "replayed %zu inputs\n", inputs.size());
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  // The target keeps its state (an open server) for the process's life, as under libFuzzer: leave
  // without running static destructors under its threads.
  fflush(stderr);
  fflush(stdout);
  _Exit(0);
}
