// Numbers as people type them and as Russian spreadsheets write them: "180",
// "180.5", "180,5" (a decimal comma), "1 200" (spaces or no-break spaces
// between groups of digits), "+5", "-2", "1.5E+3". The one reader of decimal
// numbers in options, query parameters and cells (the staffing forecast's
// calls and handle times). Plain functions; safe from any thread.
#pragma once

#include <optional>
#include <string_view>

namespace callbase {

// The number `text` spells, after trimming spaces around it; none for an
// empty text, text that is not a number, infinities and NaN, and a text with
// both a comma and a point or with two commas ("1,200.5", "1,2,3"), whose
// meaning depends on who wrote it.
std::optional<double> ParseDecimal(std::string_view text);

}  // namespace callbase
