# mlflow_cpp_model(<target> OUTPUT_DIR <dir>
#                  [SIGNATURE_INPUTS <json|@file>] [SIGNATURE_OUTPUTS <json|@file>]
#                  [CONFIG <json|@file>] [DATA <dir>] [INPUT_EXAMPLE <json|@file>]
#                  [MLFLOW_CPP <path to mlflow-cpp>])
#
# Packages a SHARED library implementing include/mlflow/model_abi.h as an MLflow model folder with
# the `cpp` flavor, after every build of <target>: `mlflow-cpp models package-cpp` copies the
# library (and DATA as data/) and writes MLmodel. Serve it with
#   mlflow-cpp models serve -m <dir>
# or log the folder as a run's artifacts and serve runs:/<run_id>/<path>.
#
# MLFLOW_CPP defaults to the mlflow-cpp target when building inside mlflow-cpp, else to the
# mlflow-cpp program found on PATH. The ABI header is added to <target>'s include path.
set(MLFLOW_CPP_MODEL_ABI_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../include" CACHE PATH "Folder holding mlflow/model_abi.h")

function(mlflow_cpp_model target)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR;SIGNATURE_INPUTS;SIGNATURE_OUTPUTS;CONFIG;DATA;INPUT_EXAMPLE;MLFLOW_CPP" "" ${ARGN})
  if(NOT ARG_OUTPUT_DIR)
    message(FATAL_ERROR "mlflow_cpp_model(${target}): OUTPUT_DIR is required")
  endif()
  target_include_directories(${target} PRIVATE ${MLFLOW_CPP_MODEL_ABI_INCLUDE_DIR})
  # Only the ABI's entry points (marked in model_abi.h) are exported; everything else stays private
  # to the library, so it cannot bind to same-named symbols of the serving process.
  set_target_properties(${target} PROPERTIES C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden
                                             VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_MLFLOW_CPP)
    set(tool ${ARG_MLFLOW_CPP})
  elseif(TARGET mlflow-cpp)
    set(tool $<TARGET_FILE:mlflow-cpp>)
    add_dependencies(${target} mlflow-cpp)
  else()
    find_program(MLFLOW_CPP_PROGRAM mlflow-cpp REQUIRED)
    set(tool ${MLFLOW_CPP_PROGRAM})
  endif()
  set(args models package-cpp --library $<TARGET_FILE:${target}> --output ${ARG_OUTPUT_DIR})
  foreach(opt SIGNATURE_INPUTS SIGNATURE_OUTPUTS CONFIG DATA INPUT_EXAMPLE)
    if(ARG_${opt})
      string(TOLOWER ${opt} flag)
      string(REPLACE "_" "-" flag ${flag})
      list(APPEND args --${flag} ${ARG_${opt}})
    endif()
  endforeach()
  add_custom_command(TARGET ${target} POST_BUILD
                     COMMAND ${tool} ${args}
                     COMMENT "Packaging ${target} as an MLflow model in ${ARG_OUTPUT_DIR}"
                     VERBATIM)
endfunction()
