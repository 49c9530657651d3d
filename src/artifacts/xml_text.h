#pragma once
// Just enough XML for the object stores' answers (S3, Azure Blob): the text of named elements,
// in order, with entities decoded. Not a general parser: no namespaces, no CDATA.
//
//   size_t pos = 0;
//   std::string blob;
//   while (XmlNextElement(body, "Blob", &pos, &blob)) names.push_back(XmlElementText(blob, "Name"));
#include <string>

namespace mlflow::artifacts {

// Raw content of the first <tag> or <tag attr=...> element at or after *pos (empty for <tag/>);
// advances *pos past it. False when there is none.
bool XmlNextElement(const std::string& xml, const std::string& tag, size_t* pos, std::string* out);
// Decoded text of the first <tag> element, "" when absent.
std::string XmlElementText(const std::string& xml, const std::string& tag);
// &amp; &lt; &gt; &quot; &apos; and numeric character references.
std::string XmlUnescape(const std::string& s);
// (Escaping for XML: EscapeMarkup in core/markup.h.)

}  // namespace mlflow::artifacts
