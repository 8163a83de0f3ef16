// Least privilege as seed 004 defines it (issue 17, items 8–10), through the
// real HTTP API on every backend: the administrator sees pseudonyms and may
// not export; break-glass opens a supervisor's view for a time, approved by
// the dpo, alerted, ending by itself.
#include "api/api_test_fixture.h"

namespace callbase::api {

TEST_P(ApiTest, TheAdminSeesPseudonymsAndMayNotExport) {
    Login root = LogIn("root");
    const int64_t ivan = ids_["+79161234567"];
    Reply card = Send(http::verb::get, fmt::format("/api/v1/contacts/{}", ivan), "", &root);
    ASSERT_EQ(card.status, 200) << card.body;
    EXPECT_EQ(card.body.find("Иван"), std::string::npos) << card.body;
    EXPECT_EQ(card.body.find("9161234567"), std::string::npos) << card.body;
    EXPECT_TRUE(card.Json()["name"].get<std::string>().starts_with("P-")) << card.body;
    Reply found = Send(http::verb::get, "/api/v1/contacts?limit=10", "", &root);
    ASSERT_EQ(found.status, 200) << found.body;
    for (const char* secret : {"Иван", "Мария", "Олег", "9161234567", "9031112233"})
        EXPECT_EQ(found.body.find(secret), std::string::npos) << secret << ": " << found.body;
    Reply lookup = Send(http::verb::get, "/api/v1/lookup?phone=89161234567", "", &root);
    EXPECT_EQ(lookup.body.find("Иван"), std::string::npos) << lookup.body;
    Reply exported = Send(http::verb::post, "/api/v1/exports",
                          json{{"filter", json::array()}, {"reason", "support"}}.dump(), &root);
    EXPECT_EQ(exported.status, 403) << exported.body;
    EXPECT_NE(exported.body.find("request_export"), std::string::npos) << exported.body;
    // Technical work goes on: users, the audit log, health.
    EXPECT_EQ(Send(http::verb::get, "/api/v1/users", "", &root).status, 200);
    EXPECT_EQ(Send(http::verb::get, "/api/v1/audit/verify", "", &root).status, 200);
    EXPECT_EQ(Send(http::verb::get, "/api/v1/health", "", &root).status, 200);
}

TEST_P(ApiTest, BreakGlassOpensASupervisorsViewApprovedByTheDpoUntilItEnds) {
    Login root = LogIn("root"), dina = LogIn("dina"), anna = LogIn("anna");
    const int64_t ivan = ids_["+79161234567"];
    const std::string target = fmt::format("/api/v1/contacts/{}", ivan);
    auto sees_names = [&] {
        Reply r = Send(http::verb::get, target, "", &root);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.body.find("Иван Петров") != std::string::npos &&
               r.body.find("+79161234567") != std::string::npos;
    };
    EXPECT_FALSE(sees_names());

    // Bad requests say what is wrong.
    Reply too_long = Send(http::verb::post, "/api/v1/break-glass",
                          json{{"reason", "ticket 4711"}, {"minutes", 300}}.dump(), &root);
    EXPECT_EQ(too_long.status, 400) << too_long.body;
    EXPECT_NE(too_long.body.find("4 h"), std::string::npos) << too_long.body;
    EXPECT_EQ(too_long.Json().value("code", ""), "break_glass.bad_length") << too_long.body;
    EXPECT_EQ(too_long.Json()["params"].value("seconds", ""), "18000") << too_long.body;
    EXPECT_EQ(too_long.Json()["params"].value("most", ""), "4 h") << too_long.body;
    Reply no_reason = Send(http::verb::post, "/api/v1/break-glass",
                           json{{"reason", " "}, {"minutes", 60}}.dump(), &root);
    EXPECT_EQ(no_reason.status, 400) << no_reason.body;
    EXPECT_EQ(Send(http::verb::post, "/api/v1/break-glass",
                   json{{"reason", "curious"}, {"minutes", 60}}.dump(), &anna)
                  .status,
              403)
        << "only the admin asks";

    Reply asked =
        Send(http::verb::post, "/api/v1/break-glass",
             json{{"reason", "ticket 4711: a card does not open"}, {"minutes", 60}}.dump(), &root);
    ASSERT_EQ(asked.status, 201) << asked.body;
    const int64_t id = asked.Json()["id"];
    EXPECT_EQ(asked.Json()["state"], "pending");
    EXPECT_FALSE(sees_names()) << "not before the dpo approves";
    const std::string approve = fmt::format("/api/v1/break-glass/{}/approve", id);
    EXPECT_EQ(Send(http::verb::post, approve, "{}", &root).status, 403) << "not by themselves";
    EXPECT_EQ(Send(http::verb::post, approve, "{}", &anna).status, 403) << "not by a supervisor";
    Reply approved = Send(http::verb::post, approve, "{}", &dina);
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(approved.Json()["state"], "active");
    EXPECT_EQ(approved.Json()["ends_at"], clock_.Now() + 3600);
    Reply twice = Send(http::verb::post, approve, "{}", &dina);
    EXPECT_EQ(twice.status, 409) << "approved once";
    EXPECT_EQ(twice.Json().value("code", ""), "break_glass.decided") << twice.body;
    EXPECT_EQ(twice.Json()["params"].value("break_glass_state", ""), "active") << twice.body;

    EXPECT_TRUE(sees_names()) << "a supervisor's view while it is open";
    EXPECT_EQ(Send(http::verb::post, "/api/v1/exports",
                   json{{"filter", json::array()}, {"reason", "support"}}.dump(), &root)
                  .status,
              403)
        << "break-glass is a view, not an export";

    // The approval raised the alert, naming the admin.
    json alerts = Send(http::verb::get, "/api/v1/audit/alerts", "", &dina).Json();
    bool alerted = false;
    for (const auto& a : alerts["items"])
        if (a["rule"] == "break_glass" && a.dump().find("root") != std::string::npos)
            alerted = true;
    EXPECT_TRUE(alerted) << alerts.dump();

    // It ends by itself (sessions stay alive: a request every 25 minutes).
    clock_.Advance(1700);
    EXPECT_TRUE(sees_names());
    clock_.Advance(1700);
    EXPECT_TRUE(sees_names());
    clock_.Advance(300);
    EXPECT_FALSE(sees_names()) << "an hour after the approval";
    json list = Send(http::verb::get, "/api/v1/break-glass", "", &root).Json();
    ASSERT_FALSE(list["items"].empty()) << list.dump();
    EXPECT_EQ(list["items"][0]["state"], "expired") << list.dump();

    // Or earlier, when the admin ends it.
    dina = LogIn("dina");  // her session ran out meanwhile
    Reply again = Send(http::verb::post, "/api/v1/break-glass",
                       json{{"reason", "ticket 4712"}, {"minutes", 240}}.dump(), &root);
    ASSERT_EQ(again.status, 201) << again.body;
    const int64_t second = again.Json()["id"];
    ASSERT_EQ(
        Send(http::verb::post, fmt::format("/api/v1/break-glass/{}/approve", second), "{}", &dina)
            .status,
        200);
    EXPECT_TRUE(sees_names());
    Reply ended =
        Send(http::verb::post, fmt::format("/api/v1/break-glass/{}/end", second), "{}", &root);
    ASSERT_EQ(ended.status, 200) << ended.body;
    EXPECT_EQ(ended.Json()["state"], "ended");
    EXPECT_FALSE(sees_names());
}

// Item 9: an operator sees what is assigned to them, their callbacks and the
// contacts of their recent calls — nothing else exists for them.
TEST_P(ApiTest, AnOperatorSeesOnlyAssignedContactsCallbacksAndRecentCalls) {
    const int64_t ivan = ids_["+79161234567"], maria = ids_["+79031112233"],
                  olegs = ids_["+74951234567"];
    Login anna = LogIn("anna"), oleg = LogIn("oleg");
    auto visible = [&]() {
        std::set<int64_t> ids;
        json found = Send(http::verb::get, "/api/v1/contacts?limit=100", "", &oleg).Json();
        for (const auto& item : found["items"])
            ids.insert(item["id"].get<int64_t>());
        EXPECT_EQ(found["total"], ids.size()) << found.dump();
        return ids;
    };
    EXPECT_TRUE(visible().empty()) << "nothing is assigned yet: not a search over the base";

    Reply assigned = Send(http::verb::post, "/api/v1/assignments",
                          json{{"to", "oleg"}, {"ids", {ivan}}}.dump(), &anna);
    ASSERT_EQ(assigned.status, 200) << assigned.body;
    EXPECT_EQ(assigned.Json()["changed"], 1);
    EXPECT_EQ(visible(), std::set<int64_t>{ivan});

    // Outside the scope a contact answers exactly as one that does not exist.
    // The id in the English ("#2") and in the message's params ("id":"2").
    auto without_id = [](std::string body, int64_t id) {
        for (const auto& [text, mask] :
             {std::pair{"#" + std::to_string(id), std::string("#N")},
              std::pair{fmt::format("\"id\":\"{}\"", id), std::string("\"id\":\"N\"")}}) {
            if (auto at = body.find(text); at != std::string::npos)
                body.replace(at, text.size(), mask);
        }
        return body;
    };
    Reply hidden = Send(http::verb::get, fmt::format("/api/v1/contacts/{}", maria), "", &oleg);
    Reply missing = Send(http::verb::get, "/api/v1/contacts/999999", "", &oleg);
    EXPECT_EQ(hidden.status, 404) << hidden.body;
    EXPECT_EQ(missing.status, 404) << missing.body;
    EXPECT_EQ(without_id(hidden.body, maria), without_id(missing.body, 999999));
    EXPECT_EQ(hidden.body.find("Мария"), std::string::npos);
    EXPECT_EQ(Send(http::verb::put, fmt::format("/api/v1/contacts/{}/status", maria),
                   json{{"status", "refused"}}.dump(), &oleg)
                  .status,
              404);
    EXPECT_EQ(Send(http::verb::post, fmt::format("/api/v1/contacts/{}/tags", maria),
                   json{{"tag", "x"}}.dump(), &oleg)
                  .status,
              404);
    EXPECT_EQ(Send(http::verb::post, "/api/v1/stop-list",
                   json{{"contact_id", maria}, {"category", "not_now"}}.dump(), &oleg)
                  .status,
              404)
        << "a route that takes a contact_id";
    json pop = Send(http::verb::get, "/api/v1/lookup?phone=89031112233", "", &oleg).Json();
    EXPECT_EQ(pop["found"], false) << pop.dump();
    EXPECT_EQ(pop.dump().find("Мария"), std::string::npos) << pop.dump();
    json mine = Send(http::verb::get, "/api/v1/lookup?phone=89161234567", "", &oleg).Json();
    EXPECT_EQ(mine["found"], true) << mine.dump();
    EXPECT_EQ(Send(http::verb::get, fmt::format("/api/v1/contacts/{}", ivan), "", &oleg).status,
              200);

    // Their callbacks and the contacts of their calls of the last day.
    auto campaign = db_->QueryValue(
        "INSERT INTO campaigns (name, purpose, pacing, settings, created_at, created_by, "
        "updated_at, updated_by) VALUES ('scope', 'service', 'preview', '{}', $1, 'seed', $1, "
        "'seed') RETURNING id",
        {clock_.Now()});
    ASSERT_TRUE(campaign);
    const int64_t campaign_id = store::Row({*campaign}).Int(0);
    auto call = [&](int64_t contact, const std::string& e164, const std::string& agent) {
        auto id = db_->QueryValue(
            "INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, "
            "started_at, ended_at, outcome, evidence, agent) VALUES ($1, $2, $3, '+74950000000', "
            "1, $4, $4, 'answered', '{}', $5) RETURNING id",
            {campaign_id, contact, store::PhoneKey(*db_, e164), (clock_.Now() - 3600) * 1000,
             agent});
        EXPECT_TRUE(id);
        return id ? store::Row({*id}).Int(0) : 0;
    };
    const int64_t with_maria = call(maria, "+79031112233", "oleg");
    call(olegs, "+74951234567", "anna");  // someone else's call
    EXPECT_EQ(visible(), (std::set<int64_t>{ivan, maria}));
    ASSERT_TRUE(
        db_->Exec("INSERT INTO callbacks (campaign_id, call_id, contact_id, agent, due_at) "
                  "VALUES ($1, $2, $3, 'oleg', $4)",
                  {campaign_id, with_maria, olegs, clock_.Now() + 86400}));
    EXPECT_EQ(visible(), (std::set<int64_t>{ivan, maria, olegs}));
    ASSERT_TRUE(db_->Exec("UPDATE callbacks SET done_at = $1", {clock_.Now()}));
    clock_.Advance(24 * 3600);
    oleg = LogIn("oleg");
    EXPECT_EQ(visible(), std::set<int64_t>{ivan}) << "a day after the call, a done callback";

    // Reassignment moves the contact and is in its history.
    anna = LogIn("anna");
    ASSERT_EQ(Send(http::verb::post, "/api/v1/assignments",
                   json{{"to", "anna"}, {"ids", {ivan}}}.dump(), &anna)
                  .status,
              200);
    EXPECT_TRUE(visible().empty());
    json card = Send(http::verb::get, fmt::format("/api/v1/contacts/{}", ivan), "", &anna).Json();
    std::vector<std::pair<std::string, std::string>> moves;
    for (const auto& h : card["history"]) {
        if (h["action"] == "assign") {
            moves.emplace_back(h["before"].is_null() ? "" : h["before"].get<std::string>(),
                               h["after"].is_null() ? "" : h["after"].get<std::string>());
        }
    }
    EXPECT_EQ(moves,
              (std::vector<std::pair<std::string, std::string>>{{"", "oleg"}, {"oleg", "anna"}}))
        << card["history"].dump();

    // Bulk by filter; a contact an operator adds is theirs.
    Reply bulk = Send(http::verb::post, "/api/v1/assignments",
                      json{{"to", "oleg"}, {"filter", {"phone=+79031112233"}}}.dump(), &anna);
    ASSERT_EQ(bulk.status, 200) << bulk.body;
    EXPECT_EQ(bulk.Json()["changed"], 1);
    Reply added = Send(http::verb::post, "/api/v1/contacts",
                       json{{"name", "Новый Клиент"}, {"phones", {"+79261112233"}}}.dump(), &oleg);
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(visible(), (std::set<int64_t>{maria, added.Json()["id"].get<int64_t>()}));
    EXPECT_EQ(Send(http::verb::post, "/api/v1/assignments",
                   json{{"to", "oleg"}, {"ids", {ivan}}}.dump(), &oleg)
                  .status,
              403)
        << "operators do not assign";
    EXPECT_EQ(Send(http::verb::post, "/api/v1/assignments",
                   json{{"to", "nobody-here"}, {"ids", {ivan}}}.dump(), &anna)
                  .status,
              404);
    // Both the chosen contacts and a filter, or neither: a 400 a screen names.
    for (const json& body : {json{{"to", "oleg"}, {"ids", {ivan}}, {"filter", {"status=new"}}},
                             json{{"to", "oleg"}}}) {
        Reply either = Send(http::verb::post, "/api/v1/assignments", body.dump(), &anna);
        EXPECT_EQ(either.status, 400) << either.body;
        EXPECT_EQ(either.Json().value("code", ""), "request.ids_or_filter") << either.body;
    }
}

// Item 9: a supervisor in a team sees the team's contacts and the unassigned
// pool, and assigns within the team; without a team, the whole base.
TEST_P(ApiTest, ASupervisorInATeamSeesAndAssignsTheTeamsContacts) {
    const int64_t ivan = ids_["+79161234567"], maria = ids_["+79031112233"],
                  olegs = ids_["+74951234567"];
    Login root = LogIn("root"), anna = LogIn("anna");
    ASSERT_EQ(Send(http::verb::post, "/api/v1/assignments",
                   json{{"to", "oleg"}, {"ids", {ivan}}}.dump(), &anna)
                  .status,
              200);
    ASSERT_EQ(Send(http::verb::post, "/api/v1/assignments",
                   json{{"to", "robot"}, {"ids", {maria}}}.dump(), &anna)
                  .status,
              200);
    auto seen = [&]() {
        std::set<int64_t> ids;
        const json found = Send(http::verb::get, "/api/v1/contacts?limit=100", "", &anna).Json();
        for (const auto& i : found["items"])
            ids.insert(i["id"].get<int64_t>());
        return ids;
    };
    EXPECT_EQ(seen(), (std::set<int64_t>{ivan, maria, olegs})) << "no team: the whole base";

    ASSERT_EQ(Send(http::verb::post, "/api/v1/teams", json{{"name", "north"}}.dump(), &root).status,
              201);
    EXPECT_EQ(Send(http::verb::post, "/api/v1/teams", json{{"name", "north"}}.dump(), &root).status,
              409);
    for (const char* who : {"anna", "oleg"}) {
        Reply r = Send(http::verb::put, fmt::format("/api/v1/users/{}/team", who),
                       json{{"team", "north"}}.dump(), &root);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    json teams = Send(http::verb::get, "/api/v1/teams", "", &root).Json();
    EXPECT_EQ(teams["items"][0]["members"], json::array({"anna", "oleg"})) << teams.dump();

    EXPECT_EQ(seen(), (std::set<int64_t>{ivan, olegs})) << "the team's and the unassigned";
    EXPECT_EQ(Send(http::verb::get, fmt::format("/api/v1/contacts/{}", maria), "", &anna).status,
              404);
    Reply outside = Send(http::verb::post, "/api/v1/assignments",
                         json{{"to", "robot"}, {"ids", {olegs}}}.dump(), &anna);
    EXPECT_EQ(outside.status, 409) << outside.body;
    EXPECT_NE(outside.body.find("not in your team"), std::string::npos) << outside.body;
    EXPECT_EQ(Send(http::verb::post, "/api/v1/assignments",
                   json{{"to", "oleg"}, {"ids", {maria}}}.dump(), &anna)
                  .status,
              404)
        << "nor takes another team's contact";
    Reply within = Send(http::verb::post, "/api/v1/assignments",
                        json{{"to", "oleg"}, {"ids", {olegs}}}.dump(), &anna);
    EXPECT_EQ(within.status, 200) << within.body;

    ASSERT_EQ(
        Send(http::verb::put, "/api/v1/users/anna/team", json{{"team", nullptr}}.dump(), &root)
            .status,
        200);
    EXPECT_EQ(seen(), (std::set<int64_t>{ivan, maria, olegs})) << "out of the team again";
}

// Item 10: who holds which rights, their last login and last use of each.
TEST_P(ApiTest, TheAccessReviewShowsRightsLastLoginAndLastUse) {
    Login oleg = LogIn("oleg");
    const int64_t login_at = clock_.Now();
    ASSERT_EQ(Send(http::verb::get, "/api/v1/contacts", "", &oleg).status, 200);
    clock_.Advance(60);
    Login dina = LogIn("dina");
    json oleg_row;
    for (int i = 0; i < 100; ++i) {  // the audit writer keeps uses with its next batch
        json review = Send(http::verb::get, "/api/v1/access-review", "", &dina).Json();
        for (const auto& u : review["users"])
            if (u["user"] == "oleg") oleg_row = u;
        bool used = false;
        for (const auto& r : oleg_row["rights"])
            if (r["permission"] == "read_contacts" && !r["last_used"].is_null()) used = true;
        if (used) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(oleg_row.is_object());
    EXPECT_EQ(oleg_row["role"], "operator");
    EXPECT_EQ(oleg_row["state"], "active");
    EXPECT_EQ(oleg_row["last_login"], login_at);
    std::map<std::string, json> rights;
    for (const auto& r : oleg_row["rights"])
        rights[r["permission"]] = r;
    std::set<std::string> held;
    for (const auto& [p, r] : rights)
        held.insert(p);
    std::set<std::string> expected;
    for (Permission p : security::AllPermissions())
        if (security::Allowed(Role::kOperator, p))
            expected.insert(std::string(security::PermissionId(p)));
    EXPECT_EQ(held, expected) << "the rights of the role, no more";
    EXPECT_EQ(rights["read_contacts"]["last_used"], login_at);
    EXPECT_EQ(rights["read_contacts"]["unused"], false);
    EXPECT_TRUE(rights["consents"]["last_used"].is_null());
    EXPECT_EQ(rights["consents"]["unused"], true) << "held, never used: one to take away";

    Reply csv = Send(http::verb::get, "/api/v1/access-review?format=csv", "", &dina);
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_TRUE(csv.content_type.starts_with("text/csv")) << csv.content_type;
    EXPECT_TRUE(csv.body.starts_with(
        "user,role,state,team,totp,created_at,last_login,permission,last_used,unused_90_days\r\n"))
        << csv.body;
    EXPECT_NE(csv.body.find(",read_contacts,2026-05-28T"), std::string::npos) << csv.body;
    EXPECT_NE(csv.body.find("\r\noleg,operator,active,,off,"), std::string::npos) << csv.body;
    EXPECT_EQ(Send(http::verb::get, "/api/v1/access-review?format=xml", "", &dina).status, 400);
}

}  // namespace callbase::api
