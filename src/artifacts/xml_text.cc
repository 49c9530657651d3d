#include "artifacts/xml_text.h"

#include <cstdlib>

#include "core/unicode.h"

namespace mlflow::artifacts {

bool XmlNextElement(const std::string& xml, const std::string& tag, size_t* pos, std::string* out) {
  const std::string open = "<" + tag;
  const std::string close = "</" + tag + ">";
  size_t b = *pos;
  // Bounded by the document: each round moves past one candidate.
  while ((b = xml.find(open, b)) != std::string::npos) {
    size_t after = b + open.size();
    if (after >= xml.size()) return false;
    char c = xml[after];
    if (c != '>' && c != ' ' && c != '/' && c != '\t' && c != '\r' && c != '\n') {
      b = after;  // a longer name with the same start (<Blob> vs <BlobPrefix>)
      continue;
    }
    size_t gt = xml.find('>', after);
    if (gt == std::string::npos) return false;
    if (xml[gt - 1] == '/') {  // <tag/> or <tag attr="x"/>
      out->clear();
      *pos = gt + 1;
      return true;
    }
    size_t e = xml.find(close, gt + 1);
    if (e == std::string::npos) return false;
    *out = xml.substr(gt + 1, e - gt - 1);
    *pos = e + close.size();
    return true;
  }
  return false;
}

std::string XmlElementText(const std::string& xml, const std::string& tag) {
  size_t pos = 0;
  std::string out;
  return XmlNextElement(xml, tag, &pos, &out) ? XmlUnescape(out) : "";
}

std::string XmlUnescape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      size_t semi = s.find(';', i);
      if (semi != std::string::npos && semi - i <= 10) {
        std::string ent = s.substr(i + 1, semi - i - 1);
        bool done = true;
        if (ent == "amp") {
          out.push_back('&');
        } else if (ent == "lt") {
          out.push_back('<');
        } else if (ent == "gt") {
          out.push_back('>');
        } else if (ent == "quot") {
          out.push_back('"');
        } else if (ent == "apos") {
          out.push_back('\'');
        } else if (ent.size() > 1 && ent[0] == '#') {
          bool hex = ent[1] == 'x' || ent[1] == 'X';
          char* end = nullptr;
          const char* digits = ent.c_str() + (hex ? 2 : 1);
          unsigned long cp = std::strtoul(digits, &end, hex ? 16 : 10);
          if (end && *end == '\0' && end != digits) {
            if (cp < 0x110000) AppendUtf8(out, static_cast<char32_t>(cp));
          } else {
            done = false;
          }
        } else {
          done = false;
        }
        if (done) {
          i = semi;
          continue;
        }
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace mlflow::artifacts
