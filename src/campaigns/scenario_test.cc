// Simulation scenarios: the TOML file's keys and their values, the errors a
// user sees for a wrong file, a run's determinism per seed, and the invented
// leads' shares of stop-listed, registry-listed and consenting numbers.
#include "campaigns/scenario.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace callbase::campaigns {
namespace {

using telephony::Distribution;

constexpr Millis kHourMs = 3'600'000;

UnixSeconds DayStart(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count() * int64_t{86400};
}

constexpr const char* kFull = R"(# every key, none at its default
name = "a full scenario"
seed = 42
start = 2027-03-15T08:30:00+05:00
days = 3
hours = 6.5

[agents]
count = 25
wrap_up = 15
preview_read = 12

[campaign]
pacing = "ratio"
ratio = 1.8
purpose = "marketing"
abandon_limit = 0.025
abandon_window_minutes = 30
abandon_wait = 3
ring_timeout = 30
max_attempts = 5
max_lines = 40
retry = { busy = 600, no_answer = 7200, abandoned = 259200 }
robot_max_calls = 12
robot_calls_per_second = 4.5

[caller_ids]
count = 50
daily_cap = 70
warn_share = 0.8
local_presence = false

[leads]
count = 1234
unknown_zone = 0.05
stop_list = 0.1
not_now = 0.02
registry = 0.03
consent = 0.6
revoked = 0.04
deletion = 0.001
inactive = 0.01
dialed_before = 0.2

[network]
answer_rate = 0.4
answer_rate_changes = [ { at = "13:00", rate = 0.15 }, { at = "11:30", rate = 0.25 } ]
busy = 0.2
rejected = 0.1
failed = 0.02
invalid = 0.04
machine = 0.1
ring_time = { mean = 8, sd = 4 }
talk_time = { mean = 120 }
machine_talk = { min = 1, max = 4 }
patience = 6
keys = { "1" = 0.6, none = 0.4 }
hangup_in_prompt = 0.05

[rules]
window = "08:00-21:00"
weekdays = ["mon", "wed", "sat"]
max_attempts = 4
attempt_period_days = 10
min_gap_minutes = 45
purposes_without_consent = ["service", "debt"]
default_utc_offset = 240
)";

void ExpectDistribution(const Distribution& d, Distribution::Kind kind, double a, double b) {
    EXPECT_EQ(d.kind, kind);
    EXPECT_DOUBLE_EQ(d.a, a);
    EXPECT_DOUBLE_EQ(d.b, b);
}

TEST(ScenarioFile, AFullFileGivesEveryValueItWrites) {
    auto parsed = ParseScenario(kFull, "t.toml");
    ASSERT_TRUE(parsed) << parsed.error().message;
    const Scenario& s = *parsed;
    EXPECT_EQ(s.name, "a full scenario");
    EXPECT_EQ(s.seed, 42u);
    // 08:30 at +05:00 is 03:30 UTC; the call center's clock is at +05:00.
    EXPECT_EQ(s.start, (DayStart(2027, 3, 15) + 3 * 3600 + 30 * 60) * 1000);
    EXPECT_EQ(s.dialer.center_utc_offset_minutes, 300);
    EXPECT_EQ(s.population.clock_utc_offset_minutes, 300);
    EXPECT_EQ(s.days, 3);
    EXPECT_EQ(s.day_length, 6 * kHourMs + kHourMs / 2);

    EXPECT_EQ(s.agents, 25);
    EXPECT_EQ(s.dialer.wrap_up, 15'000);
    EXPECT_EQ(s.dialer.preview_read, 12'000);

    const DialerOptions& d = s.dialer;
    EXPECT_EQ(d.pacing.mode, Pacing::kRatio);
    EXPECT_DOUBLE_EQ(d.pacing.ratio, 1.8);
    EXPECT_EQ(d.purpose, "marketing");
    EXPECT_DOUBLE_EQ(d.pacing.abandon_limit, 0.025);
    EXPECT_EQ(d.pacing.abandon_window, 30 * 60'000);
    EXPECT_EQ(d.abandon_wait, 3'000);
    EXPECT_EQ(d.ring_timeout, 30'000);
    EXPECT_EQ(d.max_attempts, 5);
    EXPECT_EQ(d.max_lines, 40);
    EXPECT_EQ(d.pacing.robot_max_calls, 12);
    EXPECT_DOUBLE_EQ(d.pacing.robot_calls_per_second, 4.5);
    std::map<std::string, int64_t> retries;
    for (const RetryRule& r : d.retries)
        retries[r.outcome] = r.delay_seconds;
    EXPECT_EQ(retries, (std::map<std::string, int64_t>{
                           {"busy", 600}, {"no_answer", 7200}, {"abandoned", 259200}}))
        << "the table replaces the default rules";
    EXPECT_EQ(d.retries.size(), 3u);

    EXPECT_EQ(s.caller_ids, 50);
    EXPECT_EQ(s.pool.daily_cap, 70);
    EXPECT_DOUBLE_EQ(s.pool.warn_share, 0.8);
    EXPECT_FALSE(s.pool.local_presence);

    const LeadMix& mix = s.leads;
    EXPECT_EQ(mix.count, 1234);
    EXPECT_DOUBLE_EQ(mix.unknown_zone, 0.05);
    EXPECT_DOUBLE_EQ(mix.stop_list, 0.1);
    EXPECT_DOUBLE_EQ(mix.not_now, 0.02);
    EXPECT_DOUBLE_EQ(mix.registry, 0.03);
    EXPECT_DOUBLE_EQ(mix.consent, 0.6);
    EXPECT_DOUBLE_EQ(mix.revoked, 0.04);
    EXPECT_DOUBLE_EQ(mix.deletion, 0.001);
    EXPECT_DOUBLE_EQ(mix.inactive, 0.01);
    EXPECT_DOUBLE_EQ(mix.dialed_before, 0.2);

    const telephony::Population& pop = s.population;
    EXPECT_EQ(pop.answer_rate, (std::vector<std::pair<int, double>>{
                                   {0, 0.4}, {11 * 60 + 30, 0.25}, {13 * 60, 0.15}}));
    // The steps follow the call center's clock (+05:00).
    EXPECT_DOUBLE_EQ(pop.AnswerRateAt(s.start), 0.4);                 // 08:30
    EXPECT_DOUBLE_EQ(pop.AnswerRateAt(s.start + 3 * kHourMs), 0.25);  // 11:30
    EXPECT_DOUBLE_EQ(pop.AnswerRateAt(s.start + 5 * kHourMs), 0.15);  // 13:30
    EXPECT_DOUBLE_EQ(pop.busy, 0.2);
    EXPECT_DOUBLE_EQ(pop.rejected, 0.1);
    EXPECT_DOUBLE_EQ(pop.failed, 0.02);
    EXPECT_DOUBLE_EQ(pop.invalid, 0.04);
    EXPECT_DOUBLE_EQ(pop.machine, 0.1);
    ExpectDistribution(pop.ring_time, Distribution::Kind::kLognormal, 8, 4);
    ExpectDistribution(pop.talk_time, Distribution::Kind::kExponential, 120, 0);
    ExpectDistribution(pop.machine_talk, Distribution::Kind::kUniform, 1, 4);
    ExpectDistribution(pop.patience, Distribution::Kind::kFixed, 6, 0);
    std::map<std::string, double> keys(pop.keys.begin(), pop.keys.end());
    EXPECT_EQ(keys, (std::map<std::string, double>{{"1", 0.6}, {"", 0.4}}))
        << "none is the empty key";
    EXPECT_DOUBLE_EQ(pop.hangup_in_prompt, 0.05);

    const compliance::CallingRules& rules = s.rules;
    EXPECT_EQ(rules.window_start_minute, 8 * 60);
    EXPECT_EQ(rules.window_end_minute, 21 * 60);
    EXPECT_EQ(rules.weekdays, 0b0100101) << "Monday, Wednesday, Saturday";
    EXPECT_EQ(rules.max_attempts, 4);
    EXPECT_EQ(rules.attempt_period, 10 * 86400);
    EXPECT_EQ(rules.min_gap, 45 * 60);
    EXPECT_EQ(rules.purposes_without_consent, (std::vector<std::string>{"service", "debt"}));
    EXPECT_EQ(rules.default_utc_offset_minutes, 240);
}

TEST(ScenarioFile, AnEmptyFileIsATuesdayInMoscowWithPredictivePacing) {
    auto parsed = ParseScenario("", "t.toml");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->start, (DayStart(2026, 12, 1) + 6 * 3600) * 1000);  // 09:00 +03:00
    EXPECT_EQ(parsed->dialer.center_utc_offset_minutes, 180);
    EXPECT_EQ(parsed->dialer.pacing.mode, Pacing::kPredictive);
    EXPECT_EQ(parsed->day_length, 8 * kHourMs);
    EXPECT_EQ(parsed->name, "t.toml");
}

TEST(ScenarioFile, TheShippedExamplesLoad) {
    for (const char* file : {"predictive-100.toml", "predictive-100-drop.toml"}) {
        auto s = LoadScenario(std::string(CALLBASE_SOURCE_DIR "/examples/scenarios/") + file);
        ASSERT_TRUE(s) << s.error().message;
        EXPECT_EQ(s->agents, 100) << file;
        EXPECT_EQ(s->dialer.pacing.mode, Pacing::kPredictive) << file;
    }
}

TEST(ScenarioFile, OperatorsCalledAwayAndBackAreReadInTheirOrder) {
    auto s = ParseScenario(R"(
[agents]
count = 60
changes = [ { at = "14:00", count = 30 }, { at = "11:00", count = 40 }, { at = "14:05", count = 60 } ]
)",
                           "t.toml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->agent_changes,
              (std::vector<std::pair<int, int>>{{11 * 60, 40}, {14 * 60, 30}, {14 * 60 + 5, 60}}));
}

TEST(ScenarioFile, AnOperatorChangeWithoutACountOrWithABadTimeIsRefusedWithItsLine) {
    auto s = ParseScenario("[agents]\nchanges = [ { at = \"11:00\" } ]\n", "t.toml");
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("t.toml:2"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("count is missing"), std::string::npos) << s.error().message;
    s = ParseScenario("[agents]\nchanges = [ { at = \"25:00\", count = 3 } ]\n", "t.toml");
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("HH:MM"), std::string::npos) << s.error().message;
    s = ParseScenario("[agents]\nchanges = [ { at = \"11:00\", count = 3, who = 1 } ]\n", "t.toml");
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("who"), std::string::npos) << s.error().message;
}

// The error for `text`, which must not parse.
Error ErrorOf(const std::string& text) {
    auto parsed = ParseScenario(text, "t.toml");
    if (parsed) {
        ADD_FAILURE() << "parsed:\n" << text;
        return {};
    }
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidInput) << parsed.error().message;
    EXPECT_FALSE(parsed.error().hint.empty());
    return parsed.error();
}

#define EXPECT_MENTIONS(error, text) \
    EXPECT_NE((error).message.find(text), std::string::npos) << (error).message

// Found by fuzz/fuzz_scenario (input in fuzz/corpus/fuzz_scenario/nan-count.toml):
// nan passed the range check and was cast to an int (-2147483648 agents; an
// undefined conversion that UBSan stops at).
TEST(ScenarioFile, NanIsNotANumberOfAgents) {
    Error e = ErrorOf("name = \"x\"\n[agents]\ncount = nan\n");
    EXPECT_MENTIONS(e, "t.toml:3");
    EXPECT_MENTIONS(e, "[agents] count");
    EXPECT_MENTIONS(e, "must be a number from 1 to 100000, not nan");
}

TEST(ScenarioFile, AnUnknownKeyIsNamedWithItsLineAndTheKeysThatAreValidThere) {
    Error e = ErrorOf("name = \"x\"\n\n[campaign]\npacing = \"progressive\"\npacnig = \"ratio\"\n");
    EXPECT_MENTIONS(e, "t.toml:5");
    EXPECT_MENTIONS(e, "pacnig");
    EXPECT_MENTIONS(e, "unknown key");
    for (const char* valid :
         {"pacing", "ratio", "purpose", "max_attempts", "retry", "robot_calls_per_second"}) {
        EXPECT_MENTIONS(e, valid);
    }

    Error top = ErrorOf("seed = 1\nagnets = 5\n");
    EXPECT_MENTIONS(top, "t.toml:2");
    EXPECT_MENTIONS(top, "agnets");
    EXPECT_MENTIONS(top, "agents, campaign, caller_ids");

    Error retry = ErrorOf("[campaign]\nretry = { bussy = 60 }\n");
    EXPECT_MENTIONS(retry, "t.toml:2");
    EXPECT_MENTIONS(retry, "bussy");
    EXPECT_MENTIONS(retry, "busy, no_answer, rejected, failed, abandoned");

    Error distribution = ErrorOf("[network]\n\ntalk_time = { mean = 120, median = 90 }\n");
    EXPECT_MENTIONS(distribution, "t.toml:3");
    EXPECT_MENTIONS(distribution, "median");
}

TEST(ScenarioFile, AValueOfTheWrongTypeIsRefused) {
    Error count = ErrorOf("[agents]\ncount = \"ten\"\n");
    EXPECT_MENTIONS(count, "t.toml:2");
    EXPECT_MENTIONS(count, "[agents] count");
    EXPECT_MENTIONS(count, "must be a number");

    Error purpose = ErrorOf("[campaign]\npurpose = 5\n");
    EXPECT_MENTIONS(purpose, "[campaign] purpose");
    EXPECT_MENTIONS(purpose, "must be a string");

    Error flag = ErrorOf("[caller_ids]\nlocal_presence = \"yes\"\n");
    EXPECT_MENTIONS(flag, "local_presence");

    Error weekdays = ErrorOf("[rules]\nweekdays = \"mon\"\n");
    EXPECT_MENTIONS(weekdays, "[rules] weekdays");
}

TEST(ScenarioFile, AShareOutsideZeroToOneIsRefused) {
    Error high = ErrorOf("[leads]\ncount = 10\nstop_list = 1.5\n");
    EXPECT_MENTIONS(high, "t.toml:3");
    EXPECT_MENTIONS(high, "[leads] stop_list");
    EXPECT_MENTIONS(high, "out of range");

    Error negative = ErrorOf("[network]\nanswer_rate = -0.1\n");
    EXPECT_MENTIONS(negative, "[network] answer_rate");

    Error change = ErrorOf("[network]\nanswer_rate_changes = [ { at = \"13:00\", rate = 2 } ]\n");
    EXPECT_MENTIONS(change, "rate");

    Error sum = ErrorOf("[network]\nbusy = 0.6\nrejected = 0.3\nfailed = 0.2\n");
    EXPECT_MENTIONS(sum, "more than 1");
}

// Issue 17, item 17: `count = nan` gave -2147483648 agents, other nan and
// inf values hung the simulation; a key given twice meant one of the two.
TEST(ScenarioFile, NanAndInfAreRefusedWhereverANumberIsExpected) {
    struct Case {
        const char* text;
        const char* where;
    };
    for (const Case& c :
         {Case{"[agents]\ncount = nan\n", "[agents] count"},
          Case{"[agents]\ncount = -nan\n", "[agents] count"},
          Case{"[agents]\ncount = inf\n", "[agents] count"}, Case{"hours = +inf\n", "hours"},
          Case{"days = nan\n", "days"}, Case{"seed = nan\n", "seed"},
          Case{"[leads]\ncount = 10\nstop_list = nan\n", "[leads] stop_list"},
          Case{"[network]\nanswer_rate = nan\n", "[network] answer_rate"},
          Case{"[network]\ntalk_time = nan\n", "[network] talk_time"},
          Case{"[network]\ntalk_time = -inf\n", "[network] talk_time"},
          Case{"[network]\ntalk_time = { mean = nan }\n", "talk_time"},
          Case{"[network]\nring_time = { min = 1, max = inf }\n", "ring_time"},
          Case{"[campaign]\nratio = nan\n", "[campaign] ratio"},
          Case{"[campaign]\nretry = { busy = nan }\n", "busy"},
          Case{"[rules]\nmax_attempts = nan\n", "[rules] max_attempts"}}) {
        auto s = ParseScenario(c.text, "t.toml");
        ASSERT_FALSE(s) << c.text;
        EXPECT_NE(s.error().message.find(c.where), std::string::npos)
            << c.text << s.error().message;
        EXPECT_NE(s.error().message.find("t.toml:"), std::string::npos) << s.error().message;
    }
}

TEST(ScenarioFile, AKeyOrTableGivenTwiceIsRefusedNamingBothLines) {
    Error key = ErrorOf("seed = 1\n[agents]\ncount = 10\nwrap_up = 5\ncount = 20\n");
    EXPECT_MENTIONS(key, "t.toml:5: key count is given twice, on line 3 and on line 5");
    Error table = ErrorOf(
        "[agents]\ncount = 10\n\n[campaign]\npacing = \"progressive\"\n"
        "[agents]\ncount = 20\n");
    EXPECT_MENTIONS(table, "t.toml:6: table [agents] is given twice, on line 1 and on line 6");
    // The same key in two tables is two keys.
    EXPECT_TRUE(ParseScenario("[agents]\ncount = 10\n[leads]\ncount = 10\n", "t.toml"));
}

TEST(ScenarioFile, AnUnknownPacingModeIsRefusedWithTheModesThatExist) {
    Error e = ErrorOf("[campaign]\npacing = \"agressive\"\n");
    EXPECT_MENTIONS(e, "t.toml:2");
    EXPECT_MENTIONS(e, "'agressive'");
    EXPECT_MENTIONS(e, "preview, progressive, predictive, ratio or robot");
}

TEST(ScenarioFile, AStartWithoutItsOffsetIsRefused) {
    Error local = ErrorOf("seed = 1\nstart = 2026-12-01T09:00:00\n");
    EXPECT_MENTIONS(local, "t.toml:2");
    EXPECT_MENTIONS(local, "start");
    EXPECT_MENTIONS(local, "offset");
    Error date = ErrorOf("start = 2026-12-01\n");
    EXPECT_MENTIONS(date, "start");
    Error text = ErrorOf("start = \"2026-12-01T09:00:00+03:00\"\n");
    EXPECT_MENTIONS(text, "start");
}

TEST(ScenarioFile, ATimeOfDayThatIsNotHHMMIsRefused) {
    for (const char* window : {"9am-20:00", "08:00-25:00", "08:60-20:00", "08:00", "-"}) {
        Error e = ErrorOf(std::string("[rules]\nwindow = \"") + window + "\"\n");
        EXPECT_MENTIONS(e, "[rules] window");
        EXPECT_MENTIONS(e, "HH:MM");
    }
    Error change = ErrorOf("[network]\nanswer_rate_changes = [ { at = \"1300\", rate = 0.1 } ]\n");
    EXPECT_MENTIONS(change, "answer_rate_changes");
    EXPECT_MENTIONS(change, "HH:MM");
}

TEST(ScenarioFile, ATimeWithTrailingTextOrAWindowThatCannotOpenIsRefused) {
    // "09:00-9:00pm" would be a window from 09:00 to 09:00: no call, ever.
    for (const char* window : {"09:00-9:00pm", "09:00am-20:00", "09:00-20:00:30"}) {
        Error e = ErrorOf(std::string("[rules]\nwindow = \"") + window + "\"\n");
        EXPECT_MENTIONS(e, "[rules] window");
    }
    Error reversed = ErrorOf("[rules]\nwindow = \"21:00-09:00\"\n");
    EXPECT_MENTIONS(reversed, "[rules] window");
    Error no_day = ErrorOf("[rules]\nweekdays = []\n");
    EXPECT_MENTIONS(no_day, "[rules] weekdays");
}

TEST(ScenarioFile, BrokenTomlIsRefusedWithItsLine) {
    Error e = ErrorOf("seed = 1\n[agents\ncount = 3\n");
    EXPECT_MENTIONS(e, "t.toml:2");
}

TEST(ScenarioFile, AMissingFileIsNotFound) {
    auto s = LoadScenario(CALLBASE_SOURCE_DIR "/examples/scenarios/no-such-scenario.toml");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
    EXPECT_MENTIONS(s.error(), "no-such-scenario.toml");
}

// --- Runs -------------------------------------------------------------------

constexpr const char* kSmall = R"(
seed = 3
start = 2026-12-01T09:00:00+03:00
hours = 1

[agents]
count = 10

[campaign]
pacing = "predictive"

[caller_ids]
count = 100

[leads]
count = 5000

[network]
answer_rate = 0.3
)";

Scenario Small(uint64_t seed) {
    auto s = ParseScenario(kSmall, "small.toml");
    EXPECT_TRUE(s) << s.error().message;
    s->seed = seed;
    return *s;
}

// Operators called away leave the run's figures: fewer agent-hours than with
// everyone all day, and nobody is lost (every agent back after the change).
TEST(Scenario, OperatorsCalledAwayWorkFewerHours) {
    Scenario s = Small(3);
    s.day_length = 2 * kHourMs;
    RunResult all = campaigns::Run(s);
    s.agent_changes = {{9 * 60 + 30, 4}, {10 * 60 + 30, 10}};
    RunResult away = campaigns::Run(s);
    // Six operators away for an hour: about six agent-hours fewer.
    EXPECT_NEAR(all.agent_hours - away.agent_hours, 6.0, 0.5);
    EXPECT_EQ(away.Violations(), 0);
    EXPECT_EQ(away.window.over_limit, 0);
}

// [incoming]: calls to the center the same operators take. They arrive at
// about the rate asked, are put through (nobody is refused while operators
// are at work), leave the campaign's dial figures, and take operators from
// the dialing: fewer contacts reached.
TEST(Scenario, IncomingCallsTakeTheSameOperatorsAndStayOutOfTheCampaignsFigures) {
    Scenario s = Small(5);
    s.day_length = 2 * kHourMs;
    RunResult alone = campaigns::Run(s);
    s.incoming_per_hour = 60;
    s.incoming_patience = 60'000;
    RunResult blended = campaigns::Run(s);
    EXPECT_NEAR(static_cast<double>(blended.stats.inbound), 120.0, 35.0) << "two hours at 60";
    EXPECT_EQ(blended.stats.inbound_answered + blended.stats.inbound_abandoned,
              blended.stats.inbound);
    EXPECT_GT(blended.stats.inbound_answered, blended.stats.inbound * 9 / 10);
    EXPECT_LT(blended.contacts_reached, alone.contacts_reached);
    EXPECT_EQ(blended.Violations(), 0);
    EXPECT_EQ(blended.window.over_limit, 0);
    auto parsed = ParseScenario("[incoming]\ncalls_per_hour = 90\npatience = 45\n", "t.toml");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_DOUBLE_EQ(parsed->incoming_per_hour, 90);
    EXPECT_EQ(parsed->incoming_patience, 45'000);
    auto bad = ParseScenario("[incoming]\ncalls_per_hour = 90\nqueue = \"x\"\n", "t.toml");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("t.toml:3"), std::string::npos) << bad.error().message;
}

TEST(Scenario, ARunIsTheSameForTheSameSeedAndDiffersForAnother) {
    RunResult first = campaigns::Run(Small(3));
    RunResult second = campaigns::Run(Small(3));
    RunResult other = campaigns::Run(Small(4));

    EXPECT_GT(first.stats.attempts, 500);
    EXPECT_GT(first.stats.answered, 100);
    EXPECT_EQ(first.Violations(), 0);
    EXPECT_EQ(first.stats.attempts, second.stats.attempts);
    EXPECT_EQ(first.stats.answered, second.stats.answered);
    EXPECT_EQ(first.stats.abandoned, second.stats.abandoned);
    EXPECT_EQ(first.stats.outcomes, second.stats.outcomes);
    EXPECT_EQ(first.stats.denials, second.stats.denials);
    EXPECT_EQ(first.contacts_reached, second.contacts_reached);
    EXPECT_EQ(first.stats.talk_ms, second.stats.talk_ms);

    EXPECT_NE(std::make_tuple(first.stats.attempts, first.stats.answered, first.stats.outcomes,
                              first.stats.talk_ms),
              std::make_tuple(other.stats.attempts, other.stats.answered, other.stats.outcomes,
                              other.stats.talk_ms));
}

TEST(Scenario, TheInventedLeadsHoldTheMixesShares) {
    Scenario s = Small(11);
    s.leads.count = 20'000;
    s.leads.stop_list = 0.10;
    s.leads.not_now = 0.03;
    s.leads.registry = 0.05;
    s.leads.consent = 0.60;
    s.leads.unknown_zone = 0.05;
    s.dialer.purpose = "marketing";
    World w = MakeWorld(s);
    ASSERT_EQ(w.leads.size(), 20'000u);
    ASSERT_EQ(w.states.size(), 20'000u);

    const UnixSeconds start = s.start / 1000;
    int stop = 0, not_now = 0, registry = 0, consent = 0, unknown = 0, moscow = 0;
    std::set<std::string> numbers;
    for (size_t i = 0; i < w.leads.size(); ++i) {
        const Lead& lead = w.leads[i];
        const compliance::NumberState& state = w.states[i];
        EXPECT_EQ(lead.contact_id, static_cast<int64_t>(i) + 1);
        numbers.insert(lead.e164);
        for (const auto& e : state.stops) {
            if (e.category == compliance::StopCategory::kDoNotDisturb) ++stop;
            if (e.category == compliance::StopCategory::kNotNow) {
                ++not_now;
                ASSERT_TRUE(e.until);
                EXPECT_GE(*e.until, start);
                EXPECT_LE(*e.until, start + 30 * 86400);
            }
        }
        registry += state.registries.empty() ? 0 : 1;
        for (const auto& c : state.consents) {
            EXPECT_EQ(c.purpose, "marketing") << "consent for the campaign's purpose";
            EXPECT_LE(c.obtained_at, start);
        }
        consent += state.consents.empty() ? 0 : 1;
        unknown += lead.utc_offset_minutes ? 0 : 1;
        moscow += lead.utc_offset_minutes == 180 ? 1 : 0;
        EXPECT_EQ(lead.utc_offset_minutes, state.utc_offset_minutes);
    }
    const double n = 20'000;
    EXPECT_NEAR(stop / n, 0.10, 0.01);
    EXPECT_NEAR(not_now / n, 0.03, 0.01);
    EXPECT_NEAR(registry / n, 0.05, 0.01);
    EXPECT_NEAR(consent / n, 0.60, 0.015);
    EXPECT_NEAR(unknown / n, 0.05, 0.01);
    EXPECT_NEAR(moscow / (n - unknown), 0.55, 0.02) << "Moscow's weight in the zones";
    EXPECT_EQ(numbers.size(), w.leads.size()) << "every invented number is distinct";
    for (const auto& number : numbers) {
        ASSERT_EQ(number.size(), 12u) << number;
        ASSERT_EQ(number.rfind("+79", 0), 0u) << number;
    }
    EXPECT_EQ(w.caller_ids.size(), static_cast<size_t>(s.caller_ids));

    World again = MakeWorld(s);
    EXPECT_EQ(again.leads[123].e164, w.leads[123].e164);
    EXPECT_EQ(again.states[123].consents.size(), w.states[123].consents.size());
}

}  // namespace
}  // namespace callbase::campaigns
