#include "contacts/filter.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "contacts/contact_book.h"
#include "contacts/contacts_test_env.h"
#include "contacts/field_registry.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"
#include "support/test_phone.h"

namespace callbase::contacts {
namespace {

constexpr int64_t kStart = 1767225600;  // 2026-01-01 00:00 UTC
constexpr int64_t kDay = 86400;

class FilterTest : public ::testing::TestWithParam<store::Backend> {
protected:
    const phone::Cleaner& cleaner_ = callbase::testing::TestCleaner();

    void SetUp() override {
        db_ = test::FreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
        book_ = std::make_unique<ContactBook>(*db_, clock_, "t");
        FieldRegistry fields(*db_, clock_);
        ASSERT_TRUE(fields.Define("Сумма", "number"));
        ASSERT_TRUE(fields.Define("Визит", "date"));
        ASSERT_TRUE(fields.Define("Тариф", "enum", {"Базовый", "Про"}));
        // 1: Иван, Москва, site, +79161234567, new, Дорого, Сумма 1500, added 2026-01-01
        ivan_ = Add("Иван Петров", "Москва", "site", "+79161234567", kStart);
        // 2: ИВАНОВА, Тверь, expo, refused, VIP, Сумма 900.5, Визит 2026-02-10, added 2026-02-01
        ivanova_ =
            Add("ИВАНОВА Анна", "Тверская область", "expo", "+79031112233", kStart + 31 * kDay);
        // 3: Smith, Санкт-Петербург, site, in_progress, Тариф Про, added 2026-03-01
        smith_ = Add("John Smith", "Санкт-Петербург", "site", "+74951234567", kStart + 59 * kDay);
        ASSERT_TRUE(book_->Tag(ivan_, "Дорого"));
        ASSERT_TRUE(book_->Tag(ivanova_, "VIP"));
        ASSERT_TRUE(book_->SetField(ivan_, "Сумма", "1500"));
        ASSERT_TRUE(book_->SetField(ivanova_, "Сумма", "900.5"));
        ASSERT_TRUE(book_->SetField(ivanova_, "Визит", "10.02.2026"));
        ASSERT_TRUE(book_->SetField(smith_, "Тариф", "Про"));
        clock_.Set(kStart + 59 * kDay + 3600);
        ASSERT_TRUE(book_->SetStatus(ivanova_, "Отказ"));
        ASSERT_TRUE(book_->SetStatus(smith_, "В работе"));
        // SetStatus counts as an interaction; make ivan's the oldest by far.
        clock_.Set(kStart + 200 * kDay);
    }

    int64_t Add(std::string name, std::string region, std::string source, std::string phone,
                int64_t at) {
        clock_.Set(at);
        NewContact nc;
        nc.name = std::move(name);
        nc.region = std::move(region);
        nc.source = std::move(source);
        nc.phones = {test::Mobile(std::move(phone))};
        auto id = book_->Create(nc);
        EXPECT_TRUE(id) << (id ? "" : id.error().message);
        return id.value_or(0);
    }

    std::vector<int64_t> Select(const std::vector<std::string>& exprs) {
        auto filter = ParseFilter(exprs, cleaner_);
        EXPECT_TRUE(filter) << (filter ? "" : filter.error().message);
        if (!filter) return {};
        auto found = book_->Find(*filter, 100, 0);
        EXPECT_TRUE(found) << (found ? "" : found.error().message);
        std::vector<int64_t> ids;
        for (const auto& f : *found)
            ids.push_back(f.contact.id);
        std::sort(ids.begin(), ids.end());
        // The SQL alone (a campaign's segment, an export) finds the same: a
        // name of several words is intersected there, not in memory.
        auto where = ToSql(*filter, clock_.Now(), 1, db_->cipher());
        EXPECT_TRUE(where) << (where ? "" : where.error().message);
        if (!where) return ids;
        auto rows = db_->Query(
            fmt::format("SELECT c.id FROM contacts c WHERE {} ORDER BY c.id", where->sql),
            where->params);
        EXPECT_TRUE(rows) << (rows ? "" : rows.error().message);
        std::vector<int64_t> by_sql;
        for (const auto& r : rows.value_or(std::vector<store::Row>{}))
            by_sql.push_back(r.Int(0));
        EXPECT_EQ(by_sql, ids) << "in memory and in SQL differ for "
                               << fmt::format("{}", fmt::join(exprs, " "));
        return ids;
    }

    FixedClock clock_{kStart};
    std::unique_ptr<store::Store> db_;
    std::unique_ptr<ContactBook> book_;
    int64_t ivan_ = 0, ivanova_ = 0, smith_ = 0;
};

using Ids = std::vector<int64_t>;  // expected ids, ascending

TEST_P(FilterTest, EveryTermSelectsTheRightContacts) {
    EXPECT_EQ(Select({}), (Ids{ivan_, ivanova_, smith_}));
    EXPECT_EQ(Select({"status=new"}), (Ids{ivan_}));
    EXPECT_EQ(Select({"status=Отказ"}), (Ids{ivanova_}));
    EXPECT_EQ(Select({"status!=new"}), (Ids{ivanova_, smith_}));
    EXPECT_EQ(Select({"tag=Дорого"}), (Ids{ivan_}));
    EXPECT_EQ(Select({"tag=дорого"}), (Ids{ivan_}));
    EXPECT_EQ(Select({"tag!=VIP"}), (Ids{ivan_, smith_}));
    EXPECT_EQ(Select({"region=Москва"}), (Ids{ivan_}));
    EXPECT_EQ(Select({"region~тверск"}), (Ids{ivanova_}));
    EXPECT_EQ(Select({"source=site"}), (Ids{ivan_, smith_}));
    if (callbase::testing::SealedRun()) {
        // A sealed name is found by whole words only.
        EXPECT_EQ(Select({"name~иван"}), (Ids{ivan_}));
        EXPECT_EQ(Select({"name~иванова"}), (Ids{ivanova_}));
    } else {
        EXPECT_EQ(Select({"name~иван"}), (Ids{ivan_, ivanova_}));  // Иван and ИВАНОВА
    }
    EXPECT_EQ(Select({"name~SMITH"}), (Ids{smith_}));
    EXPECT_EQ(Select({"name~100%"}), Ids{});  // '%' separates words, no wildcard
    EXPECT_EQ(Select({"added>=2026-02-01"}), (Ids{ivanova_, smith_}));
    EXPECT_EQ(Select({"added<=01.02.2026"}), (Ids{ivan_, ivanova_}));
    EXPECT_EQ(Select({"added=2026-03-01"}), (Ids{smith_}));
    EXPECT_EQ(Select({"added>2026-03-01"}), Ids{});
    EXPECT_EQ(Select({"idle>=150"}), (Ids{ivan_}));  // 200 days; the others 140
    EXPECT_EQ(Select({"idle<150"}), (Ids{ivanova_, smith_}));
    EXPECT_EQ(Select({"idle=140"}), (Ids{ivanova_, smith_}));
    EXPECT_EQ(Select({"idle>100"}), (Ids{ivan_, ivanova_, smith_}));
    EXPECT_EQ(Select({"field:Сумма>=1000"}), (Ids{ivan_}));
    EXPECT_EQ(Select({"field:сумма<1000"}), (Ids{ivanova_}));
    EXPECT_EQ(Select({"field:Сумма=900,5"}), (Ids{ivanova_}));
    EXPECT_EQ(Select({"field:Визит>=2026-02-01"}), (Ids{ivanova_}));
    EXPECT_EQ(Select({"field:Тариф=про"}), (Ids{smith_}));
    EXPECT_EQ(Select({"field:Тариф!=Про"}), (Ids{ivan_, ivanova_}));
    EXPECT_EQ(Select({"source=site", "status=in_progress"}), (Ids{smith_}));  // AND
}

TEST_P(FilterTest, PhoneMatchesAnySpellingOfTheNumber) {
    EXPECT_EQ(Select({"phone=8 (916) 123-45-67"}), (Ids{ivan_}));
    EXPECT_EQ(Select({"phone=+7 916 1234567"}), (Ids{ivan_}));
    EXPECT_EQ(Select({"phone=9161234567"}), (Ids{ivan_}));
    EXPECT_EQ(Select({"phone!=89161234567"}), (Ids{ivanova_, smith_}));
    auto bad = ParseFilter({"phone=123"}, cleaner_);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("filter 'phone=123': not a phone number"),
              std::string::npos);
}

TEST_P(FilterTest, AnEMailIsFoundWholeWhateverItsCaseAndSealedOnAnEncryptedBase) {
    NewContact nc;
    nc.name = "Пётр Почтов";
    nc.email = " Ivan.Petrov.Unique@Example.RU ";
    nc.phones = {test::Mobile("+79165550011")};
    auto mail = book_->Create(nc);
    ASSERT_TRUE(mail) << mail.error().message;
    EXPECT_EQ(book_->Get(*mail)->contact.email, "Ivan.Petrov.Unique@Example.RU");
    EXPECT_EQ(Select({"email=ivan.petrov.unique@example.ru"}), (Ids{*mail}));
    EXPECT_EQ(Select({"email=IVAN.PETROV.UNIQUE@EXAMPLE.RU"}), (Ids{*mail}));
    EXPECT_EQ(Select({"email=ivan.petrov.unique@example.r"}), Ids{});
    EXPECT_EQ(Select({"email!=Ivan.Petrov.Unique@example.ru"}), (Ids{ivan_, ivanova_, smith_}));
    EXPECT_EQ(Select({"email~ivan.petrov.unique@example.ru"}), (Ids{*mail}));
    auto stored = db_->Query("SELECT email, email_key FROM contacts WHERE id = $1", {*mail});
    ASSERT_TRUE(stored && stored->size() == 1);
    if (callbase::testing::SealedRun()) {
        // Sealed, and found through its blind index; no part of it is readable.
        EXPECT_TRUE(stored->front().Text(0).starts_with("enc1:")) << stored->front().Text(0);
        EXPECT_EQ(stored->front().Text(0).find("petrov"), std::string::npos);
        EXPECT_TRUE(stored->front().Text(1).starts_with("bi1:")) << stored->front().Text(1);
        EXPECT_EQ(stored->front().Text(1).size(), 4u + 32u);
        // A part of a sealed address cannot be found: said, not answered with nothing.
        auto part = ParseFilter({"email~petrov"}, cleaner_);
        ASSERT_TRUE(part);
        auto found = book_->Find(*part, 100, 0);
        ASSERT_FALSE(found);
        EXPECT_EQ(found.error().code, ErrorCode::kInvalidInput);
        EXPECT_NE(found.error().message.find("found only whole"), std::string::npos)
            << found.error().message;
        EXPECT_EQ(found.error().key, "filter.sealed_email_part");
        EXPECT_EQ(found.error().params, (MessageParams{{"value", "petrov"}}));
    } else {
        EXPECT_EQ(stored->front().Text(0), "Ivan.Petrov.Unique@Example.RU");
        EXPECT_EQ(stored->front().Text(1), "");
        EXPECT_EQ(Select({"email~petrov"}), (Ids{*mail}));
        EXPECT_EQ(Select({"email~EXAMPLE.ru"}), (Ids{*mail}));
    }
}

// Issue 18: a name is searched as people type it — its words in any order,
// any case (Cyrillic too), ё as е, the start of each word on a plain base.
TEST_P(FilterTest, ANameIsFoundByItsWordsInAnyOrderAnyCaseWithYoAsYe) {
    const int64_t ksenia = Add("Ксения Борисова", "Москва", "site", "+79160000001", kStart);
    const int64_t alyona = Add("Алёна Фёдорова", "Москва", "site", "+79160000002", kStart);
    const int64_t alena = Add("АЛЕНА Смирнова-Федорова", "Москва", "site", "+79160000003", kStart);
    const int64_t boris = Add("Борис Ксенофонтов", "Москва", "site", "+79160000004", kStart);
    for (const char* both :
         {"Ксения Борисова", "Борисова Ксения", "БОРИСОВА КСЕНИЯ", "  борисова,  ксения "}) {
        EXPECT_EQ(Select({std::string("name~") + both}), (Ids{ksenia})) << both;
        EXPECT_EQ(Select({std::string("name=") + both}), (Ids{ksenia})) << both;
    }
    // ё and е are one letter, both ways, in the base and in the search.
    EXPECT_EQ(Select({"name~Алена"}), (Ids{alyona, alena}));
    EXPECT_EQ(Select({"name~алёна"}), (Ids{alyona, alena}));
    EXPECT_EQ(Select({"name=Алёна Федорова"}), (Ids{alyona, alena}));  // both whole words
    EXPECT_EQ(Select({"name=смирнова алёна"}), (Ids{alena}));
    EXPECT_EQ(Select({"name~ФЕДОРОВА"}), (Ids{alyona, alena}));  // a hyphen splits words
    EXPECT_EQ(Select({"name!=алена"}), (Ids{ivan_, ivanova_, smith_, ksenia, boris}));
    if (callbase::testing::SealedRun()) {
        // Whole words only: a start of a word is not in a sealed name's keys.
        EXPECT_EQ(Select({"name~борисова ксен"}), Ids{});
        EXPECT_EQ(Select({"name~ксения"}), (Ids{ksenia}));
    } else {
        EXPECT_EQ(Select({"name~борисова ксен"}), (Ids{ksenia}));
        EXPECT_EQ(Select({"name~ксен бор"}), (Ids{ksenia, boris}));
        EXPECT_EQ(Select({"name~ксен"}), (Ids{ksenia, boris}));
        EXPECT_EQ(Select({"name~рисова"}), Ids{});  // the start of a word, not its middle
        EXPECT_EQ(Select({"name=ксен"}), Ids{});    // '=' takes whole words
        EXPECT_EQ(Select({"name~бор ксенофонтов"}), (Ids{boris}));
        EXPECT_EQ(Select({"name~ксенофонтов алена"}), Ids{});
        // Each word typed is a word of the name of its own: «ксения ксен»
        // asks for two words that start with «ксен», and no name has two.
        EXPECT_EQ(Select({"name~ксения ксен"}), Ids{});
        EXPECT_EQ(Select({"name~кс борисова КСЕНИЯ"}), Ids{});
        // '!=' takes whole words: no name holds both «ксен» and «бор».
        EXPECT_EQ(Select({"name!=ксен бор"}),
                  (Ids{ivan_, ivanova_, smith_, ksenia, alyona, alena, boris}));
        EXPECT_EQ(Select({"name!=КСЕНИЯ борисова"}),
                  (Ids{ivan_, ivanova_, smith_, alyona, alena, boris}));
        // «иван иванов» is Иван Иванов, not every Иванов nor Иван Петров;
        // three words that start one another need three words of the name.
        const int64_t ivanov =
            Add("Иванов Иван Иванович", "Москва", "site", "+79160000005", kStart);
        const int64_t ivanovna =
            Add("Иванова Мария Ивановна", "Москва", "site", "+79160000006", kStart);
        EXPECT_EQ(Select({"name~иван"}), (Ids{ivan_, ivanova_, ivanov, ivanovna}));
        EXPECT_EQ(Select({"name~иван иванов"}), (Ids{ivanov, ivanovna}));
        EXPECT_EQ(Select({"name~иванов иван"}), (Ids{ivanov, ivanovna}));
        EXPECT_EQ(Select({"name~ив иван иванович"}), (Ids{ivanov}));
        EXPECT_EQ(Select({"name~иванова ивановна"}), (Ids{ivanovna}));
        EXPECT_EQ(Select({"name~иванова ивановна мария"}), (Ids{ivanovna}));
        EXPECT_EQ(Select({"name~иван иван"}), (Ids{ivan_, ivanova_, ivanov, ivanovna}));  // once
        EXPECT_EQ(Select({"name~ив ив иванов"}), (Ids{ivanov, ivanovna}));
        EXPECT_EQ(Select({"name~ивано ивановн"}), (Ids{ivanovna}));
        // '!=' takes whole words: Мария Ивановна has neither «иван» nor «иванов».
        EXPECT_EQ(Select({"name!=иван иванов"}),
                  (Ids{ivan_, ivanova_, smith_, ksenia, alyona, alena, boris, ivanovna}));
        // Whole words are distinct by themselves.
        EXPECT_EQ(Select({"name=иванов иван"}), (Ids{ivanov}));
    }
    // The words the base keeps: folded on a plain base, keys on a sealed one.
    auto words =
        db_->Query("SELECT word FROM contact_words WHERE contact_id = $1 ORDER BY word", {alyona});
    ASSERT_TRUE(words);
    ASSERT_EQ(words->size(), 2u);
    if (!callbase::testing::SealedRun()) {
        EXPECT_EQ(words->at(0).Text(0), "алена");
        EXPECT_EQ(words->at(1).Text(0), "федорова");
    } else {
        for (const auto& w : *words)
            EXPECT_EQ(w.Text(0).size(), 10u) << w.Text(0);
    }
    // A name changed or erased leaves no word behind.
    ASSERT_TRUE(
        db_->Exec("UPDATE contacts SET name = '', name_words = '' WHERE id = $1", {alyona}));
    EXPECT_EQ(Select({"name~алена"}), (Ids{alena}));
    // A value with no letter or digit is an error, not every contact.
    auto none = ParseFilter({"name~--"}, cleaner_);
    ASSERT_TRUE(none);
    auto found = book_->Find(*none, 10, 0);
    ASSERT_FALSE(found);
    EXPECT_NE(found.error().message.find("name~--"), std::string::npos) << found.error().message;
}

// Issue 18: the last 4 to 7 digits find the numbers that end with them,
// through an index; an encrypted base refuses, and keeps no digit in clear.
TEST_P(FilterTest, TheLastDigitsOfANumberFindItsContacts) {
    const int64_t zeros = Add("Нули", "Москва", "site", "+79160004567", kStart);
    NewContact two;
    two.name = "Два номера";
    two.phones = {test::Mobile("+79035550000"), test::Mobile("+79037654567")};
    auto second = book_->Create(two);
    ASSERT_TRUE(second) << second.error().message;
    if (callbase::testing::SealedRun()) {
        auto tail = ParseFilter({"phone~4567"}, cleaner_);
        ASSERT_TRUE(tail);
        auto found = book_->Find(*tail, 100, 0);
        ASSERT_FALSE(found);
        EXPECT_EQ(found.error().code, ErrorCode::kInvalidInput);
        EXPECT_NE(found.error().message.find("found only whole"), std::string::npos)
            << found.error().message;
        EXPECT_EQ(found.error().key, "filter.sealed_phone_part");
        auto keys = db_->Query("SELECT COUNT(*) FROM phones WHERE tail_key IS NOT NULL", {});
        ASSERT_TRUE(keys);
        EXPECT_EQ(keys->front().Int(0), 0);  // no digit of a number in clear
        return;
    }
    EXPECT_EQ(Select({"phone~4567"}), (Ids{ivan_, smith_, zeros, *second}));
    EXPECT_EQ(Select({"phone~04567"}), (Ids{zeros}));
    EXPECT_EQ(Select({"phone~54567"}), (Ids{*second}));
    EXPECT_EQ(Select({"phone~123-45-67"}), (Ids{ivan_, smith_}));
    EXPECT_EQ(Select({"phone~1234567"}), (Ids{ivan_, smith_}));
    EXPECT_EQ(Select({"phone~2233"}), (Ids{ivanova_}));
    EXPECT_EQ(Select({"phone~0000"}), (Ids{*second}));  // its other number
    EXPECT_EQ(Select({"phone~9999"}), Ids{});
    EXPECT_EQ(Select({"phone~4567", "name~нули"}), (Ids{zeros}));
    auto key = db_->Query("SELECT tail_key FROM phones WHERE contact_id = $1", {ivan_});
    ASSERT_TRUE(key);
    EXPECT_EQ(key->front().Int(0), 7654321);
    // Fewer than 4 or more than 7 digits, or letters: an error naming the term.
    for (const char* bad : {"phone~567", "phone~61234567", "phone~45a7", "phone!~4567"}) {
        auto f = ParseFilter({bad}, cleaner_);
        ASSERT_FALSE(f) << bad;
        EXPECT_NE(f.error().message.find(std::string(bad).substr(0, 6)), std::string::npos)
            << f.error().message;
    }
}

TEST_P(FilterTest, MergedContactsAreHiddenUnlessAsked) {
    ASSERT_TRUE(db_->Exec("UPDATE contacts SET merged_into = $1 WHERE id = $2", {ivan_, smith_}));
    EXPECT_EQ(Select({"source=site"}), (Ids{ivan_}));
    auto filter = ParseFilter({"source=site"}, cleaner_);
    filter->include_merged = true;
    EXPECT_EQ(*book_->Count(*filter), 2);
}

TEST(FilterParse, BadExpressionsNameTheExpressionAndListTheKeys) {
    auto plan = phone::NumberingPlan::LoadDefault(CALLBASE_DATA_DIR);
    ASSERT_TRUE(plan);
    phone::Cleaner cleaner(*plan);
    for (const char* bad : {"colour=red", "status", "status~new", "status=думает", "added>=вчера",
                            "idle>=много", "name=", "field:=1", "tag>VIP"}) {
        auto f = ParseFilter({bad}, cleaner);
        ASSERT_FALSE(f) << bad;
        EXPECT_EQ(f.error().code, ErrorCode::kInvalidInput) << bad;
        EXPECT_NE(f.error().message.find(bad), std::string::npos) << f.error().message;
        EXPECT_FALSE(f.error().hint.empty()) << bad;
    }
    // Each refusal is coded for the screen, with the term as written.
    auto unknown = ParseFilter({"colour=red"}, cleaner);
    EXPECT_EQ(unknown.error().key, "filter.unknown_key");
    EXPECT_EQ(unknown.error().params, (MessageParams{{"key", "colour"}, {"term", "colour=red"}}));
    EXPECT_EQ(ParseFilter({"status=думает"}, cleaner).error().key, "filter.unknown_status");
    EXPECT_EQ(ParseFilter({"tag>VIP"}, cleaner).error().key, "filter.bad_operator");

    // A value's limit is in characters: 200 Cyrillic letters (400 bytes) are a value,
    // 201 are not, and the refusal names the limit.
    std::string letters;
    for (int i = 0; i < 200; ++i)
        letters += "ж";
    auto long_ok = ParseFilter({"source=" + letters}, cleaner);
    ASSERT_TRUE(long_ok) << long_ok.error().message;
    auto too_long = ParseFilter({"source=" + letters + "ж"}, cleaner);
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().key, "filter.value_too_long");
    EXPECT_NE(too_long.error().message.find("longer than 200 characters"), std::string::npos)
        << too_long.error().message;

    auto ok = ParseFilter({"status=В работе", "field:Сумма заказа>=10"}, cleaner);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->terms[0].value, "in_progress");
    EXPECT_EQ(ok->terms[1].key, "field:Сумма заказа");
    EXPECT_EQ(ok->terms[1].op, ">=");
}

TEST(FilterSql, ParametersAreNumberedFromTheGivenIndex) {
    Filter f;
    f.terms = {{"status", "=", "new"}, {"source", "=", "site"}};
    auto sql = ToSql(f, kStart, 3);
    ASSERT_TRUE(sql);
    EXPECT_EQ(sql->sql, "c.merged_into IS NULL AND c.status = $3 AND c.source = $4");
    EXPECT_EQ(sql->params.size(), 2u);
    f.terms.clear();
    f.include_merged = true;
    EXPECT_EQ(ToSql(f, kStart)->sql, "1=1");
}

INSTANTIATE_TEST_SUITE_P(Backends, FilterTest, ::testing::ValuesIn(test::Backends()),
                         test::BackendLabel);

}  // namespace
}  // namespace callbase::contacts
