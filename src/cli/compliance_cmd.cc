// callbase dnc / consent / can-call / attempts / inactive / deletion / rules:
// thin handlers over the compliance module. Phones are taken in any spelling
// and cleaned first; times as ParseTime reads them. Tables for people, JSON
// with --json; errors through App::Report.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "api/json.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "compliance/attempts.h"
#include "compliance/consent.h"
#include "compliance/deletion.h"
#include "compliance/gate.h"
#include "compliance/registry_catalog.h"
#include "compliance/rules.h"
#include "compliance/stop_list.h"
#include "contacts/text.h"
#include "core/clock_text.h"
#include "core/json_text.h"
#include "ingest/encoding.h"
#include "phone/region_names.h"

namespace callbase::cli {
namespace {

using api::ConsentJson;
using api::DeletionJson;
using api::OptionalTime;
using api::StopJson;
using nlohmann::json;
namespace cp = compliance;

// Opens the store, runs the body and reports its error, if any.
template <typename Body>
void WithStore(App& app, Body&& body) {
    auto db = app.OpenStore();
    if (!db) return app.Report(db.error());
    if (Result<void> ok = body(**db); !ok) app.Report(ok.error());
}

// Opens the store and the phone tools, cleans the phone, runs the body.
template <typename Body>
void WithPhone(App& app, const std::string& phone, Body&& body) {
    auto tools = LoadPhoneTools(app);
    if (!tools) return app.Report(tools.error());
    auto e164 = CleanPhoneArg(*tools->cleaner, phone);
    if (!e164) return app.Report(e164.error());
    WithStore(app, [&](store::Store& db) { return body(db, *e164, *tools); });
}

// A purpose the base knows (consent purpose list); an unknown one is an
// error listing the known ones.
Result<void> KnownPurpose(store::Store& db, App& app, const std::string& purpose) {
    auto all = cp::Consents(db, app.clock).Purposes();
    if (!all) return std::unexpected(all.error());
    std::vector<std::string> known;
    for (const auto& p : *all) {
        if (p.name == purpose) return {};
        known.push_back(p.name);
    }
    return Fail(ErrorCode::kInvalidInput, fmt::format("unknown purpose {}", purpose),
                fmt::format("known purposes: {}; add one with `callbase consent purpose add "
                            "NAME --description TEXT`",
                            fmt::join(known, ", ")));
}

Result<cp::StopCategory> Category(const std::string& text) {
    auto c = cp::ParseStopCategory(text);
    if (!c) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("unknown category {}", text),
                    "use do_not_disturb (dnd), written_only (written) or not_now");
    }
    return *c;
}

// The entries' numbers as the acting user may see them (dnc list as an
// operator prints them masked, as the card does).
Result<void> ShowStops(App& app, store::Store& db, std::vector<cp::StopListEntry>* entries) {
    for (auto& e : *entries) {
        auto shown = ShownNumber(app, db, e.e164);
        if (!shown) return std::unexpected(shown.error());
        e.e164 = std::move(*shown);
    }
    return {};
}

void PrintStops(const App& app, const std::vector<cp::StopListEntry>& entries) {
    if (app.json) {
        json out = json::array();
        for (const auto& e : entries)
            out.push_back(StopJson(e));
        fmt::print("{}\n", JsonText(out));
        return;
    }
    Table t({"number", "category", "until", "channel", "added", "by", "note", "removed"});
    for (const auto& e : entries) {
        t.Add({e.e164, std::string(cp::StopCategoryId(e.category)),
               e.until ? LocalTime(*e.until) : "", e.channel, LocalTime(e.added_at), e.added_by,
               e.note,
               e.removed_at ? fmt::format("{} by {}: {}", LocalTime(*e.removed_at), e.removed_by,
                                          e.removal_reason)
                            : ""});
    }
    t.Print();
}

void RegisterDnc(CLI::App& cli, App& app) {
    auto* dnc = cli.add_subcommand("dnc", "the stop-list: numbers not to call");
    dnc->require_subcommand(1);

    struct AddArgs {
        std::string phone, category = "do_not_disturb", until, channel = "cli", note;
    };
    auto a = std::make_shared<AddArgs>();
    auto* add = dnc->add_subcommand("add", "put a number on the stop-list");
    add->add_option("phone", a->phone, "the number, any spelling")->required();
    add->add_option("--category", a->category,
                    "do_not_disturb (for good), written_only (e-mail/SMS only), not_now")
        ->capture_default_str();
    add->add_option("--until", a->until,
                    "not_now: until this date, 31.12.2026 (default: 6 months)");
    add->add_option("--channel", a->channel, "operator, robot, import, api or cli")
        ->capture_default_str();
    add->add_option("--note", a->note, "why, in a few words");
    add->callback([&app, a] {
        WithPhone(app, a->phone,
                  [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                      auto category = Category(a->category);
                      if (!category) return std::unexpected(category.error());
                      auto until = ParseOptionalTime(app, a->until, "--until");
                      if (!until) return std::unexpected(until.error());
                      cp::StopList list(db, app.clock);
                      auto e = list.Add(e164, *category, *until, a->channel, a->note, app.actor);
                      if (!e) return std::unexpected(e.error());
                      auto shown = ShownNumber(app, db, e164);
                      if (!shown) return std::unexpected(shown.error());
                      e->e164 = *shown;
                      if (app.json) {
                          fmt::print("{}\n", JsonText(StopJson(*e)));
                      } else {
                          fmt::print("{} is on the stop-list: {}{}\n", *shown,
                                     cp::StopCategoryId(*category),
                                     e->until ? " until " + LocalTime(*e->until) : "");
                      }
                      return {};
                  });
    });

    struct RemoveArgs {
        std::string phone, reason, category;
    };
    auto r = std::make_shared<RemoveArgs>();
    auto* remove =
        dnc->add_subcommand("remove", "take a number off the stop-list (needs a reason)");
    remove->add_option("phone", r->phone, "the number, any spelling")->required();
    remove->add_option("--reason", r->reason, "why it may be called again")->required();
    remove->add_option("--category", r->category, "only this category (default: all)");
    remove->callback([&app, r] {
        WithPhone(app, r->phone,
                  [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                      std::optional<cp::StopCategory> category;
                      if (!r->category.empty()) {
                          auto c = Category(r->category);
                          if (!c) return std::unexpected(c.error());
                          category = *c;
                      }
                      cp::StopList list(db, app.clock);
                      auto n = list.Remove(e164, category, r->reason, app.actor);
                      if (!n) return std::unexpected(n.error());
                      auto shown = ShownNumber(app, db, e164);
                      if (!shown) return std::unexpected(shown.error());
                      if (app.json)
                          fmt::print("{}\n", JsonText(json{{"e164", *shown}, {"removed", *n}}));
                      else
                          fmt::print("{} taken off the stop-list ({} entr{})\n", *shown, *n,
                                     *n == 1 ? "y" : "ies");
                      return {};
                  });
    });

    auto check_phone = std::make_shared<std::string>();
    auto* check = dnc->add_subcommand("check", "show the stop-list entries in force for a number");
    check->add_option("phone", *check_phone, "the number, any spelling")->required();
    check->callback([&app, check_phone] {
        WithPhone(app, *check_phone,
                  [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                      cp::StopList list(db, app.clock);
                      auto entries = list.InForce(e164, app.clock.Now());
                      if (!entries) return std::unexpected(entries.error());
                      if (!app.json && entries->empty()) {
                          auto shown = ShownNumber(app, db, e164);
                          if (!shown) return std::unexpected(shown.error());
                          fmt::print("{} is not on the stop-list\n", *shown);
                          return {};
                      }
                      if (auto ok = ShowStops(app, db, &*entries); !ok) return ok;
                      PrintStops(app, *entries);
                      return {};
                  });
    });

    struct ListArgs {
        std::string category;
        bool all = false;
    };
    auto l = std::make_shared<ListArgs>();
    auto* list_cmd = dnc->add_subcommand("list", "list the stop-list, newest first");
    list_cmd->add_option("--category", l->category, "only this category");
    list_cmd->add_flag("--all", l->all, "removed entries too");
    list_cmd->callback([&app, l] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            std::optional<cp::StopCategory> category;
            if (!l->category.empty()) {
                auto c = Category(l->category);
                if (!c) return std::unexpected(c.error());
                category = *c;
            }
            cp::StopList list(db, app.clock);
            auto entries = list.List(category, l->all);
            if (!entries) return std::unexpected(entries.error());
            if (auto ok = ShowStops(app, db, &*entries); !ok) return ok;
            PrintStops(app, *entries);
            return {};
        });
    });

    struct ImportArgs {
        std::string file, category = "do_not_disturb", until;
    };
    auto im = std::make_shared<ImportArgs>();
    auto* import = dnc->add_subcommand("import", "add the numbers of a file, one per line");
    import->add_option("file", im->file, "a text file, one number per line")->required();
    import->add_option("--category", im->category, "the category for all of them")
        ->capture_default_str();
    import->add_option("--until", im->until, "not_now: until this date, 31.12.2026");
    import->callback([&app, im] {
        auto tools = LoadPhoneTools(app);
    if (!tools) return app.Report(tools.error());
    WithStore(app, [&](store::Store& db) -> Result<void> {
        auto category = Category(im->category);
        if (!category) return std::unexpected(category.error());
        auto until = ParseOptionalTime(app, im->until, "--until");
        if (!until) return std::unexpected(until.error());
        // A picture, an archive or a workbook is refused as `import contacts`
        // refuses one, before any line is read as a number.
        if (auto text = ingest::CheckTextFile(im->file); !text) {
            return std::unexpected(text.error());
        }
        cp::StopList list(db, app.clock);
        auto report = list.Import(im->file, *category, *until, *tools->cleaner, app.actor);
        if (!report) return std::unexpected(report.error());
        if (app.json) {
            fmt::print("{}\n", JsonText(api::StopImportJson(*report)));
            return {};
        }
        for (const auto& e : report->errors) {
            auto shown = ShownText(app, db, e);
            if (!shown) return std::unexpected(shown.error());
            fmt::print(stderr, "  {}\n", *shown);
        }
        fmt::print("read {}, added {}, already listed {}, rejected {}\n", report->read,
                   report->added, report->already, report->rejected);
        return {};
    });
});
}  // namespace

std::string SmsLogPath() {
    const char* env = std::getenv("CALLBASE_SMS_LOG");
    return env && *env ? env : "sms-outbox.log";
}

void RegisterConsent(CLI::App& cli, App& app) {
    auto* consent = cli.add_subcommand("consent", "consents per number and purpose");
    consent->require_subcommand(1);

    struct AddArgs {
        std::string phone, purpose, channel, at, form_id, ip, user_agent;
        int text_version = 0;
    };
    auto a = std::make_shared<AddArgs>();
    auto* add = consent->add_subcommand("add", "record a consent");
    add->add_option("phone", a->phone, "the number, any spelling")->required();
    add->add_option("--purpose", a->purpose, "service, marketing or a purpose you added")
        ->required();
    add->add_option("--channel", a->channel, "web_form, call, paper, sms or import")->required();
    add->add_option("--at", a->at, "when it was obtained (default: now)");
    add->add_option("--text-version", a->text_version, "the text agreed to (default: latest)");
    add->add_option("--form-id", a->form_id, "proof: the web form's id");
    add->add_option("--ip", a->ip, "proof: the IP address it came from");
    add->add_option("--user-agent", a->user_agent, "proof: the browser");
    add->callback([&app, a] {
        WithPhone(app, a->phone,
                  [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                      cp::ConsentInput in{e164,         a->purpose,  app.clock.Now(), a->channel,
                                          std::nullopt, a->form_id,  a->ip,           a->user_agent,
                                          std::nullopt, std::nullopt};
                      if (!a->at.empty()) {
                          auto at = ParseTime(app, a->at, "--at");
                          if (!at) return std::unexpected(at.error());
                          in.obtained_at = *at;
                      }
                      if (a->text_version > 0) in.text_version = a->text_version;
                      cp::Consents consents(db, app.clock);
                      auto id = consents.Add(in, app.actor);
                      if (!id) return std::unexpected(id.error());
                      auto shown = ShownNumber(app, db, e164);
                      if (!shown) return std::unexpected(shown.error());
                      if (app.json)
                          fmt::print("{}\n", JsonText(json{{"id", *id}, {"e164", *shown}}));
                      else
                          fmt::print("consent #{} recorded: {} for {}\n", *id, *shown, a->purpose);
                      return {};
                  });
    });

    struct RevokeArgs {
        std::string phone, purpose, how;
    };
    auto r = std::make_shared<RevokeArgs>();
    auto* revoke = consent->add_subcommand("revoke", "record that a consent was withdrawn");
    revoke->add_option("phone", r->phone, "the number, any spelling")->required();
    revoke->add_option("--purpose", r->purpose, "the purpose")->required();
    revoke->add_option("--how", r->how, "how the person withdrew it")->required();
    revoke->callback([&app, r] {
        WithPhone(app, r->phone,
                  [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                      cp::Consents consents(db, app.clock);
                      auto n = consents.Revoke(e164, r->purpose, r->how, app.actor);
                      if (!n) return std::unexpected(n.error());
                      auto shown = ShownNumber(app, db, e164);
                      if (!shown) return std::unexpected(shown.error());
                      if (app.json)
                          fmt::print("{}\n", JsonText(json{{"e164", *shown}, {"revoked", *n}}));
                      else
                          fmt::print("consent for {} revoked: {}\n", r->purpose, *shown);
                      return {};
                  });
    });

    auto show_phone = std::make_shared<std::string>();
    auto* show = consent->add_subcommand("show", "every consent record of a number");
    show->add_option("phone", *show_phone, "the number, any spelling")->required();
    show->callback([&app, show_phone] {
        WithPhone(
            app, *show_phone,
            [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                cp::Consents consents(db, app.clock);
                auto all = consents.ForNumber(e164);
                if (!all) return std::unexpected(all.error());
                auto shown = ShownNumber(app, db, e164);
                if (!shown) return std::unexpected(shown.error());
                if (app.json) {
                    json out = json::array();
                    for (auto c : *all) {
                        c.e164 = *shown;
                        out.push_back(ConsentJson(c));
                    }
                    fmt::print("{}\n", JsonText(out));
                    return {};
                }
                if (all->empty()) {
                    fmt::print("{} has no consent records\n", *shown);
                    return {};
                }
                Table t({"id", "purpose", "obtained", "channel", "text", "proof", "revoked"});
                for (const auto& c : *all) {
                    std::string proof = c.form_id.empty() ? "" : "form " + c.form_id;
                    if (!c.ip.empty()) proof += (proof.empty() ? "" : ", ") + c.ip;
                    if (c.sms_confirmed_at)
                        proof +=
                            (proof.empty() ? "" : ", ") +
                            fmt::format("SMS code confirmed {}", LocalTime(*c.sms_confirmed_at));
                    t.Add({std::to_string(c.id), c.purpose, LocalTime(c.obtained_at), c.channel,
                           c.text_version ? fmt::format("v{}", *c.text_version) : "", proof,
                           c.revoked_at ? LocalTime(*c.revoked_at) + ": " + c.revoked_how : ""});
                }
                t.Print();
                return {};
            });
    });

    struct RequestArgs {
        std::string phone, purpose, sms_log = SmsLogPath();
    };
    auto rq = std::make_shared<RequestArgs>();
    auto* request =
        consent->add_subcommand("request", "double opt-in: send a confirmation code by SMS");
    request->add_option("phone", rq->phone, "the number, any spelling")->required();
    request->add_option("--purpose", rq->purpose, "the purpose")->required();
    request
        ->add_option("--sms-log", rq->sms_log,
                     "where the SMS go (a log file; default $CALLBASE_SMS_LOG or "
                     "./sms-outbox.log)")
        ->capture_default_str();
    request->callback([&app, rq] {
        WithPhone(app, rq->phone,
                  [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                      cp::LogSmsSender sender(rq->sms_log, app.clock);
                      cp::Consents consents(db, app.clock);
                      auto req = consents.Request(e164, rq->purpose, sender, app.actor);
                      if (!req) return std::unexpected(req.error());
                      auto shown = ShownNumber(app, db, e164);
                      if (!shown) return std::unexpected(shown.error());
                      if (app.json) {
                          fmt::print("{}\n", JsonText(json{{"request", req->id},
                                                           {"e164", *shown},
                                                           {"expires_at", req->expires_at}}));
                      } else {
                          fmt::print("code sent to {} (request #{}); it expires {}\n", *shown,
                                     req->id, LocalTime(req->expires_at));
                      }
                      return {};
                  });
    });

    auto cf = std::make_shared<std::pair<std::string, std::string>>();
    auto* confirm = consent->add_subcommand("confirm", "double opt-in: check the code");
    confirm->add_option("phone", cf->first, "the number, any spelling")->required();
    confirm->add_option("code", cf->second, "the six digits of the SMS")->required();
    confirm->callback([&app, cf] {
        WithPhone(app, cf->first,
                  [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                      cp::Consents consents(db, app.clock);
                      auto id = consents.Confirm(e164, cf->second, app.actor);
                      if (!id) return std::unexpected(id.error());
                      auto shown = ShownNumber(app, db, e164);
                      if (!shown) return std::unexpected(shown.error());
                      if (app.json)
                          fmt::print("{}\n", JsonText(json{{"consent", *id}, {"e164", *shown}}));
                      else
                          fmt::print("confirmed: consent #{} for {}\n", *id, *shown);
                      return {};
                  });
    });

    auto* purpose = consent->add_subcommand("purpose", "the purposes consent is asked for");
    purpose->require_subcommand(1);
    purpose->add_subcommand("list", "list purposes and their latest text version")
        ->callback([&app] {
            WithStore(app, [&](store::Store& db) -> Result<void> {
                cp::Consents consents(db, app.clock);
                auto all = consents.Purposes();
                if (!all) return std::unexpected(all.error());
                json out = json::array();
                Table t({"purpose", "description", "text", "kind"});
                for (const auto& p : *all) {
                    out.push_back({{"name", p.name},
                                   {"description", p.description},
                                   {"builtin", p.builtin},
                                   {"latest_text", p.latest_text}});
                    t.Add({p.name, p.description,
                           p.latest_text ? fmt::format("v{}", p.latest_text) : "none",
                           p.builtin ? "built in" : "added"});
                }
                if (app.json)
                    fmt::print("{}\n", JsonText(out));
                else
                    t.Print();
                return {};
            });
        });
    auto pa = std::make_shared<std::pair<std::string, std::string>>();
    auto* purpose_add = purpose->add_subcommand("add", "add a purpose");
    purpose_add->add_option("name", pa->first, "lower-case name, e.g. survey")->required();
    purpose_add->add_option("--description", pa->second, "what the calls are for");
    purpose_add->callback([&app, pa] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            cp::Consents consents(db, app.clock);
            if (auto ok = consents.AddPurpose(pa->first, pa->second); !ok) return ok;
            fmt::print("{}\n", app.json ? JsonText(json{{"purpose", pa->first}})
                                        : "added purpose " + pa->first);
            return {};
        });
    });

    auto ta = std::make_shared<std::pair<std::string, std::string>>();
    auto* text = consent->add_subcommand("text", "the consent texts, versioned per purpose");
    text->require_subcommand(1);
    auto* text_add = text->add_subcommand("add", "record a new version of a purpose's text");
    text_add->add_option("purpose", ta->first, "the purpose")->required();
    text_add->add_option("file", ta->second, "a UTF-8 text file")->required();
    text_add->callback([&app, ta] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            std::ifstream in(ta->second);
            if (!in) {
                return Fail(ErrorCode::kNotFound, fmt::format("cannot read {}", ta->second),
                            "check the path");
            }
            std::stringstream body;
            body << in.rdbuf();
            cp::Consents consents(db, app.clock);
            auto version = consents.AddText(ta->first, body.str());
            if (!version) return std::unexpected(version.error());
            if (app.json)
                fmt::print("{}\n", JsonText(json{{"purpose", ta->first}, {"version", *version}}));
            else
                fmt::print("{}: text version {} recorded\n", ta->first, *version);
            return {};
        });
    });
}

void RegisterCanCall(CLI::App& cli, App& app) {
    struct Args {
        std::string phone, purpose, at, registry_dir;
    };
    auto a = std::make_shared<Args>();
    auto* can = cli.add_subcommand("can-call", "may this number be called now, and if not, why");
    can->add_option("phone", a->phone, "the number, any spelling")->required();
    can->add_option("--purpose", a->purpose, "service, marketing or a purpose you added")
        ->required();
    can->add_option(
        "--at", a->at,
        "decide for this time instead of now: 23.11.2026 10:00 (call center's time) or ISO");
    can->add_option("--registry-dir", a->registry_dir,
                    "where the registries are (default: $CALLBASE_REGISTRY_DIR, else beside "
                    "the database)");
    can->callback([&app, a] {
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        auto cleaned = tools->cleaner->Clean(a->phone);
        if (!cleaned.valid()) {
            return app.Report(
                {ErrorCode::kInvalidInput,
                 fmt::format("'{}' is not a phone number: {}", a->phone, cleaned.reason),
                 "write it in any usual spelling, e.g. 8 916 123-45-67"});
        }
        WithStore(app, [&](store::Store& db) -> Result<void> {
            UnixSeconds at = app.clock.Now();
            if (!a->at.empty()) {
                auto t = ParseTime(app, a->at, "--at");
                if (!t) return std::unexpected(t.error());
                at = *t;
            }
            // A purpose the base does not know would be judged as one that
            // needs consent: "may NOT be called" for a typo. Refused instead.
            if (auto ok = KnownPurpose(db, app, a->purpose); !ok) return ok;
            auto rules = cp::LoadRules(db);
            if (!rules) return std::unexpected(rules.error());
            const std::string dir = RegistryDir(app, a->registry_dir);
            std::shared_ptr<cp::RegistryCatalog> catalog;
            auto state = cp::LoadNumberState(db, cleaned.e164, cleaned.utc_offset_minutes, at,
                                             cp::CatalogCheck(db, dir, catalog));
            if (!state) return std::unexpected(state.error());
            auto d = cp::DialGate::Check(*state, a->purpose, at, *rules);
            auto shown = ShownNumber(app, db, cleaned.e164);
            if (!shown) return std::unexpected(shown.error());
            for (auto& r : d.reasons) {
                auto detail = ShownText(app, db, r.detail);
                if (!detail) return std::unexpected(detail.error());
                r.detail = *detail;
            }
            if (app.json) {
                json reasons = json::array();
                for (const auto& r : d.reasons)
                    reasons.push_back(
                        {{"reason", cp::DenyReasonId(r.reason)}, {"detail", r.detail}});
                fmt::print("{}\n", JsonText(json{{"e164", *shown},
                                                 {"purpose", a->purpose},
                                                 {"at", at},
                                                 {"allowed", d.allowed},
                                                 {"reasons", reasons},
                                                 {"earliest", OptionalTime(d.earliest)},
                                                 {"utc_offset_assumed", d.offset_assumed}}));
                return {};
            }
            fmt::print("{} {} for {} at {}\n", *shown,
                       d.allowed ? "may be called" : "may NOT be called", a->purpose,
                       LocalTime(at));
            for (const auto& r : d.reasons)
                fmt::print("  - {}{}\n", cp::DenyReasonId(r.reason),
                           r.detail.empty() ? "" : ": " + r.detail);
            if (!d.allowed) {
                fmt::print("  earliest: {}\n",
                           d.earliest ? LocalTime(*d.earliest)
                                      : "never by itself (a reason above must be cleared)");
            }
            if (d.offset_assumed) {
                fmt::print("  (the number's time zone is unknown: Moscow time assumed)\n");
            }
            return {};
        });
    });
}

void RegisterAttempts(CLI::App& cli, App& app) {
    struct Args {
        std::string phone, outcome, at;
    };
    auto a = std::make_shared<Args>();
    auto* attempts = cli.add_subcommand("attempts", "call attempts (campaigns record them)");
    attempts->require_subcommand(1);
    auto* record = attempts->add_subcommand("record", "record an attempt's outcome");
    record->add_option("phone", a->phone, "the number, any spelling")->required();
    record
        ->add_option("--outcome", a->outcome,
                     "answered, busy, no_answer, failed, invalid or rejected")
        ->required();
    record->add_option("--at", a->at, "when (default: now)");
    record->callback([&app, a] {
        WithPhone(
            app, a->phone,
            [&](store::Store& db, const std::string& e164, PhoneTools& tools) -> Result<void> {
                UnixSeconds at = app.clock.Now();
                if (!a->at.empty()) {
                    auto t = ParseTime(app, a->at, "--at");
                    if (!t) return std::unexpected(t.error());
                    at = *t;
                }
                auto offset = tools.cleaner->Clean(e164).utc_offset_minutes;
                cp::Attempts log(db, app.clock);
                auto r = log.Record(e164, at, a->outcome, offset, app.actor);
                if (!r) return std::unexpected(r.error());
                // An operator sees the number it has just had contact with, for 24 hours.
                if (app.user_id != 0) {
                    auto ok = db.Exec(
                        "INSERT INTO operator_access (user_id, e164, last_contact_at) VALUES ($1, "
                        "$2, "
                        "$3) ON CONFLICT (user_id, e164) DO UPDATE SET last_contact_at = $3",
                        {app.user_id, store::PhoneKey(db, e164), at});
                    if (!ok) return std::unexpected(ok.error());
                }
                if (app.json) {
                    fmt::print("{}\n", JsonText(json{{"id", r->id},
                                                     {"failed_days", r->failed_days},
                                                     {"became_inactive", r->became_inactive}}));
                } else {
                    auto shown = ShownNumber(app, db, e164);
                    if (!shown) return std::unexpected(shown.error());
                    fmt::print("recorded #{}: {} {}{}\n", r->id, *shown, a->outcome,
                               r->became_inactive
                                   ? fmt::format(" — {} failed days: the number is "
                                                 "now inactive and on the review list",
                                                 r->failed_days)
                                   : "");
                }
                return {};
            });
    });

    auto* inactive = cli.add_subcommand("inactive", "the review list of inactive numbers");
    inactive->require_subcommand(1);
    auto all = std::make_shared<bool>(false);
    auto* list = inactive->add_subcommand("list", "numbers waiting for review");
    list->add_flag("--all", *all, "reviewed ones too");
    list->callback([&app, all] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            cp::Attempts log(db, app.clock);
            auto items = log.ReviewList(!*all);
            if (!items) return std::unexpected(items.error());
            json out = json::array();
            Table t({"number", "since", "reason", "reviewed"});
            for (auto i : *items) {
                auto shown = ShownNumber(app, db, i.e164);
                if (!shown) return std::unexpected(shown.error());
                i.e164 = *shown;
                out.push_back(api::ReviewItemJson(i));
                t.Add({i.e164, LocalTime(i.since), i.reason,
                       i.reviewed_at ? fmt::format("{} by {}: {}", LocalTime(*i.reviewed_at),
                                                   i.reviewed_by, i.decision)
                                     : ""});
            }
            if (app.json)
                fmt::print("{}\n", JsonText(out));
            else if (items->empty())
                fmt::print("no number waits for review\n");
            else
                t.Print();
            return {};
        });
    });
    auto rv = std::make_shared<std::pair<std::string, std::string>>();
    auto* review = inactive->add_subcommand("review", "decide on an inactive number");
    review->add_option("phone", rv->first, "the number, any spelling")->required();
    review->add_option("--decision", rv->second, "reactivate or keep")->required();
    review->callback([&app, rv] {
        WithPhone(app, rv->first,
                  [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                      cp::Attempts log(db, app.clock);
                      if (auto ok = log.Review(e164, rv->second, app.actor); !ok) return ok;
                      auto shown = ShownNumber(app, db, e164);
                      if (!shown) return std::unexpected(shown.error());
                      fmt::print("{}\n", app.json ? JsonText(json{{"e164", *shown},
                                                                  {"decision", rv->second}})
                                                  : fmt::format("{}: {}", *shown, rv->second));
                      return {};
                  });
    });
}

void RegisterDeletion(CLI::App& cli, App& app) {
    auto* deletion = cli.add_subcommand("deletion", "requests to delete personal data (152-FZ)");
    deletion->require_subcommand(1);

    struct RequestArgs {
        std::string phone, channel, note;
    };
    auto a = std::make_shared<RequestArgs>();
    auto* request = deletion->add_subcommand(
        "request", "take a request: the number is inactive and not called from now on");
    request->add_option("phone", a->phone, "the number, any spelling")->required();
    request->add_option("--channel", a->channel, "email, call, web or letter")->required();
    request->add_option("--note", a->note, "where the request is (letter no., e-mail subject)");
    request->callback([&app, a] {
        WithPhone(app, a->phone,
                  [&](store::Store& db, const std::string& e164, PhoneTools&) -> Result<void> {
                      cp::Deletions deletions(db, app.clock);
                      auto id = deletions.Request(e164, a->channel, a->note, app.actor);
                      if (!id) return std::unexpected(id.error());
                      auto shown = ShownNumber(app, db, e164);
                      if (!shown) return std::unexpected(shown.error());
                      if (app.json)
                          fmt::print("{}\n", JsonText(json{{"id", *id}, {"e164", *shown}}));
                      else
                          fmt::print(
                              "deletion request #{} taken: {} is inactive and will not be called; "
                              "run `callbase deletion process` to delete the data\n",
                              *id, *shown);
                      return {};
                  });
    });

    deletion->add_subcommand("process", "delete the data of every pending request")
        ->callback([&app] {
            WithStore(app, [&](store::Store& db) -> Result<void> {
                cp::Deletions deletions(db, app.clock);
                auto done = deletions.Process(app.actor);
                if (!done) return std::unexpected(done.error());
                if (app.json)
                    fmt::print("{}\n", JsonText(json{{"processed", *done}}));
                else
                    fmt::print("processed {} request(s)\n", done->size());
                return {};
            });
        });

    auto status_id = std::make_shared<std::string>();
    auto* status = deletion->add_subcommand("status", "a request and each step taken");
    status->add_option("id", *status_id, "the request id")->required();
    status->callback([&app, status_id] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto id = ParseId(*status_id, "request");
            if (!id) return std::unexpected(id.error());
            cp::Deletions deletions(db, app.clock);
            auto d = deletions.Status(*id);
            if (!d) return std::unexpected(d.error());
            auto shown = ShownNumber(app, db, d->e164);
            if (!shown) return std::unexpected(shown.error());
            d->e164 = *shown;
            if (app.json) {
                fmt::print("{}\n", JsonText(DeletionJson(*d)));
                return {};
            }
            fmt::print("request #{}: {} via {}, received {} by {} — {}\n", d->id, d->e164,
                       d->channel, LocalTime(d->received_at), d->received_by, d->status);
            fmt::print("archives and backups: {}\n",
                       d->archives_done_at ? "cleared " + LocalTime(*d->archives_done_at)
                                           : "due by " + LocalTime(d->archives_due_at));
            for (const auto& s : d->steps) {
                auto detail = ShownText(app, db, s.detail);
                if (!detail) return std::unexpected(detail.error());
                fmt::print("  {}  {}: {}\n", LocalTime(s.at), s.step, *detail);
            }
            return {};
        });
    });

    auto range = std::make_shared<std::pair<std::string, std::string>>();
    auto* report = deletion->add_subcommand("report",
                                            "requests received in a period (for the "
                                            "regulator)");
    report->add_option("--from", range->first,
                       "first day, 01.01.2026 or 2026-01-01 (default: 1 year ago)");
    report->add_option("--to", range->second, "day after the last, as --from (default: tomorrow)");
    report->callback([&app, range] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            UnixSeconds now = app.clock.Now();
            auto from = ParseOptionalTime(app, range->first, "--from");
            if (!from) return std::unexpected(from.error());
            auto to = ParseOptionalTime(app, range->second, "--to");
            if (!to) return std::unexpected(to.error());
            cp::Deletions deletions(db, app.clock);
            auto all =
                deletions.Report(from->value_or(now - 365 * 86400), to->value_or(now + 86400));
            if (!all) return std::unexpected(all.error());
            json out = json::array();
            Table t({"id", "number", "received", "via", "status", "processed", "days", "archives"});
            for (auto d : *all) {
                auto shown = ShownNumber(app, db, d.e164);
                if (!shown) return std::unexpected(shown.error());
                d.e164 = *shown;
                out.push_back(DeletionJson(d));
                t.Add({std::to_string(d.id), d.e164, LocalTime(d.received_at), d.channel, d.status,
                       d.processed_at ? LocalTime(*d.processed_at) : "",
                       d.processed_at ? std::to_string((*d.processed_at - d.received_at) / 86400)
                                      : std::to_string((now - d.received_at) / 86400) + " (open)",
                       d.archives_done_at ? "cleared" : "due " + LocalTime(d.archives_due_at)});
            }
            if (app.json)
                fmt::print("{}\n", JsonText(out));
            else
                t.Print();
            return {};
        });
    });

    auto done_id = std::make_shared<std::string>();
    auto* archives = deletion->add_subcommand(
        "archives-done", "confirm the copies in archives and backups are deleted too");
    archives->add_option("id", *done_id, "the request id")->required();
    archives->callback([&app, done_id] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto id = ParseId(*done_id, "request");
            if (!id) return std::unexpected(id.error());
            cp::Deletions deletions(db, app.clock);
            if (auto ok = deletions.ArchivesDone(*id, app.actor); !ok) return ok;
            fmt::print("{}\n", app.json ? JsonText(json{{"id", *id}, {"archives_done", true}})
                                        : fmt::format("request #{}: archives cleared", *id));
            return {};
        });
    });

    auto notice = std::make_shared<std::pair<std::string, std::string>>("", "ru");
    auto* notice_cmd = deletion->add_subcommand("notice", "the notice to send to the person");
    notice_cmd->add_option("id", notice->first, "the request id")->required();
    notice_cmd->add_option("--lang", notice->second, "ru or en")->capture_default_str();
    notice_cmd->callback([&app, notice] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto id = ParseId(notice->first, "request");
            if (!id) return std::unexpected(id.error());
            if (notice->second != "ru" && notice->second != "en") {
                return Fail(ErrorCode::kInvalidInput,
                            fmt::format("no notice in '{}'", notice->second), "use ru or en");
            }
            cp::Deletions deletions(db, app.clock);
            auto d = deletions.Status(*id);
            if (!d) return std::unexpected(d.error());
            auto shown = ShownNumber(app, db, d->e164);
            if (!shown) return std::unexpected(shown.error());
            d->e164 = *shown;
            std::string text = cp::DeletionNotice(*d, notice->second);
            if (app.json)
                fmt::print("{}\n", JsonText(json{{"id", *id}, {"text", text}}));
            else
                fmt::print("{}", text);
            return {};
        });
    });
}

void RegisterRules(CLI::App& cli, App& app) {
    auto* rules = cli.add_subcommand("rules", "the calling rules the dial gate enforces");
    rules->require_subcommand(1);
    rules->add_subcommand("show", "the rules in force")->callback([&app] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            auto r = cp::LoadRules(db);
            if (!r) return std::unexpected(r.error());
            if (app.json) {
                fmt::print("{}\n", cp::RulesJson(*r));
                return {};
            }
            json j = json::parse(cp::RulesJson(*r));
            for (auto& [key, value] : j.items())
                fmt::print("{:28} {}\n", key,
                           value.is_string() ? value.get<std::string>() : JsonText(value));
            return {};
        });
    });
    // rules set: flags for people, a JSON object for scripts (the shape `rules
    // show --json` prints); both may be given, the flags win.
    struct SetArgs {
        std::string json, window, weekdays, timezone;
        std::vector<std::string> purposes;
        int max_attempts = 0, attempt_period_days = 0, min_gap_minutes = 0;
    };
    auto sa = std::make_shared<SetArgs>();
    auto* set = rules->add_subcommand(
        "set", "change rules: the flags given, or a JSON object of the ones to change");
    set->add_option("json", sa->json, R"(e.g. '{"window_start": "10:00", "max_attempts": 2}')");
    set->add_option("--window", sa->window, "the calling window in the callee's time: 09:00-20:00");
    set->add_option("--weekdays", sa->weekdays,
                    "the days calls are allowed: mon-fri, mon,wed,fri, пн-пт, пн-сб");
    set->add_option("--timezone", sa->timezone,
                    "the call center's zone, also assumed for numbers of unknown zone: +03:00, "
                    "UTC+7, МСК+4 or Europe/Moscow");
    set->add_option("--max-attempts", sa->max_attempts,
                    "attempts a number in a period (0: no cap)");
    set->add_option("--attempt-period-days", sa->attempt_period_days,
                    "the period of --max-attempts, in days");
    set->add_option("--min-gap-minutes", sa->min_gap_minutes,
                    "minutes after an attempt before the next one");
    set->add_option("--purposes-without-consent", sa->purposes,
                    "purposes that need no consent, comma-separated (service)")
        ->delimiter(',');
    set->callback([&app, sa, set] {
        auto given = [&](const char* name) { return set->get_option(name)->count() > 0; };
        json j = json::object();
        if (!sa->json.empty()) {
            j = json::parse(sa->json, nullptr, false);
            if (j.is_discarded() || !j.is_object()) {
                return app.Report({ErrorCode::kInvalidInput,
                                   fmt::format("rules set: '{}' is not a JSON object", sa->json),
                                   "give flags (--window 09:00-20:00 --weekdays mon-fri) or a "
                                   "JSON object as `callbase rules show --json` prints it"});
            }
        }
        if (given("--window")) {
            const size_t dash = sa->window.find('-');
            auto from = ParseClockTime(sa->window.substr(0, dash), "--window");
            auto to = ParseClockTime(dash == std::string::npos ? "" : sa->window.substr(dash + 1),
                                     "--window");
            if (!from || !to) {
                return app.Report({ErrorCode::kInvalidInput,
                                   fmt::format("--window '{}' is not HH:MM-HH:MM", sa->window),
                                   "e.g. --window 09:00-20:00 (the callee's local time)"});
            }
            j["window_start"] = FormatClockTime(*from);
            j["window_end"] = FormatClockTime(*to);
        }
        if (given("--weekdays")) {
            auto days = ParseWeekdaySet(sa->weekdays, "--weekdays");
            if (!days) return app.Report(days.error());
            json list = json::array();
            for (int d = 0; d < 7; ++d)
                if (*days >> d & 1) list.push_back(std::string(kWeekdayIds[d]));
            j["weekdays"] = list;
        }
        if (given("--timezone")) {
            auto offset = ParseUtcOffset(sa->timezone, "--timezone");
            if (!offset && sa->timezone.find('/') != std::string::npos) {
                // An IANA name: Russia's zones, from the numbering plan's table.
                auto table =
                    phone::RegionTable::Load(app.data_dir + "/numbering/region-timezones.csv");
                if (!table) return app.Report(table.error());
                if (auto known = table->OffsetOfTimezone(contacts::Trim(sa->timezone))) {
                    offset = *known;
                }
            }
            if (!offset) return app.Report(offset.error());
            j["default_utc_offset_minutes"] = *offset;
        }
        if (given("--max-attempts")) j["max_attempts"] = sa->max_attempts;
        if (given("--attempt-period-days")) j["attempt_period_days"] = sa->attempt_period_days;
        if (given("--min-gap-minutes")) j["min_gap_minutes"] = sa->min_gap_minutes;
        if (given("--purposes-without-consent")) {
            std::vector<std::string> purposes;
            for (const auto& p : sa->purposes)
                if (!contacts::Trim(p).empty()) purposes.push_back(contacts::Trim(p));
            j["purposes_without_consent"] = purposes;
        }
        if (j.empty()) {
            return app.Report({ErrorCode::kInvalidInput, "rules set: nothing to change",
                               "give the rules to change, e.g. `callbase rules set --window "
                               "09:00-20:00 --weekdays mon-fri`; run `callbase rules set --help`"});
        }
        WithStore(app, [&](store::Store& db) -> Result<void> {
            // Purposes must be ones the base knows (a typo would need consent
            // for nothing, or exempt nothing).
            if (j.contains("purposes_without_consent") &&
                j["purposes_without_consent"].is_array()) {
                for (const auto& p : j["purposes_without_consent"]) {
                    if (!p.is_string()) continue;
                    if (auto ok = KnownPurpose(db, app, p.get<std::string>()); !ok) return ok;
                }
            }
            auto r = cp::SaveRulesJson(db, JsonText(j), app.actor, app.clock);
            if (!r) return std::unexpected(r.error());
            if (app.json) {
                fmt::print("{}\n", cp::RulesJson(*r));
                return {};
            }
            std::string days;
            for (int d = 0; d < 7; ++d)
                if (r->weekdays >> d & 1)
                    days += (days.empty() ? "" : ",") + std::string(kWeekdayIds[d]);
            fmt::print("rules saved: calls {}-{} on {}, call center's zone UTC{}\n",
                       FormatClockTime(r->window_start_minute),
                       FormatClockTime(r->window_end_minute), days,
                       FormatUtcOffset(r->default_utc_offset_minutes));
            return {};
        });
    });
    auto* holiday = rules->add_subcommand("holiday", "public holidays: no calls on these days");
    holiday->require_subcommand(1);
    auto h = std::make_shared<std::pair<std::string, std::string>>();
    auto* hadd = holiday->add_subcommand("add", "add a holiday");
    hadd->add_option("date", h->first, "the day: 07.01.2027 or 2027-01-07")->required();
    hadd->add_option("--name", h->second, "its name");
    hadd->callback([&app, h] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            if (auto ok = cp::AddHoliday(db, h->first, h->second); !ok) return ok;
            fmt::print("{}\n", app.json ? JsonText(json{{"holiday", h->first}})
                                        : "holiday added: " + h->first);
            return {};
        });
    });
    auto hr = std::make_shared<std::string>();
    auto* hremove = holiday->add_subcommand("remove", "remove a holiday");
    hremove->add_option("date", *hr, "the day: 07.01.2027 or 2027-01-07")->required();
    hremove->callback([&app, hr] {
        WithStore(app, [&](store::Store& db) -> Result<void> {
            if (auto ok = cp::RemoveHoliday(db, *hr); !ok) return ok;
            fmt::print("{}\n",
                       app.json ? JsonText(json{{"removed", *hr}}) : "holiday removed: " + *hr);
            return {};
        });
    });
}

}  // namespace callbase::cli

void RegisterComplianceCommands(CLI::App& cli, App& app) {
    RegisterDnc(cli, app);
    RegisterConsent(cli, app);
    RegisterCanCall(cli, app);
    RegisterAttempts(cli, app);
    RegisterDeletion(cli, app);
    RegisterRules(cli, app);
}

}  // namespace callbase::cli
