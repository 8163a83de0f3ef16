#include "campaigns/campaign_gate.h"

#include <fmt/format.h>

#include <algorithm>

#include "compliance/attempts.h"
#include "compliance/rules.h"

namespace callbase::campaigns {
namespace {

constexpr int64_t kDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::string UtcTime(UnixSeconds t) {
    const int64_t day = FloorDiv(t, kDay), second = t - day * kDay;
    return fmt::format("{} {:02d}:{:02d} UTC", compliance::FormatDay(static_cast<int32_t>(day)),
                       second / 3600, second / 60 % 60);
}

}  // namespace

bool IsFailedOutcome(std::string_view outcome) {
    return outcome == "busy" || outcome == "no_answer" || outcome == "failed" ||
           outcome == "invalid" || outcome == "rejected";
}

GateEvidence MakeEvidence(const compliance::NumberState& state, std::string_view purpose,
                          UnixSeconds at, const compliance::CallingRules& rules,
                          std::string_view registries_checked) {
    GateEvidence e;
    e.offset_assumed = !state.utc_offset_minutes;
    e.utc_offset_minutes = state.utc_offset_minutes.value_or(rules.default_utc_offset_minutes);
    int64_t local = at + int64_t{e.utc_offset_minutes} * 60;
    int64_t day = FloorDiv(local, kDay);
    e.local_minute = static_cast<int>((local - day * kDay) / 60);
    e.local_weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
    const auto& free = rules.purposes_without_consent;
    if (std::find(free.begin(), free.end(), purpose) != free.end()) {
        e.consent = fmt::format("not needed: {}", purpose);
    } else {
        const compliance::ConsentRecord* relied = nullptr;
        for (const auto& c : state.consents) {
            if (c.purpose != purpose || c.obtained_at > at) continue;
            if (c.revoked_at && *c.revoked_at <= at) continue;
            if (relied == nullptr || c.obtained_at > relied->obtained_at) relied = &c;
        }
        e.consent = relied ? fmt::format("{}, given {}", purpose,
                                         compliance::FormatDay(static_cast<int32_t>(
                                             FloorDiv(relied->obtained_at, kDay))))
                           : std::string("none");
    }
    e.registries = std::string(registries_checked);
    static constexpr std::string_view kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    std::string days;
    for (int d = 0; d < 7; ++d) {
        if (rules.weekdays >> d & 1) days += fmt::format("{}{}", days.empty() ? "" : ",", kDays[d]);
    }
    e.rules = fmt::format(
        "window {:02d}:{:02d}-{:02d}:{:02d} {} except holidays; at most {} attempts in {} days, "
        "{} min apart",
        rules.window_start_minute / 60, rules.window_start_minute % 60,
        rules.window_end_minute / 60, rules.window_end_minute % 60, days, rules.max_attempts,
        rules.attempt_period / 86400, rules.min_gap / 60);
    e.attempts_before = static_cast<int>(
        std::count_if(state.attempts.begin(), state.attempts.end(),
                      [&](UnixSeconds t) { return t <= at && t > at - rules.attempt_period; }));
    return e;
}

compliance::Decision CampaignGate::CheckOperator(const Lead& lead, const std::string& agent,
                                                 UnixSeconds at) {
    compliance::Decision d;
    d.allowed = true;
    d.earliest = at;
    auto last = LastOperator(lead, at - kSensitiveSeconds + 1);
    if (!last || last->agent == agent) return d;
    d.allowed = false;
    d.earliest = last->at + kSensitiveSeconds;
    d.reasons.push_back(
        {compliance::DenyReason::kOtherOperator,
         fmt::format("a sensitive campaign's number talked with operator {} in the last 24 h; "
                     "only they may call it until {}",
                     last->agent, UtcTime(*d.earliest))});
    return d;
}

void MemoryGate::Set(int64_t contact_id, compliance::NumberState state) {
    entries_[contact_id] = Entry{std::move(state), {}};
}

const compliance::NumberState* MemoryGate::State(int64_t contact_id) const {
    auto it = entries_.find(contact_id);
    return it == entries_.end() ? nullptr : &it->second.state;
}

GateCheck MemoryGate::Check(const Lead& lead, std::string_view purpose, UnixSeconds at) {
    Entry& entry = entries_[lead.contact_id];
    if (!entry.state.utc_offset_minutes) entry.state.utc_offset_minutes = lead.utc_offset_minutes;
    GateCheck check;
    check.decision = compliance::DialGate::Check(entry.state, purpose, at, rules_);
    if (check.decision.allowed) {
        check.evidence = MakeEvidence(entry.state, purpose, at, rules_, registries_checked_);
    }
    return check;
}

std::optional<OperatorContact> MemoryGate::LastOperator(const Lead& lead, UnixSeconds since) {
    auto it = operators_.find(lead.contact_id);
    if (it == operators_.end() || it->second.at < since) return std::nullopt;
    return it->second;
}

void MemoryGate::Talked(const Lead& lead, const std::string& agent, UnixSeconds at) {
    operators_[lead.contact_id] = OperatorContact{agent, at};
}

void MemoryGate::Attempted(const Lead& lead, UnixSeconds at, std::string_view outcome) {
    Entry& entry = entries_[lead.contact_id];
    auto& attempts = entry.state.attempts;
    attempts.insert(std::upper_bound(attempts.begin(), attempts.end(), at), at);
    if (outcome == "interrupted") return;  // neither a failure nor an answer
    if (!IsFailedOutcome(outcome)) {
        entry.failed_days.clear();
        return;
    }
    int offset = entry.state.utc_offset_minutes.value_or(rules_.default_utc_offset_minutes);
    auto day = static_cast<int32_t>(FloorDiv(at + int64_t{offset} * 60, kDay));
    auto& days = entry.failed_days;
    if (std::find(days.begin(), days.end(), day) == days.end()) days.push_back(day);
    if (!entry.state.inactive &&
        static_cast<int>(days.size()) >= compliance::kFailedDaysToInactive) {
        entry.state.inactive = true;
        ++became_inactive_;
    }
}

}  // namespace callbase::campaigns
