# Writes the Python worker script into a C++ source as a raw string (cmake -DIN=... -DOUT=... -P).
file(READ "${IN}" content)
file(WRITE "${OUT}.tmp" "// Generated from src/models/python/mlflow_cpp_worker.py by embed_worker.cmake.\nnamespace mlflow::models {\nextern const char* const kWorkerScript;\nconst char* const kWorkerScript = R\"MLFLOWCPPWORKER(${content})MLFLOWCPPWORKER\";\n}  // namespace mlflow::models\n")
file(RENAME "${OUT}.tmp" "${OUT}")
