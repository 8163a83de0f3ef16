#include "security/encryption.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "contacts/contact_book.h"
#include "core/json_text.h"

namespace callbase::security {
namespace {

using nlohmann::json;

constexpr std::string_view kCheckColumn = "settings.encryption.check";
constexpr std::string_view kCheckText = "callbase key check";
// What an encrypted base has sealed (settings 'encryption.version'; absent: 1):
// 1 numbers, names, comments and notes; 2 e-mails too (and contacts.email_key);
// 3 the same, with contacts.name_words keyed on ё-folded words
// (contacts::SearchWords: «Алёна» finds «Алена»).
constexpr int kSealVersion = 3;

// One column that holds personal data, and what finds its rows again.
struct SealedColumn {
    std::string_view table, column;
    std::vector<std::string_view> key;  // columns naming one row
    std::string_view ad;                // the associated data
    bool findable;                      // sealed deterministically (e164)
    // phones.raw: its row's number, which a spelling stored as its shape
    // needs (contacts::StoredRaw). Re-sealed before this column (the order of
    // SealedColumns), so it is in `to`'s form when this one is done.
    std::string_view number = {};
    // Only the rows that match (a single row of settings); empty: every row.
    std::string_view where = {};
};

const std::vector<SealedColumn>& SealedColumns() {
    static const std::vector<SealedColumn> kColumns{
        {"contacts", "name", {"id"}, store::kNameColumn, false},
        {"contacts", "comment", {"id"}, store::kNoteColumn, false},
        {"contacts", "email", {"id"}, store::kEmailColumn, false},
        {"phones", "e164", {"id"}, store::kPhoneDomain, true},
        {"phones", "raw", {"id"}, store::kRawColumn, false, "e164"},
        {"history", "before", {"id"}, store::kHistoryColumn, false},
        {"history", "after", {"id"}, store::kHistoryColumn, false},
        {"history", "detail", {"id"}, store::kHistoryColumn, false},
        {"import_errors",
         "value",
         {"import_id", "line", "col", "value"},
         store::kImportErrorColumn,
         false},
        {"stop_list", "e164", {"id"}, store::kPhoneDomain, true},
        {"stop_list", "note", {"id"}, store::kNoteColumn, false},
        {"stop_list", "removal_reason", {"id"}, store::kNoteColumn, false},
        {"consents", "e164", {"id"}, store::kPhoneDomain, true},
        {"consent_requests", "e164", {"id"}, store::kPhoneDomain, true},
        {"deletion_requests", "e164", {"id"}, store::kPhoneDomain, true},
        {"deletion_requests", "note", {"id"}, store::kNoteColumn, false},
        {"call_attempts", "e164", {"id"}, store::kPhoneDomain, true},
        {"inactive_review", "e164", {"e164"}, store::kPhoneDomain, true},
        {"operator_access", "e164", {"user_id", "e164"}, store::kPhoneDomain, true},
        {"campaign_calls", "e164", {"id"}, store::kPhoneDomain, true},
        {"campaign_calls", "disposition_note", {"id"}, store::kHistoryColumn, false},
        {"saved_filters", "expressions", {"id"}, store::kNoteColumn, false},
        {"caller_lists", "e164", {"list", "e164"}, store::kPhoneDomain, true},
        {"caller_lists", "note", {"list", "e164"}, store::kNoteColumn, false},
        // The key of forgotten numbers' hashes (compliance::NumberHashKey):
        // on an encrypted base the database alone cannot test a guess.
        {"settings",
         "value",
         {"name"},
         store::kNumberHashKeyColumn,
         false,
         {},
         "name = 'deletion.number_key'"},
    };
    return kColumns;
}

// A stored value under `from` (nullptr: plain) as it is to be stored under
// `to` (nullptr: plain). Empty stays empty. `number`: the row's number as
// stored under `to`, for a column that has one (SealedColumn::number).
Result<std::string> Transform(const std::string& stored, const SealedColumn& c,
                              const store::Cipher* from, const store::Cipher* to,
                              const std::string& number) {
    // A forgotten number is a keyed hash, not a sealed number: it stays as it is.
    if (c.findable && store::IsForgotten(stored)) return stored;
    std::string e164 = number;
    if (!c.number.empty() && to && !number.empty()) {
        auto opened = to->Open(number, store::kPhoneDomain);
        if (!opened) return std::unexpected(opened.error());
        e164 = std::move(*opened);
    }
    if (!c.number.empty() && contacts::IsRawShape(stored)) {  // no digit of the number: no key
        return to ? stored : contacts::FillRawShape(stored, e164);
    }
    std::string plain = stored;
    if (from && !stored.empty()) {
        auto opened = from->Open(stored, c.ad);
        if (!opened) return std::unexpected(opened.error());
        plain = std::move(*opened);
    }
    if (!to || plain.empty()) return plain;
    if (!c.number.empty()) return contacts::StoredRaw(to, plain, e164);
    return c.findable ? to->SealFindable(plain, c.ad) : to->Seal(plain, c.ad);
}

Result<int64_t> ResealColumn(store::Store& store, const SealedColumn& c, const store::Cipher* from,
                             const store::Cipher* to, const ResealProgress& progress) {
    std::string keys = fmt::format("{}", fmt::join(c.key, ", "));
    auto rows =
        store.Query(fmt::format("SELECT {}, {}, {} FROM {} WHERE {} IS NOT NULL AND {} <> ''{}{}",
                                c.column, keys, c.number.empty() ? "''" : c.number, c.table,
                                c.column, c.column, c.where.empty() ? "" : " AND ", c.where));
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::string> where;
    for (size_t i = 0; i < c.key.size(); ++i)
        where.push_back(fmt::format("{} = ${}", c.key[i], i + 2));
    const std::string update =
        fmt::format("UPDATE {} SET {} = $1 WHERE {}", c.table, c.column, fmt::join(where, " AND "));
    const std::string label = fmt::format("{}.{}", c.table, c.column);
    const auto total = static_cast<int64_t>(rows->size());
    int64_t done = 0;
    std::vector<store::Value> params(c.key.size() + 1);
    for (const auto& r : *rows) {
        auto value = Transform(r.Text(0), c, from, to, r.Text(c.key.size() + 1));
        if (!value) {
            return Fail(
                value.error().code,
                fmt::format("{} of row {}: {}", label,
                            r.Cell(1).index() == 1 ? std::to_string(r.Int(1)) : std::string("?"),
                            value.error().message),
                "nothing was changed; " + value.error().hint);
        }
        params[0] = std::move(*value);
        for (size_t i = 0; i < c.key.size(); ++i)
            params[i + 1] = r.Cell(i + 1);
        if (auto ok = store.Exec(update, params); !ok) return std::unexpected(ok.error());
        if (progress && (++done % 10000 == 0 || done == total)) progress(label, done, total);
    }
    return total;
}

// The sealed fields inside merge snapshots (rows of contacts and phones, kept
// for undo as they were stored).
Result<int64_t> ResealSnapshots(store::Store& store, const store::Cipher* from,
                                const store::Cipher* to) {
    auto rows = store.Query("SELECT id, snapshot FROM merges ORDER BY id");
    if (!rows) return std::unexpected(rows.error());
    int64_t values = 0;
    for (const auto& r : *rows) {
        json snapshot = json::parse(r.Text(1), nullptr, false);
        if (!snapshot.is_object()) continue;
        bool changed = false;
        for (const SealedColumn& c : SealedColumns()) {
            std::string table(c.table);
            if (!snapshot.contains(table) || !snapshot[table].is_array()) continue;
            for (json& row : snapshot[table]) {
                std::string column(c.column);
                if (!row.contains(column) || !row[column].is_string()) continue;
                std::string number;
                if (!c.number.empty() && row.contains(std::string(c.number)) &&
                    row[std::string(c.number)].is_string()) {
                    number = row[std::string(c.number)].get<std::string>();
                }
                auto value = Transform(row[column].get<std::string>(), c, from, to, number);
                if (!value) {
                    return Fail(value.error().code,
                                fmt::format("merge #{}: {}", r.Int(0), value.error().message),
                                "nothing was changed; " + value.error().hint);
                }
                row[column] = std::move(*value);
                changed = true;
                ++values;
            }
        }
        if (!changed) continue;
        auto ok = store.Exec("UPDATE merges SET snapshot = $1 WHERE id = $2",
                             {JsonText(snapshot), r.Int(0)});
        if (!ok) return std::unexpected(ok.error());
    }
    return values;
}

// contacts.name_words from the names (already sealed with `to`, or plain
// when `to` is none): the blind indexes of their words, or on a plain base the
// words themselves; the number of words indexed.
Result<int64_t> RebuildWords(store::Store& store, const store::Cipher* to) {
    auto rows = store.Query("SELECT id, name FROM contacts WHERE name <> ''");
    if (!rows) return std::unexpected(rows.error());
    int64_t words = 0;
    for (const auto& r : *rows) {
        auto name = to ? to->Open(r.Text(1), store::kNameColumn) : Result<std::string>(r.Text(1));
        if (!name) return std::unexpected(name.error());
        std::string keys = contacts::NameWords(to, *name);
        if (!keys.empty()) words += std::count(keys.begin(), keys.end(), ' ') - 1;
        auto ok = store.Exec("UPDATE contacts SET name_words = $1 WHERE id = $2", {keys, r.Int(0)});
        if (!ok) return std::unexpected(ok.error());
    }
    return words;
}

// contacts.email_key from the e-mails (already sealed with `to`), or '' on a
// plain base.
Result<void> RebuildEmailKeys(store::Store& store, const store::Cipher* to) {
    if (!to) {
        auto ok = store.Exec("UPDATE contacts SET email_key = '' WHERE email_key <> ''");
        if (!ok) return std::unexpected(ok.error());
        return {};
    }
    auto rows = store.Query("SELECT id, email FROM contacts WHERE email <> ''");
    if (!rows) return std::unexpected(rows.error());
    for (const auto& r : *rows) {
        auto email = to->Open(r.Text(1), store::kEmailColumn);
        if (!email) return std::unexpected(email.error());
        auto ok = store.Exec("UPDATE contacts SET email_key = $1 WHERE id = $2",
                             {contacts::EmailKey(to, *email), r.Int(0)});
        if (!ok) return std::unexpected(ok.error());
    }
    return {};
}

Result<void> SaveSetting(store::Store& store, std::string_view name, const std::string& value,
                         const std::string& actor) {
    auto ok = store.Exec(
        "INSERT INTO settings (name, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (name) DO UPDATE SET value = $2, updated_at = $3, updated_by = $4",
        {std::string(name), value, static_cast<int64_t>(std::time(nullptr)), actor});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

// Every value from `from` to `to` (`to` opens what it seals after), the
// settings that say so, in one transaction.
Result<ResealReport> Reseal(store::Store& store, const store::Cipher* from, const Vault& to,
                            const std::string& actor, const ResealProgress& progress) {
    auto tx = store::Transaction::Start(store);
    if (!tx) return std::unexpected(tx.error());
    auto report = ResealAll(store, from, &to, progress);
    if (!report) return std::unexpected(report.error());
    for (auto [name, value] :
         {std::pair{std::string_view("encryption"), std::string("on")},
          std::pair{std::string_view("encryption.keys"),
                    fmt::format("data {} index {}", to.data_key(), to.index_key())},
          std::pair{std::string_view("encryption.check"), to.Seal(kCheckText, kCheckColumn)},
          std::pair{std::string_view("encryption.version"), std::to_string(kSealVersion)}}) {
        if (auto ok = SaveSetting(store, name, value, actor); !ok) {
            return std::unexpected(ok.error());
        }
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return report;
}

std::unexpected<Error> MissingKeyFile(const std::string& key_file) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("this base is encrypted and its key file {} is missing", key_file),
                "the key file is not in the database or its backup: restore it from where you "
                "keep it, or give its place with CALLBASE_KEY_FILE");
}

// The key file's vault, checked against the base: it opens the check value.
Result<Vault> LoadChecked(store::Store& store, const std::string& key_file) {
    auto vault = Vault::FromKeyFile(key_file);
    if (!vault) {
        if (vault.error().code == ErrorCode::kNotFound) return MissingKeyFile(key_file);
        return std::unexpected(vault.error());
    }
    if (!vault->has_keys()) {
        return Fail(ErrorCode::kNotFound,
                    fmt::format("this base is encrypted but the key file {} holds no "
                                "encryption keys",
                                key_file),
                    "use the key file that `callbase keys encrypt` wrote (CALLBASE_KEY_FILE)");
    }
    auto check = store.QueryValue("SELECT value FROM settings WHERE name = 'encryption.check'");
    if (!check) return std::unexpected(check.error());
    auto opened = vault->Open(store::Row({*check}).Text(0), kCheckColumn);
    if (!opened || *opened != kCheckText) {
        return Fail(
            ErrorCode::kConflict,
            fmt::format("the key file {} is not the one this base is encrypted with{}", key_file,
                        opened ? "" : fmt::format(" ({})", opened.error().message)),
            "nothing was read or written; use this base's key file (CALLBASE_KEY_FILE), "
            "restored from the same backup as the base");
    }
    return vault;
}

// A base encrypted by an earlier callbase holds what that version did not
// seal in clear, and keys what it keyed otherwise: seals and re-keys it now
// with `vault`, in one transaction, and records the version. Values sealed
// already are left as they are.
Result<void> SealAddedColumns(store::Store& store, const Vault& vault, int version) {
    if (version >= kSealVersion) return {};
    auto tx = store::Transaction::Start(store);
    if (!tx) return std::unexpected(tx.error());
    // Version 2: e-mails and their blind indexes.
    auto rows = store.Query("SELECT id, email FROM contacts WHERE email <> ''");
    if (!rows) return std::unexpected(rows.error());
    for (const auto& r : *rows) {
        const std::string email = r.Text(1);
        if (Vault::IsSealed(email)) continue;
        auto ok = store.Exec(
            "UPDATE contacts SET email = $1, email_key = $2 WHERE id = $3",
            {vault.Seal(email, store::kEmailColumn), contacts::EmailKey(&vault, email), r.Int(0)});
        if (!ok) return std::unexpected(ok.error());
    }
    // Version 3: the words of names keyed with ё as е.
    if (version < 3) {
        if (auto ok = RebuildWords(store, &vault); !ok) return std::unexpected(ok.error());
    }
    if (auto ok =
            SaveSetting(store, "encryption.version", std::to_string(kSealVersion), "callbase");
        !ok) {
        return std::unexpected(ok.error());
    }
    return tx->Commit();
}

}  // namespace

Result<ResealReport> ResealAll(store::Store& store, const store::Cipher* from,
                               const store::Cipher* to, const ResealProgress& progress) {
    ResealReport report;
    for (const SealedColumn& c : SealedColumns()) {
        auto n = ResealColumn(store, c, from, to, progress);
        if (!n) return std::unexpected(n.error());
        report.values += *n;
    }
    auto snapshots = ResealSnapshots(store, from, to);
    if (!snapshots) return std::unexpected(snapshots.error());
    report.values += *snapshots;
    auto words = RebuildWords(store, to);
    if (!words) return std::unexpected(words.error());
    report.words = *words;
    if (auto ok = RebuildEmailKeys(store, to); !ok) return std::unexpected(ok.error());
    return report;
}

Result<EncryptionState> ReadEncryptionState(store::Store& store) {
    auto rows = store.Query(
        "SELECT name, value FROM settings WHERE name IN ('encryption', 'encryption.keys', "
        "'encryption.version')");
    if (!rows) return std::unexpected(rows.error());
    EncryptionState state;
    for (const auto& r : *rows) {
        if (r.Text(0) == "encryption") state.on = r.Text(1) == "on";
        if (r.Text(0) == "encryption.version") state.version = std::atoi(r.Text(1).c_str());
        if (r.Text(0) == "encryption.keys" && std::sscanf(r.Text(1).c_str(), "data %u index %u",
                                                          &state.data_key, &state.index_key) != 2) {
            return Fail(
                ErrorCode::kInvalidInput,
                fmt::format("settings: encryption.keys '{}' is not 'data N index N'", r.Text(1)),
                "the settings table was changed outside callbase; restore it");
        }
    }
    return state;
}

Result<void> RequireKeyFile(store::Store& store, const std::string& key_file) {
    auto state = ReadEncryptionState(store);
    if (!state) return std::unexpected(state.error());
    std::error_code ec;
    if (state->on && !std::filesystem::exists(key_file, ec)) return MissingKeyFile(key_file);
    return {};
}

Result<void> AttachCipher(store::Store& store, const std::string& key_file) {
    auto state = ReadEncryptionState(store);
    if (!state) return std::unexpected(state.error());
    if (!state->on) return {};
    auto vault = LoadChecked(store, key_file);
    if (!vault) return std::unexpected(vault.error());
    if (vault->data_key() != state->data_key || vault->index_key() != state->index_key) {
        return Fail(ErrorCode::kConflict,
                    fmt::format("a key rotation stopped half-way: the key file {} has data key "
                                "{} and index key {}, the base is sealed with {} and {}",
                                key_file, vault->data_key(), vault->index_key(), state->data_key,
                                state->index_key),
                    "run `callbase keys rotate` to finish it");
    }
    if (auto ok = SealAddedColumns(store, *vault, state->version); !ok) {
        return std::unexpected(ok.error());
    }
    store.set_cipher(std::make_shared<Vault>(std::move(*vault)));
    return {};
}

Result<ResealReport> Encrypt(store::Store& store, const std::string& key_file,
                             const std::string& actor, const ResealProgress& progress) {
    auto state = ReadEncryptionState(store);
    if (!state) return std::unexpected(state.error());
    if (state->on) {
        return Fail(ErrorCode::kConflict, "this base is encrypted already",
                    "to change its keys, run `callbase keys rotate`");
    }
    auto vault = Vault::FromKeyFile(key_file);
    if (!vault || !vault->has_keys()) {
        if (!vault && vault.error().code != ErrorCode::kNotFound) {
            return std::unexpected(vault.error());
        }
        vault = Vault::AddKeys(key_file);
        if (!vault) return std::unexpected(vault.error());
    }
    auto report = Reseal(store, nullptr, *vault, actor, progress);
    if (!report) return std::unexpected(report.error());
    store.set_cipher(std::make_shared<Vault>(std::move(*vault)));
    return report;
}

Result<ResealReport> Rotate(store::Store& store, const std::string& key_file,
                            const std::string& actor, const ResealProgress& progress) {
    auto state = ReadEncryptionState(store);
    if (!state) return std::unexpected(state.error());
    if (!state->on) {
        return Fail(ErrorCode::kConflict, "this base is not encrypted",
                    "encrypt it first with `callbase keys encrypt`");
    }
    auto current = LoadChecked(store, key_file);
    if (!current) return std::unexpected(current.error());
    // What an earlier callbase left in clear is sealed first, so that the
    // rotation opens every value.
    if (auto ok = SealAddedColumns(store, *current, state->version); !ok) {
        return std::unexpected(ok.error());
    }
    // A rotation that stopped left its new keys in the file: finish with them.
    const bool add =
        current->data_key() == state->data_key && current->index_key() == state->index_key;
    Result<Vault> next = add ? Vault::AddKeys(key_file) : std::move(current);
    if (!next) return std::unexpected(next.error());
    // `next` holds the old keys too, so it opens every value it re-seals.
    auto report = Reseal(store, &*next, *next, actor, progress);
    if (!report) {
        // Nothing was re-sealed: the keys added now go again, so the base
        // still opens with its key file as it was.
        if (add) (void)Vault::DropNewest(key_file);
        return std::unexpected(report.error());
    }
    if (auto ok = Vault::KeepOnly(key_file, next->data_key(), next->index_key()); !ok) {
        return std::unexpected(ok.error());
    }
    auto kept = Vault::FromKeyFile(key_file);
    if (!kept) return std::unexpected(kept.error());
    store.set_cipher(std::make_shared<Vault>(std::move(*kept)));
    return report;
}

}  // namespace callbase::security
