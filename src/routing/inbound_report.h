// What the center's incoming calls did, from their records (campaign_calls,
// direction 'in', with the route serve decided; docs/routing.md, "Reports"):
//
// - per queue (or other route): offered, answered, abandoned with short
//   abandons apart, callers refused for want of a free operator in time, the
//   service level as Asterisk counts it (both variants), ASA, the longest
//   wait, AHT;
// - per operator: calls, talk time, AHT, first-contact resolution;
// - per topic (a disposition's tag): first-contact resolution;
// - repeat contacts: numbers that called more than 3 times in 7 days;
// - quick returns: a call within 10 minutes of the end of the same number's
//   previous call (a dropped call, or a question left open);
// - the calls that never reached a queue: refused by the black list, or given
//   a message instead (a number without a route, a queue with nobody at work);
// - an Asterisk-compatible queue_log of the queued calls, so that reporting
//   tools made for app_queue read callbase's.
//
// A call is resolved at first contact when it was answered and the number did
// not call again within 7 days; calls whose 7 days have not passed yet are
// pending and counted apart. Pure computation over loaded rows
// (LoadInboundCalls reads them), so tests give it any history.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "routing/acd.h"
#include "routing/desk_steps.h"
#include "routing/missed_ring.h"
#include "store/store.h"

namespace callbase::routing {

struct InboundCall {
    int64_t id = 0;
    std::string caller;  // the caller's number as stored: sealed on an encrypted base
    std::string did;     // the number dialed
    Millis started = 0, answered = 0, ended = 0;
    Millis bridged = 0;   // the last operator's voice met the caller's (after transfers)
    std::string outcome;  // answered, abandoned, callback, interrupted, in_progress
    int cause = 0;        // 480: nobody was free in time
    std::string agent;
    std::string route;               // "queue:general", "agent:anna"; "" before routing
    std::string reason;              // vip, complaints, number, unknown
    std::vector<std::string> tags;   // the disposition's
    std::vector<MissedRing> missed;  // operators' phones that rang for it and did not take it
    DeskSteps desk;                  // its holds and transfers
};

// An incoming call that never reached a queue: refused (the black list) or
// answered with a message instead (inbound_unqueued).
struct UnqueuedCall {
    Millis at = 0;
    std::string caller;  // E.164 to record; as stored (sealed) when loaded
    std::string did;
    std::string route;   // "reject:603", "message:no_route"
    std::string reason;  // black_list, no_route, number, …
    std::string network;
};
Result<void> RecordUnqueued(store::Store& store, const UnqueuedCall& call);
Result<std::vector<UnqueuedCall>> LoadUnqueued(store::Store& store, Millis from, Millis to);

// The incoming calls that started in [from, to) (Unix ms), and those of the
// 7 days before and after that the repeat and first-contact figures need.
Result<std::vector<InboundCall>> LoadInboundCalls(store::Store& store, Millis from, Millis to);

// The name a call's figures go under: a queue's name ("queue:sales" ->
// "sales"), another route as it is ("agent:anna"), "" for a call not routed.
std::string RouteName(const std::string& route);

struct RouteFigures {
    std::string name;  // the queue's name; another route's text; "" for calls not routed
    QueueStats stats;
    int64_t timed_out = 0;    // refused after ringing: nobody was free in time
    Millis talk_ms = 0;       // of answered calls
    int64_t transferred = 0;  // answered calls an operator passed on (at least once)
    Millis hold_ms = 0;       // callers on the desk's hold
    double AverageHandleSeconds() const;
};

struct Resolution {
    int64_t answered = 0;  // answered calls in the period
    int64_t resolved = 0;  // ... after which the number did not call within 7 days
    int64_t pending = 0;   // ... whose 7 days have not passed yet
    double Rate() const;   // resolved / (answered - pending)
};

struct AgentFigures {
    std::string agent;
    int64_t calls = 0;
    Millis talk_ms = 0;
    int64_t missed = 0;     // calls their phone rang for and did not take
    Millis rang_ms = 0;     // ... and how long those rang
    int64_t transfers = 0;  // calls they passed on (counted in calls, their talk until then)
    Millis hold_ms = 0;     // callers they held
    Resolution first_contact;
    double AverageHandleSeconds() const;
};

struct InboundReport {
    Millis from = 0, to = 0;
    int64_t calls = 0;
    std::vector<RouteFigures> routes;  // by name
    std::vector<AgentFigures> agents;  // by login
    std::map<std::string, Resolution> topics;
    Resolution first_contact;
    int64_t repeat_numbers =
        0;                     // numbers with more than 3 calls in some 7 days ending in the period
    int64_t repeat_calls = 0;  // the 4th and later of those calls
    int64_t quick_returns = 0;  // a call within 10 min of the end of the number's previous call
    int64_t quick_returns_after_answered = 0;  // ... whose previous call was answered (dropped?)
    // Calls that never reached a queue: refused, given a message instead, or
    // ended in a menu (the caller hung up there, or the menu said goodbye);
    // and all by "route reason" ("reject:603 black_list": 2).
    int64_t refused = 0, messages = 0, left_in_menu = 0;
    std::map<std::string, int64_t> unqueued;
};

struct ReportOptions {
    std::map<std::string, QueueSpec> queues;  // thresholds by queue; defaults otherwise
    Millis now = 0;                           // first-contact windows still open are pending
};

// Each queue's own thresholds, and now.
ReportOptions ReportOptionsFor(const std::vector<QueueSpec>& queues, Millis now);

// The report as JSON (the CLI's --json and GET /api/v1/reports/inbound):
// routes, agents, topics, first_contact, repeats and quick returns.
nlohmann::json InboundReportJson(const InboundReport& report);

InboundReport MakeInboundReport(const std::vector<InboundCall>& calls, Millis from, Millis to,
                                const ReportOptions& options,
                                const std::vector<UnqueuedCall>& unqueued = {});

// The queued calls of [from, to) as Asterisk's queue_log lines (time|callid|
// queue|agent|event|data…): ENTERQUEUE, RINGNOANSWER (ms rung), CONNECT,
// COMPLETECALLER, ABANDON, EXITWITHTIMEOUT, EXITWITHKEY (pressed 1 for a
// callback). `caller` gives the caller's number as the reader may see it.
std::vector<std::string> QueueLog(const std::vector<InboundCall>& calls, Millis from, Millis to,
                                  const std::function<std::string(const InboundCall&)>& caller);

// Two sets of queue_log lines, each in time order, as one in time order (the
// first's line before the second's at the same second): the calls' and the
// operators' pauses (PauseQueueLog).
std::vector<std::string> MergeQueueLog(std::vector<std::string> a, std::vector<std::string> b);

}  // namespace callbase::routing
