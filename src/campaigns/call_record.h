// What a campaign leaves behind for each dial: the call record with the dial
// gate's decision and its evidence (the legal trail, R-LAW-4), the operator's
// disposition, and the callback it may schedule.
//
// Plain values, safe to copy across threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "routing/desk_steps.h"
#include "routing/missed_ring.h"
#include "telephony/telephony.h"

namespace callbase::campaigns {

using telephony::CallId;
using telephony::Millis;

// Why a dial was allowed: what the gate relied on, as it stood at the dial.
struct GateEvidence {
    std::string consent;     // "marketing, given 2026-03-01" or "not needed: service"
    std::string registries;  // the registries and versions checked: "rkn-refusals v12, ..."
    int local_minute = 0;    // the callee's local time, minutes after midnight
    int local_weekday = 0;   // 0 = Monday
    int utc_offset_minutes = 0;
    bool offset_assumed = false;  // the callee's zone was unknown
    int attempts_before = 0;      // attempts in the cap's period before this one
    // The rules in force: "window 09:00-20:00 Mon-Fri except holidays; at most
    // 3 attempts in 7 days, 30 min apart".
    std::string rules;
};

// An operator's phone that rang for a call and did not take it.
using routing::MissedRing;

struct CallRecord {
    uint64_t id = 0;  // per campaign run, from 1
    int64_t campaign_id = 0;
    int64_t contact_id = 0;
    std::string number;
    std::string caller_id;
    bool caller_id_local = false;
    Millis started = 0;
    Millis answered = 0;  // 0: not answered
    Millis bridged = 0;   // 0: never reached an agent
    Millis ended = 0;
    // answered, busy, no_answer, invalid, rejected, failed, abandoned (answered,
    // no agent within the wait; the callee heard the recorded message or hung
    // up waiting).
    std::string outcome;
    int cause = 0;
    std::string agent;
    bool short_call = false;  // answered, and over within the short-call limit
    int attempt = 0;          // this lead's attempt in the campaign, from 1
    // Robots: the step reached and the keys pressed.
    std::string robot_step;     // the fixed robot's step, or the script's node
    std::string robot_keys;     // keys pressed, one answer after another, comma-separated
    std::string robot_actions;  // what a script did: "confirm_visit,tag:Придёт,hangup"
    std::string recording;      // the WAV file of an answered call on a real network, or ""
    // An incoming call (R-IN-2): `number` called `caller_id` (one of the
    // center's numbers); attempt 0; contact_id 0 when the caller is unknown.
    // Outcomes: answered (put through to an agent) or abandoned (the caller
    // gave up, or nobody was free in time: cause 480).
    bool inbound = false;
    // An incoming call's route (docs/routing.md): where the router sent it
    // ("queue:vip") and why — vip, complaints, number, unknown — with the
    // reason's parameters (the complaints counted, the number's label).
    std::string route;
    std::string route_reason;
    std::map<std::string, std::string> route_params;
    // The menu it went through before the queue, and the answers kept there.
    std::string menu;
    std::map<std::string, std::string> menu_answers;
    // Operators whose phone rang for this call and did not take it, in order
    // (the queue_log's RINGNOANSWER lines, the reports' missed calls).
    std::vector<MissedRing> missed;
    // What the operators did from the desk: holds and transfers.
    routing::DeskSteps desk;
    GateEvidence evidence;
};

struct Disposition {
    uint64_t call = 0;  // CallRecord::id
    std::string agent;
    std::string status;  // a contact status id (contacts/status.h)
    std::vector<std::string> tags;
    std::string note;
    std::optional<UnixSeconds> callback_at;  // becomes a task for this agent
};

}  // namespace callbase::campaigns
