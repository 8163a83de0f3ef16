// callbase staffing: the staffing forecast (Erlang C, src/routing/erlang.h) for
// one interval's calls, or for a day's profile from a CSV or workbook
// (src/ingest/interval_forecast.h). Touches no base.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "api/json.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "contacts/text.h"
#include "core/clock_text.h"
#include "core/json_text.h"
#include "core/number_text.h"
#include "ingest/interval_forecast.h"
#include "routing/erlang.h"

namespace callbase::cli {
namespace {

using nlohmann::json;

struct StaffingArgs {
    std::string calls, interval, aht, target = "80/20", shrinkage, max_occupancy, max_asa;
    std::string profile;
};

// A number option; a text that is no number is the field's error (`field` is
// the forecast's name of it: "calls", "aht", ...).
Result<double> NumberArg(const std::string& text, std::string_view field) {
    if (auto v = ParseDecimal(text)) return *v;
    return std::unexpected(routing::StaffingFieldError(field, text));
}

// A share as people write it: 0.3, 0,3 or 30% (30 alone is refused: a share
// or a percent, not a guess between them). `example` is a share the option
// might take ("0.85").
Result<double> ShareArg(const std::string& text, std::string_view field, std::string_view option,
                        std::string_view example) {
    std::string t = contacts::Trim(text);
    const bool percent = t.ends_with('%');
    if (percent) t.pop_back();
    auto v = ParseDecimal(t);
    if (!v) return std::unexpected(routing::StaffingFieldError(field, text));
    if (!percent && *v > 1) {
        const double percent_example = *ParseDecimal(example) * 100;
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{} {}: give a share, at most 1, or a percent", option, text),
                    fmt::format("e.g. {} {} or {} {}%", option, example, option, percent_example));
    }
    return percent ? *v / 100 : *v;
}

// --target P/T: P percent of calls answered within T seconds ("80/20",
// "80%/20s", "92,5/15").
Result<std::pair<double, double>> TargetArg(const std::string& text) {
    auto wrong = [&] {
        return Fail(
            ErrorCode::kInvalidInput,
            fmt::format("--target {}: give the percent answered and the seconds, as 80/20", text),
            "80/20: 80 % of calls answered within 20 seconds");
    };
    const size_t slash = text.find('/');
    if (slash == std::string::npos) return wrong();
    std::string percent = contacts::Trim(text.substr(0, slash));
    std::string seconds = contacts::Trim(text.substr(slash + 1));
    if (percent.ends_with('%')) percent.pop_back();
    if (seconds.ends_with('s')) seconds.pop_back();
    if (seconds.ends_with("с")) seconds.resize(seconds.size() - std::string_view("с").size());
    auto p = ParseDecimal(percent);
    auto s = ParseDecimal(seconds);
    if (!p || !s) return wrong();
    if (*p < 1) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("--target {}: the target is a percent, not a share", text),
                    fmt::format("write --target {}/{}", *p * 100, seconds));
    }
    return std::pair{*p / 100, *s};
}

// The options common to one interval and a profile, into `in` (calls, AHT and
// the interval are set by the caller).
Result<void> TargetsInto(const StaffingArgs& args, routing::StaffingInput* in) {
    auto target = TargetArg(args.target);
    if (!target) return std::unexpected(target.error());
    in->target = target->first;
    in->threshold_seconds = target->second;
    if (!args.shrinkage.empty()) {
        auto v = ShareArg(args.shrinkage, "shrinkage", "--shrinkage", "0.3");
        if (!v) return std::unexpected(v.error());
        in->shrinkage = *v;
    }
    if (!args.max_occupancy.empty()) {
        auto v = ShareArg(args.max_occupancy, "max_occupancy", "--max-occupancy", "0.85");
        if (!v) return std::unexpected(v.error());
        in->max_occupancy = *v;
    }
    if (!args.max_asa.empty()) {
        auto v = NumberArg(args.max_asa, "max_asa");
        if (!v) return std::unexpected(v.error());
        in->max_asa_seconds = *v;
    }
    return {};
}

// A figure: "84.3 %", "73.0 %".
std::string Percent(double share) {
    return fmt::format("{:.1f} %", share * 100);
}
// A setting as it was given: "80 %", "92.5 %".
std::string Setting(double share) {
    return fmt::format("{} %", std::round(share * 1000) / 10);
}
std::string Seconds(double s) {
    return std::isfinite(s) ? fmt::format("{:.1f} s", s) : "∞";
}
std::string Number(double v) {
    return fmt::format("{}", v);
}

// "80 % within 20 s; occupancy at most 85 %; average wait at most 30 s; shrinkage 30 %"
std::string TargetsLine(const routing::StaffingInput& in) {
    std::string line =
        fmt::format("{} answered within {} s", Setting(in.target), Number(in.threshold_seconds));
    if (in.max_occupancy) line += fmt::format("; occupancy at most {}", Setting(*in.max_occupancy));
    if (in.max_asa_seconds) {
        line += fmt::format("; average wait at most {} s", Number(*in.max_asa_seconds));
    }
    line += fmt::format("; shrinkage {}", Setting(in.shrinkage));
    return line;
}

std::string Verdict(const routing::StaffingRow& row, int answer) {
    if (row.meets()) return row.agents == answer ? "meets every target  <- the answer" : "meets";
    if (!row.stable) return "the queue grows without end";
    std::string missed;
    if (row.misses_target) missed += "service level";
    if (row.misses_occupancy) missed += std::string(missed.empty() ? "" : ", ") + "occupancy";
    if (row.misses_asa) missed += std::string(missed.empty() ? "" : ", ") + "average wait";
    return "misses " + missed;
}

void PrintOne(const routing::Staffing& s) {
    const auto& in = s.input;
    fmt::print("{} calls an hour{}, AHT {} s: {:.2f} erlangs\n", Number(s.calls_per_hour),
               in.interval_minutes == 60 ? ""
                                         : fmt::format(" ({} in {} minutes)", Number(in.calls),
                                                       Number(in.interval_minutes)),
               Number(in.aht_seconds), s.traffic_erlangs);
    fmt::print("target: {}\n\n", TargetsLine(in));
    fmt::print("{} agents on the phones, {} staff to schedule\n", s.answer.agents,
               s.answer.scheduled);
    fmt::print("  service level {}, average wait {}, {} of callers wait, occupancy {}\n\n",
               Percent(s.answer.service_level), Seconds(s.answer.asa_seconds),
               Percent(s.answer.wait_probability), Percent(s.answer.occupancy));
    Table t({"agents", "staff", "service level", "ASA", "P(wait)", "occupancy", ""});
    for (const auto& row : s.rows) {
        t.Add({std::to_string(row.agents), std::to_string(row.scheduled),
               Percent(row.service_level), Seconds(row.asa_seconds), Percent(row.wait_probability),
               Percent(row.occupancy), Verdict(row, s.answer.agents)});
    }
    t.Print();
}

Result<void> RunOne(App& app, const StaffingArgs& args) {
    routing::StaffingInput in;
    if (args.calls.empty()) {
        return Fail(ErrorCode::kInvalidInput, "give --calls (calls an interval) or --profile FILE",
                    "e.g. callbase staffing --calls 300 --aht 180 --target 80/20");
    }
    if (args.aht.empty()) {
        return Fail(ErrorCode::kInvalidInput, "give --aht, the average handle time in seconds",
                    "e.g. callbase staffing --calls 300 --aht 180 --target 80/20");
    }
    auto calls = NumberArg(args.calls, "calls");
    if (!calls) return std::unexpected(calls.error());
    in.calls = *calls;
    auto aht = NumberArg(args.aht, "aht");
    if (!aht) return std::unexpected(aht.error());
    in.aht_seconds = *aht;
    if (!args.interval.empty()) {
        auto interval = NumberArg(args.interval, "interval");
        if (!interval) return std::unexpected(interval.error());
        in.interval_minutes = *interval;
    }
    if (auto ok = TargetsInto(args, &in); !ok) return ok;
    auto s = routing::Plan(in);
    if (!s) return std::unexpected(s.error());
    if (app.json) {
        fmt::print("{}\n", JsonText(api::StaffingJson(*s)));
    } else {
        PrintOne(*s);
    }
    return {};
}

Result<void> RunProfile(App& app, const StaffingArgs& args) {
    auto forecast = ingest::ReadIntervalForecast(args.profile);
    if (!forecast) return std::unexpected(forecast.error());
    const std::string& file = forecast->file;
    routing::StaffingInput base;
    if (auto ok = TargetsInto(args, &base); !ok) return ok;
    std::optional<double> aht;
    if (!args.aht.empty()) {
        auto v = NumberArg(args.aht, "aht");
        if (!v) return std::unexpected(v.error());
        aht = *v;
    }
    double interval = forecast->step_minutes > 0 ? forecast->step_minutes : 60;
    if (!args.interval.empty()) {
        auto v = NumberArg(args.interval, "interval");
        if (!v) return std::unexpected(v.error());
        if (forecast->step_minutes > 0 && *v > forecast->step_minutes) {
            return Fail(ErrorCode::kInvalidInput,
                        fmt::format("--interval {}: {} has intervals {} minutes apart, which "
                                    "would overlap",
                                    args.interval, file, forecast->step_minutes),
                        fmt::format("leave out --interval to take {} minutes, or give at most that",
                                    forecast->step_minutes));
        }
        interval = *v;
    }
    base.interval_minutes = interval;
    // Every row is planned or named: the rows without an AHT first, all at once.
    std::vector<std::string> problems;
    for (const auto& row : forecast->rows) {
        if (!row.aht_seconds && !aht) {
            problems.push_back(
                fmt::format("{}:{}: no AHT in the row and no --aht", file, row.line));
        }
    }
    if (!problems.empty()) {
        std::string message = fmt::format("{}: {} interval{} without an AHT", file, problems.size(),
                                          problems.size() == 1 ? "" : "s");
        for (size_t i = 0; i < problems.size() && i < 20; ++i)
            message += "\n  " + problems[i];
        if (problems.size() > 20) message += fmt::format("\n  … and {} more", problems.size() - 20);
        return Fail(ErrorCode::kInvalidInput, message,
                    "give --aht SECONDS for the rows without one, or fill the AHT column");
    }
    struct Planned {
        const ingest::ForecastRow* row;
        routing::Staffing staffing;
    };
    std::vector<Planned> planned;
    for (const auto& row : forecast->rows) {
        routing::StaffingInput in = base;
        in.calls = row.calls;
        in.aht_seconds = row.aht_seconds ? *row.aht_seconds : *aht;
        auto s = routing::Plan(in);
        if (!s) {
            Error e = s.error();
            e.message = fmt::format("{}:{}: {}", file, row.line, e.message);
            return std::unexpected(e);
        }
        planned.push_back({&row, std::move(*s)});
    }
    const Planned* peak = &planned.front();
    double agent_hours = 0, staff_hours = 0;
    for (const auto& p : planned) {
        if (p.staffing.answer.agents > peak->staffing.answer.agents) peak = &p;
        agent_hours += p.staffing.answer.agents * interval / 60;
        staff_hours += p.staffing.answer.scheduled * interval / 60;
    }
    if (app.json) {
        json intervals = json::array();
        for (const auto& p : planned) {
            intervals.push_back({{"start", FormatClockTime(p.row->start_minute)},
                                 {"line", p.row->line},
                                 {"calls", p.row->calls},
                                 {"aht_seconds", p.staffing.input.aht_seconds},
                                 {"traffic_erlangs", p.staffing.traffic_erlangs},
                                 {"answer", api::StaffingRowJson(p.staffing.answer)}});
        }
        fmt::print("{}\n", JsonText(json{{"file", file},
                                         {"format", forecast->format},
                                         {"interval_minutes", interval},
                                         {"target", base.target},
                                         {"threshold_seconds", base.threshold_seconds},
                                         {"shrinkage", base.shrinkage},
                                         {"intervals", intervals},
                                         {"peak",
                                          {{"start", FormatClockTime(peak->row->start_minute)},
                                           {"agents", peak->staffing.answer.agents},
                                           {"scheduled", peak->staffing.answer.scheduled}}},
                                         {"agent_hours", agent_hours},
                                         {"staff_hours", staff_hours}}));
        return {};
    }
    fmt::print("{} ({}): {} intervals of {} minutes\n", file, forecast->format, planned.size(),
               Number(interval));
    fmt::print("target: {}\n\n", TargetsLine(base));
    Table t({"start", "calls", "AHT", "erlangs", "agents", "staff", "service level", "ASA",
             "occupancy"});
    for (const auto& p : planned) {
        const auto& a = p.staffing.answer;
        t.Add({FormatClockTime(p.row->start_minute), Number(p.row->calls),
               Number(p.staffing.input.aht_seconds) + " s",
               fmt::format("{:.2f}", p.staffing.traffic_erlangs), std::to_string(a.agents),
               std::to_string(a.scheduled), Percent(a.service_level), Seconds(a.asa_seconds),
               Percent(a.occupancy)});
    }
    t.Print();
    fmt::print("\npeak: {} agents ({} staff) at {}\n", peak->staffing.answer.agents,
               peak->staffing.answer.scheduled, FormatClockTime(peak->row->start_minute));
    fmt::print("agent hours on the phones {}, staff hours to schedule {}\n", Number(agent_hours),
               Number(staff_hours));
    return {};
}

}  // namespace

void RegisterStaffingCommands(CLI::App& cli, App& app) {
    auto args = std::make_shared<StaffingArgs>();
    auto* cmd = cli.add_subcommand(
        "staffing",
        "the staffing forecast (Erlang C): agents needed for a service level, from the calls "
        "and the AHT");
    auto* calls = cmd->add_option("--calls", args->calls,
                                  "calls expected in an interval (an hour unless --interval)")
                      ->type_name("NUMBER");
    cmd->add_option("--aht", args->aht,
                    "average handle time in seconds (talk, hold, wrap-up); with --profile, for "
                    "rows without one")
        ->type_name("SECONDS");
    cmd->add_option("--target", args->target,
                    "service-level target: percent answered / within seconds (default 80/20)")
        ->type_name("P/T");
    cmd->add_option("--interval", args->interval,
                    "the interval's length in minutes (default 60; with --profile, the file's "
                    "step)")
        ->type_name("MINUTES");
    cmd->add_option("--shrinkage", args->shrinkage,
                    "share of paid time off the phones: 0.3 or 30% (default 0)")
        ->type_name("SHARE");
    cmd->add_option("--max-occupancy", args->max_occupancy,
                    "the highest occupancy allowed: 0.85 or 85% (default: no limit)")
        ->type_name("SHARE");
    cmd->add_option("--max-asa", args->max_asa,
                    "the longest average wait allowed, seconds (default: no limit)")
        ->type_name("SECONDS");
    cmd->add_option("--profile", args->profile,
                    "a day's forecast: CSV or workbook with the interval's start (HH:MM), calls "
                    "and, optionally, AHT (время;звонков;AHT)")
        ->type_name("FILE")
        ->excludes(calls);
    cmd->callback([&app, args] {
        auto ok = args->profile.empty() ? RunOne(app, *args) : RunProfile(app, *args);
        if (!ok) app.Report(ok.error());
    });
}

}  // namespace callbase::cli
