#pragma once
// The tracing area's JSON value: Python-ordered JSON, read and written as Python's json module
// does (core/py_json.h), because MLflow stores span contents and attributes as json.dumps text.
#include "core/py_json.h"

namespace mlflow::tracing {

using Json = PyJson;

}  // namespace mlflow::tracing
