// Small text helpers the contacts domain needs for people's input: case folding
// that knows Cyrillic (SQLite's LOWER() and LIKE fold ASCII only), trimming, and
// edit distance for "did you mean" suggestions.
//
// Pure functions over UTF-8; thread-safe. Case folding covers ASCII and the
// Russian alphabet (А–Я, Ё), which is what the base holds; other scripts pass
// through unchanged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace callbase::contacts {

std::string FoldCase(std::string_view text);   // "ИВАН Petrov" -> "иван petrov"
std::string UpperCase(std::string_view text);  // "иван" -> "ИВАН"
std::string TitleCase(std::string_view text);  // first letter of every word upper
std::string Trim(std::string_view text);

// How a name is searched (issue 18: search as people type it): case-folded,
// ё written е («Алёна» and «Алена» are one name to a search), split into words
// at every ASCII character that is not a letter or a digit (spaces, hyphens,
// dots, quotes), each word once, in the order written. "Анна-Мария  Фёдорова"
// -> {"анна", "мария", "федорова"}. The same split as the blind indexes of an
// encrypted base (security::Vault::WordKeys), so the two kinds of base find
// the same contacts by whole words.
std::vector<std::string> SearchWords(std::string_view text);

// Levenshtein distance over code points.
size_t EditDistance(std::string_view a, std::string_view b);

// Up to max_count candidates close to `wanted` (case-insensitive): containing it,
// contained in it, or within edit distance 2 (3 for long words), nearest first.
std::vector<std::string> CloseMatches(std::string_view wanted,
                                      const std::vector<std::string>& candidates,
                                      size_t max_count = 5);

// Splits "a,b, c" on a delimiter, trimming every part and dropping empty ones.
std::vector<std::string> SplitList(std::string_view text, char delimiter = ',');

}  // namespace callbase::contacts
