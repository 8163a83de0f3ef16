// Text encodings of the files people import and export: UTF-8 (with or without
// a byte-order mark) and Windows-1251, the encoding of Russian Excel's CSV.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace callbase::ingest {

enum class Encoding { kUtf8, kCp1251 };

std::string_view EncodingName(Encoding encoding);  // "utf-8", "cp1251"
// Accepts utf-8, utf8, cp1251, windows-1251, win1251 (any case).
Result<Encoding> ParseEncoding(std::string_view name);

bool IsValidUtf8(std::string_view text);
// Valid UTF-8 is UTF-8; anything else is taken as Windows-1251, the only other
// encoding Russian spreadsheets write.
Encoding DetectEncoding(std::string_view bytes);

// The encoding of a whole file (after any BOM), strictly: valid UTF-8 is UTF-8;
// text whose high bytes read as Cyrillic letters in cp1251 is cp1251. Fails,
// naming `file` and the first line that is not UTF-8, when the text mixes UTF-8
// with another encoding (a file pasted together from two sources) or when its
// high bytes are not Cyrillic (Latin-1, a binary file, UTF-16 with its NUL
// bytes): the user must re-save the file or give --encoding.
Result<Encoding> DetectFileEncoding(std::string_view bytes, std::string_view file);

// DetectFileEncoding of a whole file read from `path` (after any BOM): what
// refuses a picture, an archive or a workbook given where a text file is
// wanted (`import contacts`, `dnc import`). kNotFound when it cannot be read.
Result<Encoding> CheckTextFile(const std::string& path);

// The offset of the first byte that does not belong to valid UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view text);

std::string Cp1251ToUtf8(std::string_view bytes);
// The same into *out, reusing its storage (the import's per-cell path).
void Cp1251ToUtf8(std::string_view bytes, std::string* out);
// Characters with no cp1251 form become '?'; *lost counts them.
std::string Utf8ToCp1251(std::string_view text, size_t* lost);

}  // namespace callbase::ingest
