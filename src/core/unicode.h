#pragma once
// UTF-8 decoding and the one Unicode property MLflow's rules need: what Python's `\w` matches.
//
//   std::string_view key = "ü_1";
//   size_t i = 0;
//   char32_t cp = 0;
//   bool all_word = true;
//   while (NextCodePoint(key, i, cp)) all_word = all_word && IsPythonWordChar(cp);
#include <cstddef>
#include <string>
#include <string_view>

namespace mlflow {

// Decodes the code point starting at s[i] and advances i past it. Returns false at the end of s.
// A malformed sequence decodes as U+FFFD (one byte consumed), as Python's "replace" decoding does.
bool NextCodePoint(std::string_view s, size_t& i, char32_t& cp);

// s with each malformed sequence replaced by U+FFFD, as NextCodePoint decodes it (well-formed
// text comes back unchanged): the text Python holds after decoding bytes with errors="replace".
std::string ReplaceInvalidUtf8(std::string_view s);

// True if s is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF): what
// Python's strict decoding and protobuf's string checks accept.
bool IsValidUtf8(std::string_view s);

// Appends cp in UTF-8. Surrogates are encoded like other code points (three bytes), as a parsed
// lone "\ud800" is kept so that it can be written back the way Python writes it.
void AppendUtf8(std::string& out, char32_t cp);

// Python's `re` `\w` for str patterns (Python 3.11, Unicode 14.0.0): '_' and every code point for
// which str.isalnum() is true (letters, digits and numerics of every script; not marks, symbols,
// emoji or spaces). Table: core/unicode_word_table.cc, from scripts/gen_unicode_word_table.py.
bool IsPythonWordChar(char32_t cp);

}  // namespace mlflow
