// CallReport: the supervisors' report over a period (issue 18) — calls by
// the hour of the day and by day, answered and abandoned, talk, wrap-up and
// handle times, dispositions, per operator and per campaign — computed from
// the call records (CampaignBook::CallLog) by one pure function, so that the
// figures are tested without a base or a server.
//
// Plain values; BuildCallReport keeps no state and is safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "campaigns/campaign_book.h"
#include "core/clock.h"

namespace callbase::campaigns {

// The figures of a set of calls (a day, an hour, an operator, a campaign).
struct ReportFigures {
    int64_t calls = 0;       // dials and incoming calls
    int64_t answered = 0;    // outcome answered
    int64_t abandoned = 0;   // outcome abandoned (answered, no operator in time; or gave up)
    int64_t handled = 0;     // calls an operator talked on (bridged and ended)
    int64_t talk_ms = 0;     // over the handled calls: bridged to ended
    int64_t wrapped = 0;     // handled calls with a disposition given after their end
    int64_t wrap_up_ms = 0;  // over the wrapped calls: ended to the disposition
    std::map<std::string, int64_t> dispositions;  // status id -> calls

    double AverageTalkSeconds() const;    // 0 with no handled call
    double AverageWrapUpSeconds() const;  // 0 with no wrapped call
    // Talk and wrap-up of an average handled call (its wrap-up: the average
    // of those given; a call without one adds none).
    double AverageHandleSeconds() const;
};

struct CallReport {
    UnixSeconds from = 0, to = 0;  // the period, [from, to)
    int utc_offset_minutes = 0;    // the call center's: the hours and days are its
    ReportFigures total;
    std::vector<ReportFigures> hours;  // 24: by the hour of the day the calls started
    // One per calendar day of the period (empty days included), in order;
    // `day_starts` holds each day's first second.
    std::vector<UnixSeconds> day_starts;
    std::vector<ReportFigures> days;
    std::map<std::string, ReportFigures> operators;  // by user name; calls nobody took: none
    struct Campaign {
        std::string name;
        ReportFigures figures;
    };
    std::map<int64_t, Campaign> campaigns;  // by id
};

// The report of `calls` over [from, to) at the call center's UTC offset.
// Calls that started outside the period are left out; a call still in
// progress counts among the calls only.
CallReport BuildCallReport(const std::vector<StoredCall>& calls, UnixSeconds from, UnixSeconds to,
                           int utc_offset_minutes);

}  // namespace callbase::campaigns
