// Deletion requests under 152-FZ (R-LAW-6). A request is taken at once: the
// number becomes inactive everywhere and the dial gate denies it. Processing
// then removes the person's data from the base and records each step: every
// contact holding the number loses its name, e-mail, comment, region, custom
// fields, tags, history and phones (the contact row stays as an empty shell,
// so ids other records point at stay valid), merge snapshots holding it are
// blanked, and the number's consents, consent requests, attempts and review
// entries are deleted. What stays is the minimal record the law needs to show
// the request was honoured and to keep honouring it: the request with its
// steps, and a do-not-disturb stop-list entry for the number. These, the
// person's earlier stop-list entries and the campaigns' call records then hold
// the number as a keyed hash (ForgottenKey), which the dial gate matches but
// which is not the number; notes and removal reasons are cleared. On SQLite
// processing ends by emptying the write-ahead log (Store::EmptyLog), and every
// connection deletes with secure_delete, so the old bytes leave the files.
// Copies in archives and backups must go within 30 days; the deadline is
// tracked until someone confirms it with ArchivesDone().
//
// Borrows the Store and Clock; same thread rules as the Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::compliance {

constexpr int64_t kArchiveDeadline = 30 * 86400;

struct DeletionStep {
    UnixSeconds at = 0;
    std::string step, detail;
};

struct DeletionRequest {
    int64_t id = 0;
    std::string e164, channel, note;
    UnixSeconds received_at = 0;
    std::string received_by, status;
    std::optional<UnixSeconds> processed_at;
    std::string processed_by;
    UnixSeconds archives_due_at = 0;
    std::optional<UnixSeconds> archives_done_at;
    std::vector<DeletionStep> steps;
};

// The key of forgotten numbers' hashes: 32 random bytes as hex in settings
// (deletion.number_key), sealed on an encrypted base (security/encryption.cc
// re-seals it with the rest). nullopt while no deletion was processed; `make`
// creates it then.
Result<std::optional<std::string>> NumberHashKey(store::Store& store, bool make = false);
// "del:" and 32 hex digits: BLAKE2b-128 of the E.164 number under `key`.
std::string ForgottenHash(std::string_view e164, std::string_view key);
// What an e164 column holds for this number if its deletion was processed;
// nullopt when no deletion was ever processed (nothing is forgotten).
Result<std::optional<std::string>> ForgottenKey(store::Store& store, std::string_view e164);

class Deletions {
public:
    Deletions(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // channel: email, call, web, letter. Returns the request id.
    Result<int64_t> Request(const std::string& e164, const std::string& channel,
                            const std::string& note, const std::string& actor);
    // Processes every pending request; returns the ids processed. Ends by
    // emptying the database's write-ahead log when it can (Store::EmptyLog).
    Result<std::vector<int64_t>> Process(const std::string& actor);
    Result<DeletionRequest> Status(int64_t id);
    // Every request received in [from, to), oldest first (for the regulator).
    Result<std::vector<DeletionRequest>> Report(UnixSeconds from, UnixSeconds to);
    Result<void> ArchivesDone(int64_t id, const std::string& actor);
    // Whether a request for the number is pending (the gate's question).
    Result<bool> Pending(const std::string& e164);

private:
    Result<void> Step(int64_t id, const std::string& step, const std::string& detail);
    Result<void> ProcessOne(int64_t id, const std::string& e164, const std::string& actor);
    store::Store& store_;
    const Clock& clock_;
};

// The notice to the person that their data was deleted, in Russian or English
// ("ru" / "en"), filled in from the request.
std::string DeletionNotice(const DeletionRequest& request, const std::string& language);

}  // namespace callbase::compliance
