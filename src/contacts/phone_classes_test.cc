// Phone classes on both backends: what a card shows comes back from the class
// table, each class is stored once, and migration 004 turns the text columns of
// a version-3 base into classes without losing what a phone showed.
#include "contacts/phone_classes.h"

#include <gtest/gtest.h>

#include "contacts/contact_book.h"
#include "contacts/contacts_test_env.h"

namespace callbase::contacts {
namespace {

class PhoneClassesTest : public ::testing::TestWithParam<store::Backend> {};

int64_t Count(store::Store& db, std::string_view sql) {
    callbase::testing::PlainView plain(db);
    auto v = db.QueryValue(sql);
    EXPECT_TRUE(v) << (v ? "" : v.error().message);
    return v ? store::Row({*v}).Int(0) : -1;
}

TEST_P(PhoneClassesTest, TheCardShowsTheClassAndEachClassIsStoredOnce) {
    auto db = test::FreshStore(GetParam());
    ASSERT_NE(db, nullptr);
    FixedClock clock{1767225600};
    ContactBook book(*db, clock, "test");
    NewContact a;
    a.name = "Анна";
    a.phones = {test::Mobile("+79161234567"), test::Mobile("+79161234568")};
    NewPhone unknown_offset = test::Mobile("+79161234569");
    unknown_offset.cleaned.utc_offset_minutes.reset();
    a.phones.push_back(unknown_offset);
    auto id = book.Create(a);
    ASSERT_TRUE(id) << id.error().message;
    NewContact b;
    b.name = "Борис";
    b.phones = {test::Mobile("+79031112233"), test::Junk("нет")};
    ASSERT_TRUE(book.Create(b));
    // Moscow/МТС with +180, Moscow/МТС with no offset, the junk number's class.
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM phone_classes"), 3);

    auto card = book.Get(*id);
    ASSERT_TRUE(card) << card.error().message;
    ASSERT_EQ(card->phones.size(), 3u);
    const Phone& p = card->phones[0];
    EXPECT_EQ(p.type, "mobile");
    EXPECT_EQ(p.country, "RU");
    EXPECT_EQ(p.region, "Москва");
    EXPECT_EQ(p.operator_name, "МТС");
    EXPECT_EQ(p.timezone, "Europe/Moscow");
    EXPECT_EQ(p.utc_offset_minutes, 180);
    EXPECT_FALSE(card->phones[2].utc_offset_minutes.has_value());
    EXPECT_EQ(card->phones[2].region, "Москва");

    // A second PhoneClasses (another process) finds the classes already there.
    PhoneClasses again(*db);
    auto same = again.Id(test::Mobile("+79161234567").cleaned);
    ASSERT_TRUE(same) << same.error().message;
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM phone_classes"), 3);
    EXPECT_EQ(*same, Count(*db, "SELECT class_id FROM phones WHERE e164 = '+79161234567'"));
}

TEST_P(PhoneClassesTest, MigrationFourMovesTheTextColumnsIntoClasses) {
    auto db = callbase::testing::OpenFreshStore(GetParam(), 3);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->ExecScript(
        "INSERT INTO contacts (id, name, created_at, updated_at) VALUES (1, 'Анна', 0, 0);"
        "INSERT INTO phones (contact_id, position, e164, raw, type, region, operator, utc_offset, "
        "timezone, created_at) VALUES "
        "(1, 0, '+79161234567', '8 916 123-45-67', 'mobile', 'Москва', 'МТС', 180, "
        "'Europe/Moscow', 0),"
        "(1, 1, '+79161234568', '', 'mobile', 'Москва', 'МТС', 180, 'Europe/Moscow', 0),"
        "(1, 2, '+74232000000', '', 'fixed', 'Приморский край', '', NULL, '', 0),"
        "(1, 3, '', 'нет', 'unknown', '', '', NULL, '', 0)"));
    auto migrated = store::Migrate(*db);
    ASSERT_TRUE(migrated) << migrated.error().message;
    EXPECT_EQ(migrated->from_version, 3);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM phone_classes"), 3);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM phones WHERE class_id IS NULL"), 0);

    FixedClock clock{0};
    ContactBook book(*db, clock, "test");
    auto card = book.Get(1);
    ASSERT_TRUE(card) << card.error().message;
    ASSERT_EQ(card->phones.size(), 4u);
    EXPECT_EQ(card->phones[0].type, "mobile");
    EXPECT_EQ(card->phones[0].region, "Москва");
    EXPECT_EQ(card->phones[0].operator_name, "МТС");
    EXPECT_EQ(card->phones[0].utc_offset_minutes, 180);
    EXPECT_EQ(card->phones[0].timezone, "Europe/Moscow");
    EXPECT_EQ(card->phones[2].type, "fixed");
    EXPECT_EQ(card->phones[2].region, "Приморский край");
    EXPECT_FALSE(card->phones[2].utc_offset_minutes.has_value());
    EXPECT_EQ(card->phones[3].type, "unknown");

    // A migrated class is found by the key the code builds (country was not
    // kept before version 4, so it is empty).
    phone::CleanResult moscow = test::Mobile("+79161234567").cleaned;
    moscow.country.clear();
    PhoneClasses classes(*db);
    auto id = classes.Id(moscow);
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM phone_classes"), 3);
    EXPECT_EQ(*id, Count(*db, "SELECT class_id FROM phones WHERE e164 = '+79161234567'"));
}

INSTANTIATE_TEST_SUITE_P(Backends, PhoneClassesTest, ::testing::ValuesIn(test::Backends()),
                         test::BackendLabel);

}  // namespace
}  // namespace callbase::contacts
