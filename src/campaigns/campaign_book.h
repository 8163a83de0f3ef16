// CampaignBook: campaigns kept in the base — their settings, the record of
// every dial with the gate's evidence, dispositions and callbacks — and the
// leads a campaign's segment selects, in its order. StoreGate asks the dial
// gate about numbers of the base and records every attempt where the
// inactivity rule and the attempt cap look (compliance::Attempts).
//
// Borrows the Store and Clock (same thread rules as the Store: one book per
// thread). Each writing method is its own transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "campaigns/call_record.h"
#include "campaigns/caller_id_pool.h"
#include "campaigns/campaign_gate.h"
#include "campaigns/dialer.h"
#include "campaigns/lead.h"
#include "campaigns/pacing.h"
#include "compliance/rules.h"
#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::phone {
class Cleaner;
}

namespace callbase::campaigns {

// Everything a supervisor sets up; kept as JSON in campaigns.settings.
struct CampaignSpec {
    int64_t id = 0;
    std::string name;
    std::string state = "draft";  // draft, running, paused, stopped
    std::string purpose = "service";
    Pacing pacing = Pacing::kProgressive;
    std::vector<std::string> segment;  // filter expressions (contacts/filter.h)
    std::string order_by = "id";       // order.h
    std::vector<std::string> rules;    // "EXPR:WEIGHT"
    std::vector<CallerId> caller_ids;
    int daily_cap = 75;
    bool local_presence = true;
    std::vector<RetryRule> retries = DialerOptions{}.retries;
    int max_attempts = 3;
    int schedule_start_minute = 9 * 60;  // the call center's clock
    int schedule_end_minute = 20 * 60;
    double abandon_limit = 0.03;
    int abandon_window_minutes = 60;
    int robot_max_calls = 30;
    double robot_calls_per_second = 5;
    int wrap_up_seconds = 10;
    int ring_timeout_seconds = 25;
    // The SIP trunk the campaign dials through (a name of the server's SIP
    // settings); "" for the default trunk.
    std::string trunk;
    std::string script;        // hints shown to operators beside the card
    std::string robot_script;  // robots: a script file (docs/ivr.md) the server reads at start
    int target_contacts = 0;   // contacts to reach a day (the forecast sizes agents for it)
    // Sensitive: within a day a number talks with one operator only
    // (CampaignGate::CheckOperator).
    bool sensitive = false;
    int64_t created_at = 0;
    std::string created_by;
};

std::string SpecJson(const CampaignSpec& spec);  // the settings column and --json
Result<CampaignSpec> SpecFromJson(std::string_view json);
// The dialer's options for a campaign at the call center's UTC offset.
DialerOptions OptionsOf(const CampaignSpec& spec, int center_utc_offset_minutes);

// A call record as the base keeps it, for `why` and the statistics.
struct StoredCall {
    int64_t id = 0;
    int64_t campaign_id = 0;
    std::string campaign;
    std::string purpose;
    int64_t contact_id = 0;
    std::string number;
    std::string caller_id;
    int attempt = 0;
    Millis started = 0, answered = 0, bridged = 0, ended = 0;  // ended 0: in progress
    std::string outcome;  // "in_progress" while the call goes on
    int cause = 0;
    std::string agent;
    bool short_call = false;
    std::string network;  // sim or sip
    std::string robot_keys, robot_actions;
    std::string recording;  // the WAV file of both sides, "" for none
    bool inbound = false;   // the caller called us (caller_id: the number they dialed)
    // An incoming call's route and its reason (CallRecord::route); empty: none.
    std::string route, route_reason;
    std::map<std::string, std::string> route_params;
    std::string menu;  // the menu it went through first, and the answers there
    std::map<std::string, std::string> menu_answers;
    std::vector<MissedRing> missed;  // phones that rang for it and did not take it
    routing::DeskSteps desk;         // its holds and transfers
    std::string evidence_json;
    std::optional<std::string> disposition;
    std::optional<UnixSeconds> callback_at;
    UnixSeconds disposed_at = 0;  // when the operator gave the disposition, 0 for none
};

// An incoming call's route for JSON: {"route", "reason", "params", "menu",
// "missed": [{"agent", "at", "rang_ms", "cause"}], "holds", "transfers"
// (routing/desk_steps.h)}, or null when the call has
// none (an outbound call no phone missed, or one taken before routing was
// configured).
nlohmann::json CallRouteJson(const StoredCall& call);

// Which calls a call log shows (CampaignBook::CallLog). Empty members do not filter.
struct CallFilter {
    Millis from = 0, to = 0;  // started in [from, to); 0: open
    std::optional<int64_t> campaign_id;
    // The operators whose calls are shown (a team's view, an operator's own
    // calls); an empty list shows none.
    std::optional<std::vector<std::string>> agents;
    std::string agent;        // one operator
    std::string outcome;      // answered, ..., or in_progress (still open)
    std::string disposition;  // a status id, or "none" (no disposition given)
    std::string direction;    // in or out
};

struct CampaignStats {
    int64_t attempts = 0, answered = 0, abandoned = 0, short_calls = 0, dispositions = 0;
    int64_t callbacks_pending = 0;
    int64_t inbound = 0, inbound_answered = 0;  // calls the operators took (not dials)
    std::map<std::string, int64_t> outcomes;
    std::map<std::string, int64_t> dispositions_by_status;
    std::vector<std::pair<std::string, int64_t>> calls_per_caller_id;  // today, most first
    double AbandonRate() const {
        return answered ? static_cast<double>(abandoned) / static_cast<double>(answered) : 0;
    }
};

struct CallbackTask {
    int64_t id = 0;
    int64_t campaign_id = 0;
    int64_t contact_id = 0;
    std::string agent;
    UnixSeconds due_at = 0;
};

class CampaignBook {
public:
    CampaignBook(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // Validates the name, purpose, segment, order, rules, caller IDs (cleaned
    // to E.164, their region from the numbering plan) and limits.
    Result<CampaignSpec> Create(CampaignSpec spec, const phone::Cleaner& cleaner,
                                const std::string& actor);
    // A draft's settings replaced by `spec` (checked as Create checks them;
    // its id, state and creator stay); Conflict for a campaign that is not a
    // draft any more, whose calls were made under the settings it has.
    Result<CampaignSpec> Edit(int64_t id, CampaignSpec spec, const phone::Cleaner& cleaner,
                              const std::string& actor);
    // A new draft with the settings of campaign `id` (in any state), named
    // "NAME (копия)", or "NAME (копия 2)", ... when that is taken.
    Result<CampaignSpec> Clone(int64_t id, const phone::Cleaner& cleaner, const std::string& actor);
    Result<std::vector<CampaignSpec>> List();
    Result<CampaignSpec> Get(int64_t id);
    // start (draft or paused -> running), pause (running -> paused), stop
    // (anything but stopped -> stopped, for good).
    Result<CampaignSpec> Transition(int64_t id, std::string_view action, const std::string& actor);

    // The segment's contacts with a callable first number, in the campaign's order.
    Result<std::vector<Lead>> Leads(const CampaignSpec& spec, const phone::Cleaner& cleaner);
    // How many leads the segment has now (one query; Leads() reads them all).
    Result<int64_t> SegmentSize(const CampaignSpec& spec, const phone::Cleaner& cleaner);

    // A whole call's record at once (the outcome known).
    Result<int64_t> WriteCall(const CallRecord& record, std::string_view network);
    // A call's record from its dial to its end (issue 17, item 13): opened
    // when it is dialed (no outcome, no end), updated after the answer and
    // the operator, closed with its outcome. Each is one statement.
    Result<int64_t> OpenCall(const CallRecord& record, std::string_view network);
    Result<void> UpdateCall(int64_t call_id, const CallRecord& record);
    Result<void> CloseCall(int64_t call_id, const CallRecord& record);
    // At a server's start: every record still open (and every gate attempt
    // still "dialing") was left by a server that stopped during the call;
    // they become "interrupted", ended `now`. One transaction; how many records.
    Result<int64_t> CloseInterrupted(Millis now);
    // Each contact's outbound calls in the campaign, folded for Dialer::Resume.
    Result<std::map<int64_t, PastCalls>> PastCallsOf(int64_t campaign_id);
    // The campaign's incoming calls since `since` whose callers chose a
    // callback (outcome "callback") and were not called back since (no
    // outbound call to the number with the reason "callback" after it),
    // oldest first: the places a restart must keep (Dialer::RestoreCallback).
    Result<std::vector<StoredCall>> PendingCallbacks(int64_t campaign_id, Millis since);
    // A disposition the base will take: a known status (callback when a
    // callback time is given, which must not be past), tags from the
    // dictionary and not retired, a note of at most 4,000 bytes.
    Result<void> CheckDisposition(const Disposition& disposition);
    // Keeps the disposition on the call, applies status and tags to the
    // contact (with history, as the agent), and makes the callback a task.
    Result<void> WriteDisposition(int64_t call_id, const Disposition& disposition);

    // The campaign's figures from its call records; with `agents`, only the
    // calls those operators took and the callbacks they owe (a team's view,
    // api/scope.h): a call no operator took (no answer, busy, abandoned, a
    // robot's) belongs to no one's team and is counted in the whole view only.
    Result<CampaignStats> Stats(int64_t campaign_id,
                                const std::optional<std::vector<std::string>>& agents = {});
    // What a robot script's actions ask of the base, done as "robot:campaign
    // N": opt_out puts the number on the do-not-disturb stop-list, tag and
    // set_status change the card (with history), confirm_visit, cancel_visit
    // and schedule_callback leave history rows. An action the base refuses (a
    // tag not in the dictionary) is skipped and said in the returned lines.
    Result<std::vector<std::string>> ApplyRobotActions(const CallRecord& record);
    // Every campaign call to a number, oldest first.
    Result<std::vector<StoredCall>> CallsTo(const std::string& e164);
    // The calls `filter` selects, newest first: how many there are, and
    // `limit` of them from `offset` (limit < 0: all of them).
    Result<std::pair<int64_t, std::vector<StoredCall>>> CallLog(const CallFilter& filter,
                                                                int64_t offset, int64_t limit);
    // One call by its id (NotFound when there is none).
    Result<StoredCall> CallById(int64_t call_id);
    Result<std::vector<CallbackTask>> Callbacks(const std::string& agent, UnixSeconds until);
    // Calls per caller ID on the call center's day, to seed a pool on restart.
    Result<std::vector<std::pair<std::string, int>>> CallerIdCalls(int64_t campaign_id, int32_t day,
                                                                   int offset_minutes);

private:
    Result<void> CheckRobotScript(CampaignSpec& spec);
    // Create's and Edit's checks of the settings (cleans the caller IDs).
    Result<void> Check(CampaignSpec& spec, const phone::Cleaner& cleaner);
    // Conflict when another campaign than `except` has the name.
    Result<void> CheckNameFree(const std::string& name, int64_t except);
    store::Store& store_;
    const Clock& clock_;
};

// The dial gate over the base: each check loads the number's state
// (compliance::LoadNumberState); each attempt is recorded in call_attempts
// (so the attempt cap and the inactivity rule see it) unless record is off
// (a forecast, which dials nothing).
class StoreGate final : public CampaignGate {
public:
    StoreGate(store::Store& store, const Clock& clock, compliance::CallingRules rules,
              compliance::RegistryCheck registries, std::string registries_checked,
              std::string actor, bool record)
        : store_(store),
          clock_(clock),
          rules_(std::move(rules)),
          registries_(std::move(registries)),
          registries_checked_(std::move(registries_checked)),
          actor_(std::move(actor)),
          record_(record) {}

    GateCheck Check(const Lead& lead, std::string_view purpose, UnixSeconds at) override;
    void Dialed(const Lead& lead, UnixSeconds at) override;
    void Attempted(const Lead& lead, UnixSeconds at, std::string_view outcome) override;
    // From the base's call records (every campaign, both directions).
    std::optional<OperatorContact> LastOperator(const Lead& lead, UnixSeconds since) override;
    // The first error the store gave (a check that failed denies the dial).
    const std::optional<Error>& error() const { return error_; }

private:
    store::Store& store_;
    const Clock& clock_;
    compliance::CallingRules rules_;
    compliance::RegistryCheck registries_;
    std::string registries_checked_;
    std::string actor_;
    bool record_;
    // The number being dialed -> its attempt begun (Dialed). By number: a
    // callback's caller may have no card (contact 0), as may several at once.
    std::unordered_map<std::string, int64_t> dialing_;
    std::optional<Error> error_;
};

// "rkn-refusals v12, operator-refusals v3", or "none loaded".
std::string RegistriesChecked(store::Store& store, const std::string& registry_dir);

}  // namespace callbase::campaigns
