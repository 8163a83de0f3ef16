// GET /api/v1/staffing (issue 19, item 10): the supervisor, the analyst and
// the admin get the forecast, the operator, the dpo and automation a 403
// naming the permission; the answer is routing::Plan's for the query read
// (decimal commas, defaults, limits); a bad or missing parameter is a 400
// coded for the screen, naming it; every call is in the audit log.
#include "api/api_test_fixture.h"
#include "routing/erlang.h"

namespace callbase::api {
namespace {

TEST_P(ApiTest, StaffingIsForThoseWhoPlanAndRefusedToTheRest) {
    const std::string target = "/api/v1/staffing?calls=300&aht=180&target=0.8&threshold=20";
    for (const auto& person : People()) {
        clock_.Advance(61);  // each role's logins in a minute of their own (the login limit)
        Login login = LogIn(person.name);
        Reply r = Send(http::verb::get, target, "", &login);
        const bool plans = person.role == Role::kSupervisor || person.role == Role::kAnalyst ||
                           person.role == Role::kAdmin;
        if (plans) {
            ASSERT_EQ(r.status, 200) << person.name << ": " << r.body;
            json d = r.Json();
            EXPECT_EQ(d["answer"]["agents"], 19) << person.name << ": " << r.body;
            EXPECT_DOUBLE_EQ(d["traffic_erlangs"].get<double>(), 15.0);
        } else {
            EXPECT_EQ(r.status, 403) << person.name << ": " << r.body;
            EXPECT_NE(r.body.find("staffing"), std::string::npos)
                << "the refusal names the permission: " << r.body;
        }
    }
    // Read, as every call, in the audit log with the figures asked.
    bool seen = false;
    for (const auto& rec : AuditOf("anna", 1)) {
        if (rec.object == "GET /api/v1/staffing") {
            seen = true;
            EXPECT_EQ(rec.action, "read");
            EXPECT_NE(rec.detail.find("300 calls/h"), std::string::npos) << rec.detail;
            EXPECT_NE(rec.detail.find("19 agents"), std::string::npos) << rec.detail;
        }
    }
    EXPECT_TRUE(seen) << "the supervisor's forecast is not in the audit log";
}

TEST_P(ApiTest, StaffingAnswersThePlanOfTheQuery) {
    Login anna = LogIn("anna");
    // 75 calls a half hour at 180,5 s (a decimal comma), 90 % within 15 s,
    // occupancy at most 85 %, shrinkage 30 %.
    Reply r = Send(http::verb::get,
                   "/api/v1/staffing?calls=75&interval=30&aht=180%2C5&target=0.9&threshold=15&"
                   "shrinkage=0.3&max_occupancy=0.85&max_asa=20",
                   "", &anna);
    ASSERT_EQ(r.status, 200) << r.body;
    json d = r.Json();
    routing::StaffingInput in;
    in.calls = 75;
    in.interval_minutes = 30;
    in.aht_seconds = 180.5;
    in.target = 0.9;
    in.threshold_seconds = 15;
    in.shrinkage = 0.3;
    in.max_occupancy = 0.85;
    in.max_asa_seconds = 20;
    auto plan = routing::Plan(in);
    ASSERT_TRUE(plan);
    EXPECT_EQ(d["input"]["aht_seconds"], 180.5);
    EXPECT_EQ(d["input"]["max_occupancy"], 0.85);
    EXPECT_EQ(d["calls_per_hour"], 150.0);
    EXPECT_EQ(d["answer"]["agents"], plan->answer.agents);
    EXPECT_EQ(d["answer"]["scheduled"], plan->answer.scheduled);
    EXPECT_DOUBLE_EQ(d["answer"]["service_level"].get<double>(), plan->answer.service_level);
    ASSERT_EQ(d["rows"].size(), plan->rows.size());
    for (size_t i = 0; i < plan->rows.size(); ++i) {
        EXPECT_EQ(d["rows"][i]["agents"], plan->rows[i].agents);
        EXPECT_EQ(d["rows"][i]["meets"], plan->rows[i].meets());
    }
    // Defaults: 80 % within 20 s, an hour, no shrinkage, no limits.
    Reply defaults = Send(http::verb::get, "/api/v1/staffing?calls=300&aht=180", "", &anna);
    ASSERT_EQ(defaults.status, 200) << defaults.body;
    json dd = defaults.Json();
    EXPECT_EQ(dd["input"]["target"], 0.8);
    EXPECT_EQ(dd["input"]["threshold_seconds"], 20.0);
    EXPECT_TRUE(dd["input"]["max_occupancy"].is_null());
    EXPECT_EQ(dd["answer"]["agents"], 19);
    EXPECT_EQ(dd["answer"]["scheduled"], 19);
    // The rows below the traffic: the queue grows, no average wait to give.
    Reply small = Send(http::verb::get, "/api/v1/staffing?calls=60&aht=60&target=0.5&threshold=60",
                       "", &anna);
    ASSERT_EQ(small.status, 200) << small.body;
    json first = small.Json()["rows"][0];
    EXPECT_EQ(first["agents"], 0);
    EXPECT_FALSE(first["stable"].get<bool>());
    EXPECT_TRUE(first["asa_seconds"].is_null()) << first.dump();
    EXPECT_EQ(first["misses"], json::array({"target"}));
}

TEST_P(ApiTest, ABadStaffingParameterIsCodedAndNamed) {
    Login ivan = LogIn("ivan");
    struct Case {
        std::string query, code, field, value;
    };
    const Case cases[] = {
        {"calls=300&aht=0", "staffing.aht", "aht", "0"},
        {"calls=300&aht=три", "staffing.aht", "aht", "три"},
        {"calls=-1&aht=180", "staffing.calls", "calls", "-1"},
        {"calls=300&aht=180&target=80", "staffing.target", "target", "80"},
        {"calls=300&aht=180&target=1", "staffing.target", "target", "1"},
        {"calls=300&aht=180&threshold=-5", "staffing.threshold", "threshold", "-5"},
        {"calls=300&aht=180&shrinkage=1", "staffing.shrinkage", "shrinkage", "1"},
        {"calls=300&aht=180&max_occupancy=1.2", "staffing.max_occupancy", "max_occupancy", "1.2"},
        {"calls=300&aht=180&max_asa=0", "staffing.max_asa", "max_asa", "0"},
        {"calls=300&aht=180&interval=0", "staffing.interval", "interval", "0"},
        {"calls=nan&aht=180", "staffing.calls", "calls", "nan"},
    };
    for (const Case& c : cases) {
        Reply r = Send(http::verb::get, "/api/v1/staffing?" + c.query, "", &ivan);
        EXPECT_EQ(r.status, 400) << c.query << ": " << r.body;
        EXPECT_EQ(r.content_type, "application/problem+json") << c.query;
        json p = r.Json();
        EXPECT_EQ(p.value("code", ""), c.code) << c.query << ": " << r.body;
        EXPECT_EQ(p["params"].value("field", ""), c.field) << c.query << ": " << r.body;
        EXPECT_EQ(p["params"].value("value", ""), c.value) << c.query << ": " << r.body;
        EXPECT_TRUE(p.value("detail", "").starts_with(c.field + " = ")) << r.body;
    }
    for (const char* query : {"aht=180", "calls=300", "calls=&aht=180"}) {
        Reply r = Send(http::verb::get, std::string("/api/v1/staffing?") + query, "", &ivan);
        EXPECT_EQ(r.status, 400) << query << ": " << r.body;
        EXPECT_EQ(r.Json().value("code", ""), "staffing.missing") << r.body;
    }
    Reply huge = Send(http::verb::get, "/api/v1/staffing?calls=5000000&aht=600", "", &ivan);
    EXPECT_EQ(huge.status, 400) << huge.body;
    EXPECT_EQ(huge.Json().value("code", ""), "staffing.too_many_agents") << huge.body;
}

}  // namespace
}  // namespace callbase::api
