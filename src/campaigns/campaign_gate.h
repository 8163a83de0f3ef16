// CampaignGate: how a campaign asks the dial gate (compliance::DialGate) about
// a lead, and tells it about each attempt. Every dial goes through Check()
// first (ARCHITECTURE.md, principle 3); the answer carries the evidence that
// the call record keeps.
//
// Sensitive campaigns (issue 17, item 11) add a rule of their own: within a
// day, a number hears one operator. CheckOperator asks who last talked with
// it and refuses another operator (reason other_operator) until the day is
// over; the same operator may call back.
//
// Two implementations: MemoryGate (below) holds the numbers' states in memory
// for simulated scenarios and tests; StoreGate (store_gate.h) loads them from
// the base. Used on the campaign's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "campaigns/call_record.h"
#include "campaigns/lead.h"
#include "compliance/gate.h"
#include "core/clock.h"

namespace callbase::campaigns {

struct GateCheck {
    compliance::Decision decision;
    GateEvidence evidence;
};

// The last operator who talked with a number, and when.
struct OperatorContact {
    std::string agent;
    UnixSeconds at = 0;
};

// How long a number of a sensitive campaign stays with its operator.
constexpr int64_t kSensitiveSeconds = 86400;

class CampaignGate {
public:
    virtual ~CampaignGate() = default;
    virtual GateCheck Check(const Lead& lead, std::string_view purpose, UnixSeconds at) = 0;
    // A dial begins (before the network is asked): a gate whose attempts
    // other processes read counts it from now, so that a crash during the
    // call cannot hide it from the caps.
    virtual void Dialed(const Lead& /*lead*/, UnixSeconds /*at*/) {}
    // The dial's outcome: answered, abandoned, busy, no_answer, invalid,
    // rejected, failed, or interrupted (the server stopped during the call).
    virtual void Attempted(const Lead& lead, UnixSeconds at, std::string_view outcome) = 0;
    // The operator who last talked with the lead's number at or after `since`.
    virtual std::optional<OperatorContact> LastOperator(const Lead& lead, UnixSeconds since) = 0;
    // An operator was put through to the lead now.
    virtual void Talked(const Lead& /*lead*/, const std::string& /*agent*/, UnixSeconds /*at*/) {}

    // Sensitive campaigns: may `agent` talk with the lead at `at`? Denied
    // (other_operator, lapsing a day after the other operator's call) when a
    // different operator talked with the number within the last day.
    compliance::Decision CheckOperator(const Lead& lead, const std::string& agent, UnixSeconds at);
};

// The callee's local minute and weekday, and what the decision relied on.
GateEvidence MakeEvidence(const compliance::NumberState& state, std::string_view purpose,
                          UnixSeconds at, const compliance::CallingRules& rules,
                          std::string_view registries_checked);

// Whether an outcome counts as a failed attempt for the inactivity rule.
bool IsFailedOutcome(std::string_view outcome);

class MemoryGate final : public CampaignGate {
public:
    // registries_checked: the registries and versions every check consults,
    // as the evidence names them ("rkn-refusals v12, ...").
    MemoryGate(compliance::CallingRules rules, std::string registries_checked)
        : rules_(std::move(rules)), registries_checked_(std::move(registries_checked)) {}

    void Reserve(size_t numbers) { entries_.reserve(numbers); }
    void Set(int64_t contact_id, compliance::NumberState state);
    GateCheck Check(const Lead& lead, std::string_view purpose, UnixSeconds at) override;
    void Attempted(const Lead& lead, UnixSeconds at, std::string_view outcome) override;
    std::optional<OperatorContact> LastOperator(const Lead& lead, UnixSeconds since) override;
    void Talked(const Lead& lead, const std::string& agent, UnixSeconds at) override;

    const compliance::CallingRules& rules() const { return rules_; }
    const compliance::NumberState* State(int64_t contact_id) const;
    int64_t BecameInactive() const { return became_inactive_; }

private:
    struct Entry {
        compliance::NumberState state;
        std::vector<int32_t> failed_days;  // distinct local days since the last answer
    };
    compliance::CallingRules rules_;
    std::string registries_checked_;
    std::unordered_map<int64_t, Entry> entries_;
    std::unordered_map<int64_t, OperatorContact> operators_;  // contact -> last operator
    int64_t became_inactive_ = 0;
};

}  // namespace callbase::campaigns
