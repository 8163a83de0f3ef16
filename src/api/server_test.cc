// Issue 17, items 10, 15, 19 and 20 over the API: logins that confirm
// nothing, take a code once and refuse cross-site forms; sessions that end
// when their user is disabled or given another role elsewhere; feeds checked
// for their origin, capped per session and counted in the rate limit; the
// audit log verified against an anchor, and a scheduled verify's alert.
#include "api/api_test_fixture.h"
#include "security/audit_watch.h"

namespace callbase::api {
namespace {

// A login's answer without the name tried (the lock's message names it).
std::string Said(const Reply& r, const std::string& name) {
    std::string said = fmt::format("{} {}", r.status, r.Json().value("detail", ""));
    for (size_t at; (at = said.find(name)) != std::string::npos;)
        said.replace(at, name.size(), "NAME");
    return said;
}

// A WebSocket upgrade written by hand, so that its headers can be anything:
// the status answered (101 when accepted).
int Upgrade(uint16_t port, const std::string& target, const std::string& cookie,
            const std::string& origin = "", const std::string& key = "dGhlIHNhbXBsZSBub25jZQ==",
            std::unique_ptr<beast::tcp_stream>* kept = nullptr) {
    static asio::io_context io;
    auto stream = std::make_unique<beast::tcp_stream>(io);
    stream->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req(http::verb::get, target, 11);
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::sec_websocket_key, key);
    req.set(http::field::cookie, std::string(kSessionCookie) + "=" + cookie);
    if (!origin.empty()) req.set(http::field::origin, origin);
    http::write(*stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> res;
    http::read_header(*stream, buffer, res);
    if (kept) *kept = std::move(stream);
    return static_cast<int>(res.get().result_int());
}

TEST_P(ApiTest, AWrongCodeAndAWrongPasswordAnswerAlike) {
    auto login = [&](const std::string& user, const std::string& password,
                     const std::string& code) {
        return Send(http::verb::post, "/api/v1/session",
                    json{{"user", user}, {"password", password}, {"totp", code}}.dump());
    };
    const std::string wrong_code = security::TotpCode(secrets_["root"], clock_.Now() + 3600);
    Reply bad_code = login("root", kPassword, wrong_code);
    Reply no_code = login("root", kPassword, "");
    Reply bad_password = login("root", "not the password", wrong_code);
    Reply unknown = login("rooot", kPassword, wrong_code);
    EXPECT_EQ(bad_code.status, 401);
    EXPECT_EQ(bad_code.body, bad_password.body) << "the code's error confirmed the password";
    EXPECT_EQ(no_code.body, bad_password.body);
    EXPECT_EQ(unknown.body, bad_password.body);
}

TEST_P(ApiTest, ALockoutDoesNotSayWhetherTheNameExists) {
    std::map<std::string, std::vector<std::string>> answers;
    for (const std::string name : {"anna", "anja"}) {
        clock_.Advance(61);  // the address's login limit: 10 a minute
        for (int i = 0; i <= security::kMaxFailedLogins; ++i) {
            Reply r = Send(http::verb::post, "/api/v1/session",
                           json{{"user", name}, {"password", "not the password"}}.dump());
            answers[name].push_back(Said(r, name));
        }
    }
    EXPECT_EQ(answers["anna"], answers["anja"]);
    EXPECT_NE(answers["anja"].back().find("NAME is locked"), std::string::npos)
        << answers["anja"].back();

    // An administrator unlocks a user (the UI's button will call this).
    Login root = LogIn("root");
    Reply unlocked = Send(http::verb::post, "/api/v1/users/anna/unlock", "{}", &root);
    ASSERT_EQ(unlocked.status, 200) << unlocked.body;
    EXPECT_EQ(Send(http::verb::post, "/api/v1/users/nobody/unlock", "{}", &root).status, 404);
    clock_.Advance(61);
    LogIn("anna");
}

TEST_P(ApiTest, ATotpCodeIsTakenOnce) {
    const std::string code = security::TotpCode(secrets_["root"], clock_.Now() + 30);
    auto login = [&] {
        return Send(http::verb::post, "/api/v1/session",
                    json{{"user", "root"}, {"password", kPassword}, {"totp", code}}.dump());
    };
    Reply first = login();
    ASSERT_EQ(first.status, 200) << first.body;
    Reply replayed = login();
    EXPECT_EQ(replayed.status, 401) << "a code seen on the wire opened a second session";
    Reply wrong = Send(http::verb::post, "/api/v1/session",
                       json{{"user", "root"}, {"password", "not the password"}}.dump());
    EXPECT_EQ(replayed.body, wrong.body);
}

TEST_P(ApiTest, LoginRefusesACrossSiteForm) {
    const std::string body = json{{"user", "anna"}, {"password", kPassword}}.dump();
    for (const std::string type :
         {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
        Reply r = Send(http::verb::post, "/api/v1/session", body, nullptr, true, type);
        EXPECT_EQ(r.status, 415) << type << ": " << r.body;
        EXPECT_TRUE(r.set_cookie.empty()) << type;
    }
    // A page of another site that sends JSON without a preflight cannot; one
    // that says where it is from is refused by its Origin.
    asio::io_context io;
    auto from = [&](const std::string& origin) {
        beast::tcp_stream stream(io);
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        http::request<http::string_body> req(http::verb::post, "/api/v1/session", 11);
        req.set(http::field::host, fmt::format("127.0.0.1:{}", port_));
        req.set(http::field::content_type, "application/json");
        req.set(http::field::origin, origin);
        req.body() = body;
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        return static_cast<int>(res.result_int());
    };
    EXPECT_EQ(from("https://evil.example"), 403);
    EXPECT_EQ(from("null"), 403);
    EXPECT_EQ(from(fmt::format("http://127.0.0.1:{}", port_)), 200) << "the server's own page";
    clock_.Advance(61);
    options_.allowed_origins = {"https://crm.example.com"};
    http_->Stop();
    http_.reset();
    api_.reset();
    ASSERT_NO_FATAL_FAILURE(Serve());
    EXPECT_EQ(from("https://crm.example.com"), 200) << "an allowed origin";
    EXPECT_EQ(from("https://evil.example"), 403);
}

TEST_P(ApiTest, TotpEnrolmentWithAnEmptyUserIsABadRequest) {
    for (const char* route : {"/api/v1/totp", "/api/v1/totp/confirm", "/api/v1/session"}) {
        Reply r = Send(http::verb::post, route,
                       json{{"user", ""}, {"password", kPassword}, {"code", "123456"}}.dump());
        EXPECT_EQ(r.status, 400) << route << ": " << r.body;
        EXPECT_NE(r.Json().value("detail", "").find("the user name is empty"), std::string::npos)
            << route << ": " << r.body;
    }
    // The audit log goes on: nothing without an actor broke a batch.
    Login anna = LogIn("anna");
    ASSERT_EQ(Send(http::verb::get, "/api/v1/contacts", "", &anna).status, 200);
    EXPECT_FALSE(AuditOf("anna", 2).empty());
}

// Issue 17, item 10: `callbase user role` and `user disable` run in another
// process; the server's open sessions must notice at once.
TEST_P(ApiTest, ARoleChangedOrAUserDisabledElsewhereEndsTheirSessions) {
    Login oleg = LogIn("oleg");
    ASSERT_EQ(Send(http::verb::get, "/api/v1/contacts", "", &oleg).status, 200);
    EXPECT_EQ(Send(http::verb::get, "/api/v1/users", "", &oleg).status, 403);
    // As the CLI does it: security::Users on a connection of its own.
    auto cli = testing::OpenSecondConnection(*db_);
    ASSERT_TRUE(cli);
    ASSERT_TRUE(security::Users(*cli, clock_).SetRole("oleg", Role::kAnalyst));
    Reply after = Send(http::verb::get, "/api/v1/contacts", "", &oleg);
    EXPECT_EQ(after.status, 401) << "the operator's session kept its rights: " << after.body;
    EXPECT_NE(after.body.find("role of oleg was changed from operator to analyst"),
              std::string::npos)
        << after.body;
    EXPECT_EQ(Send(http::verb::get, "/api/v1/session", "", &oleg).status, 401) << "and it is gone";

    Login anna = LogIn("anna");
    ASSERT_EQ(Send(http::verb::get, "/api/v1/session", "", &anna).status, 200);
    ASSERT_TRUE(security::Users(*cli, clock_).Disable("anna"));
    Reply disabled = Send(http::verb::get, "/api/v1/session", "", &anna);
    EXPECT_EQ(disabled.status, 401) << disabled.body;
    EXPECT_NE(disabled.body.find("anna was disabled"), std::string::npos) << disabled.body;
}

// Issue 18, section 8: a disabled user is re-enabled by an administrator
// only, the change is in the audit log, and the user logs in again with the
// password they had.
TEST_P(ApiTest, AnAdministratorReEnablesADisabledUser) {
    Login root = LogIn("root");
    Login anna = LogIn("anna");
    ASSERT_EQ(Send(http::verb::post, "/api/v1/users/oleg/disable", "{}", &root).status, 200);
    EXPECT_EQ(Send(http::verb::post, "/api/v1/users/oleg/enable", "{}", &anna).status, 403)
        << "a supervisor re-enabled a user";
    Reply enabled = Send(http::verb::post, "/api/v1/users/oleg/enable", "{}", &root);
    ASSERT_EQ(enabled.status, 200) << enabled.body;
    EXPECT_EQ(enabled.Json().value("disabled", true), false) << enabled.body;
    Reply again = Send(http::verb::post, "/api/v1/users/oleg/enable", "{}", &root);
    EXPECT_EQ(again.status, 409) << "enabling an enabled user said nothing: " << again.body;
    EXPECT_NE(again.body.find("oleg is not disabled"), std::string::npos) << again.body;
    // Coded, so that the users page says it in the user's language.
    EXPECT_EQ(again.Json().value("code", ""), "user.not_disabled") << again.body;
    EXPECT_EQ(again.Json().value("params", json::object()).value("name", ""), "oleg") << again.body;
    EXPECT_EQ(Send(http::verb::post, "/api/v1/users/nobody/enable", "{}", &root).status, 404);
    // Audit records are written a moment after their answer, their detail
    // followed by the answer's status.
    auto records = db_->Query(
        "SELECT actor, records, detail FROM audit_log WHERE detail LIKE 'enabled%' ORDER BY id");
    for (int i = 0; i < 100 && records && records->empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        records = db_->Query(
            "SELECT actor, records, detail FROM audit_log WHERE detail LIKE 'enabled%' ORDER BY "
            "id");
    }
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 1u);
    EXPECT_EQ(records->front().Text(0), "root");
    EXPECT_EQ(records->front().Text(1), "user:oleg");
    clock_.Advance(61);
    Login oleg = LogIn("oleg");
    EXPECT_EQ(Send(http::verb::get, "/api/v1/contacts", "", &oleg).status, 200);
}

TEST_P(ApiTest, FeedsCheckTheirOriginAndTheirKeyAndAreCappedPerSession) {
    options_.feeds_per_session = 2;
    ASSERT_NO_FATAL_FAILURE(ServeWithCampaigns(telephony::Population{}, 1));
    Login oleg = LogIn("oleg");
    const std::string feed = "/api/v1/agent/events";
    EXPECT_EQ(Upgrade(port_, feed, oleg.cookie, "https://evil.example"), 403);
    EXPECT_EQ(Upgrade(port_, feed, oleg.cookie, "", "not a key"), 400);
    std::unique_ptr<beast::tcp_stream> first, second, third;
    ASSERT_EQ(
        Upgrade(port_, feed, oleg.cookie, "http://127.0.0.1", "dGhlIHNhbXBsZSBub25jZQ==", &first),
        101);
    ASSERT_EQ(Upgrade(port_, feed, oleg.cookie, "", "dGhlIHNhbXBsZSBub25jZQ==", &second), 101);
    EXPECT_EQ(Upgrade(port_, feed, oleg.cookie), 429) << "a third feed of one session";
    // Another session of the same user has places of its own.
    clock_.Advance(61);
    Login again = LogIn("oleg");
    EXPECT_EQ(Upgrade(port_, feed, again.cookie), 101);
    // A closed feed gives its place back (once the server has seen it go).
    first.reset();
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((status = Upgrade(port_, feed, oleg.cookie, "", "dGhlIHNhbXBsZSBub25jZQ==", &third)) !=
               101 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(status, 101);
}

TEST_P(ApiTest, OpeningFeedsCountsInTheRequestLimit) {
    options_.requests_per_second = 1;  // a burst of 2, then one a second
    options_.feeds_per_session = 100;
    ASSERT_NO_FATAL_FAILURE(ServeWithCampaigns(telephony::Population{}, 1));
    Login oleg = LogIn("oleg");
    std::vector<std::unique_ptr<beast::tcp_stream>> open(10);
    std::map<int, int> statuses;
    // Ten in a row: more than the burst and what a second refills, unless
    // the ten took over eight seconds.
    for (auto& s : open)
        ++statuses[Upgrade(port_, "/api/v1/agent/events", oleg.cookie, "",
                           "dGhlIHNhbXBsZSBub25jZQ==", &s)];
    EXPECT_GE(statuses[429], 1) << "every upgrade went through";
    EXPECT_GE(statuses[101], 1) << "the burst let none through";
}

// Issue 17, item 20: the API's verify takes the anchor the CLI takes, and
// names the records a truncation removed.
TEST_P(ApiTest, TheAuditVerifyTakesAnAnchorAndNamesTheMissingRecords) {
    Login dina = LogIn("dina");
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(Send(http::verb::get, "/api/v1/audit/head", "", &dina).status, 200);
    EXPECT_EQ(Send(http::verb::get, "/api/v1/audit/verify?anchor=12:nothex", "", &dina).status,
              400);
    ASSERT_GE(AuditOf("dina", 7).size(), 7u);  // the login, five reads, the bad verify
    auto reader = testing::OpenSecondConnection(*db_);
    const std::string head = security::AuditLog(*reader, clock_).Head().value_or("");
    auto anchor = security::ParseAnchor(head);
    ASSERT_TRUE(anchor) << head;
    json ok = Send(http::verb::get, "/api/v1/audit/verify?anchor=" + head, "", &dina).Json();
    EXPECT_EQ(ok["ok"], true) << ok.dump();
    EXPECT_EQ(ok["anchor_checked"], true) << ok.dump();

    // Someone with the base's password deletes the tail.
    ASSERT_TRUE(testing::DropAuditGuards(*db_));
    ASSERT_TRUE(db_->Exec("DELETE FROM audit_log WHERE id > $1", {anchor->id - 3}));
    json plain = Send(http::verb::get, "/api/v1/audit/verify", "", &dina).Json();
    EXPECT_EQ(plain["ok"], true) << "without an anchor a cut tail cannot show";
    // The records the verify itself added since sit after the cut: ask with
    // an anchor before them.
    json cut = Send(http::verb::get, "/api/v1/audit/verify?anchor=" + head, "", &dina).Json();
    ASSERT_EQ(cut["ok"], false) << cut.dump();
    const std::string kind = cut["break"]["kind"];
    EXPECT_TRUE(kind == "anchor_missing" || kind == "anchor_mismatch") << cut.dump();
}

TEST_P(ApiTest, AScheduledVerifyRaisesAnAlertOnABreak) {
    Login dina = LogIn("dina");
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(Send(http::verb::get, "/api/v1/audit/head", "", &dina).status, 200);
    ASSERT_GE(AuditOf("dina", 6).size(), 6u);  // the login and five reads
    auto watcher = testing::OpenSecondConnection(*db_);
    ASSERT_TRUE(watcher);
    security::ChainWatch watch(*watcher, clock_);
    auto intact = watch.Run();
    ASSERT_TRUE(intact) << intact.error().message;
    EXPECT_FALSE(intact->broken);
    ASSERT_TRUE(watch.anchor());
    const int64_t head = watch.anchor()->id;

    ASSERT_TRUE(testing::DropAuditGuards(*db_));
    ASSERT_TRUE(db_->Exec("DELETE FROM audit_log WHERE id > $1", {head - 2}));
    auto broken = watch.Run();
    ASSERT_TRUE(broken) << broken.error().message;
    ASSERT_TRUE(broken->broken) << "the tail cut since the last run is caught by its head";
    EXPECT_EQ(broken->broken->first_missing, head - 1);
    EXPECT_EQ(broken->broken->last_missing, head);
    ASSERT_TRUE(watch.Run());  // the same break again: recorded once

    json alerts = Send(http::verb::get, "/api/v1/audit/alerts?since=0", "", &dina).Json();
    int found = 0;
    for (const auto& a : alerts["items"]) {
        if (a["rule"] != "audit_chain_broken") continue;
        ++found;
        EXPECT_NE(a["detail"].get<std::string>().find(
                      fmt::format("records {}–{} are missing", head - 1, head)),
                  std::string::npos)
            << a.dump();
    }
    EXPECT_EQ(found, 1) << alerts.dump();
}

// The schedule itself: `serve --audit-verify-every` runs the watch on a
// thread of its own (here every second; waited for, not slept for).
TEST_P(ApiTest, TheAuditScheduleRunsOnItsOwn) {
    std::vector<std::string> errors;
    std::mutex mutex;
    security::AuditSchedule schedule(
        [this]() -> Result<std::unique_ptr<store::Store>> {
            auto s = testing::OpenSecondConnection(*db_);
            if (!s) return Fail(ErrorCode::kDatabase, "no connection");
            return s;
        },
        clock_, std::chrono::seconds(1),
        [&](const Error& e) {
            std::lock_guard lock(mutex);
            errors.push_back(e.message);
        });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (schedule.runs() < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_GE(schedule.runs(), 2);
    std::lock_guard lock(mutex);
    EXPECT_TRUE(errors.empty()) << errors.front();
}

}  // namespace
}  // namespace callbase::api
