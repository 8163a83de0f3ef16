#include "ingest/encoding.h"

#include "core/file.h"
#include "core/utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <future>
#include <unordered_map>

namespace callbase::ingest {
namespace {

// Unicode code points of cp1251 bytes 0x80..0xBF (0xC0..0xFF are А..я in order).
constexpr std::array<char16_t, 64> kHigh = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409,
    0x2039, 0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x0098, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0,
    0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB,
    0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6,
    0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457};

char32_t Cp1251ToCodePoint(unsigned char b) {
    if (b < 0x80) return b;
    if (b >= 0xC0) return 0x0410 + (b - 0xC0);
    return kHigh[b - 0x80];
}

}  // namespace

std::string_view EncodingName(Encoding encoding) {
    return encoding == Encoding::kUtf8 ? "utf-8" : "cp1251";
}

Result<Encoding> ParseEncoding(std::string_view name) {
    std::string lower;
    for (char c : name)
        lower.push_back(static_cast<char>(std::tolower(c)));
    if (lower == "utf-8" || lower == "utf8") return Encoding::kUtf8;
    if (lower == "cp1251" || lower == "windows-1251" || lower == "win1251" || lower == "cp-1251") {
        return Encoding::kCp1251;
    }
    return Fail(ErrorCode::kInvalidInput,
                Msg{"import.unknown_encoding", "unknown encoding '{encoding}'",
                    "use utf-8 or cp1251 (windows-1251)"},
                {{"encoding", std::string(name)}});
}

bool IsValidUtf8(std::string_view s) {
    return FirstInvalidUtf8(s) == std::string_view::npos;
}

namespace {

size_t FirstInvalidUtf8InOne(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        // ASCII runs (most of a CSV file) eight bytes at a time.
        while (i + 8 <= n) {
            uint64_t word;
            std::memcpy(&word, p + i, 8);
            if (word & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= n) break;
        const unsigned b = p[i];
        if (b < 0x80) {
            ++i;
            continue;
        }
        // Two bytes (Cyrillic, most of Europe) first: the common case here.
        // 0xC0 and 0xC1 would be overlong, so they fall through to invalid.
        if (b >= 0xC2 && b <= 0xDF) {
            if (i + 1 >= n || (p[i + 1] & 0xC0) != 0x80) return i;
            i += 2;
            continue;
        }
        const size_t len = (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > n) return i;
        for (size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
        }
        i += len;
    }
    return std::string_view::npos;
}

}  // namespace

size_t FirstInvalidUtf8(std::string_view s) {
    // A large file is checked in two halves at once (an import waits for this
    // before its first row). The second half starts at a character's first
    // byte, so each half holds whole characters; more than three continuation
    // bytes in a row is invalid anyway and left to the one-thread scan.
    constexpr size_t kSplitAbove = size_t{4} << 20;
    if (s.size() < kSplitAbove) return FirstInvalidUtf8InOne(s);
    size_t mid = s.size() / 2;
    for (int k = 0; k < 3 && (static_cast<unsigned char>(s[mid]) & 0xC0) == 0x80; ++k)
        ++mid;
    if ((static_cast<unsigned char>(s[mid]) & 0xC0) == 0x80) return FirstInvalidUtf8InOne(s);
    auto second =
        std::async(std::launch::async, [&] { return FirstInvalidUtf8InOne(s.substr(mid)); });
    size_t first = FirstInvalidUtf8InOne(s.substr(0, mid));
    size_t later = second.get();
    if (first != std::string_view::npos) return first;
    return later == std::string_view::npos ? later : mid + later;
}

Encoding DetectEncoding(std::string_view bytes) {
    return IsValidUtf8(bytes) ? Encoding::kUtf8 : Encoding::kCp1251;
}

namespace {

// The 1-based line of the byte at offset.
int64_t LineAt(std::string_view bytes, size_t offset) {
    return 1 + std::count(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(offset), '\n');
}

}  // namespace

Result<Encoding> CheckTextFile(const std::string& path) {
    auto bytes = ReadWholeFile(path);
    if (!bytes) {
        return Fail(ErrorCode::kNotFound, fmt::format("cannot read {}", path),
                    "check the path and its permissions");
    }
    std::string_view text = *bytes;
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
        if (FirstInvalidUtf8(text) == std::string_view::npos && text.find('\0') == text.npos) {
            return Encoding::kUtf8;
        }
    }
    return DetectFileEncoding(text, path);
}

Result<Encoding> DetectFileEncoding(std::string_view bytes, std::string_view file) {
    if (size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
        auto line = LineAt(bytes, nul);
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"import.nul_byte",
                        "{file}: line {line} holds a NUL byte: UTF-16 or not a text file",
                        "save it from the spreadsheet as CSV (UTF-8 or Windows-1251)"},
                    {{"file", std::string(file)}, {"line", std::to_string(line)}});
    }
    size_t bad = FirstInvalidUtf8(bytes);
    if (bad == std::string_view::npos) return Encoding::kUtf8;
    // Read as cp1251: letters are 0xC0..0xFF and Ёё (0xA8, 0xB8); the other high
    // bytes are punctuation and rare letters. UTF-8 Cyrillic is a lead byte
    // 0xD0/0xD1 followed by one in 0x80..0xBF.
    size_t letters = 0, others = 0, utf8_pairs = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
        auto b = static_cast<unsigned char>(bytes[i]);
        if (b < 0x80) continue;
        if (b >= 0xC0 || b == 0xA8 || b == 0xB8) {
            ++letters;
        } else {
            ++others;
        }
        if ((b == 0xD0 || b == 0xD1) && i + 1 < bytes.size() &&
            (static_cast<unsigned char>(bytes[i + 1]) & 0xC0) == 0x80) {
            ++utf8_pairs;
        }
    }
    auto line = LineAt(bytes, bad);
    // In real cp1251 Russian text a letter followed by 0x80..0xBF is rare (that
    // is a letter then punctuation); in UTF-8 Cyrillic every letter is one.
    if (utf8_pairs * 4 > letters) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"import.mixed_encoding",
                        "{file}: mixes UTF-8 with another encoding (line {line} is not UTF-8)",
                        "re-save the file in one encoding, or give --encoding utf-8|cp1251 to "
                        "read it all as one"},
                    {{"file", std::string(file)}, {"line", std::to_string(line)}});
    }
    if (letters < 3 * others) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"import.unknown_text",
                        "{file}: neither UTF-8 nor Windows-1251 Cyrillic (line {line} is not "
                        "UTF-8)",
                        "re-save it as UTF-8 or Windows-1251, or give --encoding utf-8|cp1251"},
                    {{"file", std::string(file)}, {"line", std::to_string(line)}});
    }
    return Encoding::kCp1251;
}

std::string Cp1251ToUtf8(std::string_view bytes) {
    std::string out;
    Cp1251ToUtf8(bytes, &out);
    return out;
}

void Cp1251ToUtf8(std::string_view bytes, std::string* out) {
    out->clear();
    out->reserve(bytes.size() * 2);
    for (char c : bytes) {
        if (static_cast<unsigned char>(c) < 0x80) {
            out->push_back(c);
        } else {
            AppendUtf8(*out, Cp1251ToCodePoint(static_cast<unsigned char>(c)));
        }
    }
}

std::string Utf8ToCp1251(std::string_view s, size_t* lost) {
    static const std::unordered_map<char32_t, unsigned char> kReverse = [] {
        std::unordered_map<char32_t, unsigned char> m;
        for (int b = 0x80; b < 0x100; ++b)
            m[Cp1251ToCodePoint(static_cast<unsigned char>(b))] = b;
        return m;
    }();
    std::string out;
    out.reserve(s.size());
    for (char32_t c : DecodeUtf8(s)) {
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            continue;
        }
        auto it = kReverse.find(c);
        if (it == kReverse.end()) {
            out.push_back('?');
            if (lost) ++*lost;
        } else {
            out.push_back(static_cast<char>(it->second));
        }
    }
    return out;
}

}  // namespace callbase::ingest
