// Contact statuses (R-BASE-3): one at a time, from the fixed list of seed 002.
//
// The database stores the canonical id (new, in_progress, callback, decided,
// refused, inactive). People may type the id, the English name or the Russian
// name in any case: "В работе", "in progress", "Перезвонить", "Успех"...
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace callbase::contacts {

enum class Status { kNew, kInProgress, kCallback, kDecided, kRefused, kInactive };

std::string_view StatusId(Status status);       // "in_progress"
std::string_view StatusLabelEn(Status status);  // "In progress"
std::string_view StatusLabelRu(Status status);  // "В работе"
const std::vector<Status>& AllStatuses();

// Accepts ids and the English and Russian names and their aliases, case-insensitively.
// The error lists what is accepted.
Result<Status> ParseStatus(std::string_view text);

// How far ahead a callback may be set: a year and a day. A callback years
// ahead is a typo (2062 for 2026) or a way to keep a person in the base past
// any retention period; either way nobody calls back then.
inline constexpr int64_t kCallbackHorizonSeconds = 366 * 86400;
// Refuses a callback time more than kCallbackHorizonSeconds after `now`.
Result<void> CheckCallbackHorizon(int64_t callback_at, int64_t now);

}  // namespace callbase::contacts
