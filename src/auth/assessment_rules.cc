#include "auth/assessment_rules.h"

namespace mlflow::auth {

bool AssessmentTierReadable(const std::vector<Grant>& grants, const std::string& experiment_id,
                            std::string_view default_permission) {
  return Governing(grants, {{"assessment", "*"}, {"experiment", experiment_id}}, default_permission).can_read;
}

bool AssessmentAllowed(const std::vector<Grant>& grants, const std::string& experiment_id, AssessmentOp op,
                       std::string_view default_permission) {
  const Permission experiment = Governing(grants, {{"experiment", experiment_id}}, default_permission);
  // Addressing: the route finds the experiment through the trace, so both must be readable.
  if (!experiment.can_read) return false;
  if (!Governing(grants, {{"trace", "*"}, {"experiment", experiment_id}}, default_permission).can_read) return false;
  const Permission tier = Governing(grants, {{"assessment", "*"}, {"experiment", experiment_id}}, default_permission);
  switch (op) {
    case AssessmentOp::kGet:
      return tier.can_read;
    case AssessmentOp::kUpdate:
      return tier.can_update;
    case AssessmentOp::kDelete:
      // A grant on the tier decides with its own delete (EDIT there does not delete); without
      // one the experiment's EDIT does, as the route required before the tier existed.
      return FoldGrants(grants, "assessment", "*").has_value() ? tier.can_delete : experiment.can_update;
    case AssessmentOp::kCreate: {
      // The tier can only veto a create; the write comes from the experiment or from the trace
      // tier, each read alone (no grant: the default permission), so a weaker trace grant never
      // takes away an experiment's EDIT.
      if (Governing(grants, {{"assessment", "*"}}, default_permission).name == "DENY") return false;
      return experiment.can_update || Governing(grants, {{"trace", "*"}}, default_permission).can_update;
    }
  }
  return false;
}

}  // namespace mlflow::auth
