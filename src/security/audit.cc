#include "security/audit.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <tuple>

#include "security/audit_watch.h"

namespace callbase::security {
namespace {

constexpr const char* kColumns =
    "id, at, actor, action, object, records, source, detail, prev_hash, hash";

// Verify reads the log in pages of this many records: PostgreSQL's ForEach holds
// a whole result in memory, so one query over ten million records would too.
constexpr int64_t kPageSize = 10'000;

// How far from its place Verify looks for the position a record was written at,
// to tell a moved record from an edited one (2 * 10,000 hashes, a few ms).
constexpr int64_t kReorderSearch = 10'000;

// Changes when the encoding does, so that old and new chains cannot be mixed up.
constexpr std::string_view kHashTag = "callbase.audit.v1";

AuditRecord FromRow(const store::Row& row) {
    AuditRecord r;
    r.id = row.Int(0);
    r.at = row.Int(1);
    r.actor = row.Text(2);
    r.action = row.Text(3);
    r.object = row.Text(4);
    r.records = row.Text(5);
    r.source = row.Text(6);
    r.detail = row.Text(7);
    r.prev_hash = row.Text(8);
    r.hash = row.Text(9);
    return r;
}

void PutU64(crypto_generichash_state& state, uint64_t v) {
    std::array<unsigned char, 8> bytes;
    for (int i = 7; i >= 0; --i) {
        bytes[i] = static_cast<unsigned char>(v & 0xff);
        v >>= 8;
    }
    crypto_generichash_update(&state, bytes.data(), bytes.size());
}

void PutField(crypto_generichash_state& state, std::string_view s) {
    PutU64(state, s.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

std::string HashWithId(const AuditRecord& r, int64_t id) {
    // sodium_init picks the fastest BLAKE2b for this CPU; safe to call from
    // several threads, and a function-local static runs it once.
    static const bool kSodiumReady = sodium_init() >= 0;
    (void)kSodiumReady;
    crypto_generichash_state state;
    std::array<unsigned char, 32> digest;
    crypto_generichash_init(&state, nullptr, 0, digest.size());
    PutField(state, kHashTag);
    PutField(state, r.prev_hash);
    PutU64(state, static_cast<uint64_t>(id));
    PutU64(state, static_cast<uint64_t>(r.at));
    for (const std::string* field :
         {&r.actor, &r.action, &r.object, &r.records, &r.source, &r.detail}) {
        PutField(state, *field);
    }
    crypto_generichash_final(&state, digest.data(), digest.size());
    std::string hex(digest.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    hex.pop_back();
    return hex;
}

// The position a record with a wrong hash for its id was written at, if it is
// near: a record that was moved rather than edited.
std::optional<int64_t> WrittenAs(const AuditRecord& r) {
    for (int64_t d = 1; d <= kReorderSearch; ++d) {
        for (int64_t id : {r.id - d, r.id + d}) {
            if (id >= 1 && HashWithId(r, id) == r.hash) return id;
        }
    }
    return std::nullopt;
}

std::string IdRange(int64_t first, int64_t last) {
    return first == last ? fmt::format("record {} is", first)
                         : fmt::format("records {}–{} are", first, last);
}

std::string Clip(std::string_view s, size_t max) {
    if (s.size() <= max) return std::string(s);
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;  // not inside a UTF-8 sequence
    return std::string(s.substr(0, cut)) + "…";
}

}  // namespace

Result<void> CheckAction(std::string_view action) {
    for (auto known : kAuditActions)
        if (action == known) return {};
    std::string list;
    for (auto known : kAuditActions)
        list += (list.empty() ? "" : ", ") + std::string(known);
    return Fail(ErrorCode::kInvalidInput, fmt::format("unknown audit action '{}'", action),
                "use one of " + list);
}

std::string RecordHash(const AuditRecord& r) {
    return HashWithId(r, r.id);
}

Result<Anchor> ParseAnchor(std::string_view text) {
    auto bad = [&] {
        return Fail(ErrorCode::kInvalidInput, fmt::format("'{}' is not an audit anchor", text),
                    "give ID:HASH as `callbase audit head` prints it");
    };
    size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 18) return bad();
    Anchor a;
    for (char c : text.substr(0, colon)) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return bad();
        a.id = a.id * 10 + (c - '0');
    }
    a.hash = std::string(text.substr(colon + 1));
    if (a.id < 1 || a.hash.size() != 64) return bad();
    for (char& c : a.hash) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!std::isxdigit(static_cast<unsigned char>(c))) return bad();
    }
    return a;
}

std::string_view ChainBreakName(ChainBreak::Kind kind) {
    switch (kind) {
        case ChainBreak::Kind::kEdited:
            return "edited";
        case ChainBreak::Kind::kMissing:
            return "missing";
        case ChainBreak::Kind::kOutOfOrder:
            return "out_of_order";
        case ChainBreak::Kind::kRelinked:
            return "relinked";
        case ChainBreak::Kind::kAnchorMissing:
            return "anchor_missing";
        case ChainBreak::Kind::kAnchorMismatch:
            return "anchor_mismatch";
    }
    return "unknown";
}

std::string TamperHint(const ChainBreak& b) {
    // The last record that can be trusted: a relinked record may mean that the
    // one before it was edited with its hash recomputed; a chain that differs
    // from its anchor may have been rewritten from any point before it.
    int64_t last_good = b.record_id - 1;
    if (b.kind == ChainBreak::Kind::kRelinked) last_good = b.record_id - 2;
    if (b.kind == ChainBreak::Kind::kAnchorMismatch) last_good = 0;
    std::string intact = b.kind == ChainBreak::Kind::kAnchorMissing
                             ? "the records that are left are intact"
                         : last_good < 1  ? "no record up to it can be trusted"
                         : last_good == 1 ? "record 1 is intact"
                                          : fmt::format("records 1–{} are intact", last_good);
    return intact + "; restore the log from a backup and find out who could write to the database";
}

Result<void> InstallAppendOnlyTriggers(store::Store& store) {
    const bool sqlite = store.backend() == store::Backend::kSqlite;
    auto present = store.QueryValue(
        sqlite ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND "
                 "tbl_name = 'audit_log' AND name IN ('audit_log_no_update', "
                 "'audit_log_no_delete')"
               : "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = to_regclass('audit_log') AND "
                 "tgenabled <> 'D' AND tgname IN ('audit_log_no_update_delete', "
                 "'audit_log_no_truncate')");
    if (!present) return std::unexpected(present.error());
    if (store::Row({*present}).Int(0) == 2) return {};
    auto ok = store.ExecScript(
        sqlite ? "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log\n"
                 "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END;\n"
                 "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log\n"
                 "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END;\n"
               : "CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger\n"
                 "LANGUAGE plpgsql AS $$\n"
                 "BEGIN\n"
                 "    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;\n"
                 "END\n"
                 "$$;\n"
                 "CREATE OR REPLACE TRIGGER audit_log_no_update_delete\n"
                 "    BEFORE UPDATE OR DELETE ON audit_log\n"
                 "    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();\n"
                 "CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log\n"
                 "    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();\n"
                 "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete;\n"
                 "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate;\n");
    if (!ok) {
        return Fail(ErrorCode::kDatabase,
                    fmt::format("cannot make audit_log append-only: {}", ok.error().message),
                    "the database user that runs callbase must own audit_log");
    }
    return {};
}

AuditLog::AuditLog(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<int64_t> AuditLog::Append(const AuditEvent& e) {
    // Validate before taking the write lock: a bad event must not wait for it.
    if (auto ok = CheckAction(e.action); !ok) return std::unexpected(ok.error());
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto id = AppendWithin(e);
    if (!id) return id;
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return id;
}

Result<int64_t> AuditLog::AppendWithin(const AuditEvent& e) {
    return AppendAllWithin(std::span<const AuditEvent>(&e, 1));
}

Result<int64_t> AuditLog::AppendAllWithin(std::span<const AuditEvent> events) {
    for (const AuditEvent& e : events) {
        if (auto ok = CheckAction(e.action); !ok) return std::unexpected(ok.error());
        if (e.actor.empty()) {
            return Fail(ErrorCode::kInvalidInput, "an audit record needs an actor",
                        "say who acted: a user name, or the name tried for a failed login");
        }
        if (e.source.empty()) {
            return Fail(ErrorCode::kInvalidInput, "an audit record needs a source",
                        "say from where: cli, cli:HOST or api:ADDRESS");
        }
    }
    if (store_.backend() == store::Backend::kPostgres) {
        // Held to the end of the transaction: the next appender reads our hash.
        auto locked = store_.Exec("SELECT pg_advisory_xact_lock($1)", {kAppendLockKey});
        if (!locked) return std::unexpected(locked.error());
    }
    if (!triggers_checked_) {
        if (auto ok = InstallAppendOnlyTriggers(store_); !ok) return std::unexpected(ok.error());
        triggers_checked_ = true;
    }
    auto last = store_.Query("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (!last) return std::unexpected(last.error());
    int64_t id = last->empty() ? 0 : last->front().Int(0);
    std::string prev = last->empty() ? kGenesisHash : last->front().Text(1);
    const UnixSeconds now = clock_.Now();
    for (const AuditEvent& e : events) {
        AuditRecord r{++id,      now,      e.actor,  e.action, e.object,
                      e.records, e.source, e.detail, prev,     ""};
        r.hash = RecordHash(r);
        auto ok = store_.Exec(
            "INSERT INTO audit_log (id, at, actor, action, object, records, source, detail, "
            "prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            {r.id, r.at, r.actor, r.action, r.object, r.records, r.source, r.detail, r.prev_hash,
             r.hash});
        if (!ok) return std::unexpected(ok.error());
        prev = std::move(r.hash);
    }
    return id;
}

Result<ChainCheck> AuditLog::Inspect(const std::optional<Anchor>& anchor,
                                     const std::function<void(int64_t)>& on_progress) {
    ChainCheck check;
    int64_t expected = 1;
    std::string prev = kGenesisHash;
    int64_t after = std::numeric_limits<int64_t>::min();
    const std::string sql =
        fmt::format("SELECT {} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2", kColumns);

    auto breaks = [&](ChainBreak::Kind kind, int64_t id, std::string message) {
        check.broken = ChainBreak{kind, id, std::move(message)};
        return false;
    };
    // Checks one record; false when the chain breaks at it.
    auto visit = [&](const AuditRecord& r) {
        ++check.records;
        const bool hash_ok = RecordHash(r) == r.hash;
        if (!hash_ok) {
            if (auto was = WrittenAs(r)) {
                return breaks(ChainBreak::Kind::kOutOfOrder, r.id,
                              fmt::format("record {} is out of order: it holds the record "
                                          "written as number {}; records were moved or deleted",
                                          r.id, *was));
            }
        }
        if (r.id > expected) {
            breaks(ChainBreak::Kind::kMissing, r.id,
                   fmt::format("{} missing before record {}: deleted", IdRange(expected, r.id - 1),
                               r.id));
            check.broken->first_missing = expected;
            check.broken->last_missing = r.id - 1;
            return false;
        }
        if (!hash_ok) {
            return breaks(
                ChainBreak::Kind::kEdited, r.id,
                fmt::format("record {} was edited: its content does not match its hash", r.id));
        }
        if (r.id < expected) {
            return breaks(
                ChainBreak::Kind::kOutOfOrder, r.id,
                fmt::format("record {} is out of order: the log starts at record 1", r.id));
        }
        if (r.prev_hash != prev) {
            return breaks(
                ChainBreak::Kind::kRelinked, r.id,
                r.id == 1 ? std::string("record 1 does not start the chain: its prev_hash is "
                                        "not zeros")
                          : fmt::format("record {0} does not follow record {1}: its prev_hash is "
                                        "not the hash of record {1}, so record {1} was edited "
                                        "and its hash recomputed, or record {0} was replaced",
                                        r.id, r.id - 1));
        }
        if (anchor && r.id == anchor->id && r.hash != anchor->hash) {
            return breaks(ChainBreak::Kind::kAnchorMismatch, r.id,
                          fmt::format("record {} differs from the anchor: its hash is {}, the "
                                      "anchor says {}; the log was rewritten up to it",
                                      r.id, r.hash, anchor->hash));
        }
        check.head_id = r.id;
        check.head = r.hash;
        prev = r.hash;
        ++expected;
        if (on_progress && check.records % kProgressStep == 0) on_progress(check.records);
        return true;
    };

    while (!check.broken) {
        int64_t rows = 0;
        auto ok = store_.ForEach(sql, {after, kPageSize}, [&](const store::Row& row) {
            ++rows;
            AuditRecord r = FromRow(row);
            after = r.id;
            return visit(r);
        });
        if (!ok) return std::unexpected(ok.error());
        if (rows < kPageSize) break;
    }
    if (anchor && !check.broken) {
        check.anchor_checked = true;
        if (anchor->id > check.head_id) {
            check.broken = ChainBreak{
                ChainBreak::Kind::kAnchorMissing, check.head_id + 1,
                fmt::format("{}, but the anchored head is record {}: {} missing: deleted from "
                            "the tail",
                            check.head_id == 0
                                ? std::string("the log is empty")
                                : fmt::format("the log ends at record {}", check.head_id),
                            anchor->id, IdRange(check.head_id + 1, anchor->id)),
                check.head_id + 1, anchor->id};
        }
    }
    if (on_progress) on_progress(check.records);
    return check;
}

Result<AuditLog::VerifyReport> AuditLog::Verify() {
    auto check = Inspect(std::nullopt);
    if (!check) return std::unexpected(check.error());
    if (check->broken) {
        const ChainBreak& b = *check->broken;
        return Fail(ErrorCode::kConflict,
                    fmt::format("the audit log was tampered with: {}", b.message), TamperHint(b));
    }
    return VerifyReport{check->records, check->head, check->head_id};
}

Result<std::string> AuditLog::Head() {
    auto last = store_.Query("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (!last) return std::unexpected(last.error());
    if (last->empty()) return std::string();
    return fmt::format("{}:{}", last->front().Int(0), last->front().Text(1));
}

Result<std::vector<AuditRecord>> AuditLog::List(const Filter& f) {
    if (!f.action.empty()) {
        if (auto ok = CheckAction(f.action); !ok) return std::unexpected(ok.error());
    }
    if (f.limit < 1) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("limit {} is below 1", f.limit),
                    "give --limit 1 or more");
    }
    auto rows = store_.Query(
        fmt::format(
            "SELECT {} FROM audit_log WHERE ($1 = '' OR actor = $1) AND "
            "($2 = '' OR action = $2) AND at >= $3 AND at < $4 AND ($6 = '' OR "
            "records LIKE '%' || $6 || '%' OR detail LIKE '%' || $6 || '%') ORDER BY id DESC "
            "LIMIT $5",
            kColumns),
        {f.actor, f.action, f.from.value_or(std::numeric_limits<int64_t>::min()),
         f.to.value_or(std::numeric_limits<int64_t>::max()), f.limit, f.records_contain});
    if (!rows) return std::unexpected(rows.error());
    std::vector<AuditRecord> out;
    out.reserve(rows->size());
    for (const auto& row : *rows)
        out.push_back(FromRow(row));
    return out;
}

Result<std::vector<Alert>> AuditLog::Alerts(UnixSeconds since) {
    auto rules = LoadAlertSettings(store_);
    if (!rules) return std::unexpected(rules.error());
    return Alerts(since, *rules);
}

Result<std::vector<Alert>> AuditLog::Alerts(UnixSeconds since, const AlertRules& rules) {
    std::vector<Alert> alerts;
    struct Burst {
        const char* rule;
        const char* action;
        const char* noun;
        int threshold;
    };
    for (const Burst& b :
         {Burst{"copies_per_hour", "copy", "copies of numbers", rules.copies_per_hour},
          Burst{"failed_logins_per_hour", "login_failed", "failed logins",
                rules.failed_logins_per_hour}}) {
        if (b.threshold <= 0) continue;
        BurstCounter counter(b.rule, b.noun, b.threshold, since);
        // Events up to a window before `since` count towards a burst that
        // reaches the threshold after it.
        auto ok = store_.ForEach(
            "SELECT id, actor, at FROM audit_log WHERE action = $1 AND at >= $2 "
            "ORDER BY actor, at, id",
            {std::string(b.action), since - (kBurstWindow - 1)}, [&](const store::Row& row) {
                counter.Add(row.Int(0), row.Text(1), row.Int(2));
                return true;
            });
        if (!ok) return std::unexpected(ok.error());
        for (auto& a : counter.Take())
            alerts.push_back(std::move(a));
    }

    // Breaks of the chain that a scheduled verify recorded (audit_watch.h):
    // always on, whatever the rules say.
    auto recorded = store_.ForEach(
        "SELECT id, actor, at, detail FROM audit_log WHERE action = 'admin' AND object = $1 AND "
        "actor = $2 AND at >= $3 ORDER BY id",
        {std::string(kChainAlertObject), std::string(kChainAlertActor), since},
        [&](const store::Row& row) {
            alerts.push_back(Alert{
                std::string(kChainAlertRule), row.Text(1), row.Int(2), row.Text(3), {row.Int(0)}});
            return true;
        });
    if (!recorded) return std::unexpected(recorded.error());

    // Every break-glass access granted: an administrator sees business data.
    auto granted = store_.ForEach(
        "SELECT id, actor, at, records, detail FROM audit_log WHERE action = 'break_glass' AND "
        "object = 'break-glass granted' AND at >= $1 ORDER BY at, id",
        {since}, [&](const store::Row& row) {
            alerts.push_back(Alert{"break_glass",
                                   row.Text(1),
                                   row.Int(2),
                                   fmt::format("break-glass access granted ({}): {}", row.Text(3),
                                               Clip(row.Text(4), 120)),
                                   {row.Int(0)}});
            return true;
        });
    if (!granted) return std::unexpected(granted.error());

    std::vector<std::string> actions = rules.off_hours_actions;
    std::sort(actions.begin(), actions.end());
    actions.erase(std::unique(actions.begin(), actions.end()), actions.end());
    const char* const day_names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    for (const auto& action : actions) {
        auto ok = store_.ForEach(
            "SELECT id, actor, at, object, records FROM audit_log WHERE action = $1 AND "
            "at >= $2 ORDER BY at, id",
            {action, since}, [&](const store::Row& row) {
                const UnixSeconds at = row.Int(2);
                if (!OutsideWorkingHours(rules, at)) return true;
                const int64_t local = at + int64_t{rules.utc_offset_minutes} * 60;
                const int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
                const int64_t minute = (local - day * 86400) / 60;
                const int offset = rules.utc_offset_minutes;
                std::string what = row.Text(3);
                if (!row.Text(4).empty()) what += (what.empty() ? "" : " ") + row.Text(4);
                alerts.push_back(Alert{
                    "off_hours_" + action,
                    row.Text(1),
                    at,
                    fmt::format("{} at {} {:02}:{:02} (UTC{}{:02}:{:02}), outside working hours "
                                "{:02}:{:02}–{:02}:{:02}{}{}",
                                action, day_names[((day + 3) % 7 + 7) % 7], minute / 60,
                                minute % 60, offset < 0 ? '-' : '+', std::abs(offset) / 60,
                                std::abs(offset) % 60, rules.work_start_minute / 60,
                                rules.work_start_minute % 60, rules.work_end_minute / 60,
                                rules.work_end_minute % 60, what.empty() ? "" : ": ",
                                Clip(what, 120)),
                    {row.Int(0)}});
                return true;
            });
        if (!ok) return std::unexpected(ok.error());
    }
    // Every bulk read is an alert: the API wrote it when a user went past a
    // limit of contacts read («массовая выгрузка»).
    auto bulk = store_.ForEach(
        "SELECT id, actor, at, detail FROM audit_log WHERE action = 'bulk_read' AND at >= $1 "
        "ORDER BY at, id",
        {since}, [&](const store::Row& row) {
            alerts.push_back(
                Alert{"bulk_reads", row.Text(1), row.Int(2), row.Text(3), {row.Int(0)}});
            return true;
        });
    if (!bulk) return std::unexpected(bulk.error());
    std::stable_sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
        return std::tie(a.at, a.rule, a.actor) < std::tie(b.at, b.rule, b.actor);
    });
    return alerts;
}

}  // namespace callbase::security
