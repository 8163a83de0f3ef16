// callbase report health: the base health audit (seed 002) as a table for people
// or JSON for scripts. The action texts follow --lang (ru|en, default from $LANG).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli/app.h"
#include "cli/text_table.h"
#include "contacts/health.h"
#include "core/json_text.h"

namespace callbase::cli {
namespace {

std::string DefaultLang() {
    const char* lang = std::getenv("LANG");
    return lang && std::string_view(lang).starts_with("ru") ? "ru" : "en";
}

}  // namespace

void RegisterReportCommands(CLI::App& cli, App& app) {
    auto* report = cli.add_subcommand("report", "reports on the base");
    report->require_subcommand(1);
    auto lang = std::make_shared<std::string>(DefaultLang());
    auto* health = report->add_subcommand(
        "health", "base health: non-working and duplicate numbers, idle records, contact rate");
    health->add_option("--lang", *lang, "language of the actions: ru or en (default from $LANG)")
        ->check(CLI::IsMember({"ru", "en"}));
    health->callback([&app, lang] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::BaseHealth base(**db, app.clock);
        auto r = base.Compute();
        if (!r) return app.Report(r.error());
        bool ru = *lang == "ru";
        if (app.json) {
            nlohmann::json metrics = nlohmann::json::array();
            for (const auto& m : r->metrics) {
                nlohmann::json j{{"id", m.id},
                                 {"name", ru ? m.name_ru : m.name_en},
                                 {"count", m.count},
                                 {"total", m.total},
                                 {"target", m.target},
                                 {"status", contacts::VerdictName(m.verdict)},
                                 {"action", ru ? m.action_ru : m.action_en},
                                 {"action_ru", m.action_ru},
                                 {"action_en", m.action_en}};
                j["percent"] = m.verdict == contacts::HealthVerdict::kNotApplicable
                                   ? nlohmann::json(nullptr)
                                   : nlohmann::json(std::round(m.percent * 100) / 100);
                if (!m.note.empty()) j["note"] = m.note;
                metrics.push_back(std::move(j));
            }
            fmt::print("{}\n", JsonText(nlohmann::json{{"at", r->at},
                                                       {"contacts", r->contacts},
                                                       {"merged_contacts", r->merged_contacts},
                                                       {"phones", r->phones},
                                                       {"metrics", metrics}}));
            return;
        }
        fmt::print("Base health: {} contacts ({} merged into others), {} phones\n\n", r->contacts,
                   r->merged_contacts, r->phones);
        Table t({"metric", "value", "count/total", "target", "status"});
        for (const auto& m : r->metrics) {
            bool na = m.verdict == contacts::HealthVerdict::kNotApplicable;
            t.Add({ru ? m.name_ru : m.name_en, na ? "n/a" : fmt::format("{:.1f} %", m.percent),
                   na ? m.note : fmt::format("{}/{}", m.count, m.total), m.target,
                   std::string(contacts::VerdictName(m.verdict))});
        }
        t.Print();
        bool any = false;
        for (const auto& m : r->metrics) {
            if (m.verdict != contacts::HealthVerdict::kFail) continue;
            if (!any) fmt::print("\n{}\n", ru ? "Что сделать:" : "What to do:");
            any = true;
            fmt::print("  - {}: {}\n", ru ? m.name_ru : m.name_en, ru ? m.action_ru : m.action_en);
        }
    });
}

}  // namespace callbase::cli
