// The call order of a campaign: the priority rules of seed 002 on leads whose
// expected order was worked out by hand, what each filter key means on a lead,
// the sequential orders and the parse errors.
#include "campaigns/order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/test_phone.h"

namespace callbase::campaigns {
namespace {

constexpr UnixSeconds kNow = 1772323200;  // 2026-03-01 00:00 UTC
constexpr int64_t kDay = 86400;

const std::vector<std::string> kSeedRules = {
    "status=new:100",
    "source=Сайт-визитка:50",
    "field:Сумма последнего заказа>10000:80",
    "idle>30:70",
};

Lead MakeLead(int64_t id, std::string status, std::string source, UnixSeconds added_at,
              std::optional<UnixSeconds> last_contact_at) {
    Lead lead;
    lead.contact_id = id;
    lead.e164 = "+7916000000" + std::to_string(id % 10);
    lead.status = std::move(status);
    lead.source = std::move(source);
    lead.added_at = added_at;
    lead.last_contact_at = last_contact_at;
    return lead;
}

std::vector<int64_t> Ids(const std::vector<Lead>& leads) {
    std::vector<int64_t> ids;
    for (const auto& lead : leads)
        ids.push_back(lead.contact_id);
    return ids;
}

Order MustParse(std::string_view by, const std::vector<std::string>& rules) {
    auto order = ParseOrder(by, rules, callbase::testing::TestCleaner());
    EXPECT_TRUE(order) << order.error().message;
    return order ? *order : Order{};
}

contacts::FilterTerm Term(std::string_view rule) {
    auto parsed = ParsePriorityRule(rule, callbase::testing::TestCleaner());
    EXPECT_TRUE(parsed) << rule << ": " << parsed.error().message;
    return parsed ? parsed->term : contacts::FilterTerm{};
}

// The leads of the seed-002 case, with the score each should get:
//   1  new         Сайт-визитка  -          5 days idle            100+50        = 150
//   2  in_progress Сайт-визитка  "15 000"   40 days idle           50+80+70      = 200
//   3  new         Выставка      "9999"     never; added 10 d ago  100           = 100
//   4  refused     Выставка      "10000"    31 days idle           70            =  70
//   5  new         Сайт-визитка  "10000,5"  31 days idle           100+50+80+70  = 300
//   6  callback    сайт-визитка  -          exactly 30 days idle   0 (source is case-exact,
//                                                                     idle>30 needs 31 days)
//   7  new         Выставка      -          2 days idle            100           = 100
//   8  in_progress Выставка      "5 000"    30 d 23 h idle         0
//   9  decided     -             -          never; added 60 d ago  70 (idle counts from added)
std::vector<Lead> SeedLeads() {
    std::vector<Lead> leads;
    leads.push_back(MakeLead(1, "new", "Сайт-визитка", kNow - 100 * kDay, kNow - 5 * kDay));
    leads.push_back(MakeLead(2, "in_progress", "Сайт-визитка", kNow - 90 * kDay, kNow - 40 * kDay));
    leads.back().fields["Сумма последнего заказа"] = "15 000";
    leads.push_back(MakeLead(3, "new", "Выставка", kNow - 10 * kDay, std::nullopt));
    leads.back().fields["Сумма последнего заказа"] = "9999";
    leads.push_back(MakeLead(4, "refused", "Выставка", kNow - 45 * kDay, kNow - 31 * kDay));
    leads.back().fields["Сумма последнего заказа"] = "10000";
    leads.push_back(MakeLead(5, "new", "Сайт-визитка", kNow - 80 * kDay, kNow - 31 * kDay));
    leads.back().fields["Сумма последнего заказа"] = "10000,5";
    leads.push_back(MakeLead(6, "callback", "сайт-визитка", kNow - 70 * kDay, kNow - 30 * kDay));
    leads.push_back(MakeLead(7, "new", "Выставка", kNow - 120 * kDay, kNow - 2 * kDay));
    leads.push_back(
        MakeLead(8, "in_progress", "Выставка", kNow - 50 * kDay, kNow - 30 * kDay - 23 * 3600));
    leads.back().fields["Сумма последнего заказа"] = "5 000";
    leads.push_back(MakeLead(9, "decided", "", kNow - 60 * kDay, std::nullopt));
    // Not in id order, so that the sort has work to do.
    std::reverse(leads.begin(), leads.end());
    std::swap(leads[0], leads[4]);
    return leads;
}

TEST(PriorityOrder, SeedRulesScoreEachLeadAsWorkedOutByHand) {
    Order order = MustParse("id", kSeedRules);
    ASSERT_EQ(order.rules.size(), 4u);
    std::map<int64_t, int> expected = {{1, 150}, {2, 200}, {3, 100}, {4, 70}, {5, 300},
                                       {6, 0},   {7, 100}, {8, 0},   {9, 70}};
    for (const auto& lead : SeedLeads()) {
        EXPECT_EQ(Score(lead, order.rules, kNow), expected.at(lead.contact_id))
            << "lead " << lead.contact_id;
    }
}

TEST(PriorityOrder, SeedRulesCallHigherScoresFirstAndEqualScoresInIdOrder) {
    auto leads = SeedLeads();
    SortLeads(leads, MustParse("id", kSeedRules), kNow);
    // 300, 200, 150, 100 (3 before 7), 70 (4 before 9), 0 (6 before 8).
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{5, 2, 1, 3, 7, 4, 9, 6, 8}));
}

TEST(PriorityOrder, EqualScoresFollowTheSequentialOrderGiven) {
    auto by_added = SeedLeads();
    SortLeads(by_added, MustParse("added", kSeedRules), kNow);
    // Among the 100s, 7 was added before 3; among the 70s, 9 before 4; among the
    // 0s, 6 before 8.
    EXPECT_EQ(Ids(by_added), (std::vector<int64_t>{5, 2, 1, 7, 3, 9, 4, 6, 8}));

    auto by_id_desc = SeedLeads();
    SortLeads(by_id_desc, MustParse("-id", kSeedRules), kNow);
    // Descending flips only the ties, never the scores.
    EXPECT_EQ(Ids(by_id_desc), (std::vector<int64_t>{5, 2, 1, 7, 3, 9, 4, 8, 6}));
}

TEST(PriorityOrder, ANegativeWeightPushesALeadDown) {
    auto leads = SeedLeads();
    auto rules = kSeedRules;
    rules.push_back("tag=Не звонить:-1000");
    leads[0].tags = {"не звонить"};  // tags compare ignoring case
    int64_t demoted = leads[0].contact_id;
    SortLeads(leads, MustParse("id", rules), kNow);
    EXPECT_EQ(leads.back().contact_id, demoted);
}

TEST(SequentialOrder, IdAndAddedAscendingAndDescending) {
    auto leads = SeedLeads();
    SortLeads(leads, MustParse("id", {}), kNow);
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    SortLeads(leads, MustParse("-added", {}), kNow);
    // Added 10, 45, 50, 60, 70, 80, 90, 100, 120 days ago.
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{3, 4, 8, 9, 6, 5, 2, 1, 7}));
}

TEST(SequentialOrder, IdleAscendingCallsTheMostIdleFirst) {
    auto leads = SeedLeads();
    SortLeads(leads, MustParse("idle", {}), kNow);
    // Never contacted but added 60 days ago (9), last touch 40 days ago (2),
    // 31 (4 and 5, same second: by id), 30 d 23 h (8), 30 (6), never contacted
    // but added 10 days ago (3), 5 (1), 2 (7).
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{9, 2, 4, 5, 8, 6, 3, 1, 7}));
    SortLeads(leads, MustParse("-idle", {}), kNow);
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{7, 1, 3, 6, 8, 4, 5, 2, 9}));
}

TEST(SequentialOrder, FieldValuesCompareAsNumbersAndMissingOnesComeLast) {
    auto leads = SeedLeads();
    for (auto& lead : leads) {
        if (lead.contact_id == 6) lead.fields["Сумма последнего заказа"] = "нет данных";
    }
    SortLeads(leads, MustParse("field:сумма последнего заказа", {}), kNow);
    // 5 000 < 9999 < 10000 < 10000,5 < 15 000 as numbers (as text "5 000"
    // would come last of them); text after the numbers; 1, 7, 9 have no value:
    // last, by id.
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{8, 3, 4, 5, 2, 6, 1, 7, 9}));
    SortLeads(leads, MustParse("-field:Сумма последнего заказа", {}), kNow);
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{6, 2, 5, 4, 3, 8, 1, 7, 9}));
}

TEST(SequentialOrder, StatusFollowsTheStatusListAndSourceTheAlphabet) {
    auto leads = SeedLeads();
    SortLeads(leads, MustParse("status", {}), kNow);
    // new (1 3 5 7), in_progress (2 8), callback (6), decided (9), refused (4).
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{1, 3, 5, 7, 2, 8, 6, 9, 4}));
    SortLeads(leads, MustParse("source", {}), kNow);
    // Выставка, then Сайт-визитка in any case; 9 has no source: last.
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{3, 4, 7, 8, 1, 2, 5, 6, 9}));
    SortLeads(leads, MustParse("-source", {}), kNow);
    EXPECT_EQ(Ids(leads), (std::vector<int64_t>{1, 2, 5, 6, 3, 4, 7, 8, 9}));
}

TEST(Matches, StatusTagAndPhone) {
    Lead lead = MakeLead(1, "in_progress", "", kNow, std::nullopt);
    lead.e164 = "+79161234567";
    lead.tags = {"VIP", "Дорого"};
    EXPECT_TRUE(Matches(Term("status=В работе:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("status=new:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("status!=new:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("status!=in_progress:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("tag=дорого:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("tag!=vip:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("tag!=Опт:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("tag=Опт:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("phone=8 916 123-45-67:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("phone=8 916 123-45-68:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("phone!=8 916 123-45-68:1"), lead, kNow));
}

TEST(Matches, RegionAndSourceAreExactForEqualsAndCaseInsensitiveForContains) {
    Lead lead = MakeLead(1, "new", "Сайт-визитка", kNow, std::nullopt);
    lead.region = "Москва";
    EXPECT_TRUE(Matches(Term("region=Москва:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("region=москва:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("region!=москва:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("region~МОСК:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("region~Тверь:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("source~визит:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("source=Сайт:1"), lead, kNow));
}

TEST(Matches, AddedMeansTheWholeUtcDay) {
    const UnixSeconds feb10 = 1770681600;  // 2026-02-10 00:00 UTC
    Lead lead = MakeLead(1, "new", "", feb10 + 23 * 3600 + 59 * 60, std::nullopt);
    EXPECT_TRUE(Matches(Term("added=2026-02-10:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("added=10.02.2026:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("added!=2026-02-10:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("added<=2026-02-10:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("added<2026-02-10:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("added>2026-02-10:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("added>2026-02-09:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("added>=2026-02-10:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("added>=2026-02-11:1"), lead, kNow));
}

TEST(Matches, IdleCountsWholeDaysAndANeverContactedLeadFromWhenItWasAdded) {
    Lead thirty = MakeLead(1, "new", "", kNow - 100 * kDay, kNow - 30 * kDay);
    EXPECT_TRUE(Matches(Term("idle>=30:1"), thirty, kNow));
    EXPECT_TRUE(Matches(Term("idle=30:1"), thirty, kNow));
    EXPECT_FALSE(Matches(Term("idle>30:1"), thirty, kNow));
    EXPECT_FALSE(Matches(Term("idle<30:1"), thirty, kNow));
    EXPECT_TRUE(Matches(Term("idle<=30:1"), thirty, kNow));
    EXPECT_TRUE(Matches(Term("idle!=29:1"), thirty, kNow));
    // 30 days and 23 hours is still 30 whole days.
    Lead almost = MakeLead(2, "new", "", kNow - 100 * kDay, kNow - 31 * kDay + 3600);
    EXPECT_FALSE(Matches(Term("idle>30:1"), almost, kNow));
    EXPECT_TRUE(Matches(Term("idle=30:1"), almost, kNow));

    Lead never_old = MakeLead(3, "new", "", kNow - 45 * kDay, std::nullopt);
    EXPECT_TRUE(Matches(Term("idle>30:1"), never_old, kNow));
    Lead never_new = MakeLead(4, "new", "", kNow - 3 * kDay, std::nullopt);
    EXPECT_FALSE(Matches(Term("idle>30:1"), never_new, kNow));
    EXPECT_TRUE(Matches(Term("idle<7:1"), never_new, kNow));
}

TEST(Matches, FieldsCompareAsNumbersDatesOrTextAndAMissingOneOnlyMatchesNotEquals) {
    Lead lead = MakeLead(1, "new", "", kNow, std::nullopt);
    lead.fields["Сумма"] = "1 000,50";
    lead.fields["Визит"] = "10.02.2026";
    lead.fields["Тариф"] = "Про";
    // Numbers: "1 000,50" is 1000.5, not the text "1 000,50".
    EXPECT_TRUE(Matches(Term("field:Сумма>999:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("field:Сумма=1000.5:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("field:Сумма>=1001:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("field:сумма<2000:1"), lead, kNow));  // names ignore case
    // Dates, in either spelling on either side.
    EXPECT_TRUE(Matches(Term("field:Визит>=2026-02-10:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("field:Визит>2026-02-10:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("field:Визит<01.03.2026:1"), lead, kNow));
    // Text: = and != ignore case, ~ is a substring.
    EXPECT_TRUE(Matches(Term("field:Тариф=про:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("field:Тариф!=ПРО:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("field:Тариф!=Базовый:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("field:Тариф~р:1"), lead, kNow));
    // A number against a value that is not one compares as text, as the base
    // does for a text field: "нет" sorts after "999999".
    lead.fields["Сумма"] = "нет";
    EXPECT_TRUE(Matches(Term("field:Сумма>999999:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("field:Сумма<999999:1"), lead, kNow));
    // Missing.
    EXPECT_FALSE(Matches(Term("field:Бонус=1:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("field:Бонус>0:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("field:Бонус<0:1"), lead, kNow));
    EXPECT_FALSE(Matches(Term("field:Бонус~1:1"), lead, kNow));
    EXPECT_TRUE(Matches(Term("field:Бонус!=1:1"), lead, kNow));
}

TEST(ParsePriorityRule, TheWeightIsAfterTheLastColon) {
    const auto& cleaner = callbase::testing::TestCleaner();
    auto field = ParsePriorityRule("field:Сумма последнего заказа>10000:80", cleaner);
    ASSERT_TRUE(field) << field.error().message;
    EXPECT_EQ(field->term.key, "field:Сумма последнего заказа");
    EXPECT_EQ(field->term.op, ">");
    EXPECT_EQ(field->term.value, "10000");
    EXPECT_EQ(field->weight, 80);
    EXPECT_EQ(field->text, "field:Сумма последнего заказа>10000:80");

    auto colon_in_value = ParsePriorityRule("source=utm:google:-5", cleaner);
    ASSERT_TRUE(colon_in_value) << colon_in_value.error().message;
    EXPECT_EQ(colon_in_value->term.value, "utm:google");
    EXPECT_EQ(colon_in_value->weight, -5);

    auto status = ParsePriorityRule("status=Новый:100", cleaner);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->term.value, "new");  // canonical, as the lead stores it
}

TEST(ParsePriorityRule, ErrorsNameTheRuleAndShowHowToWriteOne) {
    const auto& cleaner = callbase::testing::TestCleaner();
    struct Case {
        const char* text;
        const char* why;  // a part of the message
        const char* key;  // its code for the screens
    };
    for (const Case& c : std::vector<Case>{
             {"status=new", "weight is missing", "priority_rule.no_weight"},
             {"status=new:", "not an integer weight", "priority_rule.bad_weight"},
             {"status=new:abc", "'abc'", "priority_rule.bad_weight"},
             {"status=new:1.5", "not an integer weight", "priority_rule.bad_weight"},
             {"status=new:99999999999", "not an integer weight", "priority_rule.bad_weight"},
             // the field's colon is not a weight
             {"field:Сумма>10", "'Сумма>10'", "priority_rule.bad_weight"},
             {":100", "condition is missing", "priority_rule.no_condition"},
             // The filter's own code, which names the term.
             {"colour=red:10", "unknown key", "filter.unknown_key"},
             {"status=думает:10", "думает", "filter.unknown_status"},
             {"phone=123:10", "not a phone number", "filter.not_phone"},
             {"idle>=много:10", "idle takes a number of days", "filter.idle_days"},
             {"name~иван:10", "does not carry", "priority_rule.not_on_lead"},
             {"idle~3:10", "'~' does not work with idle", "priority_rule.no_contains"},
         }) {
        auto rule = ParsePriorityRule(c.text, cleaner);
        ASSERT_FALSE(rule) << c.text;
        EXPECT_EQ(rule.error().code, ErrorCode::kInvalidInput) << c.text;
        EXPECT_NE(rule.error().message.find(std::string("'") + c.text + "'"), std::string::npos)
            << rule.error().message;
        EXPECT_NE(rule.error().message.find(c.why), std::string::npos) << rule.error().message;
        EXPECT_NE(rule.error().hint.find("status=new:100"), std::string::npos)
            << c.text << ": " << rule.error().hint;
        EXPECT_EQ(rule.error().key, c.key) << c.text;
    }
    auto weight = ParsePriorityRule("status=new: abc ", cleaner);
    ASSERT_FALSE(weight);
    EXPECT_EQ(weight.error().params,
              (MessageParams{{"rule", "status=new: abc "}, {"weight", "abc"}}));
    auto email = ParsePriorityRule("email~mail.ru:5", cleaner);
    ASSERT_FALSE(email);
    EXPECT_EQ(email.error().params, (MessageParams{{"rule", "email~mail.ru:5"}, {"key", "email"}}));
}

TEST(ParseOrder, KeysDirectionAndRules) {
    const auto& cleaner = callbase::testing::TestCleaner();
    auto added = ParseOrder("-added", {}, cleaner);
    ASSERT_TRUE(added);
    EXPECT_EQ(added->by, "added");
    EXPECT_TRUE(added->descending);
    EXPECT_TRUE(added->rules.empty());

    auto field = ParseOrder("field: Сумма ", kSeedRules, cleaner);
    ASSERT_TRUE(field) << field.error().message;
    EXPECT_EQ(field->by, "field:Сумма");
    EXPECT_FALSE(field->descending);
    ASSERT_EQ(field->rules.size(), 4u);
    EXPECT_EQ(field->rules[3].term.key, "idle");
    EXPECT_EQ(field->rules[3].weight, 70);

    auto price = ParseOrder(" price", {}, cleaner);
    ASSERT_FALSE(price);
    EXPECT_EQ(price.error().key, "order.unknown_key");
    EXPECT_EQ(price.error().params, (MessageParams{{"order", " price"}, {"key", "price"}}));
    for (const char* bad : {"name", "", "-", "--id", "field:", "price"}) {
        auto order = ParseOrder(bad, {}, cleaner);
        ASSERT_FALSE(order) << bad;
        EXPECT_EQ(order.error().code, ErrorCode::kInvalidInput);
        EXPECT_NE(order.error().hint.find("field:<name>"), std::string::npos);
    }
    auto bad_rule = ParseOrder("id", {"status=new:100", "status=new"}, cleaner);
    ASSERT_FALSE(bad_rule);
    EXPECT_NE(bad_rule.error().message.find("'status=new'"), std::string::npos);
}

}  // namespace
}  // namespace callbase::campaigns
