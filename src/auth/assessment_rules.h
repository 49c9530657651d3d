#pragma once
// Whether a user may act on the assessments of a trace, as MLflow 3.17.2 decides it
// (mlflow/server/auth/__init__.py, validate_can_{get,create,update,delete}_assessment): READ on
// the trace's experiment and a readable trace tier to address the trace, then the wildcard
// "assessment" tier, which inherits the experiment when the user holds no grant on it.
//
//   if (!AssessmentAllowed(grants, trace.experiment_id, AssessmentOp::kDelete, config.default_permission))
#include <string>
#include <string_view>
#include <vector>

#include "auth/permissions.h"

namespace mlflow::auth {

enum class AssessmentOp {
  kGet,     // READ in the assessment tier
  kCreate,  // the tier not denied; the write from the experiment's EDIT or the trace tier's
  kUpdate,  // EDIT in the assessment tier
  kDelete,  // the tier's delete when it holds a grant, else the experiment's EDIT
};

bool AssessmentAllowed(const std::vector<Grant>& grants, const std::string& experiment_id, AssessmentOp op,
                       std::string_view default_permission);

// QueryTraceMetrics over the ASSESSMENTS view also needs READ in each experiment's assessment tier.
bool AssessmentTierReadable(const std::vector<Grant>& grants, const std::string& experiment_id,
                            std::string_view default_permission);

}  // namespace mlflow::auth
