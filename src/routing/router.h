// Where an incoming call goes, before any queue (docs/routing.md, "Numbers"
// and "Rules by caller"): the number dialed (a DID, or an extension the PBX
// presents in the request URI or the caller dials in a menu) names a route —
// a queue, an IVR menu, an extension, an agent, a message — and rules by the
// caller's number come first:
//
//   black list   reject (603 or 403) or a recorded message as early media:
//                never queued, never on a desk
//   VIP list     the caller's personal manager if ready, else the VIP queue
//                with a priority (goal: answered within 3 s)
//   complaints   more than N complaints in 30 days (disposition tags of a
//                category the supervisor names) -> a queue of senior
//                specialists, which overflows to the general queue after T s
//   unknown      the number's own route; the card is made after the call
//
// Each decision carries its reason as a code with parameters («VIP», «3
// жалобы за месяц») for the call record and the card. Pure: the facts about
// a caller come through CallerFacts, so the same Router runs in the server,
// the simulator and the benchmark.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"

namespace callbase::routing {

enum class Target { kQueue, kIvr, kExtension, kAgent, kMessage, kReject };
std::string_view TargetId(Target target);

// "queue:sales", "ivr:menus/main.yaml", "extension:101", "agent:anna",
// "message:closed", "reject:603".
struct Route {
    Target target = Target::kMessage;
    std::string name;
};
Result<Route> ParseRoute(std::string_view text);
std::string RouteText(const Route& route);

// An extension is digits only, up to 6 (101, 2001); anything else names a DID.
bool IsExtension(std::string_view number);

// A DID (E.164) or an extension (digits), and where it goes.
struct Number {
    std::string number;
    bool extension = false;
    Route route;
    std::string label;  // "Яндекс Директ", "Отдел продаж"
};

struct RuleSettings {
    bool black_enabled = true;
    Route black_action{Target::kReject, "603"};  // or a message as early media
    bool vip_enabled = true;
    std::string vip_queue;  // where a VIP waits when their manager is not ready
    int vip_priority = 5;
    bool complaints_enabled = false;
    int complaints_threshold = 3;  // more than this many ...
    int complaints_days = 30;      // ... in this many days
    std::string complaint_category = "complaint";
    std::string complaints_queue;  // the senior specialists (it overflows by its own max wait)
};

// What the Router asks about a caller (a number in E.164).
class CallerFacts {
public:
    virtual ~CallerFacts() = default;
    virtual bool Black(const std::string& e164) const = 0;
    // A VIP's personal manager ("" when the caller is a VIP with none), or
    // nullopt when not a VIP.
    virtual std::optional<std::string> Vip(const std::string& e164) const = 0;
    // Complaints (dispositions tagged with a tag of `category`) since `since`.
    virtual int Complaints(const std::string& e164, std::string_view category,
                           int64_t since_unix) const = 0;
    virtual bool Known(const std::string& e164) const = 0;  // a card exists
};

// CallerFacts in memory: lists loaded once (the benchmark; tests).
class MemoryCallerFacts final : public CallerFacts {
public:
    bool Black(const std::string& e164) const override { return black.contains(e164); }
    std::optional<std::string> Vip(const std::string& e164) const override;
    int Complaints(const std::string& e164, std::string_view category,
                   int64_t since_unix) const override;
    bool Known(const std::string& e164) const override { return known.contains(e164); }

    std::unordered_set<std::string> black;
    std::unordered_map<std::string, std::string> vip;  // number -> manager ("" none)
    std::unordered_map<std::string, std::vector<int64_t>> complaints;  // number -> when
    std::unordered_set<std::string> known;
};

struct Decision {
    Route route;
    int priority = 0;
    std::string agent;   // kAgent: the personal manager to try first
    Route fallback;      // kAgent: where to go when the manager is not ready
    std::string reason;  // code: number, black_list, vip, complaints, unknown, no_route
    std::map<std::string, std::string> reason_params;
    bool create_card = false;  // an unknown caller: the card is made after the call
    bool known = false;
};

// A decision's reason in English words, for the CLI and logs: "VIP",
// "4 complaints in 30 days", "number +74951112233 «Яндекс Директ»"; the UI
// says them in the user's language from the code and parameters.
std::string ReasonText(std::string_view reason, const std::map<std::string, std::string>& params);

class Router {
public:
    // Refused: a number or extension twice, a route that names a queue the
    // center lacks, a rule whose queue is missing — naming which.
    static Result<Router> Make(std::vector<Number> numbers, RuleSettings rules,
                               const std::vector<std::string>& queues);

    // The call from `from` to `to` (a DID in E.164, or an extension), now.
    Decision Decide(const std::string& from, const std::string& to, const CallerFacts& facts,
                    int64_t now_unix) const;
    // An extension dialed in a menu.
    std::optional<Route> Extension(std::string_view digits) const;

    const std::vector<Number>& Numbers() const { return numbers_; }
    const RuleSettings& Rules() const { return rules_; }

private:
    std::vector<Number> numbers_;
    std::unordered_map<std::string, size_t> by_number_;
    RuleSettings rules_;
};

}  // namespace callbase::routing
