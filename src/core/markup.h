#pragma once
// Text placed inside XML or HTML (element content or a quoted attribute value): & < > " ' become
// character references. The apostrophe is written &#39;, which both XML and HTML read (HTML 4 has
// no &apos;).
#include <string>

namespace mlflow {

std::string EscapeMarkup(const std::string& s);

}  // namespace mlflow
