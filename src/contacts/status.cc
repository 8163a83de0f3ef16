#include "contacts/status.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "contacts/text.h"

namespace callbase::contacts {
namespace {

struct StatusNames {
    Status status;
    std::string_view id, en, ru;
};

constexpr std::array<StatusNames, 6> kNames{{
    {Status::kNew, "new", "New", "Новый"},
    {Status::kInProgress, "in_progress", "In progress", "В работе"},
    {Status::kCallback, "callback", "Callback", "Перезвонить"},
    {Status::kDecided, "decided", "Decided", "Решено"},
    {Status::kRefused, "refused", "Refused", "Отказ"},
    {Status::kInactive, "inactive", "Inactive", "Неактивный"},
}};

// Further spellings people use (seed 002 names "Обратный звонок", "Принято решение").
constexpr std::array<std::pair<std::string_view, Status>, 14> kAliases{{
    {"in progress", Status::kInProgress},
    {"inprogress", Status::kInProgress},
    {"call back", Status::kCallback},
    {"обратный звонок", Status::kCallback},
    {"перезвон", Status::kCallback},
    {"success", Status::kDecided},
    {"успех", Status::kDecided},
    {"принято решение", Status::kDecided},
    {"решение", Status::kDecided},
    {"refusal", Status::kRefused},
    {"отказался", Status::kRefused},
    {"неактивен", Status::kInactive},
    {"новая", Status::kNew},
    {"новое", Status::kNew},
}};

const StatusNames& NamesOf(Status status) {
    for (const auto& n : kNames) {
        if (n.status == status) return n;
    }
    return kNames[0];
}

}  // namespace

std::string_view StatusId(Status status) {
    return NamesOf(status).id;
}
std::string_view StatusLabelEn(Status status) {
    return NamesOf(status).en;
}
std::string_view StatusLabelRu(Status status) {
    return NamesOf(status).ru;
}

const std::vector<Status>& AllStatuses() {
    static const std::vector<Status> kAll{Status::kNew,     Status::kInProgress, Status::kCallback,
                                          Status::kDecided, Status::kRefused,    Status::kInactive};
    return kAll;
}

Result<Status> ParseStatus(std::string_view text) {
    std::string folded = FoldCase(Trim(text));
    std::string spaced = folded;
    for (char& c : spaced) {
        if (c == '_' || c == '-') c = ' ';
    }
    for (const auto& n : kNames) {
        if (folded == n.id || spaced == FoldCase(n.en) || folded == FoldCase(n.ru)) return n.status;
    }
    for (const auto& [alias, status] : kAliases) {
        if (spaced == alias || folded == alias) return status;
    }
    std::vector<std::string> accepted;
    for (const auto& n : kNames)
        accepted.push_back(fmt::format("{} ({}, {})", n.id, n.en, n.ru));
    return Fail(ErrorCode::kInvalidInput,
                Msg{"status.unknown", "status '{status}' is not known", "use one of: {accepted}"},
                {{"status", std::string(text)},
                 {"accepted", fmt::format("{}", fmt::join(accepted, "; "))}});
}

Result<void> CheckCallbackHorizon(int64_t callback_at, int64_t now) {
    if (callback_at - now <= kCallbackHorizonSeconds) return {};
    return Fail(ErrorCode::kInvalidInput,
                Msg{"status.callback_too_far",
                    "the callback time is {days} days ahead; a callback may be set at most "
                    "{max} days ahead",
                    "check the year of the date"},
                {{"days", std::to_string((callback_at - now) / 86400)},
                 {"max", std::to_string(kCallbackHorizonSeconds / 86400)}});
}

}  // namespace callbase::contacts
