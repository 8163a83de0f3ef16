// The audit log (R-SEC-3): every read of personal data, change, copy, export,
// merge, deletion and login, successful or not — who, when, which records,
// from where — in the audit_log table, append-only and hash-chained.
//
// Each record's hash is BLAKE2b-256 over the previous record's hash and a
// length-prefixed encoding of its own id, time and fields (RecordHash); the
// first record's prev_hash is 64 zeros. Ids are given by the log itself, one
// more than the last, under the append lock, so a gap always means a deleted
// record. Verify() walks the log in id order, streaming, and names the first
// record that was edited, is missing before another, or is out of order.
// Deleting records from the tail leaves a valid chain; Head() gives the last
// record's id and hash to keep elsewhere, and Inspect() with that anchor
// detects the truncation (security/README.md).
//
// Appends are serialized across processes: on SQLite by the write lock of
// BEGIN IMMEDIATE, on PostgreSQL by pg_advisory_xact_lock(kAppendLockKey)
// taken before the last hash is read. On first append the log installs
// triggers that refuse UPDATE and DELETE on audit_log
// (InstallAppendOnlyTriggers).
//
// AuditLog borrows the Store and the Clock (they must outlive it) and has the
// Store's thread rules: one thread at a time; open one Store per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "security/audit_alerts.h"
#include "store/store.h"

namespace callbase::security {

// What happened. `action` is one of kAuditActions. `records` says which
// records: "contact:42,contact:57" or "+79161234567" (for a large export, the
// filter and the count in `detail` rather than a million ids). `source` says
// from where: "cli", "cli:host", "api:203.0.113.5". actor and source are
// required; the other fields may be empty.
struct AuditEvent {
    std::string actor, action, object, records, source, detail;
};

// break_glass: an administrator's time-limited view of business data opened
// (security/break_glass.h); every such record raises the `break_glass` alert.
// bulk_read: a user went past the limits of contacts read (api/read_volume.h).
inline constexpr std::string_view kAuditActions[] = {
    "read",  "change",       "copy",      "export", "merge",       "delete",
    "login", "login_failed", "mass_edit", "admin",  "break_glass", "bulk_read"};

// Succeeds for a known action; otherwise kInvalidInput naming the known ones.
Result<void> CheckAction(std::string_view action);

struct AuditRecord {
    int64_t id = 0;
    UnixSeconds at = 0;
    std::string actor, action, object, records, source, detail, prev_hash, hash;
};

// The prev_hash of the first record.
inline const std::string kGenesisHash(64, '0');

// The hash a record must carry: BLAKE2b-256, lowercase hex, over a version tag,
// r.prev_hash, r.id, r.at and the six text fields, each length-prefixed.
// r.hash itself is not read.
std::string RecordHash(const AuditRecord& r);

// A head kept elsewhere: "ID:HASH" as Head() prints it.
struct Anchor {
    int64_t id = 0;
    std::string hash;
};
Result<Anchor> ParseAnchor(std::string_view text);

// The first problem Inspect() found.
struct ChainBreak {
    enum class Kind {
        kEdited,         // the record's content does not match its hash
        kMissing,        // records are missing before this one (a gap in the ids)
        kOutOfOrder,     // the record carries the hash of another position
        kRelinked,       // its prev_hash is not the hash of the record before it
        kAnchorMissing,  // the anchored record is gone: the tail was deleted
        kAnchorMismatch  // the anchored record differs from the anchor: rewritten
    };
    Kind kind = Kind::kEdited;
    int64_t record_id = 0;
    std::string message;  // "record 17 was edited: ..."
    // kMissing and kAnchorMissing: the ids of the records that are gone,
    // first to last (the message names them too); 0 otherwise.
    int64_t first_missing = 0, last_missing = 0;
};
std::string_view ChainBreakName(ChainBreak::Kind kind);  // "edited", "missing", ...
// What to do about a break: which records can still be trusted, and next steps.
std::string TamperHint(const ChainBreak& b);

struct ChainCheck {
    int64_t records = 0;  // how many were read (up to and including a break)
    int64_t head_id = 0;  // the last intact record; 0 when none
    std::string head;     // its hash; "" when none
    bool anchor_checked = false;
    std::optional<ChainBreak> broken;
};

// Reported by Inspect every kProgressStep records.
inline constexpr int64_t kProgressStep = 100'000;

class AuditLog {
public:
    // The key of the PostgreSQL advisory lock that serializes appends.
    static constexpr int64_t kAppendLockKey = 0x63616c6c61756474;  // "callaudt"

    AuditLog(store::Store& store, const Clock& clock);

    // Appends the event at the clock's time in a transaction of its own;
    // returns the new record's id. kInvalidInput for an unknown action or a
    // missing actor or source; nothing is written then.
    Result<int64_t> Append(const AuditEvent& e);
    // The same inside a transaction the caller has open, so that the record
    // lands (or not) with the change it describes. On SQLite the transaction
    // must have been begun by Transaction::Start (BEGIN IMMEDIATE).
    Result<int64_t> AppendWithin(const AuditEvent& e);
    // Several events, in order, inside a transaction the caller has open:
    // the chain's head is read once (a server's batch). Nothing is written
    // when one of them is invalid. Returns the last record's id.
    Result<int64_t> AppendAllWithin(std::span<const AuditEvent> events);

    struct VerifyReport {
        int64_t records = 0;
        std::string head;  // the last record's hash; "" for an empty log
        int64_t head_id = 0;
    };
    // Walks the whole log; on success the count and head. A broken chain is
    // kConflict whose message names the first bad record and what is wrong.
    Result<VerifyReport> Verify();
    // The walk behind Verify, for callers that want the break as data, a
    // progress callback (records read so far) and an anchor: the anchored
    // record must be present and carry the anchored hash.
    Result<ChainCheck> Inspect(const std::optional<Anchor>& anchor,
                               const std::function<void(int64_t)>& on_progress = {});

    // "ID:HASH" of the last record, for anchoring elsewhere; "" when empty.
    Result<std::string> Head();

    struct Filter {
        std::string actor, action;
        std::optional<UnixSeconds> from, to;  // from <= at < to
        int64_t limit = 100;
        // Only records whose records or detail hold this text (no % or _):
        // a number's "tel:P-..." (PseudonymizeNumbers).
        std::string records_contain;
    };
    // Newest first. kInvalidInput for an unknown action or a limit below 1.
    Result<std::vector<AuditRecord>> List(const Filter& f);

    // The alerts of the rules in force (LoadAlertSettings) that fired at or
    // after `since`, in time order.
    Result<std::vector<Alert>> Alerts(UnixSeconds since);
    Result<std::vector<Alert>> Alerts(UnixSeconds since, const AlertRules& rules);

private:
    store::Store& store_;
    const Clock& clock_;
    bool triggers_checked_ = false;
};

// Creates, when missing, the triggers that refuse UPDATE and DELETE on
// audit_log (and TRUNCATE on PostgreSQL). Idempotent; DDL, so run it in the
// transaction that appends. The SQL is the one security/README.md gives for a
// migration.
Result<void> InstallAppendOnlyTriggers(store::Store& store);

}  // namespace callbase::security
