// Leaks of personal data through the API (issue 17, items 1–4 and 21): what
// an operator or an analyst gets back must never hold more than the card
// shows them, whatever the route, the failure or the filter.
#include <regex>

#include "api/api_test_fixture.h"
#include "core/text_limits.h"
#include "security/audit_alerts.h"

namespace callbase::api {
namespace {

// The seeded people of the fixture (api_test_fixture.h).
const std::vector<std::string> kSeededNumbers = {"+79161234567", "+79031112233", "+74951234567"};
const std::vector<std::string> kSeededNameParts = {"Иван",     "Петров", "Мария",
                                                   "Соколова", "Олег",   "Сидоров"};

// Any spelling of a seeded number: its ten national digits with spaces,
// dashes, dots or brackets anywhere between them (8 916 123-45-67,
// +7(916)1234567, 9161234567, ...), and its last seven digits spelt so.
std::vector<std::regex> SeededNumberPatterns() {
    std::vector<std::regex> out;
    for (const auto& e164 : kSeededNumbers) {
        for (const std::string& digits : {e164.substr(2), e164.substr(5)}) {
            std::string pattern;
            for (size_t i = 0; i < digits.size(); ++i) {
                if (i > 0) pattern += R"([\s\-().]*)";
                pattern += digits[i];
            }
            out.emplace_back(pattern);
        }
    }
    return out;
}

// What of a seeded person an answer shows that the role may not see: a
// number in any spelling (operators and analysts see none in full) and, for
// the analyst, a part of a name.
std::string UrlEncode(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

std::string Leak(const std::string& answer, Role role) {
    static const std::vector<std::regex> kNumbers = SeededNumberPatterns();
    std::smatch m;
    for (const auto& re : kNumbers)
        if (std::regex_search(answer, m, re)) return "the number " + m.str();
    if (role == Role::kAnalyst) {
        for (const auto& part : kSeededNameParts)
            if (answer.find(part) != std::string::npos) return "the name " + part;
    }
    return "";
}

}  // namespace

// Every route of the route table, as an operator and as an analyst, about a
// contact that exists, with a body and query that make most actions fail
// (an unknown outcome, category, channel, decision, a code never sent):
// nothing in the status line, the headers or the body names the person more
// than the card would. Table-driven: a new route is called too.
TEST_P(ApiTest, NoAnswerOfAnyRouteShowsAnOperatorOrAnAnalystMoreThanTheCard) {
    // Hundreds of calls in a second: the test sets the limit it relies on.
    http_->Stop();
    options_.requests_per_second = 0;
    Serve();
    const int64_t id = ids_.at("+79161234567");
    // The operator works the contact (an operator sees only the contacts
    // assigned to them; others answer 404 and would show nothing here).
    Login anna = LogIn("anna");
    Reply assigned =
        Send(http::verb::post, "/api/v1/assignments",
             json{{"to", "oleg"}, {"ids", {id, ids_.at("+79031112233")}}}.dump(), &anna);
    ASSERT_EQ(assigned.status, 200) << assigned.body;
    const std::string body = json{
        {"contact_id", id},
        {"code", "000000"},
        {"purpose", "marketing"},
        {"how", "api"},
        {"outcome", "no_such_outcome"},
        {"decision", "no_such_decision"},
        {"category", "no_such_category"},
        {"channel",
         "no_such_channel"}}.dump();
    int called = 0;
    for (Role role : {Role::kOperator, Role::kAnalyst}) {
        const std::string user = role == Role::kOperator ? "oleg" : "ivan";
        clock_.Advance(61);
        Login login = LogIn(user);
        for (const ApiRoute& route : RouteTable()) {
            if (route.socket || route.access == Access::kPublic) continue;
            if (route.path == "/api/v1/session" && route.method == "DELETE") continue;
            std::string target = route.path;
            for (const auto& [param, value] :
                 std::vector<std::pair<std::string, std::string>>{{"{id}", std::to_string(id)},
                                                                  {"{job}", "1"},
                                                                  {"{tag}", "VIP"},
                                                                  {"{field}", "Сумма"},
                                                                  {"{name}", "marketing"},
                                                                  {"{date}", "2026-01-01"}}) {
                if (auto at = target.find(param); at != std::string::npos)
                    target.replace(at, param.size(), value);
            }
            target += fmt::format("?contact_id={}&id={}&purpose=marketing", id, id);
            Reply r = Send(http::string_to_verb(route.method), target, body, &login);
            const int status = r.status;
            const std::string& answer = r.whole;
            ++called;
            EXPECT_NE(status, 500) << user << " " << route.method << " " << target;
            const std::string leak = Leak(answer, role);
            EXPECT_EQ(leak, "") << user << " (" << security::RoleId(role) << ") got " << leak
                                << " from " << route.method << " " << target << ":\n"
                                << answer;
        }
    }
    EXPECT_GT(called, 150);

    // The case of the issue, as the operator sees it: the refusal names the
    // number masked, as the card shows it (the number given in any spelling).
    Login oleg = LogIn("oleg");
    Reply r = Send(http::verb::post, "/api/v1/consents/confirm",
                   json{{"phone", "8 916 123-45-67"}, {"code", "000000"}}.dump(), &oleg);
    // (The sweep above asked for a code as the operator: the code is wrong.)
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("wrong code for +7 (916) ***-**-67 ("), std::string::npos) << r.body;
    r = Send(http::verb::post, "/api/v1/consents/confirm",
             json{{"phone", "8 903 111-22-33"}, {"code", "000000"}}.dump(), &oleg);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_NE(r.body.find("no consent request for +7 (903) ***-**-33"), std::string::npos)
        << r.body;
}

// Item 3: a role may not filter on what it may not see. The analyst rebuilt
// a name letter by letter with name~ and the operator a masked number with
// batches of phone!= terms; both are refused with a 400 naming the term, and
// one search costs at most kMaxFilterTerms terms, kMaxContainsTerms of '~'.
TEST_P(ApiTest, SearchesCannotRebuildWhatMaskingHides) {
    Login analyst = LogIn("ivan");
    for (const std::string filter : {"name~И", "name=Иван Петров", "phone=89161234567",
                                     "phone!=89161234567", "phone~4567", "email~@"}) {
        Reply r =
            Send(http::verb::get, "/api/v1/contacts?filter=" + UrlEncode(filter), "", &analyst);
        EXPECT_EQ(r.status, 400) << filter << ": " << r.body;
        const std::string key = filter.substr(0, filter.find_first_of("~=!"));
        EXPECT_NE(r.Json().value("detail", "").find("filter '" + key), std::string::npos) << r.body;
        // In the screen's language: the code, the term and the role.
        EXPECT_EQ(r.Json().value("code", ""), "filter.pseudonyms_only") << r.body;
        EXPECT_EQ(r.Json()["params"].value("key", ""), key) << r.body;
        EXPECT_EQ(r.Json()["params"].value("role", ""), "analyst") << r.body;
    }
    // The screen pop's lookup is a search by number, too.
    EXPECT_EQ(Send(http::verb::get, "/api/v1/lookup?phone=89161234567", "", &analyst).status, 400);
    // What the analyst sees it may still filter on.
    EXPECT_EQ(Send(http::verb::get, "/api/v1/contacts?filter=status%3Dnew", "", &analyst).status,
              200);

    Login oleg = LogIn("oleg");
    // A batch of phone!= terms: the one contact that disappears is the number.
    std::string batch = "/api/v1/contacts?filter=" + UrlEncode("phone!=+79161234560");
    for (int d = 1; d < 10; ++d)
        batch += "&filter=" + UrlEncode(fmt::format("phone!=+7916123456{}", d));
    Reply r = Send(http::verb::get, batch, "", &oleg);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.Json().value("detail", "").find("filter 'phone!="), std::string::npos) << r.body;
    EXPECT_EQ(Leak(r.body, Role::kOperator), "") << r.body;
    // Issue 18's search by the last digits: the masked card shows the operator
    // code and the last two digits, so 4 to 7 last digits tried in turn would
    // rebuild the number (100 tries for the hidden two of the last four, then
    // ten a digit). The operator is refused every form of it, whichever
    // number it would find, in the phone box and as a filter.
    for (const std::string& query :
         {"filter=" + UrlEncode("phone~4567"), "filter=" + UrlEncode("phone~1234567"),
          "filter=" + UrlEncode("phone~9999"), std::string("phone=4567"),
          "phone=" + UrlEncode("23-45-67")}) {
        r = Send(http::verb::get, "/api/v1/contacts?" + query, "", &oleg);
        EXPECT_EQ(r.status, 400) << query << ": " << r.body;
        EXPECT_NE(r.Json().value("detail", "").find("filter 'phone~"), std::string::npos) << r.body;
        EXPECT_NE(r.Json().value("detail", "").find("may only look a whole number up"),
                  std::string::npos)
            << r.body;
        EXPECT_EQ(r.Json().value("code", ""), "filter.masked_numbers") << r.body;
        EXPECT_EQ(r.Json()["params"].value("op", ""), "~") << r.body;
        EXPECT_EQ(Leak(r.body, Role::kOperator), "") << r.body;
    }
    // A whole number the operator has may be looked up (what the search then
    // finds is the operator's to see: it is not refused as a filter), and
    // names, which the operator sees, may be searched.
    r = Send(http::verb::get, "/api/v1/contacts?filter=" + UrlEncode("phone=8 916 123-45-67"), "",
             &oleg);
    EXPECT_NE(r.status, 400) << r.body;
    EXPECT_EQ(Leak(r.body, Role::kOperator), "") << r.body;
    EXPECT_NE(Send(http::verb::get, "/api/v1/contacts?filter=" + UrlEncode("name~Иван"), "", &oleg)
                  .status,
              400);

    // The cost of one search, for every role.
    Login anna = LogIn("anna");
    std::string many = "/api/v1/contacts?filter=status%3Dnew";
    for (size_t i = 1; i <= contacts::kMaxFilterTerms; ++i)
        many += "&filter=" + UrlEncode(fmt::format("region!=r{}", i));
    r = Send(http::verb::get, many, "", &anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(
        r.Json().value("detail", "").find(fmt::format("{} terms", contacts::kMaxFilterTerms + 1)),
        std::string::npos)
        << r.body;
    std::string scans = "/api/v1/contacts?";
    for (size_t i = 0; i <= contacts::kMaxContainsTerms; ++i)
        scans += "&filter=" + UrlEncode(fmt::format("region~{}", static_cast<char>('a' + i)));
    r = Send(http::verb::get, scans, "", &anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.Json().value("detail", "").find("filter 'region~e'"), std::string::npos) << r.body;
    r = Send(http::verb::get,
             "/api/v1/contacts?filter=" + UrlEncode("region~" + std::string(300, 'x')), "", &anna);
    EXPECT_EQ(r.status, 400) << r.body;
}

// Item 2: an export carries its requester's view, and the approver sees what
// will leave before approving: the analyst's file holds pseudonyms, never a
// name, a number or an e-mail; a supervisor's holds the numbers.
TEST_P(ApiTest, AnExportHoldsWhatItsRequesterMaySeeAndTheApproverSeesItFirst) {
    ASSERT_TRUE(db_->Exec("UPDATE contacts SET email = $1 WHERE id = $2",
                          {std::string("ivan.petrov@example.ru"), ids_.at("+79161234567")}));
    Login ivan = LogIn("ivan"), anna = LogIn("anna"), dina = LogIn("dina");
    Reply r =
        Send(http::verb::post, "/api/v1/exports",
             json{{"filter", {"status=new"}}, {"reason", "segment sizes by region"}}.dump(), &ivan);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Json()["view"], "pseudonyms");
    const int64_t id = r.Json()["id"];

    // Before approving: the columns, how each is shown, the row count.
    r = Send(http::verb::get, fmt::format("/api/v1/exports/{}", id), "", &anna);
    ASSERT_EQ(r.status, 200) << r.body;
    json preview = r.Json();
    EXPECT_EQ(preview["view"], "pseudonyms");
    EXPECT_EQ(preview["matching_rows"], 3);
    EXPECT_EQ(preview["filter"], "status=new");
    EXPECT_EQ(preview["requested_by"], "ivan");
    EXPECT_EQ(preview["requested_by_role"], "analyst");
    std::map<std::string, std::string> shown, masking;
    for (const auto& c : preview["columns"]) {
        shown[c["name"]] = c["shown"];
        masking[c["name"]] = c["masking"];
    }
    EXPECT_EQ(masking["ФИО"], "pseudonym") << preview.dump();
    EXPECT_EQ(masking["Телефон"], "pseudonym") << preview.dump();
    EXPECT_EQ(masking["E-mail"], "empty");
    EXPECT_EQ(masking["Регион"], "full");
    EXPECT_TRUE(shown["ФИО"].starts_with("pseudonym")) << preview.dump();
    EXPECT_TRUE(shown["Телефон"].starts_with("pseudonym")) << preview.dump();
    EXPECT_EQ(shown["E-mail"], "left empty");
    EXPECT_EQ(shown["Комментарий"], "left empty");
    EXPECT_EQ(shown["Регион"], "as stored");
    // The approval answers the same, so the approver's tool can show it.
    r = Send(http::verb::post, fmt::format("/api/v1/exports/{}/approve", id), "{}", &anna);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["matching_rows"], 3);
    EXPECT_EQ(r.Json()["view"], "pseudonyms");

    r = Send(http::verb::get, fmt::format("/api/v1/exports/{}/download", id), "", &ivan);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Leak(r.body, Role::kAnalyst), "") << r.body;
    EXPECT_EQ(r.body.find("example.ru"), std::string::npos) << r.body;
    EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 4) << r.body;  // header + 3
    EXPECT_NE(r.body.find("P-"), std::string::npos) << r.body;

    // The same export asked for by a supervisor holds what a supervisor sees.
    r = Send(http::verb::post, "/api/v1/exports",
             json{{"filter", {"status=new"}}, {"reason", "courier list"}}.dump(), &anna);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Json()["view"], "full");
    const int64_t full = r.Json()["id"];
    ASSERT_EQ(
        Send(http::verb::post, fmt::format("/api/v1/exports/{}/approve", full), "{}", &dina).status,
        200);
    r = Send(http::verb::get, fmt::format("/api/v1/exports/{}/download", full), "", &anna);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("+79161234567"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("ivan.petrov@example.ru"), std::string::npos) << r.body;
}

// Item 21: an export request's filter and reason are for its requester, the
// approvers and the dpo; another requester sees that it exists.
TEST_P(ApiTest, AnExportRequestsPurposeIsSeenByItsRequesterTheApproversAndTheDpoOnly) {
    {
        security::Users users(*db_, clock_);
        ASSERT_TRUE(users.Add("petr", Role::kAnalyst, kPassword));
        auto secret = users.BeginTotp("petr");
        ASSERT_TRUE(secret);
        secrets_["petr"] = *security::Base32Decode(*secret);
        ASSERT_TRUE(users.ConfirmTotp("petr", security::TotpCode(secrets_["petr"], clock_.Now())));
    }
    Login ivan = LogIn("ivan");
    Reply r = Send(
        http::verb::post, "/api/v1/exports",
        json{{"filter", {"region=Москва"}}, {"reason", "churn study for the board"}}.dump(), &ivan);
    ASSERT_EQ(r.status, 201) << r.body;
    const int64_t id = r.Json()["id"];
    auto purpose_seen = [&](const std::string& user) {
        clock_.Advance(61);
        Login who = LogIn(user);
        Reply list = Send(http::verb::get, "/api/v1/exports", "", &who);
        EXPECT_EQ(list.status, 200) << user << ": " << list.body;
        Reply one = Send(http::verb::get, fmt::format("/api/v1/exports/{}", id), "", &who);
        EXPECT_EQ(one.status, 200) << user << ": " << one.body;
        const bool in_list = list.body.find("churn study") != std::string::npos ||
                             list.body.find("Москва") != std::string::npos;
        const bool in_one = one.body.find("churn study") != std::string::npos ||
                            one.body.find("Москва") != std::string::npos;
        EXPECT_EQ(in_list, in_one) << user << ": " << list.body << "\n" << one.body;
        return in_list;
    };
    EXPECT_TRUE(purpose_seen("ivan"));
    EXPECT_TRUE(purpose_seen("anna"));   // approves
    EXPECT_TRUE(purpose_seen("dina"));   // the dpo
    EXPECT_FALSE(purpose_seen("petr"));  // another analyst
}

// Item 21: a callback years ahead is refused (at most kCallbackHorizonSeconds).
TEST_P(ApiTest, ACallbackMoreThanAYearAheadIsRefused) {
    Login anna = LogIn("anna");
    const int64_t id = ids_.at("+79031112233");
    const std::string target = fmt::format("/api/v1/contacts/{}/status", id);
    Reply r =
        Send(http::verb::put, target,
             json{{"status", "callback"}, {"callback_at", clock_.Now() + 2 * 365 * 86400}}.dump(),
             &anna);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("at most 366 days ahead"), std::string::npos) << r.body;
    r = Send(http::verb::put, target,
             json{{"status", "callback"}, {"callback_at", clock_.Now() + 30 * 86400}}.dump(),
             &anna);
    EXPECT_EQ(r.status, 200) << r.body;
}

// Item 4: paging through the base is an export nobody approved. Past the
// limit of contacts read an hour the API answers 429 with what to do, and
// the audit alerts show the bulk read («массовая выгрузка»).
TEST_P(ApiTest, BulkReadingPastTheLimitIsRefusedAndRaisesAnAlert) {
    EXPECT_GT(security::AlertRules{}.contacts_read_per_hour, 0) << "on by default";
    EXPECT_GT(security::AlertRules{}.contacts_read_per_day, 0) << "on by default";
    ASSERT_TRUE(
        security::SaveAlertSettings(*db_, R"({"contacts_read_per_hour": 5})", "test", clock_));
    Login robot = LogIn("robot");
    int served = 0;
    Reply refused;
    for (int page = 0; page < 20; ++page) {
        Reply r = Send(http::verb::get, fmt::format("/api/v1/contacts?limit=1&offset={}", page % 3),
                       "", &robot);
        if (r.status == 200) {
            ++served;
            continue;
        }
        refused = r;
        break;
    }
    EXPECT_EQ(served, 5);
    ASSERT_EQ(refused.status, 429) << refused.body;
    EXPECT_NE(refused.body.find("contacts_read_per_hour"), std::string::npos) << refused.body;
    EXPECT_NE(refused.body.find("request an export"), std::string::npos) << refused.body;
    EXPECT_FALSE(refused.retry_after.empty());
    // Cards count too.
    EXPECT_EQ(Send(http::verb::get, fmt::format("/api/v1/contacts/{}", ids_.at("+79161234567")), "",
                   &robot)
                  .status,
              429);
    // Another user reads on.
    Login anna = LogIn("anna");
    EXPECT_EQ(Send(http::verb::get, "/api/v1/contacts?limit=1", "", &anna).status, 200);

    Login dina = LogIn("dina");
    Reply alerts = Send(http::verb::get, "/api/v1/audit/alerts", "", &dina);
    ASSERT_EQ(alerts.status, 200) << alerts.body;
    int bulk = 0;
    const json items = alerts.Json()["items"];
    for (const auto& a : items) {
        if (a.value("rule", "") != "bulk_reads") continue;
        ++bulk;
        EXPECT_EQ(a.value("actor", ""), "robot");
        EXPECT_NE(a.value("detail", "").find("массовая выгрузка"), std::string::npos) << a.dump();
    }
    EXPECT_EQ(bulk, 1) << alerts.body;  // one alert for the burst, not one per refusal

    // An hour later the robot reads again.
    clock_.Advance(3601);
    robot = LogIn("robot");
    EXPECT_EQ(Send(http::verb::get, "/api/v1/contacts?limit=1", "", &robot).status, 200);
}

// Item 4, the counts kept in the base: reads before a restart still count
// after it. Six of the seven allowed an hour, the server restarts (a new Api
// over the same base, sessions lost), the seventh is served and the eighth
// refused with the figures. On main the counts were in memory and the
// restarted server served seven more.
TEST_P(ApiTest, ContactsReadBeforeARestartStillCountAfterIt) {
    ASSERT_TRUE(
        security::SaveAlertSettings(*db_, R"({"contacts_read_per_hour": 7})", "test", clock_));
    Login robot = LogIn("robot");
    Reply page = Send(http::verb::get, "/api/v1/contacts?limit=3", "", &robot);
    ASSERT_EQ(page.status, 200) << page.body;
    ASSERT_EQ(page.Json()["items"].size(), 3u) << page.body;
    for (const auto& [phone, id] : ids_) {
        Reply card = Send(http::verb::get, fmt::format("/api/v1/contacts/{}", id), "", &robot);
        ASSERT_EQ(card.status, 200) << card.body;
    }
    // 6 read. The server stops and starts again, a minute later.
    StopServing();
    clock_.Advance(60);
    Serve();
    robot = LogIn("robot");
    const std::string card = fmt::format("/api/v1/contacts/{}", ids_.at("+79161234567"));
    Reply seventh = Send(http::verb::get, card, "", &robot);
    EXPECT_EQ(seventh.status, 200) << "the 7th of 7: " << seventh.body;
    Reply eighth = Send(http::verb::get, card, "", &robot);
    ASSERT_EQ(eighth.status, 429) << "the 8th of 7: " << eighth.body;
    EXPECT_NE(eighth.body.find("robot has read 7 contacts within 60 minutes, the limit "
                               "contacts_read_per_hour (7)"),
              std::string::npos)
        << eighth.body;
    // The web UI shows it in the user's language from its code and figures.
    const json problem = json::parse(eighth.body);
    EXPECT_EQ(problem.value("code", ""), "read.limit_hour") << eighth.body;
    EXPECT_EQ(problem["params"].value("read", ""), "7") << eighth.body;
    EXPECT_EQ(problem["params"].value("user", ""), "robot") << eighth.body;
    // The window is 60 minutes of the base's counts, not of the server's
    // run: 59 minutes after the first reads they are all in it; 62 minutes
    // after, all out (a new login each time: the idle session has ended).
    clock_.Advance(58 * 60);
    robot = LogIn("robot");
    EXPECT_EQ(Send(http::verb::get, card, "", &robot).status, 429);
    clock_.Advance(3 * 60);
    robot = LogIn("robot");
    EXPECT_EQ(Send(http::verb::get, card, "", &robot).status, 200);
}

// Issue 18: search as people type it, over the API, as an operator and as a
// supervisor: a name by its words in any order with ё as е, among the
// contacts the searcher may see (an operator: those assigned to them); a
// number by its last digits for the supervisor, who sees numbers (the
// operator, who sees them masked, is refused: SearchesCannotRebuildWhat-
// MaskingHides); names over the cap refused.
TEST_P(ApiTest, SearchFindsNamesAsTypedAndTheSupervisorNumbersByTheirLastDigits) {
    Login oleg = LogIn("oleg"), anna = LogIn("anna");
    Reply r = Send(http::verb::post, "/api/v1/contacts",
                   json{{"name", "Алёна Фёдорова"}, {"phones", {"8 916 000-45-67"}}}.dump(), &oleg);
    ASSERT_EQ(r.status, 201) << r.body;
    const int64_t alyona = r.Json()["id"];
    // The names an answer lists. The parsed body is kept in a variable: a
    // range-for over `reply.Json()["items"]` walks a reference into a
    // temporary destroyed before the loop (what made this test list no name).
    auto names = [&](const Reply& reply) {
        const json body = reply.Json();
        std::vector<std::string> out;
        for (const auto& item : body.value("items", json::array()))
            out.push_back(item["name"]);
        std::sort(out.begin(), out.end());
        return out;
    };
    // The operator added it, so it is assigned to them (AssignToCreator):
    // both find it, by its words in any order, ё or е.
    for (const Login* who : {&oleg, &anna}) {
        for (const std::string& query :
             {"name=" + UrlEncode("алена федорова"), "name=" + UrlEncode("ФЕДОРОВА Алёна"),
              "filter=" + UrlEncode("name~Федорова алена")}) {
            r = Send(http::verb::get, "/api/v1/contacts?" + query, "", who);
            ASSERT_EQ(r.status, 200) << query << ": " << r.body;
            EXPECT_EQ(names(r), std::vector<std::string>{"Алёна Фёдорова"}) << query;
            EXPECT_EQ(r.Json()["total"], 1) << r.body;
        }
    }
    // Иван Петров is not assigned to the operator: found by the supervisor
    // only, in any order of the words.
    for (const std::string words : {"петров иван", "ИВАН Петров"}) {
        r = Send(http::verb::get, "/api/v1/contacts?name=" + UrlEncode(words), "", &anna);
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(names(r), std::vector<std::string>{"Иван Петров"}) << words;
        r = Send(http::verb::get, "/api/v1/contacts?name=" + UrlEncode(words), "", &oleg);
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(names(r), std::vector<std::string>{}) << words << ": " << r.body;
        EXPECT_EQ(r.Json()["total"], 0) << r.body;
    }

    // The supervisor finds numbers by their last 4 to 7 digits, in the phone
    // box or as a filter; an encrypted base says it finds numbers only whole.
    for (const std::string& query : {std::string("phone=4567"), "phone=" + UrlEncode("45-67"),
                                     "filter=" + UrlEncode("phone~1234567")}) {
        r = Send(http::verb::get, "/api/v1/contacts?" + query, "", &anna);
        if (testing::SealedRun()) {
            EXPECT_EQ(r.status, 400) << r.body;
            EXPECT_NE(r.Json().value("detail", "").find("found only whole"), std::string::npos)
                << r.body;
            continue;
        }
        ASSERT_EQ(r.status, 200) << query << ": " << r.body;
        // 4567 and 45-67 end all three numbers; 1234567 not Алёна's 000-45-67.
        const bool all = query != "filter=" + UrlEncode("phone~1234567");
        const std::vector<std::string> expected =
            all ? std::vector<std::string>{"Алёна Фёдорова", "Иван Петров", "Олег Сидоров"}
                : std::vector<std::string>{"Иван Петров", "Олег Сидоров"};
        EXPECT_EQ(names(r), expected) << query;
        EXPECT_NE(r.body.find("+79161234567"), std::string::npos) << r.body;  // shown whole
    }

    // Over the cap: refused, naming the field, the cap and the length given.
    r = Send(
        http::verb::post, "/api/v1/contacts",
        json{{"name", std::string(kMaxNameChars + 1, 'x')}, {"phones", {"89160004568"}}}.dump(),
        &oleg);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.Json()
                  .value("detail", "")
                  .find(fmt::format("name: {} characters, at most {} are accepted",
                                    kMaxNameChars + 1, kMaxNameChars)),
              std::string::npos)
        << r.body;
    r = Send(http::verb::get, fmt::format("/api/v1/contacts/{}", alyona), "", &oleg);
    EXPECT_EQ(r.status, 200) << r.body;

    // Unassigned, it is no longer the operator's to see: the same words find
    // nothing for them, and still find it for the supervisor.
    ASSERT_EQ(Send(http::verb::post, "/api/v1/assignments",
                   json{{"to", nullptr}, {"ids", {alyona}}}.dump(), &anna)
                  .status,
              200);
    const std::string typed = "/api/v1/contacts?name=" + UrlEncode("алена федорова");
    r = Send(http::verb::get, typed, "", &oleg);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(names(r), std::vector<std::string>{}) << r.body;
    EXPECT_EQ(r.Json()["total"], 0) << r.body;
    r = Send(http::verb::get, typed, "", &anna);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(names(r), std::vector<std::string>{"Алёна Фёдорова"}) << r.body;
}

}  // namespace callbase::api
