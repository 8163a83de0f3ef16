#include "compliance/stop_list.h"

#include <fmt/format.h>

#include <fstream>

#include "compliance/deletion.h"
#include "core/text_limits.h"
#include "phone/clean.h"

namespace callbase::compliance {
namespace {

constexpr const char* kColumns =
    "id, e164, category, until_at, channel, note, added_at, added_by, removed_at, removed_by, "
    "removal_reason";

Result<StopListEntry> FromRow(const store::Store& store, const store::Row& r) {
    StopListEntry e;
    e.id = r.Int(0);
    auto e164 = store::PhoneOf(store, r.Text(1));
    if (!e164) return std::unexpected(e164.error());
    e.e164 = std::move(*e164);
    e.category = ParseStopCategory(r.Text(2)).value_or(StopCategory::kDoNotDisturb);
    if (!r.IsNull(3)) e.until = r.Int(3);
    e.channel = r.Text(4);
    auto note = store::OpenText(store, r.Text(5), store::kNoteColumn);
    if (!note) return std::unexpected(note.error());
    e.note = std::move(*note);
    e.added_at = r.Int(6);
    e.added_by = r.Text(7);
    if (!r.IsNull(8)) e.removed_at = r.Int(8);
    e.removed_by = r.Text(9);
    auto reason = store::OpenText(store, r.Text(10), store::kNoteColumn);
    if (!reason) return std::unexpected(reason.error());
    e.removal_reason = std::move(*reason);
    return e;
}

std::string Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

Result<void> CheckStopChannel(const std::string& channel) {
    for (const char* known : {"operator", "robot", "import", "api", "cli"})
        if (channel == known) return {};
    return Fail(ErrorCode::kInvalidInput,
                Msg{"stop.unknown_channel", "unknown channel {channel}",
                    "use operator, robot, import, api or cli"},
                {{"channel", channel}});
}

Result<StopListEntry> StopList::Add(const std::string& e164, StopCategory category,
                                    std::optional<UnixSeconds> until, const std::string& channel,
                                    const std::string& note, const std::string& actor,
                                    bool* inserted) {
    if (inserted) *inserted = false;
    if (auto ok = CheckStopChannel(channel); !ok) return std::unexpected(ok.error());
    if (auto ok = CheckLength("note", note, kMaxReasonChars); !ok) {
        return std::unexpected(ok.error());
    }
    const UnixSeconds now = clock_.Now();
    if (category != StopCategory::kNotNow && until) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"stop.no_end_date", "{category} has no end date: only not_now lasts until a date",
                "drop --until, or use --category not_now"},
            {{"category", std::string(StopCategoryId(category))}});
    }
    if (category == StopCategory::kNotNow) {
        if (!until) until = now + kNotNowDefault;
        if (*until <= now) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"stop.until_past", "the not_now date is in the past",
                            "give a date after today with --until YYYY-MM-DD"});
        }
    }
    auto existing =
        store_.Query(fmt::format("SELECT {} FROM stop_list WHERE e164 = $1 AND category = $2 AND "
                                 "removed_at IS NULL AND (until_at IS NULL OR until_at > $3) "
                                 "ORDER BY id LIMIT 1",
                                 kColumns),
                     {store::PhoneKey(store_, e164), std::string(StopCategoryId(category)), now});
    if (!existing) return std::unexpected(existing.error());
    if (!existing->empty()) return FromRow(store_, existing->front());
    auto id = store_.QueryValue(
        "INSERT INTO stop_list (e164, category, until_at, channel, note, added_at, added_by) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        {store::PhoneKey(store_, e164), std::string(StopCategoryId(category)),
         store::Nullable(until), channel, store::SealText(store_, note, store::kNoteColumn), now,
         actor});
    if (!id) return std::unexpected(id.error());
    if (inserted) *inserted = true;
    StopListEntry e{store::Row({*id}).Int(0),
                    e164,
                    category,
                    until,
                    channel,
                    note,
                    now,
                    actor,
                    std::nullopt,
                    "",
                    ""};
    return e;
}

Result<int64_t> StopList::Remove(const std::string& e164, std::optional<StopCategory> category,
                                 const std::string& reason, const std::string& actor) {
    if (auto ok = CheckLength("reason", Trim(reason), kMaxReasonChars); !ok) {
        return std::unexpected(ok.error());
    }
    if (Trim(reason).empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"stop.no_reason", "removing a number from the stop-list needs a reason",
                        "say why with --reason, e.g. --reason \"the person asked to be called\""});
    }
    const UnixSeconds now = clock_.Now();
    auto changed = store_.Exec(
        "UPDATE stop_list SET removed_at = $1, removed_by = $2, removal_reason = $3 "
        "WHERE e164 = $4 AND removed_at IS NULL AND (category = $5 OR $6 = 1)",
        {now, actor, store::SealText(store_, Trim(reason), store::kNoteColumn),
         store::PhoneKey(store_, e164), std::string(category ? StopCategoryId(*category) : ""),
         int64_t{category ? 0 : 1}});
    if (!changed) return std::unexpected(changed.error());
    if (*changed == 0) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"stop.not_listed", "{phone} is not on the stop-list[[ as {category}]]",
                        "see `callbase dnc check PHONE`"},
                    {{"phone", e164},
                     {"category", std::string(category ? StopCategoryId(*category) : "")}});
    }
    return *changed;
}

Result<void> StopList::RemoveEntry(int64_t id, const std::string& reason,
                                   const std::string& actor) {
    if (auto ok = CheckLength("reason", Trim(reason), kMaxReasonChars); !ok) {
        return std::unexpected(ok.error());
    }
    if (Trim(reason).empty()) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"stop.entry_no_reason", "removing a number from the stop-list needs a reason",
                "say why, e.g. \"the person asked to be called\""});
    }
    auto changed = store_.Exec(
        "UPDATE stop_list SET removed_at = $1, removed_by = $2, removal_reason = $3 "
        "WHERE id = $4 AND removed_at IS NULL",
        {clock_.Now(), actor, store::SealText(store_, Trim(reason), store::kNoteColumn), id});
    if (!changed) return std::unexpected(changed.error());
    if (*changed == 0) {
        return Fail(
            ErrorCode::kNotFound,
            Msg{"stop.entry_gone", "stop-list entry {id} is not there or was removed already",
                "reload the stop-list"},
            {{"id", std::to_string(id)}});
    }
    return {};
}

Result<std::vector<StopListEntry>> StopList::InForce(const std::string& e164, UnixSeconds at) {
    // A number whose deletion was processed is listed under its hash.
    auto forgotten = ForgottenKey(store_, e164);
    if (!forgotten) return std::unexpected(forgotten.error());
    const std::string key = store::PhoneKey(store_, e164);
    auto rows = store_.Query(
        fmt::format("SELECT {} FROM stop_list WHERE e164 IN ($1, $3) AND removed_at IS NULL AND "
                    "(until_at IS NULL OR until_at > $2) ORDER BY id",
                    kColumns),
        {key, at, forgotten->value_or(key)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<StopListEntry> out;
    for (const auto& r : *rows) {
        auto e = FromRow(store_, r);
        if (!e) return std::unexpected(e.error());
        out.push_back(std::move(*e));
    }
    return out;
}

Result<std::vector<StopListEntry>> StopList::List(std::optional<StopCategory> category,
                                                  bool with_removed) {
    auto rows =
        store_.Query(fmt::format("SELECT {} FROM stop_list WHERE (category = $1 OR $2 = 1) AND "
                                 "(removed_at IS NULL OR $3 = 1) ORDER BY id DESC",
                                 kColumns),
                     {std::string(category ? StopCategoryId(*category) : ""),
                      int64_t{category ? 0 : 1}, int64_t{with_removed ? 1 : 0}});
    if (!rows) return std::unexpected(rows.error());
    std::vector<StopListEntry> out;
    for (const auto& r : *rows) {
        auto e = FromRow(store_, r);
        if (!e) return std::unexpected(e.error());
        out.push_back(std::move(*e));
    }
    return out;
}

Result<StopListImport> StopList::Import(const std::string& path, StopCategory category,
                                        std::optional<UnixSeconds> until,
                                        const phone::Cleaner& cleaner, const std::string& actor) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Fail(ErrorCode::kNotFound, fmt::format("cannot read {}", path),
                    "check the path and its permissions");
    }
    StopListImport report;
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    std::string line;
    int64_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
        std::string text = Trim(line);
        if (text.empty() || text.starts_with('#')) continue;
        if (number == 1 && text.find_first_of("0123456789") == std::string::npos) continue;
        ++report.read;
        // The fast path for the number; the full cleaning only to say why not.
        std::string e164;
        if (!cleaner.ToE164(text, &e164)) {
            ++report.rejected;
            report.errors.push_back(
                fmt::format("{}:{}: {}: {}", path, number, text, cleaner.Clean(text).reason));
            continue;
        }
        bool inserted = false;
        auto added =
            Add(e164, category, until, "import", "imported from " + path, actor, &inserted);
        if (!added) {
            return Fail(added.error().code,
                        fmt::format("{}:{}: {}", path, number, added.error().message),
                        "nothing was imported; fix the cause and run the import again");
        }
        ++(inserted ? report.added : report.already);
    }
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return report;
}

}  // namespace callbase::compliance
