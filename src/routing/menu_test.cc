// Menus for incoming calls: a menu checked against the routing book, the
// visits kept on both backends, and the IVR-menu report that says where
// callers hang up, time out, press a wrong key, are asked again or press 0.
#include "routing/menu.h"

#include <gtest/gtest.h>

#include "support/test_store.h"

namespace callbase::routing {
namespace {

std::string Described(const std::vector<ivr::Problem>& problems) {
    std::string out;
    for (const auto& p : problems)
        out += p.where + ": " + p.message + "\n";
    return out;
}

TEST(Menu, TheShippedMenuIsCheckedAgainstTheRoutingBook) {
    auto script =
        ivr::LoadScript(std::string(CALLBASE_SOURCE_DIR) + "/examples/ivr/inbound-menu.yaml");
    ASSERT_TRUE(script) << script.error().message;
    auto router = Router::Make(
        {Number{.number = "101", .extension = true, .route = {Target::kAgent, "anna"}}}, {},
        {"sales", "service", "general"});
    ASSERT_TRUE(router) << router.error().message;
    auto problems = CheckMenu(*script, *router, {"sales", "service", "general"});
    EXPECT_TRUE(problems.empty()) << Described(problems);
    // Without the service queue the menu's branch 2 leads nowhere.
    problems = CheckMenu(*script, *router, {"sales", "general"});
    EXPECT_NE(Described(problems).find("queue 'service' is not a queue"), std::string::npos)
        << Described(problems);
    // A robot's script is not a menu.
    auto robot =
        ivr::LoadScript(std::string(CALLBASE_SOURCE_DIR) + "/examples/ivr/operator-offer.yaml");
    ASSERT_TRUE(robot);
    EXPECT_NE(Described(CheckMenu(*robot, *router, {})).find("not a menu for incoming calls"),
              std::string::npos);
}

MenuVisit Visit(int64_t at, std::vector<MenuStep> steps, std::string node, std::string outcome,
                std::map<std::string, std::string> answers = {}) {
    return MenuVisit{.at = at,
                     .ended = at + 20'000,
                     .menu = "main.yaml",
                     .did = "+74950000001",
                     .steps = std::move(steps),
                     .answers = std::move(answers),
                     .node = std::move(node),
                     .outcome = std::move(outcome)};
}

class MenuVisitTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
    }
    std::unique_ptr<store::Store> db_;
};

TEST_P(MenuVisitTest, VisitsAreKeptAndTheReportSaysWhereCallersStruggle) {
    // 1: answered the source question, chose sales.
    // 2: silence at the source, a wrong key then 0 at the menu: the operator.
    // 3: hung up while the menu was asked (after one timeout).
    // 4: a day later: outside the period.
    const std::vector<MenuVisit> visits = {
        Visit(1'000, {{"source", "2", "key", false}, {"menu", "1", "key", false}}, "menu",
              "queue:sales", {{"source", "Соцсети"}}),
        Visit(2'000,
              {{"source", "", "timeout", false},
               {"menu", "7", "invalid", true},
               {"menu", "0", "key", false}},
              "menu", "queue:general"),
        Visit(3'000, {{"source", "1", "key", false}, {"menu", "", "timeout", true}}, "menu",
              "caller_hung_up", {{"source", "Поиск"}}),
        Visit(86'400'000 + 1'000, {{"source", "1", "key", false}}, "menu", "caller_hung_up"),
    };
    for (const auto& v : visits)
        ASSERT_TRUE(RecordMenuVisit(*db_, v));
    auto loaded = LoadMenuVisits(*db_, 0, 86'400'000);
    ASSERT_TRUE(loaded) << loaded.error().message;
    ASSERT_EQ(loaded->size(), 3u);
    EXPECT_EQ((*loaded)[1].steps.size(), 3u);
    EXPECT_EQ((*loaded)[1].steps[1].heard, "invalid");
    EXPECT_TRUE((*loaded)[1].steps[1].repeated);
    EXPECT_EQ((*loaded)[0].answers.at("source"), "Соцсети");

    auto report = MakeMenuReport(*loaded, 0, 86'400'000);
    ASSERT_EQ(report.size(), 1u);
    const MenuFigures& m = report[0];
    EXPECT_EQ(m.visits, 3);
    EXPECT_DOUBLE_EQ(m.mean_seconds, 20.0);
    EXPECT_EQ(m.outcomes, (std::map<std::string, int64_t>{
                              {"queue:sales", 1}, {"queue:general", 1}, {"caller_hung_up", 1}}));
    const MenuNodeFigures& source = m.nodes.at("source");
    EXPECT_EQ(source.callers, 3);
    EXPECT_EQ(source.timeouts, 1);
    EXPECT_EQ(source.hung_up, 0);
    const MenuNodeFigures& menu = m.nodes.at("menu");
    EXPECT_EQ(menu.callers, 3);
    EXPECT_EQ(menu.asked, 4);
    EXPECT_EQ(menu.invalid, 1);
    EXPECT_EQ(menu.timeouts, 1);
    EXPECT_EQ(menu.repeated, 2);
    EXPECT_EQ(menu.zero, 1);
    EXPECT_EQ(menu.hung_up, 1);
    EXPECT_EQ(menu.pressed, (std::map<std::string, int64_t>{{"0", 1}, {"1", 1}, {"7", 1}}));
    EXPECT_EQ(m.answers.at("source"),
              (std::map<std::string, int64_t>{{"Поиск", 1}, {"Соцсети", 1}}));
    auto json = MenuReportJson(report);
    EXPECT_EQ(json[0]["nodes"]["menu"]["hung_up"], 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, MenuVisitTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::routing
