// The ways people write a Russian phone number, for generated test and demo
// data: "8 (916) 123-45-67", "+7 916 1234567", "9161234567", "7-916-123-45-67",
// "89161234567", ... Deterministic for a given random engine state; no state of
// its own, so it is safe to call from many threads with separate engines.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace callbase::phone {

// Number of distinct spellings SpellRussian knows.
inline constexpr int kRussianSpellings = 14;

// The 10-digit national number (9161234567) in spelling number `style`
// (0 <= style < kRussianSpellings). Every spelling cleans back to +7<national>.
std::string SpellRussian(uint64_t national, int style);

// The same in a spelling drawn from rng, weighted towards the common ones.
std::string SpellRussian(uint64_t national, std::mt19937_64& rng);

}  // namespace callbase::phone
