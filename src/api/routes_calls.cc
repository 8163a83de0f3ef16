// The call log and the supervisors' reports over the API (issue 18): the
// calls of a period with filters, a page at a time (a supervisor in a team:
// the team's calls; an operator: their own), the filtered log as CSV, a
// call's recording streamed with HTTP Range (so that a player can seek), and
// the report of a period (campaigns/call_report.h). Times are read and
// written in the call center's time zone (the calling rules' default
// offset).
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "api/handlers.h"
#include "api/scope.h"
#include "campaigns/call_report.h"
#include "campaigns/campaign_book.h"
#include "compliance/rules.h"
#include "ingest/csv.h"
#include "routing/agent_time.h"
#include "routing/inbound_report.h"
#include "routing/menu.h"
#include "routing/routing_book.h"
#include "security/permissions.h"

namespace callbase::api::handlers {
namespace {

using campaigns::CallFilter;
using campaigns::CampaignBook;
using campaigns::StoredCall;
using nlohmann::json;

constexpr int64_t kPageLimit = 200;
constexpr int64_t kExportLimit = 100'000;
constexpr int64_t kReportDays = 93;

// "2026-12-31" or "31.12.2026" as days since 1970-01-01.
std::optional<int64_t> DayNumber(std::string_view text) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    const std::string s(text);
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 &&
        std::sscanf(s.c_str(), "%2d.%2d.%4d%c", &d, &m, &y, &tail) != 3) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year(y),
                                          std::chrono::month(static_cast<unsigned>(m)),
                                          std::chrono::day(static_cast<unsigned>(d))};
    if (y < 1970 || y > 9999 || !ymd.ok()) return std::nullopt;
    return std::chrono::sys_days(ymd).time_since_epoch().count();
}

// A day as the center's clock shows it, "2026-12-31", from its first second.
std::string DayText(UnixSeconds start, int offset_minutes) {
    const std::chrono::sys_days day{
        std::chrono::days((start + int64_t{offset_minutes} * 60) / 86400)};
    const std::chrono::year_month_day ymd{day};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// "31.12.2026 14:05:09" at the center's offset.
std::string TimeText(int64_t ms, int offset_minutes) {
    if (ms <= 0) return "";
    const int64_t local = ms / 1000 + int64_t{offset_minutes} * 60;
    const std::chrono::sys_days day{std::chrono::days(local / 86400)};
    const std::chrono::year_month_day ymd{day};
    const int64_t in_day = local % 86400;
    return fmt::format("{:02}.{:02}.{:04} {:02}:{:02}:{:02}", static_cast<unsigned>(ymd.day()),
                       static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()),
                       in_day / 3600, in_day / 60 % 60, in_day % 60);
}

Result<int> CenterOffset(Call& c) {
    auto rules = compliance::LoadRules(*c.db);
    if (!rules) return std::unexpected(rules.error());
    return rules->default_utc_offset_minutes;
}

// The period of ?from=&to= (days of the center, both included) as [from, to)
// in Unix seconds; `required` refuses a missing end.
struct Period {
    UnixSeconds from = 0, to = 0;  // 0: open
};

Result<Period> PeriodOf(Call& c, int offset_minutes, bool required) {
    Period p;
    for (const char* name : {"from", "to"}) {
        auto text = c.request.Query(name);
        if (!text || text->empty()) {
            if (required && std::string_view(name) == "from") {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"period.no_from", "give the period's from day",
                                "e.g. ?from=2026-12-01&to=2026-12-31 (or 01.12.2026)"});
            }
            if (required) {
                return Fail(ErrorCode::kInvalidInput,
                            Msg{"period.no_to", "give the period's to day",
                                "e.g. ?from=2026-12-01&to=2026-12-31 (or 01.12.2026)"});
            }
            continue;
        }
        auto day = DayNumber(*text);
        if (!day) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"period.not_a_date", "{name}='{text}' is not a date",
                            "write it as 2026-12-31 or 31.12.2026"},
                        {{"name", name}, {"text", *text}});
        }
        const UnixSeconds start = *day * 86400 - int64_t{offset_minutes} * 60;
        (std::string_view(name) == "from" ? p.from : p.to) =
            std::string_view(name) == "from" ? start : start + 86400;
    }
    if (p.from && p.to && p.from >= p.to) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"period.reversed", "the period ends before it begins",
                        "give a 'from' day on or before the 'to' day"});
    }
    return p;
}

// The filters of the log's query, the viewer's scope applied: `agents` are
// the operators whose calls the viewer may see (none: all).
Result<CallFilter> FilterOf(Call& c, int offset_minutes,
                            std::optional<std::vector<std::string>> agents) {
    auto period = PeriodOf(c, offset_minutes, false);
    if (!period) return std::unexpected(period.error());
    CallFilter f;
    f.from = period->from * 1000;
    f.to = period->to * 1000;
    f.agents = std::move(agents);
    auto campaign = c.QueryInt("campaign", 0, 0, INT64_MAX);
    if (!campaign) return std::unexpected(campaign.error());
    if (*campaign) f.campaign_id = *campaign;
    f.agent = c.request.Query("agent").value_or("");
    f.outcome = c.request.Query("outcome").value_or("");
    static const std::set<std::string, std::less<>> kOutcomes = {
        "",        "answered", "abandoned", "callback",    "busy",       "no_answer",
        "invalid", "rejected", "failed",    "interrupted", "in_progress"};
    if (!kOutcomes.contains(f.outcome)) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"calls.unknown_outcome", "outcome '{outcome}' is unknown",
                        "answered, abandoned, callback, busy, no_answer, invalid, rejected, "
                        "failed, interrupted or in_progress"},
                    {{"outcome", f.outcome}});
    }
    f.disposition = c.request.Query("disposition").value_or("");
    f.direction = c.request.Query("direction").value_or("");
    if (!f.direction.empty() && f.direction != "in" && f.direction != "out") {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"calls.unknown_direction", "direction is in or out"});
    }
    return f;
}

// Whose calls the viewer sees in the log and the reports: a team's
// supervisor the team's members' (calls no operator took are no team's).
Result<std::optional<std::vector<std::string>>> Agents(const std::optional<security::Team>& team) {
    if (!team) return std::nullopt;
    return std::optional<std::vector<std::string>>(team->members);
}

Result<json> CallJson(Call& c, const StoredCall& call) {
    auto shown = c.Shown(call.number);
    if (!shown) return std::unexpected(shown.error());
    json j = {{"call", call.id},
              {"campaign_id", call.campaign_id},
              {"campaign", call.campaign},
              {"contact_id", call.contact_id},
              {"phone", *shown},
              {"caller_id", call.caller_id},
              {"direction", call.inbound ? "in" : "out"},
              {"route", CallRouteJson(call)},
              {"attempt", call.attempt},
              {"started_ms", call.started},
              {"answered_ms", call.answered ? json(call.answered) : json(nullptr)},
              {"bridged_ms", call.bridged ? json(call.bridged) : json(nullptr)},
              {"ended_ms", call.ended ? json(call.ended) : json(nullptr)},
              {"outcome", call.outcome},
              {"agent", call.agent},
              {"network", call.network},
              {"recording", !call.recording.empty()},
              {"disposition", call.disposition ? json(*call.disposition) : json(nullptr)},
              {"disposed_at", call.disposed_at ? json(call.disposed_at) : json(nullptr)}};
    return j;
}

// The log's answer: a page of the filtered calls.
Result<Response> LogAnswer(Call& c, const std::optional<std::vector<std::string>>& agents,
                           const json& team, bool recordings) {
    auto offset_minutes = CenterOffset(c);
    if (!offset_minutes) return std::unexpected(offset_minutes.error());
    auto filter = FilterOf(c, *offset_minutes, agents);
    if (!filter) return std::unexpected(filter.error());
    auto offset = c.QueryInt("offset", 0, 0, INT64_MAX);
    if (!offset) return std::unexpected(offset.error());
    auto limit = c.QueryInt("limit", 50, 1, kPageLimit);
    if (!limit) return std::unexpected(limit.error());
    auto page = CampaignBook(*c.db, ClockOf(c)).CallLog(*filter, *offset, *limit);
    if (!page) return std::unexpected(page.error());
    json calls = json::array();
    for (const auto& call : page->second) {
        auto j = CallJson(c, call);
        if (!j) return std::unexpected(j.error());
        // Whether the viewer may play it (PlayRecording's rules).
        (*j)["playable"] = recordings && call.recording.size() > 0;
        calls.push_back(std::move(*j));
    }
    c.detail = fmt::format("call log: {} of {} calls; {}", page->second.size(), page->first,
                           c.api.PseudonymizedQuery(c.request.query));
    return JsonResponse(200, json{{"total", page->first},
                                  {"offset", *offset},
                                  {"limit", *limit},
                                  {"utc_offset_minutes", *offset_minutes},
                                  {"team", team},
                                  {"calls", calls}});
}

// Roles that see pseudonyms (the admin) hear no recordings: a voice is the
// person's as much as a name is.
bool HearsRecordings(const Viewer& viewer) {
    return viewer.role && security::Allowed(*viewer.role, security::Permission::kSeeNames) &&
           security::Allowed(*viewer.role, security::Permission::kCallRecords);
}

json FiguresJson(const campaigns::ReportFigures& f) {
    return {{"calls", f.calls},
            {"answered", f.answered},
            {"abandoned", f.abandoned},
            {"handled", f.handled},
            {"wrapped", f.wrapped},
            {"avg_talk_s", f.AverageTalkSeconds()},
            {"avg_wrap_up_s", f.AverageWrapUpSeconds()},
            {"avg_handle_s", f.AverageHandleSeconds()},
            {"dispositions", f.dispositions}};
}

// A byte range of a file of `size` bytes from a Range header ("bytes=0-",
// "bytes=100-199", "bytes=-500"); none for a header that is absent or not
// one range of bytes (the whole file is sent then); {size, size} for one
// that is past the end (416).
std::optional<std::pair<uint64_t, uint64_t>> RangeOf(const std::string& header, uint64_t size) {
    if (!header.starts_with("bytes=") || header.find(',') != std::string::npos) return std::nullopt;
    const std::string spec = header.substr(6);
    const size_t dash = spec.find('-');
    if (dash == std::string::npos) return std::nullopt;
    auto number = [](const std::string& t) -> std::optional<uint64_t> {
        if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos || t.size() > 18)
            return std::nullopt;
        return std::stoull(t);
    };
    const auto first = number(spec.substr(0, dash));
    const auto last = number(spec.substr(dash + 1));
    if (!first && !last) return std::nullopt;
    if (!first) {  // the last N bytes
        if (*last == 0) return std::pair{size, size};
        return std::pair{size - std::min(*last, size), size - 1};
    }
    if (*first >= size) return std::pair{size, size};
    return std::pair{*first, std::min(last.value_or(size - 1), size - 1)};
}

}  // namespace

Result<Response> CallLog(Call& c) {
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    auto agents = Agents(*team);
    if (!agents) return std::unexpected(agents.error());
    c.records = "call-log";
    return LogAnswer(c, *agents, TeamJson(*team), HearsRecordings(c.viewer()));
}

Result<Response> OwnCalls(Call& c) {
    c.records = "call-log:" + c.actor();
    return LogAnswer(c, std::vector<std::string>{c.actor()}, nullptr, false);
}

Result<Response> ExportCallLog(Call& c) {
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    auto agents = Agents(*team);
    if (!agents) return std::unexpected(agents.error());
    auto offset_minutes = CenterOffset(c);
    if (!offset_minutes) return std::unexpected(offset_minutes.error());
    auto filter = FilterOf(c, *offset_minutes, *agents);
    if (!filter) return std::unexpected(filter.error());
    auto log = CampaignBook(*c.db, ClockOf(c)).CallLog(*filter, 0, kExportLimit + 1);
    if (!log) return std::unexpected(log.error());
    if (log->first > kExportLimit) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"calls.export_too_many",
                "the filter selects {count} calls; an export takes at most {limit}",
                "narrow the period or add a filter"},
            {{"count", std::to_string(log->first)}, {"limit", std::to_string(kExportLimit)}});
    }
    const bool ru = c.request.Query("lang").value_or("ru") != "en";
    std::string out = "\xEF\xBB\xBF";  // UTF-8, as a spreadsheet should read it
    ingest::AppendCsvRecord(
        out,
        ru ? std::vector<std::string>{"Начало", "Кампания", "Направление", "Номер", "Линия",
                                      "Попытка", "Исход", "Оператор", "Разговор, с",
                                      "Постобработка, с", "Результат", "Запись"}
           : std::vector<std::string>{"Started", "Campaign", "Direction", "Number", "Line",
                                      "Attempt", "Outcome", "Operator", "Talk, s", "Wrap-up, s",
                                      "Disposition", "Recording"},
        ';');
    for (const auto& call : log->second) {
        const bool talked = call.bridged > 0 && call.ended >= call.bridged;
        const bool wrapped = talked && call.disposed_at * 1000 >= call.ended;
        ingest::AppendCsvRecord(
            out,
            {TimeText(call.started, *offset_minutes), call.campaign,
             call.inbound ? (ru ? "входящий" : "in") : (ru ? "исходящий" : "out"),
             // Masked for every role: the log leaves without the four-eyes
             // approval of a contacts export (docs/security.md).
             security::MaskPhone(call.number), call.caller_id, std::to_string(call.attempt),
             call.outcome, call.agent,
             talked ? std::to_string((call.ended - call.bridged) / 1000) : "",
             wrapped ? std::to_string(call.disposed_at - call.ended / 1000) : "",
             call.disposition.value_or(""), call.recording.empty() ? "" : (ru ? "да" : "yes")},
            ';');
    }
    c.records = "call-log";
    c.detail = fmt::format("call log exported: {} calls, numbers masked; {}", log->first,
                           c.api.PseudonymizedQuery(c.request.query));
    Response r{200, "text/csv; charset=utf-8", std::move(out), {}};
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"calls.csv\"");
    return r;
}

Result<Response> PlayRecording(Call& c) {
    auto id = c.Id("id");
    if (!id) return std::unexpected(id.error());
    auto call = CampaignBook(*c.db, ClockOf(c)).CallById(*id);
    if (!call) return std::unexpected(call.error());
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    // A call of another team is not there for this supervisor, as a contact
    // outside their scope is not.
    if (*team && !InTeam(**team, call->agent)) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"call.not_found_log", "call #{id} does not exist",
                        "the call log (GET /api/v1/call-log) lists the calls"},
                    {{"id", std::to_string(*id)}});
    }
    if (!HearsRecordings(c.viewer())) {
        return server::Problem(403, "Forbidden",
                               Msg{"recording.role_denied",
                                   "this role sees pseudonyms, not the people: it hears no "
                                   "recordings (a support case asks for break-glass access)"});
    }
    if (call->recording.empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"recording.none", "call #{id} was not recorded",
                        "calls are recorded on the SIP network when its [recordings] dir is set"},
                    {{"id", std::to_string(*id)}});
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    const uint64_t size = fs::file_size(call->recording, ec);
    if (ec) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"recording.gone", "the recording of call #{id} is no longer kept",
                        "recordings are deleted after [recordings] keep_days"},
                    {{"id", std::to_string(*id)}});
    }
    auto range = RangeOf(c.request.Header("range"), size);
    c.records = fmt::format("call:{} contact:{}", *id, call->contact_id);
    if (range && range->first >= size) {
        c.detail = "recording: range past the end";
        Response r = server::Problem(416, "Range Not Satisfiable",
                                     fmt::format("the recording has {} bytes", size));
        r.headers.emplace_back("Content-Range", fmt::format("bytes */{}", size));
        return r;
    }
    const uint64_t first = range ? range->first : 0;
    const uint64_t last = range ? range->second : (size ? size - 1 : 0);
    std::string bytes(size ? last - first + 1 : 0, '\0');
    std::ifstream in(call->recording, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(first));
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in) {
        return Fail(ErrorCode::kIo, fmt::format("cannot read the recording of call #{}", *id));
    }
    c.detail = fmt::format("recording played: bytes {}-{} of {}", first, last, size);
    Response r{range ? 206 : 200, "audio/wav", std::move(bytes), {}};
    r.headers.emplace_back("Accept-Ranges", "bytes");
    if (range)
        r.headers.emplace_back("Content-Range", fmt::format("bytes {}-{}/{}", first, last, size));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

Result<Response> CallReport(Call& c) {
    auto offset_minutes = CenterOffset(c);
    if (!offset_minutes) return std::unexpected(offset_minutes.error());
    auto period = PeriodOf(c, *offset_minutes, true);
    if (!period) return std::unexpected(period.error());
    if (period->to - period->from > kReportDays * 86400) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"report.too_long", "a report covers at most {days} days",
                        "choose a shorter period"},
                    {{"days", std::to_string(kReportDays)}});
    }
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    auto agents = Agents(*team);
    if (!agents) return std::unexpected(agents.error());
    CallFilter filter;
    filter.from = period->from * 1000;
    filter.to = period->to * 1000;
    filter.agents = *agents;
    auto campaign = c.QueryInt("campaign", 0, 0, INT64_MAX);
    if (!campaign) return std::unexpected(campaign.error());
    if (*campaign) filter.campaign_id = *campaign;
    auto calls = CampaignBook(*c.db, ClockOf(c)).CallLog(filter, 0, -1);
    if (!calls) return std::unexpected(calls.error());
    const campaigns::CallReport report =
        campaigns::BuildCallReport(calls->second, period->from, period->to, *offset_minutes);
    json hours = json::array();
    for (size_t h = 0; h < report.hours.size(); ++h) {
        json j = FiguresJson(report.hours[h]);
        j["hour"] = h;
        hours.push_back(std::move(j));
    }
    json days = json::array();
    for (size_t i = 0; i < report.days.size(); ++i) {
        json j = FiguresJson(report.days[i]);
        j["day"] = DayText(report.day_starts[i], *offset_minutes);
        days.push_back(std::move(j));
    }
    json operators = json::array();
    for (const auto& [agent, f] : report.operators) {
        json j = FiguresJson(f);
        j["agent"] = agent;
        operators.push_back(std::move(j));
    }
    json by_campaign = json::array();
    for (const auto& [id, k] : report.campaigns) {
        json j = FiguresJson(k.figures);
        j["campaign_id"] = id;
        j["campaign"] = k.name;
        by_campaign.push_back(std::move(j));
    }
    c.records = "call-report";
    c.detail = fmt::format("call report: {} calls; {}", report.total.calls,
                           c.api.PseudonymizedQuery(c.request.query));
    return JsonResponse(200, json{{"from", DayText(period->from, *offset_minutes)},
                                  {"to", DayText(period->to - 86400, *offset_minutes)},
                                  {"utc_offset_minutes", *offset_minutes},
                                  {"team", TeamJson(*team)},
                                  {"total", FiguresJson(report.total)},
                                  {"hours", hours},
                                  {"days", days},
                                  {"operators", operators},
                                  {"campaigns", by_campaign}});
}

namespace {

// The incoming calls of ?from=&to= (days of the center; default: today) the
// viewer may see: a team's supervisor, the calls the team's members took (and
// none of those that never reached a queue, which no member took).
struct InboundCalls {
    Period period;
    std::vector<routing::InboundCall> calls;
    std::vector<routing::UnqueuedCall> unqueued;
    std::optional<security::Team> team;  // a team's supervisor: only the team's operators
};

Result<InboundCalls> InboundCallsOf(Call& c) {
    auto offset_minutes = CenterOffset(c);
    if (!offset_minutes) return std::unexpected(offset_minutes.error());
    auto period = PeriodOf(c, *offset_minutes, false);
    if (!period) return std::unexpected(period.error());
    const UnixSeconds now = ClockOf(c).Now();
    const UnixSeconds today = LocalMidnight(now, *offset_minutes);
    if (period->from == 0) period->from = period->to ? period->to - 86400 : today;
    if (period->to == 0) period->to = period->from + 86400;
    if (period->to - period->from > kReportDays * 86400) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"report.too_long", "a report covers at most {days} days",
                        "choose a shorter period"},
                    {{"days", std::to_string(kReportDays)}});
    }
    auto calls = routing::LoadInboundCalls(*c.db, period->from * 1000, period->to * 1000);
    if (!calls) return std::unexpected(calls.error());
    auto team = FiguresTeam(c.viewer(), *c.db, ClockOf(c));
    if (!team) return std::unexpected(team.error());
    InboundCalls out{.period = *period, .calls = std::move(*calls), .unqueued = {}, .team = *team};
    if (*team) {
        KeepTeamCalls(**team, out.calls);
        return out;
    }
    auto unqueued = routing::LoadUnqueued(*c.db, period->from * 1000, period->to * 1000);
    if (!unqueued) return std::unexpected(unqueued.error());
    out.unqueued = std::move(*unqueued);
    return out;
}

}  // namespace

Result<Response> InboundReport(Call& c) {
    auto calls = InboundCallsOf(c);
    if (!calls) return std::unexpected(calls.error());
    const auto& period = calls->period;
    const auto& rows = calls->calls;
    auto queues = routing::RoutingBook(*c.db, ClockOf(c), c.actor()).Queues();
    if (!queues) return std::unexpected(queues.error());
    const auto report = routing::MakeInboundReport(
        rows, period.from * 1000, period.to * 1000,
        routing::ReportOptionsFor(*queues, ClockOf(c).Now() * 1000), calls->unqueued);
    c.detail = fmt::format("inbound report: {} calls", report.calls);
    json out = routing::InboundReportJson(report);
    // The operators' time over the period (occupancy, pauses by reason), and
    // the labels of the reasons the supervisor added.
    auto time = routing::LoadAgentTime(*c.db, period.from * 1000, period.to * 1000,
                                       ClockOf(c).Now() * 1000);
    if (!time) return std::unexpected(time.error());
    if (calls->team) {
        std::erase_if(*time, [&](const auto& t) { return !InTeam(*calls->team, t.agent); });
    }
    out["agent_time"] = routing::AgentTimeJson(*time);
    auto reasons = routing::RoutingBook(*c.db, ClockOf(c), c.actor()).PauseReasons();
    if (!reasons) return std::unexpected(reasons.error());
    out["pause_reason_labels"] = routing::PauseReasonLabels(*reasons);
    // Where callers struggle in the menus: the center's, like the calls that
    // never reached a queue, so not for a viewer limited to a team.
    json menus = json::array();
    if (!calls->team) {
        auto visits = routing::LoadMenuVisits(*c.db, period.from * 1000, period.to * 1000);
        if (!visits) return std::unexpected(visits.error());
        menus = routing::MenuReportJson(
            routing::MakeMenuReport(*visits, period.from * 1000, period.to * 1000));
    }
    out["menus"] = menus;
    return JsonResponse(200, out);
}

Result<Response> InboundQueueLog(Call& c) {
    auto calls = InboundCallsOf(c);
    if (!calls) return std::unexpected(calls.error());
    const auto& period = calls->period;
    const auto& rows = calls->calls;
    std::map<std::string, std::string> shown;
    for (const auto& call : rows) {
        if (shown.contains(call.caller)) continue;
        auto number = store::PhoneOf(*c.db, call.caller);
        if (!number) return std::unexpected(number.error());
        auto seen = c.Shown(*number);
        if (!seen) return std::unexpected(seen.error());
        shown[call.caller] = *seen;
    }
    auto lines =
        routing::QueueLog(rows, period.from * 1000, period.to * 1000,
                          [&](const routing::InboundCall& call) { return shown.at(call.caller); });
    // The operators' pauses beside the calls (a team's supervisor: the team's).
    auto spells = routing::LoadAgentSpells(*c.db, period.from * 1000, period.to * 1000);
    if (!spells) return std::unexpected(spells.error());
    if (calls->team) {
        std::erase_if(*spells, [&](const auto& s) { return !InTeam(*calls->team, s.agent); });
    }
    std::string out;
    for (const auto& line : routing::MergeQueueLog(
             std::move(lines),
             routing::PauseQueueLog(*spells, period.from * 1000, period.to * 1000))) {
        out += line;
        out += '\n';
    }
    c.detail = "queue_log export";
    Response r{200, "text/plain; charset=utf-8", std::move(out), {}};
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"queue_log\"");
    return r;
}

}  // namespace callbase::api::handlers
