// The inbound reports from call records (routing/inbound_report.h): each
// figure on a history written out by hand, the period's edges, and the
// queue_log lines Asterisk's tools read.
#include "routing/inbound_report.h"

#include <gtest/gtest.h>

namespace callbase::routing {
namespace {

constexpr Millis kS = 1'000;
constexpr Millis kDay = 86'400'000;
constexpr Millis kFrom = 1'796'515'200'000;  // 2026-12-05 00:00 UTC
constexpr Millis kTo = kFrom + kDay;

InboundCall Answered(int64_t id, std::string caller, Millis at, Millis wait, Millis talk,
                     std::string agent, std::string route = "queue:general") {
    return InboundCall{.id = id,
                       .caller = std::move(caller),
                       .did = "+74950000001",
                       .started = at,
                       .answered = at + wait,
                       .ended = at + wait + talk,
                       .outcome = "answered",
                       .agent = std::move(agent),
                       .route = std::move(route),
                       .reason = "number"};
}

InboundCall Abandoned(int64_t id, std::string caller, Millis at, Millis wait, int cause = 0) {
    return InboundCall{.id = id,
                       .caller = std::move(caller),
                       .did = "+74950000001",
                       .started = at,
                       .ended = at + wait,
                       .outcome = "abandoned",
                       .cause = cause,
                       .route = "queue:general"};
}

const RouteFigures& Route(const InboundReport& r, const std::string& name) {
    for (const auto& f : r.routes)
        if (f.name == name) return f;
    throw std::runtime_error("no route " + name);
}

TEST(InboundReport, AQueueCountsItsServiceLevelAsAsteriskDoes) {
    const Millis h = kFrom + 10 * 3'600'000;
    std::vector<InboundCall> calls = {
        Answered(1, "a", h, 5 * kS, 60 * kS, "anna"),
        Answered(2, "b", h + 1, 15 * kS, 120 * kS, "boris"),
        Answered(3, "c", h + 2, 30 * kS, 180 * kS, "anna"),
        Abandoned(4, "d", h + 3, 3 * kS),        // short, within 20 s
        Abandoned(5, "e", h + 4, 25 * kS),       // after 20 s
        Abandoned(6, "f", h + 5, 30 * kS, 480),  // nobody free in time
        Answered(7, "g", h + 6, 1 * kS, 30 * kS, "anna", "agent:anna"),
    };
    ReportOptions options;
    options.now = kTo + 30 * kDay;
    const InboundReport r = MakeInboundReport(calls, kFrom, kTo, options);
    EXPECT_EQ(r.calls, 7);
    ASSERT_EQ(r.routes.size(), 2u);
    const RouteFigures& g = Route(r, "general");
    EXPECT_EQ(g.stats.offered, 6);
    EXPECT_EQ(g.stats.answered, 3);
    EXPECT_EQ(g.stats.abandoned, 2);
    EXPECT_EQ(g.stats.short_abandoned, 1);
    EXPECT_EQ(g.timed_out, 1);
    EXPECT_EQ(g.stats.exits.at("timeout"), 1);
    EXPECT_DOUBLE_EQ(g.stats.ServiceLevel(), 2.0 / 3);              // 5 s and 15 s of 3
    EXPECT_DOUBLE_EQ(g.stats.ServiceLevelWithAbandons(), 3.0 / 5);  // and the 3 s abandon
    EXPECT_NEAR(g.stats.AverageSpeedOfAnswerSeconds(), 50.0 / 3, 1e-9);
    EXPECT_EQ(g.stats.longest_wait_ms, 30 * kS);
    EXPECT_DOUBLE_EQ(g.AverageHandleSeconds(), 120.0);
    EXPECT_EQ(Route(r, "agent:anna").stats.answered, 1);

    // A queue's own thresholds count instead of the defaults.
    QueueSpec strict;
    strict.name = "general";
    strict.sl_threshold = 10 * kS;
    strict.short_abandon = 2 * kS;
    options.queues["general"] = strict;
    const InboundReport s = MakeInboundReport(calls, kFrom, kTo, options);
    EXPECT_DOUBLE_EQ(Route(s, "general").stats.ServiceLevel(), 1.0 / 3);
    EXPECT_EQ(Route(s, "general").stats.short_abandoned, 0);

    ASSERT_EQ(r.agents.size(), 2u);
    EXPECT_EQ(r.agents[0].agent, "anna");
    EXPECT_EQ(r.agents[0].calls, 3);
    EXPECT_DOUBLE_EQ(r.agents[0].AverageHandleSeconds(), (60.0 + 180 + 30) / 3);
    EXPECT_EQ(r.agents[1].agent, "boris");
    EXPECT_EQ(r.agents[1].calls, 1);
    EXPECT_EQ(r.refused + r.messages, 0);

    // Calls that never reached a queue count apart, by route and reason, in
    // the period only.
    const std::vector<UnqueuedCall> unqueued = {
        {.at = h, .route = "reject:603", .reason = "black_list"},
        {.at = h + 1, .route = "reject:603", .reason = "black_list"},
        {.at = h + 2, .route = "message:no_route", .reason = "no_route"},
        {.at = h + 3, .route = "ivr:main.yaml", .reason = "number"},  // hung up in the menu
        {.at = kTo, .route = "reject:403", .reason = "black_list"},   // the next day
    };
    const InboundReport u = MakeInboundReport(calls, kFrom, kTo, options, unqueued);
    EXPECT_EQ(u.refused, 2);
    EXPECT_EQ(u.messages, 1);
    EXPECT_EQ(u.left_in_menu, 1);
    EXPECT_EQ(u.unqueued, (std::map<std::string, int64_t>{{"ivr:main.yaml number", 1},
                                                          {"message:no_route no_route", 1},
                                                          {"reject:603 black_list", 2}}));
    EXPECT_EQ(InboundReportJson(u)["not_queued"]["refused"], 2);
    EXPECT_EQ(InboundReportJson(u)["not_queued"]["left_in_menu"], 1);
    EXPECT_EQ(u.calls, 7) << "they are not among the queues' calls";
}

TEST(InboundReport, RepeatsQuickReturnsAndFirstContactResolutionGoNumberByNumber) {
    std::vector<InboundCall> calls;
    // "rep" calls once the day before the period and four times in it: the
    // 4th and 5th calls in 7 days are repeats; the second comes 5 minutes
    // after the first ended (a quick return after an answered call).
    calls.push_back(Answered(1, "rep", kFrom - kDay, 2 * kS, 60 * kS, "anna"));
    const Millis t = kFrom + 9 * 3'600'000;
    calls.push_back(Answered(2, "rep", t, 2 * kS, 60 * kS, "anna"));
    calls.push_back(Abandoned(3, "rep", t + 62 * kS + 5 * 60 * kS, 10 * kS));
    calls.push_back(Abandoned(4, "rep", t + 3'600'000, 10 * kS));
    calls.push_back(Abandoned(5, "rep", t + 7'200'000, 10 * kS));
    // "one" is answered by boris and never calls again: resolved.
    calls.back().tags = {};
    InboundCall one = Answered(6, "one", t, 2 * kS, 60 * kS, "boris");
    one.tags = {"доставка"};
    calls.push_back(one);
    // "two" is answered by boris and calls again two days later: not resolved.
    InboundCall two = Answered(7, "two", t + kS, 2 * kS, 60 * kS, "boris");
    two.tags = {"доставка", "жалоба"};
    calls.push_back(two);
    calls.push_back(Abandoned(8, "two", t + 2 * kDay, 10 * kS));  // after the period: context
    ReportOptions options;
    options.now = kTo + 8 * kDay;
    InboundReport r = MakeInboundReport(calls, kFrom, kTo, options);
    EXPECT_EQ(r.calls, 6) << "calls outside the period are context only";
    EXPECT_EQ(r.repeat_numbers, 1);
    EXPECT_EQ(r.repeat_calls, 2);
    EXPECT_EQ(r.quick_returns, 1);
    EXPECT_EQ(r.quick_returns_after_answered, 1);
    // Answered in the period: rep's 2nd (called again: not resolved), one, two.
    EXPECT_EQ(r.first_contact.answered, 3);
    EXPECT_EQ(r.first_contact.resolved, 1);
    EXPECT_EQ(r.first_contact.pending, 0);
    EXPECT_DOUBLE_EQ(r.first_contact.Rate(), 1.0 / 3);
    ASSERT_EQ(r.agents.size(), 2u);
    EXPECT_EQ(r.agents[1].agent, "boris");
    EXPECT_EQ(r.agents[1].first_contact.resolved, 1);
    EXPECT_EQ(r.agents[1].first_contact.answered, 2);
    EXPECT_EQ(r.topics.at("доставка").answered, 2);
    EXPECT_EQ(r.topics.at("доставка").resolved, 1);
    EXPECT_EQ(r.topics.at("жалоба").resolved, 0);

    // Read the next morning, the week after "one" has not passed: pending.
    options.now = kTo + 12 * 3'600'000;
    r = MakeInboundReport(calls, kFrom, kTo, options);
    EXPECT_EQ(r.first_contact.pending, 1);
    EXPECT_EQ(r.first_contact.resolved, 0);
    EXPECT_DOUBLE_EQ(r.first_contact.Rate(), 0.0);
}

TEST(InboundReport, TheQueueLogIsWhatAsteriskWrites) {
    const Millis t = kFrom + 3'600'000;
    std::vector<InboundCall> calls = {
        Answered(11, "x", t, 4 * kS, 65 * kS, "olga"),
        Abandoned(12, "y", t + 2 * kS, 9 * kS),
        Abandoned(13, "z", t + 3 * kS, 30 * kS, 480),
        Answered(14, "w", t + 4 * kS, 1 * kS, 10 * kS, "anna", "agent:anna"),  // not a queue
        Answered(15, "v", kTo + kS, 1 * kS, 10 * kS, "olga"),                  // after the period
    };
    const auto lines =
        QueueLog(calls, kFrom, kTo, [](const InboundCall& c) { return "+7" + c.caller; });
    const std::string s = std::to_string(t / 1000);
    auto at = [&](int plus) { return std::to_string(t / 1000 + plus); };
    const std::vector<std::string> want = {
        at(0) + "|" + s + ".11|general|NONE|ENTERQUEUE||+7x|1",
        at(2) + "|" + at(2) + ".12|general|NONE|ENTERQUEUE||+7y|1",
        at(3) + "|" + at(3) + ".13|general|NONE|ENTERQUEUE||+7z|1",
        at(4) + "|" + s + ".11|general|Agent/olga|CONNECT|4|" + s + ".11|0",
        at(11) + "|" + at(2) + ".12|general|NONE|ABANDON|1|1|9",
        at(33) + "|" + at(3) + ".13|general|NONE|EXITWITHTIMEOUT|1|1|30",
        at(69) + "|" + s + ".11|general|Agent/olga|COMPLETECALLER|4|65|1",
    };
    EXPECT_EQ(lines, want);
}

// Phones that rang for a call and did not take it: app_queue's RINGNOANSWER
// line (the member, the milliseconds rung) when each gave up, before the
// connect; in the report, the queue's missed offers and each operator's
// missed calls and ring time — an operator who only missed is listed too.
TEST(InboundReport, PhonesThatMissedACallAreInTheQueueLogAndTheReport) {
    const Millis t = kFrom + 7'200'000;
    InboundCall taken = Answered(21, "x", t, 40 * kS, 60 * kS, "nina");
    taken.missed = {{.agent = "olga", .at = t + 2 * kS, .rang = 20'500, .cause = 408},
                    {.agent = "petr", .at = t + 23 * kS, .rang = 1'200, .cause = 486}};
    InboundCall left = Abandoned(22, "y", t + 60 * kS, 30 * kS);
    left.missed = {{.agent = "olga", .at = t + 61 * kS, .rang = 20'000, .cause = 408}};
    const std::vector<InboundCall> calls = {taken, left};

    const auto lines = QueueLog(calls, kFrom, kTo, [](const InboundCall& c) { return c.caller; });
    const std::string s = std::to_string(t / 1000);
    auto at = [&](int plus) { return std::to_string(t / 1000 + plus); };
    const std::vector<std::string> want = {
        at(0) + "|" + s + ".21|general|NONE|ENTERQUEUE||x|1",
        at(22) + "|" + s + ".21|general|Agent/olga|RINGNOANSWER|20500",
        at(24) + "|" + s + ".21|general|Agent/petr|RINGNOANSWER|1200",
        at(40) + "|" + s + ".21|general|Agent/nina|CONNECT|40|" + s + ".21|0",
        at(60) + "|" + at(60) + ".22|general|NONE|ENTERQUEUE||y|1",
        at(81) + "|" + at(60) + ".22|general|Agent/olga|RINGNOANSWER|20000",
        at(90) + "|" + at(60) + ".22|general|NONE|ABANDON|1|1|30",
        at(100) + "|" + s + ".21|general|Agent/nina|COMPLETECALLER|40|60|1",
    };
    EXPECT_EQ(lines, want);

    ReportOptions options;
    options.now = kTo + 30 * kDay;
    const InboundReport r = MakeInboundReport(calls, kFrom, kTo, options);
    EXPECT_EQ(Route(r, "general").stats.offers_missed, 3);
    ASSERT_EQ(r.agents.size(), 3u);
    EXPECT_EQ(r.agents[0].agent, "nina");
    EXPECT_EQ(r.agents[0].calls, 1);
    EXPECT_EQ(r.agents[0].missed, 0);
    EXPECT_EQ(r.agents[1].agent, "olga");
    EXPECT_EQ(r.agents[1].calls, 0);
    EXPECT_EQ(r.agents[1].missed, 2);
    EXPECT_EQ(r.agents[1].rang_ms, 40'500);
    EXPECT_EQ(r.agents[2].missed, 1);
    const nlohmann::json j = InboundReportJson(r);
    EXPECT_EQ(j["routes"][0]["offers_missed"], 3);
    EXPECT_EQ(j["agents"][1]["missed"], 2);
    EXPECT_EQ(j["agents"][1]["rang_seconds"], 40.5);
    EXPECT_EQ(j["agents"][1]["aht_seconds"], 0.0) << "no call taken: no handle time, not NaN";
}

// The rings as the route column keeps them: written and read back; an entry
// without an operator (damaged by hand) is skipped, not made up.
TEST(InboundReport, MissedRingsReadBackFromTheRouteColumn) {
    const std::vector<MissedRing> rings = {{.agent = "olga", .at = 5, .rang = 20'000, .cause = 408},
                                           {.agent = "petr", .at = 9, .rang = 300, .cause = 0}};
    nlohmann::json route = {{"route", "queue:general"}, {"missed", MissedRingsJson(rings)}};
    EXPECT_EQ(ParseMissedRings(route), rings);
    route["missed"].push_back({{"at", 1}});
    route["missed"].push_back("olga");
    EXPECT_EQ(ParseMissedRings(route), rings);
    EXPECT_TRUE(ParseMissedRings(nlohmann::json{{"route", "queue:general"}}).empty());
    EXPECT_TRUE(ParseMissedRings(nlohmann::json("queue")).empty());
}

// Blind transfers (the desk's, docs/routing.md "Call controls") as app_queue
// logs them: the operator's CONNECT, BLINDTRANSFER with where to (the name,
// "queue" or "agent" for the context), the caller's wait and the operator's
// talk; a caller sent to a queue enters it under the same unique id and is
// connected there, one sent to an operator has left the queues. In the
// report every operator who talked counts the call for their part, the
// transfers and the hold time by who held.
TEST(InboundReport, BlindTransfersAreInTheQueueLogAndTheReportCountsEachOperatorsPart) {
    const Millis t = kFrom + 10'800'000;
    InboundCall to_queue = Answered(31, "x", t, 10 * kS, 130 * kS, "nina");
    to_queue.bridged = t + 80 * kS;
    to_queue.desk.holds = {{.agent = "olga", .at = t + 20 * kS, .ms = 20 * kS}};
    to_queue.desk.transfers = {
        {.from = "olga", .to = "queue:seniors", .at = t + 70 * kS, .talked_ms = 60 * kS}};
    InboundCall to_agent = Answered(32, "y", t + 200 * kS, 5 * kS, 95 * kS, "vera");
    to_agent.bridged = t + 232 * kS;
    to_agent.desk.transfers = {
        {.from = "petr", .to = "agent:vera", .at = t + 230 * kS, .talked_ms = 25 * kS}};
    const std::vector<InboundCall> calls = {to_queue, to_agent};

    const auto lines = QueueLog(calls, kFrom, kTo, [](const InboundCall& c) { return c.caller; });
    const std::string s = std::to_string(t / 1000), s2 = std::to_string(t / 1000 + 200);
    auto at = [&](int plus) { return std::to_string(t / 1000 + plus); };
    const std::vector<std::string> want = {
        at(0) + "|" + s + ".31|general|NONE|ENTERQUEUE||x|1",
        at(10) + "|" + s + ".31|general|Agent/olga|CONNECT|10|" + s + ".31|0",
        at(70) + "|" + s + ".31|general|Agent/olga|BLINDTRANSFER|seniors|queue|10|60|1",
        at(70) + "|" + s + ".31|seniors|NONE|ENTERQUEUE||x|1",
        at(80) + "|" + s + ".31|seniors|Agent/nina|CONNECT|10|" + s + ".31|0",
        at(140) + "|" + s + ".31|seniors|Agent/nina|COMPLETECALLER|10|60|1",
        at(200) + "|" + s2 + ".32|general|NONE|ENTERQUEUE||y|1",
        at(205) + "|" + s2 + ".32|general|Agent/petr|CONNECT|5|" + s2 + ".32|0",
        at(230) + "|" + s2 + ".32|general|Agent/petr|BLINDTRANSFER|vera|agent|5|25|1",
    };
    EXPECT_EQ(lines, want);

    ReportOptions options;
    options.now = kTo + 30 * kDay;
    const InboundReport r = MakeInboundReport(calls, kFrom, kTo, options);
    const RouteFigures& general = Route(r, "general");
    EXPECT_EQ(general.stats.answered, 2);
    EXPECT_EQ(general.transferred, 2);
    EXPECT_EQ(general.hold_ms, 20 * kS);
    std::map<std::string, AgentFigures> by;
    for (const auto& a : r.agents)
        by[a.agent] = a;
    ASSERT_EQ(by.size(), 4u);
    EXPECT_EQ(by["olga"].calls, 1);
    EXPECT_EQ(by["olga"].transfers, 1);
    EXPECT_EQ(by["olga"].talk_ms, 60 * kS);
    EXPECT_EQ(by["olga"].hold_ms, 20 * kS);
    EXPECT_EQ(by["nina"].calls, 1);
    EXPECT_EQ(by["nina"].transfers, 0);
    EXPECT_EQ(by["nina"].talk_ms, 70 * kS) << "from the transfer to the end";
    EXPECT_EQ(by["petr"].talk_ms, 25 * kS);
    EXPECT_EQ(by["vera"].talk_ms, 70 * kS);
    const nlohmann::json j = InboundReportJson(r);
    EXPECT_EQ(j["routes"][0]["transferred"], 2);
    EXPECT_EQ(j["routes"][0]["hold_seconds"], 20.0);
}

// Holds and transfers as the route column keeps them, read back; entries
// without an operator are skipped, a missing mode reads as blind.
TEST(InboundReport, DeskStepsReadBackFromTheRouteColumn) {
    DeskSteps steps;
    steps.holds = {{.agent = "olga", .at = 5, .ms = 7'000}};
    steps.transfers = {
        {.from = "olga", .to = "agent:nina", .at = 9, .talked_ms = 4'000},
        {.from = "nina", .to = "agent:petr", .mode = "attended", .at = 19, .talked_ms = 6'000}};
    steps.conferences = {{.agent = "nina", .with = "petr", .at = 15, .ms = 3'000}};
    nlohmann::json route = {{"route", "queue:general"}};
    AddDeskSteps(route, steps);
    EXPECT_EQ(ParseDeskSteps(route), steps);
    route["conferences"].push_back({{"with", "x"}});  // no operator: skipped
    route["holds"].push_back({{"at", 1}});
    route["transfers"].push_back({{"to", "queue:x"}});
    EXPECT_EQ(ParseDeskSteps(route), steps);
    route["transfers"][0].erase("mode");
    EXPECT_EQ(ParseDeskSteps(route).transfers[0].mode, "blind");
    nlohmann::json none = {{"route", "queue:general"}};
    AddDeskSteps(none, DeskSteps{});
    EXPECT_FALSE(none.contains("holds") || none.contains("transfers") ||
                 none.contains("conferences"))
        << none.dump();
}

// An attended transfer (the operator consulted the colleague first) as
// app_queue writes one: ATTENDEDTRANSFER in its BRIDGE form, the colleague's
// name where Asterisk puts the bridge's id, then the caller's wait and the
// operator's talk; the caller has left the queues.
TEST(InboundReport, AttendedTransfersAreLoggedInAsterisksBridgeForm) {
    const Millis t = kFrom + 10'800'000;
    InboundCall call = Answered(41, "z", t, 8 * kS, 120 * kS, "vera");
    call.bridged = t + 60 * kS;
    call.desk.transfers = {{.from = "petr",
                            .to = "agent:vera",
                            .mode = "attended",
                            .at = t + 60 * kS,
                            .talked_ms = 40 * kS}};
    call.desk.conferences = {{.agent = "petr", .with = "vera", .at = t + 50 * kS, .ms = 10 * kS}};
    const auto lines = QueueLog({call}, kFrom, kTo, [](const InboundCall& c) { return c.caller; });
    const std::string s = std::to_string(t / 1000);
    auto at = [&](int plus) { return std::to_string(t / 1000 + plus); };
    EXPECT_EQ(lines,
              (std::vector<std::string>{
                  at(0) + "|" + s + ".41|general|NONE|ENTERQUEUE||z|1",
                  at(8) + "|" + s + ".41|general|Agent/petr|CONNECT|8|" + s + ".41|0",
                  at(60) + "|" + s + ".41|general|Agent/petr|ATTENDEDTRANSFER|BRIDGE|vera|8|52|1",
              }));
}

TEST(InboundReport, TheCallsAndThePausesMergeInTimeOrder) {
    EXPECT_EQ(
        MergeQueueLog({"10|1.1|q|NONE|ENTERQUEUE", "12|1.1|q|Agent/a|CONNECT",
                       "99|1.1|q|Agent/a|COMPLETECALLER"},
                      {"5|NONE|NONE|Agent/a|UNPAUSEALL|", "12|NONE|NONE|Agent/b|PAUSEALL|lunch",
                       "100|NONE|NONE|Agent/b|UNPAUSEALL|lunch"}),
        (std::vector<std::string>{"5|NONE|NONE|Agent/a|UNPAUSEALL|", "10|1.1|q|NONE|ENTERQUEUE",
                                  "12|1.1|q|Agent/a|CONNECT", "12|NONE|NONE|Agent/b|PAUSEALL|lunch",
                                  "99|1.1|q|Agent/a|COMPLETECALLER",
                                  "100|NONE|NONE|Agent/b|UNPAUSEALL|lunch"}));
}

}  // namespace
}  // namespace callbase::routing
