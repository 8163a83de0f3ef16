// Issue 17, item 9 (R-SEC-1): a supervisor in a team sees the campaigns'
// figures over the calls the team's members took, those calls' records and
// the team's operators in the live view; a supervisor without a team, and the
// admin, see the whole. Two teams of different sizes, so that a figure taken
// from the wrong team, or from the whole, cannot come out right.
#include "security/teams.h"
#include "api/api_test_fixture.h"

namespace callbase::api {
namespace {

constexpr int kNorthOperators = 5;
constexpr int kSouthOperators = 50;
constexpr const char* kNorthLine = "+74950000001";
constexpr const char* kSouthLine = "+74950000002";
constexpr const char* kNobodysLine = "+74950000003";

class TeamsTest : public ApiTest {
protected:
    void SetUp() override {
        ApiTest::SetUp();
        if (HasFatalFailure()) return;
        security::Users users(*db_, clock_);
        ASSERT_TRUE(users.Add("boris", Role::kSupervisor, kPassword));
        ASSERT_TRUE(users.Add("carl", Role::kSupervisor, kPassword));  // in no team
        security::Teams teams(*db_, clock_);
        ASSERT_TRUE(teams.Add("north", "root"));
        ASSERT_TRUE(teams.Add("south", "root"));
        ASSERT_TRUE(teams.SetMember("anna", "north"));
        ASSERT_TRUE(teams.SetMember("boris", "south"));
    }

    // Operators who never log in here: a row each, put in `team`.
    void AddOperators(const std::string& prefix, int count, const std::string& team) {
        security::Teams teams(*db_, clock_);
        for (int i = 1; i <= count; ++i) {
            const std::string name = fmt::format("{}{:02}", prefix, i);
            ASSERT_TRUE(
                db_->Exec("INSERT INTO users (name, role, password_hash, created_at, "
                          "updated_at) VALUES ($1, 'operator', 'x', $2, $2)",
                          {name, clock_.Now()}));
            ASSERT_TRUE(teams.SetMember(name, team));
        }
    }

    int64_t AddCampaign(const std::string& name) {
        auto id = db_->QueryValue(
            "INSERT INTO campaigns (name, purpose, pacing, settings, created_at, created_by, "
            "updated_at, updated_by) VALUES ($1, 'service', 'preview', '{}', $2, 'seed', $2, "
            "'seed') RETURNING id",
            {name, clock_.Now()});
        EXPECT_TRUE(id);
        return id ? store::Row({*id}).Int(0) : 0;
    }

    struct CallRow {
        std::string agent;  // "" for a call no operator took
        std::string outcome = "answered";
        std::string direction = "out";
        std::string line = kNobodysLine;
        bool short_call = false;
        std::optional<std::string> disposition;
        bool callback = false;  // a callback the agent owes
    };

    // A finished call to Maria's number, an hour ago.
    void AddCall(int64_t campaign, const CallRow& c) {
        const int64_t at = (clock_.Now() - 3600) * 1000;
        auto id = db_->QueryValue(
            "INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, "
            "started_at, ended_at, outcome, evidence, agent, direction, short_call, disposition, "
            "disposed_at) VALUES ($1, $2, $3, $4, 1, $5, $5, $6, '{}', $7, $8, $9, $10, $11) "
            "RETURNING id",
            {campaign, ids_["+79031112233"], store::PhoneKey(*db_, "+79031112233"), c.line, at,
             c.outcome, c.agent, c.direction, int64_t{c.short_call ? 1 : 0},
             c.disposition ? store::Value(*c.disposition) : store::Value(),
             c.disposition ? store::Value(at) : store::Value()});
        ASSERT_TRUE(id);
        if (c.callback) {
            ASSERT_TRUE(
                db_->Exec("INSERT INTO callbacks (campaign_id, call_id, contact_id, agent, due_at) "
                          "VALUES ($1, $2, $3, $4, $5)",
                          {campaign, store::Row({*id}).Int(0), ids_["+79031112233"], c.agent,
                           clock_.Now() + 86400}));
        }
    }
};

// The figures of GET /campaigns/{id}, the calls of GET /calls, the "team"
// field of both and of GET /campaigns, for each kind of viewer.
TEST_P(TeamsTest, ASupervisorInATeamSeesTheTeamsCallFiguresOnly) {
    ASSERT_NO_FATAL_FAILURE(AddOperators("n", kNorthOperators, "north"));
    ASSERT_NO_FATAL_FAILURE(AddOperators("s", kSouthOperators, "south"));
    const int64_t campaign = AddCampaign("teams");
    // North: two dials and one incoming call per operator; n01's dials were
    // short; n01-n03 left a disposition, n01-n02 owe a callback.
    for (int i = 1; i <= kNorthOperators; ++i) {
        const std::string agent = fmt::format("n{:02}", i);
        for (int k = 0; k < 2; ++k) {
            CallRow c{.agent = agent, .line = kNorthLine, .short_call = i == 1};
            if (k == 0 && i <= 3) c.disposition = "callback";
            c.callback = k == 0 && i <= 2;
            ASSERT_NO_FATAL_FAILURE(AddCall(campaign, c));
        }
        ASSERT_NO_FATAL_FAILURE(AddCall(campaign, {.agent = agent, .direction = "in"}));
    }
    // South: one dial per operator; s01-s04 short, s01-s07 "refused", s01 owes a callback.
    for (int i = 1; i <= kSouthOperators; ++i) {
        CallRow c{.agent = fmt::format("s{:02}", i), .line = kSouthLine, .short_call = i <= 4};
        if (i <= 7) c.disposition = "refused";
        c.callback = i == 1;
        ASSERT_NO_FATAL_FAILURE(AddCall(campaign, c));
    }
    // No team's: dials nobody took, callers who gave up, an operator in no team.
    for (int i = 0; i < 7; ++i)
        ASSERT_NO_FATAL_FAILURE(AddCall(campaign, {.outcome = "no_answer"}));
    for (int i = 0; i < 3; ++i)
        ASSERT_NO_FATAL_FAILURE(AddCall(campaign, {.outcome = "abandoned"}));
    for (int i = 0; i < 2; ++i)
        ASSERT_NO_FATAL_FAILURE(AddCall(campaign, {.outcome = "abandoned", .direction = "in"}));
    ASSERT_NO_FATAL_FAILURE(AddCall(campaign, {.agent = "oleg"}));

    struct Expected {
        std::string who;
        json team;  // the "team" field: its name, or null for the whole view
        int64_t attempts, answered, abandoned, short_calls, inbound, inbound_answered;
        json outcomes, dispositions;
        int64_t callbacks_pending;
        json per_line;
        size_t calls;  // GET /calls?phone=Maria's
    };
    const std::vector<Expected> expected = {
        {"anna",
         "north",
         10,
         10,
         0,
         2,
         5,
         5,
         {{"answered", 10}},
         {{"callback", 3}},
         2,
         json::array({{{"caller_id", kNorthLine}, {"calls", 10}}}),
         15},
        {"boris",
         "south",
         50,
         50,
         0,
         4,
         0,
         0,
         {{"answered", 50}},
         {{"refused", 7}},
         1,
         json::array({{{"caller_id", kSouthLine}, {"calls", 50}}}),
         50},
        {"carl",
         nullptr,
         71,
         64,
         3,
         6,
         7,
         5,
         {{"abandoned", 3}, {"answered", 61}, {"no_answer", 7}},
         {{"callback", 3}, {"refused", 7}},
         3,
         json::array({{{"caller_id", kSouthLine}, {"calls", 50}},
                      {{"caller_id", kNobodysLine}, {"calls", 11}},
                      {{"caller_id", kNorthLine}, {"calls", 10}}}),
         78},
    };
    for (const Expected& e : expected) {
        SCOPED_TRACE(e.who);
        Login who = LogIn(e.who);
        json shown =
            Send(http::verb::get, fmt::format("/api/v1/campaigns/{}", campaign), "", &who).Json();
        const json& st = shown["stats"];
        EXPECT_EQ(shown["team"].is_null() ? json(nullptr) : shown["team"]["name"], e.team)
            << shown.dump();
        EXPECT_EQ(st["attempts"], e.attempts) << st.dump();
        EXPECT_EQ(st["answered"], e.answered) << st.dump();
        EXPECT_EQ(st["abandoned"], e.abandoned) << st.dump();
        EXPECT_EQ(st["short_calls"], e.short_calls) << st.dump();
        EXPECT_EQ(st["inbound"], e.inbound) << st.dump();
        EXPECT_EQ(st["inbound_answered"], e.inbound_answered) << st.dump();
        EXPECT_EQ(st["outcomes"], e.outcomes) << st.dump();
        EXPECT_EQ(st["dispositions"], e.dispositions) << st.dump();
        EXPECT_EQ(st["callbacks_pending"], e.callbacks_pending) << st.dump();
        EXPECT_EQ(st["calls_per_caller_id_24h"], e.per_line) << st.dump();
        EXPECT_DOUBLE_EQ(st["abandon_rate"].get<double>(),
                         e.answered ? static_cast<double>(e.abandoned) / e.answered : 0.0);

        json calls = Send(http::verb::get, "/api/v1/calls?phone=89031112233", "", &who).Json();
        EXPECT_EQ(calls["calls"].size(), e.calls) << calls.dump().substr(0, 300);
        std::set<std::string> agents;
        for (const auto& call : calls["calls"])
            agents.insert(call["agent"].get<std::string>());
        if (e.team.is_null()) {
            EXPECT_TRUE(calls["team"].is_null()) << calls["team"].dump();
            EXPECT_EQ(agents.size(), kNorthOperators + kSouthOperators + 2u) << "with '' and oleg";
        } else {
            EXPECT_EQ(calls["team"]["name"], e.team);
            for (const auto& agent : agents) {
                EXPECT_NE(std::find(calls["team"]["members"].begin(),
                                    calls["team"]["members"].end(), agent),
                          calls["team"]["members"].end())
                    << agent << " is not in " << e.team;
            }
        }
        json list = Send(http::verb::get, "/api/v1/campaigns", "", &who).Json();
        EXPECT_EQ(list["team"].is_null() ? json(nullptr) : list["team"]["name"], e.team)
            << list.dump();
    }
    Login in_north = LogIn("anna");
    json north = Send(http::verb::get, "/api/v1/calls?phone=89031112233", "", &in_north)
                     .Json()["team"]["members"];
    EXPECT_EQ(north, json({"anna", "n01", "n02", "n03", "n04", "n05"}));

    // The admin's view is the whole, as before teams.
    Login root = LogIn("root");
    json all =
        Send(http::verb::get, fmt::format("/api/v1/campaigns/{}", campaign), "", &root).Json();
    EXPECT_EQ(all["stats"]["attempts"], 71) << all.dump();
    EXPECT_TRUE(all["team"].is_null());

    // Out of the team, anna sees the whole again.
    ASSERT_TRUE(security::Teams(*db_, clock_).SetMember("anna", ""));
    Login anna = LogIn("anna");
    json whole =
        Send(http::verb::get, fmt::format("/api/v1/campaigns/{}", campaign), "", &anna).Json();
    EXPECT_EQ(whole["stats"]["attempts"], 71) << whole.dump();
    EXPECT_TRUE(whole["team"].is_null());
}

// The live view of a running campaign (GET /campaigns and its WebSocket):
// a team's supervisor sees the team's operators and the team's call figures,
// not the dialer's figures of every operator; the others see all.
TEST_P(TeamsTest, ATeamsLiveViewShowsTheTeamsOperatorsOnly) {
    ASSERT_NO_FATAL_FAILURE(ServeWithCampaigns(telephony::Population{}, 50));
    security::Users users(*db_, clock_);
    security::Teams teams(*db_, clock_);
    for (auto [name, team] : {std::pair{"olga", "north"}, {"sveta", "south"}}) {
        ASSERT_TRUE(users.Add(name, Role::kOperator, kPassword));
        ASSERT_TRUE(teams.SetMember(name, team));
    }
    ASSERT_TRUE(teams.SetMember("oleg", "north"));
    Login root = LogIn("root");
    Reply created = Send(http::verb::post, "/api/v1/campaigns",
                         json{{"name", "Команды"}, {"caller_ids", {"+74951112233"}}}.dump(), &root);
    ASSERT_EQ(created.status, 201) << created.body;
    const int64_t id = created.Json()["id"].get<int64_t>();
    const std::string path = fmt::format("/api/v1/campaigns/{}", id);
    ASSERT_EQ(Send(http::verb::post, path + "/start", "{}", &root).status, 200);
    for (const char* name : {"oleg", "olga", "sveta"}) {
        Login op = LogIn(name);
        ASSERT_EQ(
            Send(http::verb::post, "/api/v1/agent/join", json{{"campaign", id}}.dump(), &op).status,
            200)
            << name;
    }
    // Two of north's calls and one of south's, in the records.
    for (const char* agent : {"oleg", "olga", "sveta"}) {
        ASSERT_NO_FATAL_FAILURE(AddCall(id, {.agent = agent, .line = kNorthLine}));
    }
    ASSERT_NO_FATAL_FAILURE(AddCall(id, {.outcome = "no_answer"}));

    auto agents_of = [](const json& live) {
        std::set<std::string> names;
        for (const auto& a : live["agents"])
            names.insert(a["agent"].get<std::string>());
        return names;
    };
    // The feed's messages until every operator has joined (each joins once).
    auto follow = [&](const Login& who, size_t operators) {
        auto socket = Open(path + "/live", who);
        EXPECT_EQ(socket->refused, 0);
        json live;
        for (int i = 0; i < 200 && socket->refused == 0; ++i) {
            live = socket->Next();
            if (agents_of(live).size() >= operators && live.value("leads", 0) == 3) break;
        }
        return live;
    };

    const std::set<std::string> everyone = {"oleg", "olga", "sveta"};
    json whole = follow(LogIn("carl"), everyone.size());
    EXPECT_EQ(agents_of(whole), everyone) << whole.dump();
    EXPECT_TRUE(whole.contains("occupancy")) << "the whole view keeps the dialer's figures";
    EXPECT_FALSE(whole.contains("team"));

    Login anna = LogIn("anna");
    json north = follow(anna, 2);
    EXPECT_EQ(agents_of(north), (std::set<std::string>{"oleg", "olga"})) << north.dump();
    int by_state = 0;
    for (const auto& [state, n] : north["agents_by_state"].items())
        by_state += n.get<int>();
    EXPECT_EQ(by_state, 2) << north.dump();
    EXPECT_EQ(north["team"]["name"], "north");
    EXPECT_EQ(north["attempts"], 2) << north.dump();
    EXPECT_EQ(north["answered"], 2) << north.dump();
    EXPECT_EQ(north["leads"], 3) << "the campaign's progress is everyone's";
    for (const char* dialers : {"occupancy", "live_calls", "window_abandon_rate", "denials"})
        EXPECT_FALSE(north.contains(dialers)) << dialers;

    json south = follow(LogIn("boris"), 1);
    EXPECT_EQ(agents_of(south), std::set<std::string>{"sveta"}) << south.dump();
    EXPECT_EQ(south["attempts"], 1) << south.dump();

    // The list's live figures are the same view.
    json listed = Send(http::verb::get, "/api/v1/campaigns", "", &anna).Json();
    ASSERT_EQ(listed["campaigns"].size(), 1u) << listed.dump();
    const json& live = listed["campaigns"][0]["live"];
    EXPECT_EQ(agents_of(live), (std::set<std::string>{"oleg", "olga"})) << live.dump();
    EXPECT_EQ(live["attempts"], 2) << live.dump();
    json listed_whole = Send(http::verb::get, "/api/v1/campaigns", "", &root).Json();
    EXPECT_EQ(agents_of(listed_whole["campaigns"][0]["live"]), everyone);
    EXPECT_FALSE(runner_->error());
}

INSTANTIATE_TEST_SUITE_P(Backends, TeamsTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::api
