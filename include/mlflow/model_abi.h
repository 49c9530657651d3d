/* The C ABI of mlflow-cpp's `cpp` model flavor, version 1.
 *
 * A C or C++ team packages a model as a shared library exporting the five functions below; the
 * model folder's MLmodel names it (flavor `cpp`: `library`, `abi_version`, optional `config`), and
 * `mlflow-cpp models serve` then serves it with no Python at all. See examples/cpp_model/ and
 * cmake/MlflowCppModel.cmake.
 *
 * Input is a table of typed columns (the request after the model signature was enforced, columns
 * in signature order); output is a numeric or string array of 1 or 2 dimensions, or JSON text.
 * mlflow_model_predict is called from several threads at once and must be thread-safe.
 * Errors are reported by returning NULL / non-zero and writing a message into `error`.
 */
#ifndef MLFLOW_MODEL_ABI_H_
#define MLFLOW_MODEL_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MLFLOW_MODEL_ABI_VERSION 1

/* The five entry points are the library's only exported symbols: build it with hidden visibility
 * (cmake/MlflowCppModel.cmake does), so its internals never bind to same-named symbols of the
 * serving process. */
#if defined(__GNUC__)
#define MLFLOW_MODEL_API __attribute__((visibility("default")))
#else
#define MLFLOW_MODEL_API
#endif

typedef enum mlflow_dtype {
  MLFLOW_DTYPE_NONE = 0,
  MLFLOW_DTYPE_BOOL = 1,    /* uint8_t, 0 or 1 */
  MLFLOW_DTYPE_INT32 = 2,   /* int32_t */
  MLFLOW_DTYPE_INT64 = 3,   /* int64_t */
  MLFLOW_DTYPE_FLOAT32 = 4, /* float; NaN = missing */
  MLFLOW_DTYPE_FLOAT64 = 5, /* double; NaN = missing */
  MLFLOW_DTYPE_STRING = 6   /* const char* (UTF-8, NUL-terminated); NULL = missing */
} mlflow_dtype;

typedef struct mlflow_column {
  const char* name;   /* column name ("0", "1", ... for unnamed columns) */
  mlflow_dtype dtype;
  const void* values; /* n_rows values of dtype */
} mlflow_column;

typedef struct mlflow_table {
  int64_t n_rows;
  int32_t n_columns;
  const mlflow_column* columns;
  const char* params_json; /* the request's params as a JSON object ("{}" when none) */
} mlflow_table;

typedef struct mlflow_output {
  /* Either an array: dtype != MLFLOW_DTYPE_NONE, ndim 1 or 2, shape, values (row-major, allocated
   * by the model)... */
  mlflow_dtype dtype;
  int32_t ndim;
  int64_t shape[2];
  void* values;
  /* ...or, when dtype is MLFLOW_DTYPE_NONE, the predictions as JSON text (NUL-terminated). */
  char* json;
  /* Free for the model's bookkeeping (e.g. what to release). */
  void* model_data;
} mlflow_output;

/* Returns MLFLOW_MODEL_ABI_VERSION as compiled into the library. */
MLFLOW_MODEL_API int32_t mlflow_model_abi_version(void);
/* Loads the model from its folder; config_json is the flavor's `config` (JSON, "{}" when absent). */
MLFLOW_MODEL_API void* mlflow_model_load(const char* model_dir, const char* config_json, char* error,
                                         size_t error_size);
/* Scores a table; returns 0 on success. The output (zero-initialised by the caller) stays valid
 * until mlflow_model_release_output. */
MLFLOW_MODEL_API int32_t mlflow_model_predict(void* model, const mlflow_table* input, mlflow_output* output,
                                              char* error, size_t error_size);
MLFLOW_MODEL_API void mlflow_model_release_output(void* model, mlflow_output* output);
MLFLOW_MODEL_API void mlflow_model_free(void* model);

#ifdef __cplusplus
}
#endif

#endif /* MLFLOW_MODEL_ABI_H_ */
