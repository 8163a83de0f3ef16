#include "campaigns/call_report.h"

namespace callbase::campaigns {
namespace {

// The first second of the center's calendar day that holds `at`.
UnixSeconds DayStart(UnixSeconds at, int offset_minutes) {
    const int64_t local = at + int64_t{offset_minutes} * 60;
    const int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    return day * 86400 - int64_t{offset_minutes} * 60;
}

void Count(ReportFigures& f, const StoredCall& c) {
    ++f.calls;
    if (c.outcome == "answered") ++f.answered;
    if (c.outcome == "abandoned") ++f.abandoned;
    if (c.bridged > 0 && c.ended >= c.bridged) {
        ++f.handled;
        f.talk_ms += c.ended - c.bridged;
        if (c.disposed_at > 0 && c.disposed_at * 1000 >= c.ended) {
            ++f.wrapped;
            f.wrap_up_ms += c.disposed_at * 1000 - c.ended;
        }
    }
    if (c.disposition) ++f.dispositions[*c.disposition];
}

}  // namespace

double ReportFigures::AverageTalkSeconds() const {
    return handled ? static_cast<double>(talk_ms) / 1000.0 / static_cast<double>(handled) : 0;
}

double ReportFigures::AverageWrapUpSeconds() const {
    return wrapped ? static_cast<double>(wrap_up_ms) / 1000.0 / static_cast<double>(wrapped) : 0;
}

double ReportFigures::AverageHandleSeconds() const {
    if (!handled) return 0;
    return static_cast<double>(talk_ms + wrap_up_ms) / 1000.0 / static_cast<double>(handled);
}

CallReport BuildCallReport(const std::vector<StoredCall>& calls, UnixSeconds from, UnixSeconds to,
                           int utc_offset_minutes) {
    CallReport r;
    r.from = from;
    r.to = to;
    r.utc_offset_minutes = utc_offset_minutes;
    r.hours.resize(24);
    for (UnixSeconds day = DayStart(from, utc_offset_minutes); day < to; day += 86400) {
        r.day_starts.push_back(day);
        r.days.emplace_back();
    }
    for (const StoredCall& c : calls) {
        const UnixSeconds at = c.started / 1000;
        if (at < from || at >= to) continue;
        Count(r.total, c);
        const int64_t local = at + int64_t{utc_offset_minutes} * 60;
        const int64_t hour = ((local % 86400 + 86400) % 86400) / 3600;
        Count(r.hours[static_cast<size_t>(hour)], c);
        const UnixSeconds day = DayStart(at, utc_offset_minutes);
        const auto index = static_cast<size_t>((day - r.day_starts.front()) / 86400);
        if (index < r.days.size()) Count(r.days[index], c);
        if (!c.agent.empty()) Count(r.operators[c.agent], c);
        auto& campaign = r.campaigns[c.campaign_id];
        campaign.name = c.campaign;
        Count(campaign.figures, c);
    }
    return r;
}

}  // namespace callbase::campaigns
