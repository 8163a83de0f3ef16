// Where a call goes before any queue: the number's route, and the rules by
// caller (black list, VIP with their manager, complaints, unknown callers)
// with the reason each decision records; bad configurations refused naming
// what is wrong.
#include "routing/router.h"

#include <gtest/gtest.h>

namespace callbase::routing {
namespace {

constexpr int64_t kNow = 1'796'104'800;
constexpr int64_t kDay = 86'400;

std::vector<Number> Numbers() {
    return {
        {"+74951112233", false, {Target::kQueue, "general"}, "Яндекс Директ"},
        {"+74951112244", false, {Target::kIvr, "menus/main.yaml"}, ""},
        {"+74951112255", false, {Target::kExtension, "101"}, ""},
        {"101", true, {Target::kQueue, "sales"}, "Отдел продаж"},
        {"+74951112266", false, {Target::kMessage, "closed"}, ""},
    };
}

RuleSettings Rules() {
    RuleSettings r;
    r.vip_queue = "vip";
    r.complaints_enabled = true;
    r.complaints_queue = "seniors";
    return r;
}

const std::vector<std::string> kQueues{"general", "sales", "vip", "seniors"};

Router Make() {
    auto r = Router::Make(Numbers(), Rules(), kQueues);
    EXPECT_TRUE(r) << r.error().message;
    return std::move(*r);
}

MemoryCallerFacts Facts() {
    MemoryCallerFacts f;
    f.black.insert("+79160000001");
    f.vip["+79160000002"] = "anna";
    f.vip["+79160000003"] = "";
    f.complaints["+79160000004"] = {kNow - 1 * kDay, kNow - 5 * kDay, kNow - 10 * kDay,
                                    kNow - 29 * kDay};
    f.complaints["+79160000005"] = {kNow - 1 * kDay, kNow - 5 * kDay, kNow - 10 * kDay,
                                    kNow - 31 * kDay};
    for (const char* n :
         {"+79160000002", "+79160000003", "+79160000004", "+79160000005", "+79160000006"})
        f.known.insert(n);
    return f;
}

TEST(Router, AKnownCallerGoesWhereTheNumberSaysWithItAsTheReason) {
    Decision d = Make().Decide("+79160000006", "+74951112233", Facts(), kNow);
    EXPECT_EQ(RouteText(d.route), "queue:general");
    EXPECT_EQ(d.reason, "number");
    EXPECT_EQ(d.reason_params.at("label"), "Яндекс Директ");
    EXPECT_TRUE(d.known);
    EXPECT_FALSE(d.create_card);
}

TEST(Router, TheBlackListIsRejectedBeforeAnyQueue) {
    Decision d = Make().Decide("+79160000001", "+74951112233", Facts(), kNow);
    EXPECT_EQ(RouteText(d.route), "reject:603");
    EXPECT_EQ(d.reason, "black_list");
    RuleSettings r = Rules();
    r.black_action = {Target::kMessage, "blocked"};
    auto with_message = Router::Make(Numbers(), r, kQueues);
    ASSERT_TRUE(with_message);
    EXPECT_EQ(RouteText(with_message->Decide("+79160000001", "+74951112244", Facts(), kNow).route),
              "message:blocked");
    // Whatever number they dialed: one the center does not route is no way round.
    EXPECT_EQ(RouteText(Make().Decide("+79160000001", "+74959999999", Facts(), kNow).route),
              "reject:603");
}

TEST(Router, AVipGoesToTheirManagerFirstAndToTheVipQueueWithPriority) {
    Router r = Make();
    Decision d = r.Decide("+79160000002", "+74951112233", Facts(), kNow);
    EXPECT_EQ(RouteText(d.route), "agent:anna");
    EXPECT_EQ(RouteText(d.fallback), "queue:vip");
    EXPECT_EQ(d.priority, 5);
    EXPECT_EQ(d.reason, "vip");
    Decision no_manager = r.Decide("+79160000003", "+74951112233", Facts(), kNow);
    EXPECT_EQ(RouteText(no_manager.route), "queue:vip");
    EXPECT_EQ(no_manager.priority, 5);
}

TEST(Router, MoreThanThreeComplaintsInThirtyDaysGoToTheSeniors) {
    Router r = Make();
    Decision four = r.Decide("+79160000004", "+74951112233", Facts(), kNow);
    EXPECT_EQ(RouteText(four.route), "queue:seniors");
    EXPECT_EQ(four.reason, "complaints");
    EXPECT_EQ(four.reason_params.at("count"), "4");
    // The fourth is 31 days old: three in 30 days is not more than three.
    Decision three = r.Decide("+79160000005", "+74951112233", Facts(), kNow);
    EXPECT_EQ(RouteText(three.route), "queue:general");
}

TEST(Router, AnUnknownCallerTakesTheNumbersRouteAndGetsACardAfterTheCall) {
    Decision d = Make().Decide("+79161234567", "+74951112233", Facts(), kNow);
    EXPECT_EQ(RouteText(d.route), "queue:general");
    EXPECT_EQ(d.reason, "unknown");
    EXPECT_TRUE(d.create_card);
}

TEST(Router, ExtensionsRouteToTheirGroupFromTheRequestUriOrAMenu) {
    Router r = Make();
    EXPECT_EQ(RouteText(r.Decide("+79160000006", "101", Facts(), kNow).route), "queue:sales");
    EXPECT_EQ(RouteText(r.Decide("+79160000006", "+74951112255", Facts(), kNow).route),
              "queue:sales");
    ASSERT_TRUE(r.Extension("101"));
    EXPECT_EQ(RouteText(*r.Extension("101")), "queue:sales");
    EXPECT_FALSE(r.Extension("+74951112233")) << "a DID is not an extension";
    EXPECT_FALSE(r.Extension("999"));
}

TEST(Router, ANumberWithNoRouteIsSaidPolitelyNotDropped) {
    Decision d = Make().Decide("+79160000006", "+74950000000", Facts(), kNow);
    EXPECT_EQ(RouteText(d.route), "message:no_route");
    EXPECT_EQ(d.reason, "no_route");
    EXPECT_EQ(d.reason_params.at("number"), "+74950000000");
}

TEST(Router, BadConfigurationsAreRefusedNamingWhatIsWrong) {
    auto numbers = Numbers();
    numbers.push_back({"101", true, {Target::kQueue, "general"}, ""});
    auto twice = Router::Make(numbers, Rules(), kQueues);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().key, "routing.number_twice");
    EXPECT_NE(twice.error().message.find("101"), std::string::npos);

    numbers = Numbers();
    numbers[0].route = {Target::kQueue, "nosuch"};
    auto missing = Router::Make(numbers, Rules(), kQueues);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().key, "routing.missing_queue");
    EXPECT_NE(missing.error().message.find("+74951112233"), std::string::npos);

    numbers = Numbers();
    numbers[2].route = {Target::kExtension, "102"};
    EXPECT_EQ(Router::Make(numbers, Rules(), kQueues).error().key, "routing.missing_extension");

    RuleSettings rules = Rules();
    rules.complaints_queue = "";
    EXPECT_EQ(Router::Make(Numbers(), rules, kQueues).error().key, "routing.missing_queue");
}

TEST(Router, RoutesReadBackAndBadOnesAreRefused) {
    for (const char* text : {"queue:sales", "ivr:menus/main.yaml", "extension:101", "agent:anna",
                             "message:closed", "reject:403"}) {
        auto r = ParseRoute(text);
        ASSERT_TRUE(r) << text;
        EXPECT_EQ(RouteText(*r), text);
    }
    EXPECT_EQ(ParseRoute("queue:").error().key, "routing.bad_route");
    EXPECT_EQ(ParseRoute("voicemail:x").error().key, "routing.bad_route");
    EXPECT_EQ(ParseRoute("reject:404").error().key, "routing.bad_reject");
}

}  // namespace
}  // namespace callbase::routing
