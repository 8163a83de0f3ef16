#include "contacts/text.h"

#include "core/utf8.h"

#include <algorithm>
#include <cstdint>

namespace callbase::contacts {
namespace {

char32_t Lower(char32_t c) {
    if (c >= U'A' && c <= U'Z') return c + 32;
    if (c >= 0x0410 && c <= 0x042F) return c + 32;  // А..Я
    if (c == 0x0401) return 0x0451;                 // Ё
    return c;
}

char32_t Upper(char32_t c) {
    if (c >= U'a' && c <= U'z') return c - 32;
    if (c >= 0x0430 && c <= 0x044F) return c - 32;
    if (c == 0x0451) return 0x0401;
    return c;
}

bool IsSpace(char32_t c) {
    return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0xA0;
}

}  // namespace

std::string FoldCase(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : DecodeUtf8(text))
        AppendUtf8(out, Lower(c));
    return out;
}

std::string UpperCase(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : DecodeUtf8(text))
        AppendUtf8(out, Upper(c));
    return out;
}

std::string TitleCase(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool word_start = true;
    for (char32_t c : DecodeUtf8(text)) {
        AppendUtf8(out, word_start ? Upper(c) : Lower(c));
        word_start = IsSpace(c) || c == U'-';
    }
    return out;
}

std::string Trim(std::string_view text) {
    auto cps = DecodeUtf8(text);
    size_t b = 0, e = cps.size();
    while (b < e && IsSpace(cps[b]))
        ++b;
    while (e > b && IsSpace(cps[e - 1]))
        --e;
    std::string out;
    for (size_t i = b; i < e; ++i)
        AppendUtf8(out, cps[i]);
    return out;
}

std::vector<std::string> SearchWords(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    auto flush = [&] {
        if (!word.empty() && std::find(words.begin(), words.end(), word) == words.end())
            words.push_back(word);
        word.clear();
    };
    for (char32_t c : DecodeUtf8(text)) {
        c = Lower(c);
        if (c == 0x0451) c = 0x0435;  // ё -> е
        const bool ascii_letter_or_digit = (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9');
        if (c < 0x80 && !ascii_letter_or_digit) {
            flush();
        } else {
            AppendUtf8(word, c);
        }
    }
    flush();
    return words;
}

size_t EditDistance(std::string_view a, std::string_view b) {
    auto x = DecodeUtf8(a), y = DecodeUtf8(b);
    std::vector<size_t> prev(y.size() + 1), cur(y.size() + 1);
    for (size_t j = 0; j <= y.size(); ++j)
        prev[j] = j;
    for (size_t i = 1; i <= x.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= y.size(); ++j) {
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] != y[j - 1])});
        }
        std::swap(prev, cur);
    }
    return prev[y.size()];
}

std::vector<std::string> CloseMatches(std::string_view wanted,
                                      const std::vector<std::string>& candidates,
                                      size_t max_count) {
    std::string w = FoldCase(wanted);
    size_t limit = DecodeUtf8(w).size() > 8 ? 3 : 2;
    std::vector<std::pair<size_t, std::string>> scored;
    for (const auto& cand : candidates) {
        std::string f = FoldCase(cand);
        size_t d = EditDistance(w, f);
        bool contains =
            !w.empty() && (f.find(w) != std::string::npos || w.find(f) != std::string::npos);
        if (d <= limit || contains)
            scored.emplace_back(contains ? std::min<size_t>(d, 1) : d, cand);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& l, const auto& r) { return l.first < r.first; });
    std::vector<std::string> out;
    for (auto& [d, name] : scored) {
        if (out.size() >= max_count) break;
        out.push_back(name);
    }
    return out;
}

std::vector<std::string> SplitList(std::string_view text, char delimiter) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(delimiter, start);
        if (end == std::string_view::npos) end = text.size();
        std::string part = Trim(text.substr(start, end - start));
        if (!part.empty()) out.push_back(std::move(part));
        start = end + 1;
    }
    return out;
}

}  // namespace callbase::contacts
