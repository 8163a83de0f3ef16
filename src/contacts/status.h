// Contact statuses (R-BASE-3): one at a time, from the fixed list of seed 002.
//
// The database stores the canonical id (new, in_progress, callback, decided,
// refused, inactive). People may type the id, the English name or the Russian
// name in any case: "В работе", "in progress", "Перезвонить", "Успех"...
// Pure functions; thread-safe.
#pragma once

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

}  // namespace callbase::contacts
