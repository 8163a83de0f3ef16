// UTF-8 decoding and encoding, the one copy every module uses (case folding of
// Cyrillic, region names, cp1251 conversion). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace callbase {

// Decodes leniently: a byte that does not start a valid sequence becomes the
// code point of its own value, so nothing is ever dropped.
std::vector<char32_t> DecodeUtf8(std::string_view text);

// Appends the UTF-8 form of one code point.
void AppendUtf8(std::string& out, char32_t code_point);

}  // namespace callbase
