// The audit log's chain checked on a schedule (`serve --audit-verify-every`,
// hourly unless told otherwise), so that tampering is found without anyone
// running `callbase audit verify`.
//
// Each run walks the whole log (AuditLog::Inspect) with the head the last
// intact run found as its anchor: records deleted from the tail, or a chain
// rewritten, since the previous run are caught too, not only edits and gaps.
// A break is recorded in the log itself (action "admin", object
// kChainAlertObject, the break's message in the detail), where
// AuditLog::Alerts finds it as the alert kChainAlertRule: GET
// /api/v1/audit/alerts and `callbase audit alerts` show it. The same break is
// recorded once, not at every run; the anchor lives in memory, so a restart
// begins again without one.
//
// ChainWatch borrows the Store and Clock (one thread at a time, as the
// Store). AuditSchedule owns a thread that runs a ChainWatch on a connection
// of its own; it is stopped and joined by its destructor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/error.h"
#include "security/audit.h"
#include "store/store.h"

namespace callbase::security {

// The object of the record a scheduled verify writes on a break, and the
// rule of the alert AuditLog::Alerts makes of it.
inline constexpr std::string_view kChainAlertObject = "audit verify (scheduled)";
inline constexpr std::string_view kChainAlertRule = "audit_chain_broken";
// Who writes that record.
inline constexpr std::string_view kChainAlertActor = "callbase serve";

class ChainWatch {
public:
    ChainWatch(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
    // One walk of the log; a new break is recorded (and so alerted).
    Result<ChainCheck> Run();
    // The anchor the next run checks: the head of the last intact run.
    const std::optional<Anchor>& anchor() const { return anchor_; }

private:
    store::Store& store_;
    const Clock& clock_;
    std::optional<Anchor> anchor_;
    std::string reported_;  // the break last recorded: "kind record"
};

class AuditSchedule {
public:
    using OpenStore = std::function<Result<std::unique_ptr<store::Store>>()>;
    // Runs a ChainWatch every `every` (the first run after one period);
    // `on_error` hears of a run that could not read the log (the server's
    // log); a break is not an error, it is recorded.
    AuditSchedule(OpenStore open, const Clock& clock, std::chrono::seconds every,
                  std::function<void(const Error&)> on_error);
    ~AuditSchedule();
    AuditSchedule(const AuditSchedule&) = delete;
    AuditSchedule& operator=(const AuditSchedule&) = delete;
    // Runs that have finished (tests wait for one).
    int runs() const;

private:
    void Loop();

    OpenStore open_;
    const Clock& clock_;
    const std::chrono::seconds every_;
    std::function<void(const Error&)> on_error_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    int runs_ = 0;
    std::thread thread_;
};

}  // namespace callbase::security
