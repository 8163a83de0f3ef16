// The stop-list (R-LAW-2): numbers that must not be called, by category — do
// not disturb (for good), written only (e-mail or SMS, no calls), not now
// (until a date, by default six months on).
//
// A number is added by an operator on the person's first request, by a
// robot's opt-out, by an import, the API or the CLI (the channel is kept).
// Entries are never deleted: removing one needs a reason, and the entry keeps
// who removed it, when and why. Adding a number that already has an active
// entry of the same category changes nothing and returns that entry.
//
// Borrows the Store and Clock (they must outlive it); same thread rules as
// the Store. Numbers are E.164 (the caller cleans them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compliance/gate.h"
#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::phone {
class Cleaner;
}

namespace callbase::compliance {

// How long "not now" lasts when no date is given: six months.
constexpr int64_t kNotNowDefault = 183 * 86400;

struct StopListEntry {
    int64_t id = 0;
    std::string e164;
    StopCategory category = StopCategory::kDoNotDisturb;
    std::optional<UnixSeconds> until;
    std::string channel;  // operator, robot, import, api, cli
    std::string note;
    UnixSeconds added_at = 0;
    std::string added_by;
    std::optional<UnixSeconds> removed_at;
    std::string removed_by, removal_reason;
};

struct StopListImport {
    int64_t read = 0, added = 0, already = 0, rejected = 0;
    std::vector<std::string> errors;  // "file:line: reason", every rejected line
};

class StopList {
public:
    StopList(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // Adds the number (or finds its active entry of that category). `until`
    // only for not now (default kNotNowDefault from now); refused for others.
    // *inserted, when given, says whether a new entry was written.
    Result<StopListEntry> Add(const std::string& e164, StopCategory category,
                              std::optional<UnixSeconds> until, const std::string& channel,
                              const std::string& note, const std::string& actor,
                              bool* inserted = nullptr);
    // Removes the number's active entries (of one category, or all); the reason
    // is required. NotFound when the number has no active entry.
    Result<int64_t> Remove(const std::string& e164, std::optional<StopCategory> category,
                           const std::string& reason, const std::string& actor);
    // Removes one active entry by its id (for those who see the number masked);
    // NotFound when there is no such active entry.
    Result<void> RemoveEntry(int64_t id, const std::string& reason, const std::string& actor);
    // The number's entries in force at `at` (not removed, not lapsed).
    Result<std::vector<StopListEntry>> InForce(const std::string& e164, UnixSeconds at);
    // Every entry, newest first; removed ones only when asked.
    Result<std::vector<StopListEntry>> List(std::optional<StopCategory> category,
                                            bool with_removed);
    // Numbers one per line (any spelling the Cleaner takes; a header line, empty
    // lines and # comments are skipped), added in one transaction. A line that
    // is no valid number is reported and skipped; nothing else is lost.
    Result<StopListImport> Import(const std::string& path, StopCategory category,
                                  std::optional<UnixSeconds> until, const phone::Cleaner& cleaner,
                                  const std::string& actor);

private:
    store::Store& store_;
    const Clock& clock_;
};

// The channels a stop-list entry may come from.
Result<void> CheckStopChannel(const std::string& channel);

}  // namespace callbase::compliance
