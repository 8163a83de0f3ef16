// The inbound scenario format as a supervisor writes it: every key read into
// the day, the shipped examples loading, and every mistake refused with the
// file, the line and what to write instead — nothing half-read.
#include "routing/inbound_scenario.h"

#include <gtest/gtest.h>

namespace callbase::routing {
namespace {

constexpr Millis kSecond = 1000;

Result<std::optional<InboundDay>> Parse(std::string_view text) {
    return ParseInboundScenario(text, "t.toml");
}

// The error's message, or "" when the text was read.
std::string Problem(std::string_view text) {
    auto r = Parse(text);
    return r ? std::string() : r.error().message;
}

constexpr std::string_view kFull = R"(name = "full"
seed = 7
start = 2026-12-02T08:00:00+05:00
hours = 10

[inbound]
ring_delay = { min = 1, max = 4 }
no_answer = 0.05
drain_minutes = 30
vip_target = 5

[[inbound.queues]]
name = "sales"
strategy = "round_robin"
skill = "sales"
first_level = 1
widen = [ { after = 20, level = 2 }, { after = 60, level = 3 } ]
max_wait = 600
offer_timeout = 12
priority_step = 90
sl_threshold = 30
short_abandon = 4
join_when_empty = true
leave_when_empty = false
exit_route = "voicemail"
calls_per_hour = [100, 200.5, 0]
vip_share = 0.1
vip_priority = 3
vip_queue = "vip"
patience = { mean = 90 }
talk_time = { mean = 180, sd = 60 }
wrap_up = 15

[[inbound.queues]]
name = "vip"
members = ["desk-001"]
teams = ["desk"]
calls_per_hour = 12
patience = "none"

[[inbound.teams]]
name = "sales"
count = 12
blend = "blended"
skills = { sales = 1, support = 3 }
pauses = [ { at = "12:00", minutes = 30, count = 4, reason = "lunch" } ]

[[inbound.teams]]
name = "desk"
count = 2
)";

TEST(InboundScenario, EveryKeyIsRead) {
    auto parsed = Parse(kFull);
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_TRUE(*parsed);
    const InboundDay& d = **parsed;
    EXPECT_EQ(d.name, "full");
    EXPECT_EQ(d.seed, 7u);
    EXPECT_EQ(d.center_utc_offset_minutes, 300);
    EXPECT_EQ(d.start, 1'796'180'400'000);  // 2026-12-02 03:00 UTC
    EXPECT_EQ(d.length, 10 * 3'600'000);
    EXPECT_EQ(d.ring_delay.kind, Distribution::Kind::kUniform);
    EXPECT_EQ(d.ring_delay.b, 4);
    EXPECT_DOUBLE_EQ(d.no_answer, 0.05);
    EXPECT_EQ(d.drain, 30 * 60 * kSecond);
    EXPECT_EQ(d.vip_target, 5 * kSecond);
    ASSERT_EQ(d.queues.size(), 2u);
    const InboundQueue& q = d.queues[0];
    EXPECT_EQ(q.spec.name, "sales");
    EXPECT_EQ(q.spec.strategy, Strategy::kRoundRobin);
    EXPECT_EQ(q.spec.skill, "sales");
    EXPECT_EQ(q.spec.widen,
              (std::vector<std::pair<Millis, int>>{{20 * kSecond, 2}, {60 * kSecond, 3}}));
    EXPECT_EQ(q.spec.max_wait, 600 * kSecond);
    EXPECT_EQ(q.spec.offer_timeout, 12 * kSecond);
    EXPECT_EQ(q.spec.priority_step, 90 * kSecond);
    EXPECT_EQ(q.spec.sl_threshold, 30 * kSecond);
    EXPECT_EQ(q.spec.short_abandon, 4 * kSecond);
    EXPECT_TRUE(q.spec.join_when_empty);
    EXPECT_FALSE(q.spec.leave_when_empty);
    EXPECT_EQ(q.spec.exit_route, "voicemail");
    EXPECT_EQ(q.calls_per_hour, (std::vector<double>{100, 200.5, 0}));
    EXPECT_DOUBLE_EQ(q.vip_share, 0.1);
    EXPECT_EQ(q.vip_priority, 3);
    EXPECT_EQ(q.vip_queue, "vip");
    ASSERT_TRUE(q.patience);
    EXPECT_EQ(q.patience->kind, Distribution::Kind::kExponential);
    EXPECT_EQ(q.talk.kind, Distribution::Kind::kLognormal);
    EXPECT_EQ(q.wrap_up.kind, Distribution::Kind::kFixed);
    EXPECT_EQ(q.wrap_up.a, 15);
    const InboundQueue& vip = d.queues[1];
    EXPECT_EQ(vip.spec.members, (std::vector<std::string>{"desk-001"}));
    EXPECT_EQ(vip.teams, (std::vector<std::string>{"desk"}));
    EXPECT_EQ(vip.calls_per_hour, (std::vector<double>{12}));
    EXPECT_FALSE(vip.patience) << "none: never hangs up";
    ASSERT_EQ(d.teams.size(), 2u);
    const InboundTeam& t = d.teams[0];
    EXPECT_EQ(t.count, 12);
    EXPECT_EQ(t.blend, agents::Blend::kBlended);
    ASSERT_EQ(t.skills.size(), 2u);
    EXPECT_EQ(t.skills[1].name, "support");
    EXPECT_EQ(t.skills[1].level, 3);
    ASSERT_EQ(t.pauses.size(), 1u);
    EXPECT_EQ(t.pauses[0].after, 4 * 3'600'000);  // 12:00 on a day from 08:00
    EXPECT_EQ(t.pauses[0].length, 30 * 60 * kSecond);
    EXPECT_EQ(t.pauses[0].count, 4);
    EXPECT_EQ(t.pauses[0].reason, "lunch");
    EXPECT_EQ(d.teams[1].blend, agents::Blend::kInbound) << "inbound by default";
}

TEST(InboundScenario, AFileWithoutInboundIsAnOutboundScenario) {
    auto parsed = Parse("name = \"campaign\"\n[campaign]\npacing = \"predictive\"\n");
    ASSERT_TRUE(parsed);
    EXPECT_FALSE(*parsed);
}

TEST(InboundScenario, TheShippedExamplesLoad) {
    struct Want {
        const char* file;
        size_t queues;
        int agents;
    };
    for (const Want& w : {Want{"small-center.toml", 2, 20}, Want{"large-500.toml", 4, 500},
                          Want{"vip.toml", 2, 108}}) {
        auto day = LoadInboundScenario(
            std::string(CALLBASE_SOURCE_DIR "/examples/scenarios/inbound/") + w.file);
        ASSERT_TRUE(day) << day.error().message;
        ASSERT_TRUE(*day) << w.file;
        EXPECT_EQ((*day)->queues.size(), w.queues) << w.file;
        int agents = 0;
        for (const auto& t : (*day)->teams)
            agents += t.count;
        EXPECT_EQ(agents, w.agents) << w.file;
    }
    auto missing = LoadInboundScenario(CALLBASE_SOURCE_DIR "/examples/scenarios/inbound/no.toml");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("cannot open the scenario file"), std::string::npos);
}

constexpr std::string_view kMinimal = R"([inbound]
[[inbound.queues]]
name = "sales"
calls_per_hour = 100
[[inbound.teams]]
name = "sales"
count = 5
)";

// kMinimal with `line` put after line `after` (1-based).
std::string With(std::string_view line, int after) {
    std::string text(kMinimal);
    size_t at = 0;
    for (int i = 0; i < after; ++i)
        at = text.find('\n', at) + 1;
    text.insert(at, std::string(line) + "\n");
    return text;
}

// kMinimal with `from` replaced by `to`.
std::string Replaced(std::string_view from, std::string_view to) {
    std::string text(kMinimal);
    text.replace(text.find(from), from.size(), to);
    return text;
}

TEST(InboundScenario, TheMinimalDayHasTheDefaults) {
    auto parsed = Parse(kMinimal);
    ASSERT_TRUE(parsed) << parsed.error().message;
    const InboundDay& d = **parsed;
    EXPECT_EQ(d.queues[0].spec.strategy, Strategy::kLongestIdle);
    EXPECT_EQ(d.ring_delay.a, 2);
    EXPECT_EQ(d.length, 8 * 3'600'000);
    EXPECT_EQ(d.center_utc_offset_minutes, 180);
}

TEST(InboundScenario, MistakesAreRefusedWithTheFileLineAndWhatToWrite) {
    struct Case {
        std::string text;
        std::string says;
    };
    const std::vector<Case> cases = {
        {With("stratgy = \"random\"", 3),
         "t.toml:4: [inbound.queues] stratgy: unknown key; the keys here are name, strategy"},
        {With("strategy = \"leastrecent\"", 3),
         "t.toml:4: [inbound.queues] strategy: 'leastrecent' is not a strategy"},
        {With("ringdelay = 3", 1), "t.toml:2: [inbound] ringdelay: unknown key"},
        {With("[campaign]\npacing = \"predictive\"", 7),
         "t.toml:8: [campaign]: a blended day (both [inbound] and [campaign]) is not simulated "
         "yet"},
        {"days = 3\n" + std::string(kMinimal), "t.toml:1: days: an inbound scenario is one day"},
        {"[agents]\ncount = 3\n" + std::string(kMinimal),
         "t.toml:1: agents: unknown key; the keys here are name, seed, start, days, hours, "
         "inbound"},
        {With("vip_queue = \"vip\"", 3),
         "t.toml:4: [[inbound.queues]] vip_queue: no queue 'vip'; "
         "the queues are sales"},
        {With("members = [\"sales-001\", \"sales-006\"]", 3),
         "t.toml:4: [[inbound.queues]] members: no agent 'sales-006'; a team's agents are named "
         "after it: TEAM-001, TEAM-002, ..."},
        {With("teams = [\"desk\"]", 3),
         "t.toml:4: [[inbound.queues]] teams: no team 'desk'; the teams are sales"},
        {std::string(kMinimal) + "[[inbound.queues]]\nname = \"sales\"\n",
         "t.toml:9: [[inbound.queues]] name: queue 'sales' is defined twice"},
        {std::string(kMinimal) + "[[inbound.teams]]\nname = \"sales\"\n",
         "t.toml:9: [[inbound.teams]] name: team 'sales' is defined twice"},
        {Replaced("calls_per_hour = 100", "calls_per_hour = [100, -5]"),
         "t.toml:4: [inbound.queues] calls_per_hour: calls an hour: a number from 0 to 10000000"},
        {Replaced("calls_per_hour = 100", "calls_per_hour = []"),
         "t.toml:4: [inbound.queues] calls_per_hour: give at least one hour's rate"},
        {With("patience = \"forever\"", 3),
         "t.toml:4: [inbound.queues] patience: write seconds, { mean = S }, { mean = S, sd = S } "
         "or { min = S, max = S }, or \"none\""},
        {With("talk_time = \"none\"", 3), "t.toml:4: [inbound.queues] talk_time: write seconds"},
        {With("talk_time = { mean = 100, max = 3 }", 3),
         "t.toml:4: [inbound.queues] talk_time: give mean (and sd), or min and max"},
        {With("skills = { sales = 0 }", 6),
         "t.toml:7: [inbound.teams.skills] sales: 0 is out of range 1..9"},
        {With("blend = \"both\"", 6), "t.toml:7: [inbound.teams] blend: 'both' is not a blend"},
        {With("pauses = [ { at = \"08:00\", minutes = 30, count = 2 } ]", 6),
         "t.toml:7: [inbound.teams.pauses] at: 08:00 is outside the day (09:00 for 8 h)"},
        {With("pauses = [ { at = \"13:00\", count = 2 } ]", 6),
         "[inbound.teams.pauses] minutes: give minutes and count"},
        {With("pauses = [ { at = \"1pm\", minutes = 30, count = 2 } ]", 6),
         "t.toml:7: [inbound.teams.pauses] at: write the time of day the pause starts, HH:MM"},
        {With("widen = [ { after = 20 } ]", 3),
         "[inbound.queues] widen: give both after and level"},
        {With("offer_timeout = 0", 3),
         "t.toml:4: [inbound.queues] offer_timeout: an offer rings for more than 0 seconds"},
        {With("no_answer = 1.5", 1), "t.toml:2: [inbound] no_answer: 1.5 is out of range 0..1"},
        {"[inbound]\n[[inbound.teams]]\nname = \"a\"\n",
         "[inbound]: define at least one queue under [[inbound.queues]]"},
        {"[inbound]\n[[inbound.queues]]\nname = \"a\"\n",
         "[inbound]: define at least one team of agents under [[inbound.teams]]"},
        {With("name = \"x\"\nname = \"y\"", 0),
         "t.toml:2: key name is given twice, on line 1 and on line 2"},
    };
    for (const Case& c : cases) {
        const std::string message = Problem(c.text);
        EXPECT_NE(message.find(c.says), std::string::npos)
            << "file:\n"
            << c.text << "\nsaid: " << message << "\nwant: " << c.says;
    }
}

TEST(InboundScenario, ARefusalPointsToTheDocs) {
    auto r = Parse(With("colour = \"red\"", 1));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(r.error().hint.find("docs/simulation.md"), std::string::npos);
}

}  // namespace
}  // namespace callbase::routing
