// The routing configuration in the base (migration 019, docs/routing.md):
// queues, numbers and extensions with their routes, the VIP and black lists,
// the rules by caller; and CallerFacts read from the base (lists, complaints
// from the dispositions of the last days, whether a card exists). Every
// change is checked as a whole before it is written — a route to a missing
// queue, a number twice, a queue still in use are refused naming which — so
// a bad edit changes nothing.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/error.h"
#include "routing/acd.h"
#include "routing/router.h"
#include "store/store.h"

namespace callbase::routing {

// A queue as JSON, and back; unknown keys and bad values are refused naming
// the key.
nlohmann::json QueueJson(const QueueSpec& q);
Result<QueueSpec> QueueFromJson(const nlohmann::json& j);
nlohmann::json RulesJson(const RuleSettings& r);
Result<RuleSettings> RulesFromJson(const nlohmann::json& j);
// kInvalidInput naming the first key of `j` that is not one of `keys` (and
// the keys there are); `where` says whose keys they are.
Result<void> OnlyKeys(const nlohmann::json& j, const std::string& where,
                      std::initializer_list<std::string_view> keys);
// {number, extension, route, label}: the CLI's and the API's shape.
nlohmann::json NumberJson(const Number& n);

struct ListEntry {
    std::string e164;
    std::string manager;
    std::string note;
    int64_t added_at = 0;
    std::string added_by;
};

// A reason an operator may pause for (pause_reasons). The built-in ones
// (lunch, break, training, after_call_work, meeting) have no label of their
// own: screens say them in the user's language by their code.
struct PauseReason {
    std::string code;   // a-z, 0-9 and _, up to 32
    std::string label;  // "" for a built-in one
    bool paid = true;
    int max_minutes = 0;  // 0: no limit
    int position = 0;     // the order on the desk
};

// {code, label, paid, max_minutes}: the CLI's and the API's shape.
nlohmann::json PauseReasonJson(const PauseReason& r);
// {code: label} of the reasons the supervisor added (the built-in ones have
// none: screens name them by code).
nlohmann::json PauseReasonLabels(const std::vector<PauseReason>& reasons);

// An operator's profile for the queues (agent_profiles, docs/routing.md,
// "Operators' skills"): the calls they take (blended, inbound, outbound)
// and their skills with levels (1 is the best). An operator with no profile
// is blended and has no skill.
// {agent, blend, skills: [{name, level}]}: the CLI's and the API's shape.
nlohmann::json AgentProfileJson(const agents::AgentSpec& a);
// Unknown keys, a blend that is none of the three, a skill's name that is not
// a word or a level outside 1..9, a skill twice: refused naming the field.
Result<agents::AgentSpec> AgentProfileFromJson(const nlohmann::json& j);
// "senior:1,sales:2" (a skill alone is level 1), as the CLI takes them.
Result<std::vector<agents::Skill>> ParseSkills(std::string_view text);
std::string SkillsText(const std::vector<agents::Skill>& skills);

class RoutingBook {
public:
    RoutingBook(store::Store& store, const Clock& clock, std::string actor)
        : store_(store), clock_(clock), actor_(std::move(actor)) {}

    Result<std::vector<QueueSpec>> Queues();
    Result<void> PutQueue(const QueueSpec& queue);
    Result<void> RemoveQueue(const std::string& name);

    Result<std::vector<Number>> Numbers();
    Result<void> PutNumber(const Number& number);
    Result<void> RemoveNumber(const std::string& number);

    Result<RuleSettings> Rules();
    Result<void> SetRules(const RuleSettings& rules);

    // list: "vip" or "black"; numbers in E.164.
    Result<void> AddToList(const std::string& list, const std::string& e164,
                           const std::string& manager = {}, const std::string& note = {});
    Result<bool> RemoveFromList(const std::string& list, const std::string& e164);
    Result<int64_t> ListSize(const std::string& list);
    Result<std::vector<ListEntry>> ListEntries(const std::string& list, int64_t limit = 100);

    // The reasons an operator may choose when pausing, in the desk's order.
    Result<std::vector<PauseReason>> PauseReasons();
    // Adds a reason or changes one (a new one goes last); refused: a code
    // that is not a-z, 0-9 and _, a new code without a label, a negative
    // limit, desk_gone (the server's own).
    Result<void> PutPauseReason(const PauseReason& reason);
    Result<bool> RemovePauseReason(const std::string& code);
    // kInvalidInput naming the reasons there are, unless `code` is one.
    Result<void> CheckPauseReason(const std::string& code);

    // Operators' profiles, by name. Put refuses a name that is not a user
    // of the base.
    Result<std::vector<agents::AgentSpec>> AgentProfiles();
    Result<void> PutAgentProfile(const agents::AgentSpec& profile);
    Result<bool> RemoveAgentProfile(const std::string& agent);

    // The whole configuration as a Router (checked as Router::Make checks it).
    Result<Router> LoadRouter();

private:
    struct Config {
        std::vector<Number> numbers;
        std::vector<QueueSpec> queues;
        RuleSettings rules;
    };
    Result<Config> Load();
    // The Router of a configuration, or why it makes none (a change is
    // refused unless the configuration with it still makes one).
    static Result<Router> Make(const Config& config);
    Result<void> KnownList(const std::string& list);

    store::Store& store_;
    const Clock& clock_;
    std::string actor_;
};

// Facts about callers, from the base.
class StoreCallerFacts final : public CallerFacts {
public:
    explicit StoreCallerFacts(store::Store& store) : store_(store) {}
    bool Black(const std::string& e164) const override;
    std::optional<std::string> Vip(const std::string& e164) const override;
    int Complaints(const std::string& e164, std::string_view category,
                   int64_t since_unix) const override;
    bool Known(const std::string& e164) const override;
    // A read that failed (the base went away): the decision goes on without
    // the fact, and the error is here for the log.
    const std::optional<Error>& error() const { return error_; }

private:
    store::Store& store_;
    mutable std::optional<Error> error_;
};

}  // namespace callbase::routing
