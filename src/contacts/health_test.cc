#include "contacts/health.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "contacts/contact_book.h"
#include "contacts/contacts_test_env.h"
#include "contacts/merge.h"

namespace callbase::contacts {
namespace {

constexpr int64_t kStart = 1767225600;
constexpr int64_t kDay = 86400;

class HealthTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = test::FreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
    }
    FixedClock clock_{kStart};
    std::unique_ptr<store::Store> db_;
};

// A small base described as data; the expected figures are computed from the
// description here, independently of the SQL in health.cc.
struct Spec {
    std::vector<std::string> numbers;  // "" = junk that could not be cleaned
    int64_t age_days;                  // created this many days before "now"
    std::optional<int64_t> last_days;  // last interaction, days before now
    bool inactive_first = false;       // first phone marked inactive (e.g. by HLR)
};

TEST_P(HealthTest, FiguresMatchAnIndependentCountOfASmallBase) {
    std::vector<Spec> base{
        {{"+79160000001"}, 200, std::nullopt},
        {{"+79160000001", "+79160000002"}, 10, std::nullopt},
        {{""}, 100, 5},
        {{"+79160000003"}, 120, 100},
        {{"+79160000004"}, 95, std::nullopt, true},
        {{"+79160000005", ""}, 30, std::nullopt},
        {{"+79160000002"}, 1, std::nullopt},
        {{"+79160000006"}, 400, 10},
        {{"+79160000007"}, 2, std::nullopt},
        {{"+79160000008"}, 91, 91},
    };
    int64_t now = kStart + 1000 * kDay;
    for (const auto& s : base) {
        clock_.Set(now - s.age_days * kDay);
        ContactBook book(*db_, clock_, "t");
        NewContact nc;
        nc.name = "x";
        for (const auto& n : s.numbers)
            nc.phones.push_back(n.empty() ? test::Junk("???") : test::Mobile(n));
        auto id = book.Create(nc);
        ASSERT_TRUE(id) << id.error().message;
        if (s.last_days) {
            ASSERT_TRUE(db_->Exec("UPDATE contacts SET last_interaction_at = $1 WHERE id = $2",
                                  {now - *s.last_days * kDay, *id}));
        }
        if (s.inactive_first) {
            ASSERT_TRUE(db_->Exec("UPDATE phones SET inactive = 1 WHERE contact_id = $1", {*id}));
        }
    }
    // A contact merged away does not count.
    clock_.Set(now - 500 * kDay);
    ContactBook book(*db_, clock_, "t");
    NewContact gone;
    gone.name = "hidden";
    gone.phones = {test::Mobile("+79160000009"), test::Junk("junk")};
    auto gone_id = book.Create(gone);
    ASSERT_TRUE(db_->Exec("UPDATE contacts SET merged_into = 1 WHERE id = $1", {*gone_id}));

    int64_t phones = 0, non_working = 0, idle = 0;
    std::map<std::string, std::set<size_t>> owners;
    for (size_t i = 0; i < base.size(); ++i) {
        const auto& s = base[i];
        for (size_t k = 0; k < s.numbers.size(); ++k) {
            ++phones;
            if (s.numbers[k].empty() || (k == 0 && s.inactive_first)) ++non_working;
            if (!s.numbers[k].empty()) owners[s.numbers[k]].insert(i);
        }
        if (s.last_days.value_or(s.age_days) > 90) ++idle;
    }
    int64_t duplicates = 0;
    for (const auto& s : base) {
        for (const auto& n : s.numbers)
            duplicates += !n.empty() && owners[n].size() > 1;
    }

    clock_.Set(now);
    BaseHealth health(*db_, clock_);
    auto r = health.Compute();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->contacts, 10);
    EXPECT_EQ(r->merged_contacts, 1);
    EXPECT_EQ(r->phones, phones);
    ASSERT_EQ(r->metrics.size(), 4u);
    std::map<std::string, HealthMetric> m;
    for (const auto& x : r->metrics)
        m[x.id] = x;

    EXPECT_EQ(m["non_working"].count, non_working);  // 3 of 12
    EXPECT_EQ(m["non_working"].total, phones);
    EXPECT_DOUBLE_EQ(m["non_working"].percent, 100.0 * non_working / phones);
    EXPECT_EQ(m["non_working"].verdict, HealthVerdict::kFail);  // 25 % >= 15 %
    EXPECT_EQ(m["duplicates"].count, duplicates);               // 4 of 12
    EXPECT_EQ(m["duplicates"].verdict, HealthVerdict::kFail);
    EXPECT_NE(m["duplicates"].action_ru.find("Объедините дубли"), std::string::npos);
    EXPECT_NE(m["duplicates"].action_en.find("Merge duplicates"), std::string::npos);
    EXPECT_EQ(m["idle_90d"].count, idle);  // 5 of 10
    EXPECT_EQ(m["idle_90d"].total, 10);
    EXPECT_EQ(m["idle_90d"].verdict, HealthVerdict::kFail);
    EXPECT_EQ(m["contact_rate"].verdict, HealthVerdict::kNotApplicable);
    EXPECT_EQ(m["contact_rate"].note, "n/a until calls exist");
    EXPECT_EQ(m["contact_rate"].target, "> 22 %");
    EXPECT_FALSE(m["non_working"].action_ru.empty());
    EXPECT_FALSE(m["idle_90d"].action_en.empty());
}

TEST_P(HealthTest, AHealthyBasePassesAndAnEmptyOneIsNotApplicable) {
    BaseHealth health(*db_, clock_);
    auto empty = health.Compute();
    ASSERT_TRUE(empty);
    for (const auto& m : empty->metrics)
        EXPECT_EQ(m.verdict, HealthVerdict::kNotApplicable);

    ContactBook book(*db_, clock_, "t");
    for (int i = 0; i < 25; ++i) {
        NewContact nc;
        nc.name = "ok";
        nc.phones = {test::Mobile(fmt::format("+7916100{:04}", i))};
        ASSERT_TRUE(book.Create(nc));
    }
    auto r = health.Compute();
    ASSERT_TRUE(r);
    for (const auto& m : r->metrics) {
        if (m.id == "contact_rate") continue;
        EXPECT_EQ(m.verdict, HealthVerdict::kPass) << m.id;
        EXPECT_EQ(m.count, 0) << m.id;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, HealthTest, ::testing::ValuesIn(test::Backends()),
                         test::BackendLabel);

}  // namespace
}  // namespace callbase::contacts
