// The routing configuration kept in the base, on both backends (and sealed
// in the /Sealed runs): queues, numbers and rules checked as a whole before
// anything is written; lists whose numbers are sealed like every number; the
// facts the Router reads about a caller from the base, complaints included.
#include "routing/routing_book.h"

#include <gtest/gtest.h>

#include "core/json_text.h"
#include "support/test_store.h"

namespace callbase::routing {
namespace {

using nlohmann::json;

class Fixed final : public Clock {
public:
    UnixSeconds Now() const override { return now; }
    UnixSeconds now = 1'796'104'800;
};

class RoutingBookTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
    }
    RoutingBook Book() { return RoutingBook(*db_, clock_, "olga"); }
    QueueSpec Queue(const std::string& name) {
        QueueSpec q;
        q.name = name;
        return q;
    }
    std::unique_ptr<store::Store> db_;
    Fixed clock_;
};

TEST_P(RoutingBookTest, AConfigurationIsKeptAndMakesTheRouterItDescribes) {
    RoutingBook book = Book();
    QueueSpec sales = Queue("sales");
    sales.strategy = Strategy::kFixedOrder;
    sales.members = {"anna", "boris"};
    sales.widen = {{20'000, 2}};
    sales.max_wait = 300'000;
    sales.exit_route = "queue:general";
    ASSERT_FALSE(book.PutQueue(sales)) << "its exit names a queue not yet made";
    ASSERT_TRUE(book.PutQueue(Queue("general")));
    ASSERT_TRUE(book.PutQueue(sales));
    ASSERT_TRUE(book.PutQueue(Queue("vip")));
    ASSERT_TRUE(book.PutNumber({"+74951112233", false, {Target::kQueue, "general"}, "Директ"}));
    ASSERT_TRUE(book.PutNumber({"101", true, {Target::kQueue, "sales"}, "Отдел продаж"}));
    RuleSettings rules;
    rules.vip_queue = "vip";
    ASSERT_TRUE(book.SetRules(rules));

    auto queues = book.Queues();
    ASSERT_TRUE(queues);
    ASSERT_EQ(queues->size(), 3u);
    const QueueSpec& back = (*queues)[1];
    EXPECT_EQ(back.name, "sales");
    EXPECT_EQ(back.strategy, Strategy::kFixedOrder);
    EXPECT_EQ(back.members, sales.members);
    EXPECT_EQ(back.widen, sales.widen);
    EXPECT_EQ(back.max_wait, 300'000);
    auto router = book.LoadRouter();
    ASSERT_TRUE(router) << router.error().message;
    MemoryCallerFacts none;
    EXPECT_EQ(RouteText(router->Decide("+79160000001", "101", none, clock_.now).route),
              "queue:sales");
    EXPECT_EQ(router->Rules().vip_queue, "vip");
}

TEST_P(RoutingBookTest, ABadChangeIsRefusedByNameAndChangesNothing) {
    RoutingBook book = Book();
    ASSERT_TRUE(book.PutQueue(Queue("general")));
    ASSERT_TRUE(book.PutNumber({"+74951112233", false, {Target::kQueue, "general"}, ""}));
    auto missing = book.PutNumber({"+74951112244", false, {Target::kQueue, "nosuch"}, ""});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().key, "routing.missing_queue");
    auto in_use = book.RemoveQueue("general");
    ASSERT_FALSE(in_use);
    EXPECT_NE(in_use.error().message.find("+74951112233"), std::string::npos)
        << in_use.error().message;
    auto ext = book.PutNumber({"+74951112255", false, {Target::kExtension, "102"}, ""});
    EXPECT_EQ(ext.error().key, "routing.missing_extension");
    RuleSettings rules;
    rules.complaints_enabled = true;
    rules.complaints_queue = "seniors";
    EXPECT_EQ(book.SetRules(rules).error().key, "routing.missing_queue");
    EXPECT_EQ(book.Numbers()->size(), 1u);
    EXPECT_EQ(book.Queues()->size(), 1u);
    EXPECT_FALSE(book.Rules()->complaints_enabled);
}

TEST_P(RoutingBookTest, QueueSettingsFromAFileOrTheApiAreCheckedKeyByKey) {
    auto unknown = QueueFromJson(json::parse(R"({"name": "sales", "stratgy": "ring_all"})"));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().key, "routing.unknown_key");
    EXPECT_NE(unknown.error().message.find("stratgy"), std::string::npos);
    EXPECT_NE(unknown.error().hint.find("strategy"), std::string::npos);
    auto bad = QueueFromJson(json::parse(R"({"name": "sales", "strategy": "rrmemory"})"));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("strategy"), std::string::npos);
    EXPECT_FALSE(QueueFromJson(json::parse(R"({"name": "sales", "max_wait": -1})")));
    EXPECT_FALSE(QueueFromJson(json::parse(R"({"name": "a b"})")));
    EXPECT_FALSE(
        QueueFromJson(json::parse(R"({"name": "s", "widen": [{"after": 20, "level": 0}]})")));
    EXPECT_FALSE(QueueFromJson(json::parse(R"({"name": "s", "exit_route": "voicemail"})")));
    auto good = QueueFromJson(json::parse(
        R"({"name": "s", "widen": [{"after": 20, "level": 2}], "exit_route": "message:busy"})"));
    ASSERT_TRUE(good) << good.error().message;
    EXPECT_EQ(good->widen, (std::vector<std::pair<Millis, int>>{{20'000, 2}}));
    EXPECT_FALSE(RulesFromJson(json::parse(R"({"black_action": "queue:general"})")))
        << "a black-listed caller is never queued";
    // The callback is offered in the announcements: a queue that makes none
    // cannot offer it, and says so; with them it is kept and given back.
    auto silent = QueueFromJson(json::parse(R"({"name": "s", "callback": true})"));
    ASSERT_FALSE(silent);
    EXPECT_EQ(silent.error().key, "routing.callback_silent");
    EXPECT_NE(silent.error().hint.find("announce_every"), std::string::npos);
    EXPECT_FALSE(QueueFromJson(json::parse(R"({"name": "s", "callback": "yes"})")));
    auto offers =
        QueueFromJson(json::parse(R"({"name": "s", "announce_every": 30, "callback": true})"));
    ASSERT_TRUE(offers) << offers.error().message;
    EXPECT_TRUE(offers->callback);
    EXPECT_EQ(QueueJson(*offers)["callback"], true);
    EXPECT_EQ(QueueFromJson(QueueJson(*offers))->callback, true);
    // The announcements' language: Russian unless told, English on request,
    // nothing else.
    EXPECT_EQ(offers->language, "ru");
    auto english =
        QueueFromJson(json::parse(R"({"name": "s", "announce_every": 30, "language": "en"})"));
    ASSERT_TRUE(english) << english.error().message;
    EXPECT_EQ(english->language, "en");
    EXPECT_EQ(QueueFromJson(QueueJson(*english))->language, "en");
    auto german = QueueFromJson(json::parse(R"({"name": "s", "language": "de"})"));
    ASSERT_FALSE(german);
    EXPECT_EQ(german.error().key, "routing.queue_language");
    EXPECT_NE(german.error().message.find("queue s"), std::string::npos) << german.error().message;
}

TEST_P(RoutingBookTest, ListsKeepNumbersSealedAndTheFactsReadThem) {
    RoutingBook book = Book();
    ASSERT_TRUE(book.AddToList("vip", "+79160000002", "anna", "директор"));
    ASSERT_TRUE(book.AddToList("black", "+79160000001", "", "звонит ночью"));
    EXPECT_EQ(book.AddToList("gray", "+79160000003").error().key, "routing.no_list");
    EXPECT_EQ(book.AddToList("black", "+79160000003", "anna").error().key,
              "routing.manager_not_vip");
    EXPECT_EQ(*book.ListSize("vip"), 1);
    auto entries = book.ListEntries("vip");
    ASSERT_TRUE(entries);
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ((*entries)[0].e164, "+79160000002");
    EXPECT_EQ((*entries)[0].manager, "anna");
    EXPECT_EQ((*entries)[0].note, "директор");
    if (testing::SealedRun()) {
        auto stored = db_->QueryValue("SELECT e164 FROM caller_lists WHERE list = 'vip'");
        ASSERT_TRUE(stored);
        EXPECT_NE(store::Row({*stored}).Text(0), "+79160000002") << "the number is sealed";
    }
    StoreCallerFacts facts(*db_);
    EXPECT_TRUE(facts.Black("+79160000001"));
    EXPECT_FALSE(facts.Black("+79160000002"));
    EXPECT_EQ(facts.Vip("+79160000002"), "anna");
    EXPECT_FALSE(facts.Vip("+79160000001"));
    EXPECT_TRUE(*book.RemoveFromList("black", "+79160000001"));
    EXPECT_FALSE(facts.Black("+79160000001"));
    EXPECT_FALSE(facts.error());
}

TEST_P(RoutingBookTest, ComplaintsAreDispositionsTaggedWithTheCategoryWithinTheDays) {
    // A category "complaint" with two tags, and calls from the caller tagged
    // over the last weeks.
    ASSERT_TRUE(db_->Exec("INSERT INTO tag_categories (name, created_at) VALUES ('complaint', 1)"));
    ASSERT_TRUE(db_->Exec("INSERT INTO tag_categories (name, created_at) VALUES ('topic', 1)"));
    ASSERT_TRUE(
        db_->Exec("INSERT INTO tags (category_id, name, created_at) SELECT id, 'долго ждал', "
                  "1 FROM tag_categories WHERE name = 'complaint'"));
    ASSERT_TRUE(
        db_->Exec("INSERT INTO tags (category_id, name, created_at) SELECT id, 'грубость', 1 "
                  "FROM tag_categories WHERE name = 'complaint'"));
    ASSERT_TRUE(
        db_->Exec("INSERT INTO tags (category_id, name, created_at) SELECT id, 'доставка', 1 "
                  "FROM tag_categories WHERE name = 'topic'"));
    ASSERT_TRUE(
        db_->Exec("INSERT INTO campaigns (name, state, purpose, pacing, settings, "
                  "created_at, created_by, updated_at, updated_by) VALUES ('in', 'running', "
                  "'service', 'progressive', '{}', 1, 'olga', 1, 'olga')"));
    const std::string key = store::PhoneKey(*db_, "+79160000004");
    const int64_t day = 86'400;
    for (auto [ago, tags] :
         std::vector<std::pair<int64_t, std::string>>{{1, R"(["долго ждал"])"},
                                                      {5, R"(["грубость", "доставка"])"},
                                                      {10, R"(["доставка"])"},
                                                      {20, R"(["долго ждал"])"},
                                                      {29, R"(["грубость"])"},
                                                      {31, R"(["грубость"])"}}) {
        ASSERT_TRUE(db_->Exec(
            "INSERT INTO campaign_calls (campaign_id, contact_id, e164, caller_id, attempt, "
            "started_at, ended_at, outcome, evidence, direction, disposition_tags) SELECT id, 0, "
            "$1, '+74951112233', 0, $2, $2, 'answered', '{}', 'in', $3 FROM campaigns",
            {key, (clock_.now - ago * day) * 1000, tags}));  // records keep milliseconds
    }
    StoreCallerFacts facts(*db_);
    EXPECT_EQ(facts.Complaints("+79160000004", "complaint", clock_.now - 30 * day), 4);
    EXPECT_EQ(facts.Complaints("+79160000004", "topic", clock_.now - 30 * day), 2);
    EXPECT_EQ(facts.Complaints("+79160000005", "complaint", clock_.now - 30 * day), 0);
    EXPECT_EQ(facts.Complaints("+79160000004", "nosuch", clock_.now - 30 * day), 0);
    EXPECT_FALSE(facts.error()) << facts.error()->message;
}

// Operators' profiles: the calls they take and their skills, refused
// whole when a field is wrong or the operator is no user of the base.
TEST_P(RoutingBookTest, AnOperatorsProfileKeepsTheirBlendAndSkillsAndRefusesBadOnes) {
    RoutingBook book = Book();
    for (const char* name : {"olga", "ivan"}) {
        ASSERT_TRUE(db_->Exec(
            "INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ($1, "
            "'operator', 'x', 1, 1)",
            {std::string(name)}));
    }
    auto skills = ParseSkills("senior:1, sales:2,vip");
    ASSERT_TRUE(skills) << skills.error().message;
    EXPECT_EQ(SkillsText(*skills), "senior:1,sales:2,vip:1");
    ASSERT_TRUE(book.PutAgentProfile(
        agents::AgentSpec{.id = "olga", .blend = agents::Blend::kInbound, .skills = *skills}));
    ASSERT_TRUE(book.PutAgentProfile(agents::AgentSpec{.id = "ivan"}));
    ASSERT_TRUE(book.PutAgentProfile(
        agents::AgentSpec{.id = "ivan", .blend = agents::Blend::kOutbound}));  // changed
    auto profiles = book.AgentProfiles();
    ASSERT_TRUE(profiles);
    ASSERT_EQ(profiles->size(), 2u);
    EXPECT_EQ((*profiles)[0].id, "ivan");
    EXPECT_EQ((*profiles)[0].blend, agents::Blend::kOutbound);
    EXPECT_EQ((*profiles)[1].skills, *skills);
    EXPECT_EQ((*profiles)[1].blend, agents::Blend::kInbound);
    EXPECT_EQ(AgentProfileJson((*profiles)[1]).dump(),
              R"({"agent":"olga","blend":"inbound","skills":[{"level":1,"name":"senior"},)"
              R"({"level":2,"name":"sales"},{"level":1,"name":"vip"}]})");

    for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
             {"senior:0", "routing.skill_level"},
             {"senior:12", "routing.skill_text"},
             {"Старший:1", "routing.skill_name"},
             {"senior:1,senior:2", "routing.skill_twice"}}) {
        auto bad = ParseSkills(text);
        ASSERT_FALSE(bad) << text;
        EXPECT_EQ(bad.error().key, key) << text;
    }
    auto nobody = book.PutAgentProfile(agents::AgentSpec{.id = "zoya"});
    ASSERT_FALSE(nobody);
    EXPECT_EQ(nobody.error().key, "routing.no_operator");
    for (const auto& [json_text, key] : std::vector<std::pair<std::string, std::string>>{
             {R"({"agent":"olga","blend":"both"})", "routing.setting_blend"},
             {R"({"agent":"olga","skill":"senior"})", "routing.unknown_key"},
             {R"({"agent":"olga","skills":[{"name":"senior","level":10}]})", "routing.skill_level"},
             {R"({"agent":"olga","skills":"senior"})", "routing.setting_type"}}) {
        auto bad = AgentProfileFromJson(nlohmann::json::parse(json_text));
        ASSERT_FALSE(bad) << json_text;
        EXPECT_EQ(bad.error().key, key) << json_text;
    }
    auto removed = book.RemoveAgentProfile("ivan");
    ASSERT_TRUE(removed);
    EXPECT_TRUE(*removed);
    removed = book.RemoveAgentProfile("ivan");
    ASSERT_TRUE(removed);
    EXPECT_FALSE(*removed);
    profiles = book.AgentProfiles();
    ASSERT_TRUE(profiles);
    EXPECT_EQ(profiles->size(), 1u);
}

TEST_P(RoutingBookTest, PauseReasonsAreTheBuiltInOnesAndThoseTheSupervisorAdds) {
    RoutingBook book = Book();
    auto reasons = book.PauseReasons();
    ASSERT_TRUE(reasons);
    std::vector<std::string> codes;
    for (const auto& r : *reasons)
        codes.push_back(r.code);
    EXPECT_EQ(codes, (std::vector<std::string>{"lunch", "break", "training", "after_call_work",
                                               "meeting"}));
    EXPECT_FALSE((*reasons)[0].paid) << "lunch is unpaid";
    EXPECT_EQ((*reasons)[0].max_minutes, 60);

    // A new reason needs a label and goes last; a changed one keeps its place.
    auto no_label = book.PutPauseReason({"coaching", "", true, 30, 0});
    ASSERT_FALSE(no_label);
    EXPECT_EQ(no_label.error().key, "routing.pause_label");
    ASSERT_TRUE(book.PutPauseReason({"coaching", "Разбор звонков", true, 30, 0}));
    ASSERT_TRUE(book.PutPauseReason({"lunch", "", false, 45, 0}));
    for (const auto& [bad, key] : std::vector<std::pair<PauseReason, std::string>>{
             {{"Обед", "x", true, 0, 0}, "routing.pause_code"},
             {{"desk_gone", "x", true, 0, 0}, "routing.pause_server_own"},
             {{"no_answer", "x", true, 0, 0}, "routing.pause_server_own"},
             {{"smoke", "Перекур", true, -5, 0}, "routing.pause_limit"}}) {
        auto refused = book.PutPauseReason(bad);
        ASSERT_FALSE(refused) << bad.code;
        EXPECT_EQ(refused.error().key, key);
    }
    reasons = book.PauseReasons();
    ASSERT_TRUE(reasons);
    ASSERT_EQ(reasons->size(), 6u) << "nothing refused was written";
    EXPECT_EQ(reasons->back().code, "coaching");
    EXPECT_EQ(reasons->back().label, "Разбор звонков");
    EXPECT_EQ(reasons->front().max_minutes, 45);

    EXPECT_TRUE(book.CheckPauseReason("coaching"));
    auto unknown = book.CheckPauseReason("smoke");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().key, "routing.no_pause_reason");
    EXPECT_NE(unknown.error().message.find("smoke"), std::string::npos);
    auto removed = book.RemovePauseReason("coaching");
    ASSERT_TRUE(removed);
    EXPECT_TRUE(*removed);
    EXPECT_FALSE(book.CheckPauseReason("coaching"));
}

INSTANTIATE_TEST_SUITE_P(Backends, RoutingBookTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::routing
