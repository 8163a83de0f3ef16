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

// The byte offset of the first byte that is not part of well-formed UTF-8
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or
// npos when the whole text is UTF-8. Input is checked with this at every door
// (HTTP requests, CLI arguments and stdin) and refused with the offset named.
size_t FirstInvalidUtf8(std::string_view text);
inline bool IsUtf8(std::string_view text) {
    return FirstInvalidUtf8(text) == std::string_view::npos;
}

// "byte 0xFF at position 3": what an error message says of text that
// FirstInvalidUtf8 refused (positions count from 1).
std::string DescribeInvalidUtf8(std::string_view text);

// At most `max_bytes` of the text, cut where a character starts (a cut in the
// middle of a character would leave bytes that are not UTF-8).
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

// The text with every byte that is not well-formed UTF-8 replaced by U+FFFD:
// for showing what was already stored before input was checked.
std::string ToValidUtf8(std::string_view text);

}  // namespace callbase
