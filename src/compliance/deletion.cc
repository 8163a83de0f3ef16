#include "compliance/deletion.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <chrono>
#include <ctime>

namespace callbase::compliance {
namespace {

std::string Date(UnixSeconds t) {
    return fmt::format("{:%Y-%m-%d}", std::chrono::sys_seconds{std::chrono::seconds{t}});
}

constexpr std::string_view kNumberKeySetting = "deletion.number_key";

std::string Hex(const unsigned char* bytes, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i)
        out += fmt::format("{:02x}", bytes[i]);
    return out;
}

}  // namespace

Result<std::optional<std::string>> NumberHashKey(store::Store& store, bool make) {
    auto rows =
        store.Query("SELECT value FROM settings WHERE name = $1", {std::string(kNumberKeySetting)});
    if (!rows) return std::unexpected(rows.error());
    if (!rows->empty()) {
        auto key = store::OpenText(store, rows->front().Text(0), store::kNumberHashKeyColumn);
        if (!key) return std::unexpected(key.error());
        return std::optional<std::string>(std::move(*key));
    }
    if (!make) return std::optional<std::string>();
    if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to start");
    std::array<unsigned char, 32> random;
    randombytes_buf(random.data(), random.size());
    std::string key = Hex(random.data(), random.size());
    auto ok = store.Exec(
        "INSERT INTO settings (name, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)",
        {std::string(kNumberKeySetting), store::SealText(store, key, store::kNumberHashKeyColumn),
         static_cast<int64_t>(std::time(nullptr)), std::string("deletion")});
    if (!ok) return std::unexpected(ok.error());
    return std::optional<std::string>(std::move(key));
}

std::string ForgottenHash(std::string_view e164, std::string_view key) {
    std::array<unsigned char, 16> hash;
    std::array<unsigned char, crypto_generichash_KEYBYTES> k{};
    crypto_generichash(k.data(), k.size(), reinterpret_cast<const unsigned char*>(key.data()),
                       key.size(), nullptr, 0);
    crypto_generichash(hash.data(), hash.size(),
                       reinterpret_cast<const unsigned char*>(e164.data()), e164.size(), k.data(),
                       k.size());
    return std::string(store::kForgottenPrefix) + Hex(hash.data(), hash.size());
}

Result<std::optional<std::string>> ForgottenKey(store::Store& store, std::string_view e164) {
    auto key = NumberHashKey(store);
    if (!key) return std::unexpected(key.error());
    if (!*key) return std::optional<std::string>();
    return std::optional<std::string>(ForgottenHash(e164, **key));
}

Result<int64_t> Deletions::Request(const std::string& e164, const std::string& channel,
                                   const std::string& note, const std::string& actor) {
    if (channel != "email" && channel != "call" && channel != "web" && channel != "letter") {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"deletion.unknown_channel", "unknown channel {channel}",
                        "use email, call, web or letter"},
                    {{"channel", channel}});
    }
    const UnixSeconds now = clock_.Now();
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto id = store_.QueryValue(
        "INSERT INTO deletion_requests (e164, channel, note, received_at, received_by, "
        "archives_due_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {store::PhoneKey(store_, e164), channel, store::SealText(store_, note, store::kNoteColumn),
         now, actor, now + kArchiveDeadline});
    if (!id) return std::unexpected(id.error());
    const int64_t request = store::Row({*id}).Int(0);
    if (auto ok = Step(request, "received", fmt::format("by {} via {}", actor, channel)); !ok) {
        return std::unexpected(ok.error());
    }
    auto inactive = store_.Exec("UPDATE phones SET inactive = 1 WHERE e164 = $1",
                                {store::PhoneKey(store_, e164)});
    if (!inactive) return std::unexpected(inactive.error());
    if (auto ok = Step(request, "number made inactive",
                       fmt::format("{} phone record(s); the dial gate denies it", *inactive));
        !ok) {
        return std::unexpected(ok.error());
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return request;
}

Result<void> Deletions::Step(int64_t id, const std::string& step, const std::string& detail) {
    auto ok = store_.Exec(
        "INSERT INTO deletion_steps (request_id, at, step, detail) VALUES ($1, $2, $3, $4)",
        {id, clock_.Now(), step, detail});
    if (!ok) return std::unexpected(ok.error());
    return {};
}

// `e164` as deletion_requests holds it (sealed on an encrypted base), which is
// how every other table holds it too.
Result<void> Deletions::ProcessOne(int64_t id, const std::string& e164, const std::string& actor) {
    auto contacts = store_.Query("SELECT DISTINCT contact_id FROM phones WHERE e164 = $1", {e164});
    if (!contacts) return std::unexpected(contacts.error());
    int64_t rows = 0;
    for (const auto& c : *contacts) {
        const int64_t contact = c.Int(0);
        for (const char* sql :
             {"DELETE FROM field_values WHERE contact_id = $1",
              "DELETE FROM contact_tags WHERE contact_id = $1",
              "DELETE FROM history WHERE contact_id = $1",
              "DELETE FROM phones WHERE contact_id = $1",
              "UPDATE merges SET snapshot = '{}' WHERE kept_id = $1",
              "UPDATE contacts SET name = '', name_words = '', email = '', email_key = '', "
              "comment = '', region = '', source = '', owner_group = '', status = 'inactive', "
              "callback_at = NULL WHERE id = $1"}) {
            auto n = store_.Exec(sql, {contact});
            if (!n) return std::unexpected(n.error());
            rows += *n;
        }
    }
    // Merges whose snapshot names one of these contacts among the merged ones.
    for (const auto& c : *contacts) {
        auto n = store_.Exec(
            "UPDATE merges SET snapshot = '{}' WHERE merged_ids LIKE $1 OR merged_ids LIKE $2 OR "
            "merged_ids LIKE $3 OR merged_ids = $4",
            {fmt::format("[{},%", c.Int(0)), fmt::format("%,{},%", c.Int(0)),
             fmt::format("%,{}]", c.Int(0)), fmt::format("[{}]", c.Int(0))});
        if (!n) return std::unexpected(n.error());
        rows += *n;
    }
    if (auto ok = Step(id, "contacts cleared",
                       fmt::format("{} contact(s): name, e-mail, comment, region, fields, tags, "
                                   "history, phones; {} row(s) changed",
                                   contacts->size(), rows));
        !ok) {
        return std::unexpected(ok.error());
    }
    int64_t other = 0;
    for (const char* sql :
         {"DELETE FROM consent_requests WHERE e164 = $1", "DELETE FROM consents WHERE e164 = $1",
          "DELETE FROM call_attempts WHERE e164 = $1",
          "DELETE FROM inactive_review WHERE e164 = $1",
          "DELETE FROM operator_access WHERE e164 = $1"}) {
        auto n = store_.Exec(sql, {e164});
        if (!n) return std::unexpected(n.error());
        other += *n;
    }
    if (auto ok = Step(id, "number's records deleted",
                       fmt::format("{} consent, request, attempt, review and operator-access "
                                   "row(s)",
                                   other));
        !ok) {
        return std::unexpected(ok.error());
    }
    // What is kept holds the number as its keyed hash, which the dial gate
    // matches (LoadNumberState) but which is not the number.
    auto number = store::PhoneOf(store_, e164);
    if (!number) return std::unexpected(number.error());
    auto key = NumberHashKey(store_, /*make=*/true);
    if (!key) return std::unexpected(key.error());
    const std::string forgotten =
        store::IsForgotten(*number) ? *number : ForgottenHash(*number, **key);
    const std::string cleared = store::SealText(
        store_, fmt::format("cleared by deletion request #{}", id), store::kNoteColumn);
    auto reasons = store_.Exec(
        "UPDATE stop_list SET removal_reason = $1 WHERE e164 = $2 AND removal_reason <> ''",
        {cleared, e164});
    if (!reasons) return std::unexpected(reasons.error());
    auto stops =
        store_.Exec("UPDATE stop_list SET e164 = $1, note = '' WHERE e164 = $2", {forgotten, e164});
    if (!stops) return std::unexpected(stops.error());
    auto calls =
        store_.Exec("UPDATE campaign_calls SET e164 = $1, disposition_note = '' WHERE e164 = $2",
                    {forgotten, e164});
    if (!calls) return std::unexpected(calls.error());
    if (auto ok = Step(id, "number forgotten",
                       fmt::format("kept as its keyed hash in the request, {} stop-list entry(ies) "
                                   "(notes and removal reasons cleared) and {} call record(s) "
                                   "(disposition notes cleared)",
                                   *stops, *calls));
        !ok) {
        return std::unexpected(ok.error());
    }
    const UnixSeconds now = clock_.Now();
    auto listed = store_.QueryValue(
        "SELECT COUNT(*) FROM stop_list WHERE e164 = $1 AND category = 'do_not_disturb' AND "
        "removed_at IS NULL",
        {forgotten});
    if (!listed) return std::unexpected(listed.error());
    if (store::Row({*listed}).Int(0) == 0) {
        auto ok = store_.Exec(
            "INSERT INTO stop_list (e164, category, channel, note, added_at, added_by) VALUES "
            "($1, 'do_not_disturb', 'api', $2, $3, $4)",
            // The web shows this note in the user's language by its shape
            // (web/src/pages/stop_list.tsx, noteText): keep the two in step.
            {forgotten,
             store::SealText(store_, fmt::format("deletion request #{}", id), store::kNoteColumn),
             now, actor});
        if (!ok) return std::unexpected(ok.error());
    }
    if (auto ok = Step(id, "kept",
                       "the request, its steps and a do-not-disturb entry, the number as its "
                       "keyed hash");
        !ok) {
        return std::unexpected(ok.error());
    }
    auto done = store_.Exec(
        "UPDATE deletion_requests SET status = 'processed', processed_at = $1, processed_by = $2, "
        "e164 = $3, note = '' WHERE id = $4",
        {now, actor, forgotten, id});
    if (!done) return std::unexpected(done.error());
    return {};
}

Result<std::vector<int64_t>> Deletions::Process(const std::string& actor) {
    auto pending =
        store_.Query("SELECT id, e164 FROM deletion_requests WHERE status = 'pending' ORDER BY id");
    if (!pending) return std::unexpected(pending.error());
    std::vector<int64_t> done;
    for (const auto& r : *pending) {
        auto tx = store::Transaction::Start(store_);
        if (!tx) return std::unexpected(tx.error());
        if (auto ok = ProcessOne(r.Int(0), r.Text(1), actor); !ok) {
            return Fail(ok.error().code,
                        fmt::format("deletion request #{}: {}", r.Int(0), ok.error().message),
                        "the requests before it were processed; this one is unchanged");
        }
        if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
        done.push_back(r.Int(0));
    }
    // Old versions of the changed pages stay in SQLite's write-ahead log until
    // it is emptied; when a reader holds it (a server), a later checkpoint does.
    if (!done.empty()) {
        if (auto emptied = store_.EmptyLog(); !emptied) return std::unexpected(emptied.error());
    }
    return done;
}

Result<DeletionRequest> Deletions::Status(int64_t id) {
    auto rows = store_.Query(
        "SELECT id, e164, channel, note, received_at, received_by, status, processed_at, "
        "processed_by, archives_due_at, archives_done_at FROM deletion_requests WHERE id = $1",
        {id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"deletion.not_found", "no deletion request #{id}",
                        "see `callbase deletion report`"},
                    {{"id", std::to_string(id)}});
    }
    const store::Row& r = rows->front();
    DeletionRequest d;
    d.id = r.Int(0);
    auto e164 = store::PhoneOf(store_, r.Text(1));
    if (!e164) return std::unexpected(e164.error());
    d.e164 = std::move(*e164);
    d.channel = r.Text(2);
    auto note = store::OpenText(store_, r.Text(3), store::kNoteColumn);
    if (!note) return std::unexpected(note.error());
    d.note = std::move(*note);
    d.received_at = r.Int(4);
    d.received_by = r.Text(5);
    d.status = r.Text(6);
    if (!r.IsNull(7)) d.processed_at = r.Int(7);
    d.processed_by = r.Text(8);
    d.archives_due_at = r.Int(9);
    if (!r.IsNull(10)) d.archives_done_at = r.Int(10);
    auto steps = store_.Query(
        "SELECT at, step, detail FROM deletion_steps WHERE request_id = $1 ORDER BY at, step",
        {id});
    if (!steps) return std::unexpected(steps.error());
    for (const auto& s : *steps)
        d.steps.push_back({s.Int(0), s.Text(1), s.Text(2)});
    return d;
}

Result<std::vector<DeletionRequest>> Deletions::Report(UnixSeconds from, UnixSeconds to) {
    auto ids = store_.Query(
        "SELECT id FROM deletion_requests WHERE received_at >= $1 AND received_at < $2 ORDER BY "
        "id",
        {from, to});
    if (!ids) return std::unexpected(ids.error());
    std::vector<DeletionRequest> out;
    for (const auto& r : *ids) {
        auto d = Status(r.Int(0));
        if (!d) return std::unexpected(d.error());
        out.push_back(std::move(*d));
    }
    return out;
}

Result<void> Deletions::ArchivesDone(int64_t id, const std::string& actor) {
    auto d = Status(id);
    if (!d) return std::unexpected(d.error());
    if (d->status != "processed") {
        return Fail(ErrorCode::kConflict,
                    Msg{"deletion.not_processed", "request #{id} is not processed yet",
                        "run `callbase deletion process` first"},
                    {{"id", std::to_string(id)}});
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto ok = store_.Exec("UPDATE deletion_requests SET archives_done_at = $1 WHERE id = $2",
                          {clock_.Now(), id});
    if (!ok) return std::unexpected(ok.error());
    if (auto s = Step(id, "archives and backups cleared", "confirmed by " + actor); !s) {
        return std::unexpected(s.error());
    }
    if (auto done = tx->Commit(); !done) return std::unexpected(done.error());
    return {};
}

Result<bool> Deletions::Pending(const std::string& e164) {
    auto n = store_.QueryValue(
        "SELECT COUNT(*) FROM deletion_requests WHERE e164 = $1 AND status = 'pending'",
        {store::PhoneKey(store_, e164)});
    if (!n) return std::unexpected(n.error());
    return store::Row({*n}).Int(0) > 0;
}

std::string DeletionNotice(const DeletionRequest& r, const std::string& language) {
    // Once processed the request holds the number's hash only.
    const bool forgotten = store::IsForgotten(r.e164);
    if (language == "en") {
        return fmt::format(
            "Re: your request of {} (no. {}) to delete your personal data.\n"
            "We have deleted the personal data linked to {} from our contact base "
            "on {}. Copies in archives and backups will be deleted by {}. We keep only a record "
            "of your request and the number on our do-not-call list, so that we never call it "
            "again.\n",
            Date(r.received_at), r.id,
            forgotten ? std::string("the number given in your request") : "the number " + r.e164,
            r.processed_at ? Date(*r.processed_at) : "(pending)", Date(r.archives_due_at));
    }
    return fmt::format(
        "Ответ на ваше обращение от {} (№ {}) об удалении персональных данных.\n"
        "Персональные данные, связанные с {}, удалены из нашей базы контактов {}. "
        "Копии в архивах и резервных копиях будут удалены до {}. Мы храним только запись о "
        "вашем обращении и номер в списке запрета звонков, чтобы больше никогда на него не "
        "звонить (ст. 21 Федерального закона № 152-ФЗ).\n",
        Date(r.received_at), r.id,
        forgotten ? std::string("номером, указанным в обращении") : "номером " + r.e164,
        r.processed_at ? Date(*r.processed_at) : "(в работе)", Date(r.archives_due_at));
}

}  // namespace callbase::compliance
