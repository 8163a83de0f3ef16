// Where the callers waiting in line are kept (issue 19, "Architecture"): the
// queue entries, in the order they are served, behind an interface so that a
// later step can keep them in PostgreSQL for several nodes behind one SIP load
// balancer (docs/architecture.md, "Agents and routing").
//
// A place is served before another when its rank is lower, and among equal
// ranks when it came first (seq). The ACD ranks a caller by their virtual
// enqueue time (joined − priority × step); a campaign's dialer by band and
// priority (dialer.cc). What a node keeps of a caller beyond this — the offers
// ringing, the agents tried, the last estimate — stays with that node.
//
// Take is the claim: it succeeds once for a place, so two nodes dispatching
// free agents at the same time cannot both have one caller (in PostgreSQL,
// `DELETE … WHERE call = $1` and one row deleted; the lowest rank found with
// `SELECT … FOR UPDATE SKIP LOCKED`).
//
// Not synchronized: one per server, on the thread that owns the calls.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "telephony/telephony.h"

namespace callbase::routing {

using telephony::CallId;
using telephony::Millis;

// A caller in line.
struct Entry {
    CallId call = 0;
    std::string caller;
    int priority = 0;
    Millis joined = 0;
    bool callback = false;  // the caller chose a callback and is no longer on the line
    std::string reason;     // why the caller came to this queue (VIP, complaints…)
};

struct Place {
    std::string line;  // whose line: a queue of the ACD, or a campaign's dialer
    Entry entry;
    Millis rank = 0;   // lower goes first
    uint64_t seq = 0;  // among equal ranks, lower first; 0: the store numbers it
};

class QueueStore {
public:
    virtual ~QueueStore() = default;
    // Puts the caller in line; false when their call is in a line already.
    // A place given back with the seq it had keeps its place.
    virtual bool Add(Place place) = 0;
    // Takes the caller out of line: true once, for whoever takes them first.
    virtual bool Take(CallId call) = 0;
    // The caller chose a callback: their place stays, off the line.
    virtual bool MarkCallback(CallId call) = 0;
    // The caller's place, valid until the store next changes; null when not
    // in line.
    virtual const Place* Find(CallId call) const = 0;
    // The places of `line` (every line when empty), first served first, until
    // `fn` returns false. `fn` must not change the store.
    virtual void Each(std::string_view line, const std::function<bool(const Place&)>& fn) const = 0;
    virtual size_t Count(std::string_view line) const = 0;
};

// The single-node store: ordered sets in memory.
class MemoryQueueStore final : public QueueStore {
public:
    bool Add(Place place) override;
    bool Take(CallId call) override;
    bool MarkCallback(CallId call) override;
    const Place* Find(CallId call) const override;
    void Each(std::string_view line, const std::function<bool(const Place&)>& fn) const override;
    size_t Count(std::string_view line) const override;

private:
    using Key = std::tuple<Millis, uint64_t, CallId>;
    std::unordered_map<CallId, Place> places_;
    std::set<Key> order_;                                      // every line
    std::map<std::string, std::set<Key>, std::less<>> lines_;  // by line
    uint64_t next_seq_ = 1;
};

}  // namespace callbase::routing
