// Encryption at rest of a base (R-SEC-4): which bases are encrypted, with
// which keys, and the one pass that seals, re-seals or opens every number and
// name in them.
//
// A base records its state in `settings`:
//   encryption        'on' (absent: a plain base)
//   encryption.keys   the data and index key ids every value is sealed with
//   encryption.check  a value sealed with them, so a wrong key file is caught
//                     before anything is read or written
//   encryption.version what the base has sealed (absent: 1, before e-mails
//                     were; 2: e-mails too); AttachCipher and Rotate seal
//                     what a base of an older version holds in clear
// What is sealed: every e164 column (findably, so lookups and joins work:
// phones, stop_list, consents, consent_requests, deletion_requests,
// call_attempts, inactive_review, operator_access, campaign_calls,
// caller_lists), the caller lists' notes,
// phones.raw, campaign_calls.disposition_note,
// contacts.name (found by contacts.name_words), contacts.email (found by
// contacts.email_key), contacts.comment, stop-list and deletion notes,
// history before/after/detail,
// import_errors.value, and the sealed fields inside merge snapshots.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"
#include "security/vault.h"
#include "store/store.h"

namespace callbase::security {

struct EncryptionState {
    bool on = false;
    uint32_t data_key = 0, index_key = 0;  // what the base is sealed with
    int version = 1;                       // settings 'encryption.version'
};

Result<EncryptionState> ReadEncryptionState(store::Store& store);

// Gives an encrypted base its cipher from the key file; nothing to do for a
// plain base (the key file is not read). A base encrypted by an earlier
// callbase has what it left in clear (e-mails) sealed now, once, in a
// transaction of its own. Errors say what is wrong and what to
// do: the key file is missing, others can read it, it is another base's, it
// lacks the base's keys, or a rotation stopped half-way.
Result<void> AttachCipher(store::Store& store, const std::string& key_file);

// (table, rows done, rows in all) as a pass goes.
using ResealProgress = std::function<void(std::string_view, int64_t, int64_t)>;

struct ResealReport {
    int64_t values = 0;  // values sealed (or opened)
    int64_t words = 0;   // name words indexed
};

// The pass itself, inside the caller's transaction: every sealed column, the
// sealed fields of merge snapshots and contacts.name_words, from `from` to `to`
// (nullptr: plain). Settings are left alone. A value `from` cannot open stops
// it with the table, the row and why.
Result<ResealReport> ResealAll(store::Store& store, const store::Cipher* from,
                               const store::Cipher* to, const ResealProgress& progress = {});

// On an encrypted base the key file must exist: kNotFound, saying what to
// do, when it does not (for what must not make a new one in its place, such
// as the pseudonym key of the audit log). Nothing to check on a plain base.
Result<void> RequireKeyFile(store::Store& store, const std::string& key_file);

// Seals every number and name of a plain base with the key file's newest keys
// (making them first when it has none), in one transaction. kConflict when the
// base is encrypted already.
Result<ResealReport> Encrypt(store::Store& store, const std::string& key_file,
                             const std::string& actor, const ResealProgress& progress = {});

// Adds new keys to the key file, re-seals everything with them in one
// transaction, then drops the old keys from the file. A rotation that stopped
// (the new keys are in the file, the base still on the old ones) is finished
// with the keys already there.
Result<ResealReport> Rotate(store::Store& store, const std::string& key_file,
                            const std::string& actor, const ResealProgress& progress = {});

}  // namespace callbase::security
