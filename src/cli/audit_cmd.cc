// callbase audit list / verify / head / alerts / alert-rules: thin handlers over
// security::AuditLog. Times as ParseTime reads them (a date alone is its midnight), shown in the
// machine's time zone; tables for people, JSON with --json; errors through App::Report. These
// commands do not audit themselves: whoever wires auditing decides that.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/json.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "core/json_text.h"
#include "core/progress.h"
#include "security/audit.h"

namespace callbase::cli {
namespace {

using nlohmann::json;
namespace sec = security;

// At most `max` bytes of `s`, cut between UTF-8 characters.
std::string Clip(const std::string& s, size_t max) {
    if (s.size() <= max) return s;
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    return s.substr(0, cut) + "…";
}

template <typename Body>
void WithStore(App& app, Body&& body) {
    auto db = app.OpenStore();
    if (!db) return app.Report(db.error());
    if (Result<void> ok = body(**db); !ok) app.Report(ok.error());
}

void RegisterList(CLI::App& audit, App& app) {
    struct Args {
        std::string actor, action, from, to, number, text;
        int64_t limit = 100;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = audit.add_subcommand("list", "the audit records, newest first");
    cmd->add_option("--actor", a->actor, "only this actor's records");
    cmd->add_option("--action", a->action,
                    "only this action: read, change, copy, export, merge, delete, login, "
                    "login_failed, mass_edit, admin, bulk_read");
    cmd->add_option("--from", a->from,
                    "records at or after this time: 16.11.2026 10:00 (call center's time) or ISO");
    cmd->add_option("--to", a->to, "records before this time, as --from");
    cmd->add_option("--limit", a->limit, "at most this many records")->capture_default_str();
    cmd->add_option("--number", a->number,
                    "only records about this phone number (any spelling; the log keeps numbers "
                    "as pseudonyms)");
    cmd->add_option("--text", a->text,
                    "only records that wrote this text: a name, a note, a reason, a search "
                    "value, exactly as given (the log keeps them as pseudonyms)");
    cmd->callback([&app, a] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            sec::AuditLog::Filter f{a->actor, a->action, std::nullopt, std::nullopt, a->limit, ""};
            if (!a->number.empty() && !a->text.empty()) {
                return Fail(ErrorCode::kInvalidInput, "--number and --text cannot be combined",
                            "give one of them");
            }
            if (!a->text.empty()) {
                auto key = ReadKey(app);
                if (!key) return std::unexpected(key.error());
                f.records_contain = sec::PseudonymizeText(a->text, *key);
            }
            if (!a->number.empty()) {
                auto tools = LoadPhoneTools(app);
                if (!tools) return std::unexpected(tools.error());
                auto e164 = CleanPhoneArg(*tools->cleaner, a->number);
                if (!e164) return std::unexpected(e164.error());
                auto key = ReadKey(app);
                if (!key) return std::unexpected(key.error());
                f.records_contain = sec::PseudonymizeNumbers(*e164, *key);
            }
            auto from = ParseOptionalTime(app, a->from, "--from");
            if (!from) return std::unexpected(from.error());
            auto to = ParseOptionalTime(app, a->to, "--to");
            if (!to) return std::unexpected(to.error());
            f.from = *from;
            f.to = *to;
            sec::AuditLog log(db, app.clock);
            auto records = log.List(f);
            if (!records) return std::unexpected(records.error());
            if (app.json) {
                json out = json::array();
                for (const auto& r : *records)
                    out.push_back(api::AuditRecordJson(r));
                fmt::print("{}\n", JsonText(out));
                return {};
            }
            if (records->empty()) {
                fmt::print("no audit records match\n");
                return {};
            }
            Table t({"id", "at", "actor", "action", "object", "records", "source", "detail"});
            for (const auto& r : *records) {
                t.Add({std::to_string(r.id), LocalTime(r.at, true), r.actor, r.action, r.object,
                       Clip(r.records, 60), r.source, Clip(r.detail, 80)});
            }
            t.Print();
            return {};
        });
    });
}

void RegisterVerify(CLI::App& audit, App& app) {
    auto anchor_text = std::make_shared<std::string>();
    auto* cmd = audit.add_subcommand(
        "verify",
        "check the hash chain of the whole audit log; exit 4 naming the first bad record");
    cmd->add_option("--anchor", *anchor_text,
                    "ID:HASH from an earlier `callbase audit head`, kept elsewhere: also detects "
                    "records deleted from the tail and a rewritten chain");
    cmd->callback([&app, anchor_text] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            std::optional<sec::Anchor> anchor;
            if (!anchor_text->empty()) {
                auto a = sec::ParseAnchor(*anchor_text);
                if (!a) return std::unexpected(a.error());
                anchor = *a;
            }
            sec::AuditLog log(db, app.clock);
            auto head = log.Head();
            if (!head) return std::unexpected(head.error());
            uint64_t total = 0;  // the last id: the number of records of an intact log
            if (auto last = sec::ParseAnchor(*head)) total = static_cast<uint64_t>(last->id);
            Progress progress("verifying the audit log", total);
            auto check =
                log.Inspect(anchor, [&](int64_t n) { progress.Update(static_cast<uint64_t>(n)); });
            progress.Finish();
            if (!check) return std::unexpected(check.error());
            if (check->broken) {
                const sec::ChainBreak& b = *check->broken;
                if (app.json) {
                    fmt::print("{}\n", JsonText(json{{"intact", false},
                                                     {"record", b.record_id},
                                                     {"problem", sec::ChainBreakName(b.kind)},
                                                     {"message", b.message},
                                                     {"intact_up_to", check->head_id}}));
                }
                return Fail(ErrorCode::kConflict,
                            fmt::format("the audit log was tampered with: {}", b.message),
                            sec::TamperHint(b));
            }
            if (app.json) {
                fmt::print("{}\n", JsonText(json{{"intact", true},
                                                 {"records", check->records},
                                                 {"head_id", check->head_id},
                                                 {"head", check->head},
                                                 {"anchor_checked", check->anchor_checked}}));
            } else if (check->records == 0) {
                fmt::print("0 records, chain intact (the audit log is empty)\n");
            } else {
                fmt::print("{} records, chain intact, head {}{}\n", check->records, check->head,
                           check->anchor_checked
                               ? fmt::format(" (anchor at record {} matches)", anchor->id)
                               : "");
            }
            return {};
        });
    });
}

void RegisterHead(CLI::App& audit, App& app) {
    auto* cmd = audit.add_subcommand(
        "head", "the last record's ID:HASH, to keep elsewhere and give to `audit verify --anchor`");
    cmd->callback([&app] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            sec::AuditLog log(db, app.clock);
            auto head = log.Head();
            if (!head) return std::unexpected(head.error());
            if (app.json) {
                auto a = sec::ParseAnchor(*head);
                fmt::print("{}\n", JsonText(json{{"id", a ? a->id : 0},
                                                 {"hash", a ? a->hash : ""},
                                                 {"anchor", *head}}));
            } else if (head->empty()) {
                fmt::print(stderr, "the audit log is empty\n");
            } else {
                fmt::print("{}\n", *head);
            }
            return {};
        });
    });
}

void RegisterAlerts(CLI::App& audit, App& app) {
    auto since = std::make_shared<std::string>();
    auto* cmd = audit.add_subcommand(
        "alerts", "copies, failed logins, off-hours exports and mass edits over the thresholds");
    cmd->add_option(
        "--since", *since,
        "alerts that fired at or after this time, 16.11.2026 10:00 (default: 24 h ago)");
    cmd->callback([&app, since] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            UnixSeconds from = app.clock.Now() - 86400;
            if (!since->empty()) {
                auto t = ParseTime(app, *since, "--since");
                if (!t) return std::unexpected(t.error());
                from = *t;
            }
            sec::AuditLog log(db, app.clock);
            auto alerts = log.Alerts(from);
            if (!alerts) return std::unexpected(alerts.error());
            if (app.json) {
                json out = json::array();
                for (const auto& a : *alerts) {
                    out.push_back(api::AlertJson(a));
                }
                fmt::print("{}\n", JsonText(out));
                return {};
            }
            if (alerts->empty()) {
                fmt::print("no alerts since {}\n", LocalTime(from, true));
                return {};
            }
            Table t({"at", "rule", "actor", "records", "detail"});
            for (const auto& a : *alerts) {
                std::string ids;
                for (size_t i = 0; i < a.record_ids.size() && i < 8; ++i)
                    ids += (i ? "," : "") + std::to_string(a.record_ids[i]);
                if (a.record_ids.size() > 8)
                    ids += fmt::format(",… ({} in all)", a.record_ids.size());
                t.Add({LocalTime(a.at, true), a.rule, a.actor, ids, a.detail});
            }
            t.Print();
            return {};
        });
    });
}

void RegisterAlertRules(CLI::App& audit, App& app) {
    auto* rules = audit.add_subcommand("alert-rules", "the thresholds of `audit alerts`");
    rules->require_subcommand(1);

    auto print = [&app](store::Store& db) -> Result<void> {
        auto r = sec::LoadAlertSettings(db);
        if (!r) return std::unexpected(r.error());
        json j = json::parse(sec::AlertRulesJson(*r));
        fmt::print("{}\n", app.json ? JsonText(j) : JsonText(j, 2));
        return {};
    };
    auto* show = rules->add_subcommand("show", "the rules in force, as JSON");
    show->callback([&app, print] { WithStore(app, print); });

    auto text = std::make_shared<std::string>();
    auto* set = rules->add_subcommand(
        "set", "change some rules: a JSON object whose fields replace those in force");
    set->add_option("json", *text,
                    R"(e.g. '{"copies_per_hour": 10, "working_hours_end": "21:00"}')")
        ->required();
    set->callback([&app, text, print] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            if (auto ok = sec::SaveAlertSettings(db, *text, app.actor, app.clock); !ok) {
                return ok;
            }
            return print(db);
        });
    });
}

}  // namespace

void RegisterAuditCommands(CLI::App& cli, App& app) {
    auto* audit = cli.add_subcommand(
        "audit", "the audit log: who read, changed, copied or exported what, when, from where");
    audit->require_subcommand(1);
    RegisterList(*audit, app);
    RegisterVerify(*audit, app);
    RegisterHead(*audit, app);
    RegisterAlerts(*audit, app);
    RegisterAlertRules(*audit, app);
}

}  // namespace callbase::cli
