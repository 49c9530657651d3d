#pragma once
// Python's repr(float), for messages and documents that must read as MLflow's Python writes them.
//
//   PyFloatRepr(1000.0) == "1000.0"; PyFloatRepr(1e-5) == "1e-05"; PyFloatRepr(0.1) == "0.1"
#include <string>

namespace mlflow {

// Shortest round-trip digits, scientific below 1e-4 and from 1e16 ("1e-05", "1e+16"), ".0" on
// integral values, "nan" / "inf" / "-inf".
std::string PyFloatRepr(double v);

}  // namespace mlflow
