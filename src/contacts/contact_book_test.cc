#include "contacts/contact_book.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "contacts/contacts_test_env.h"
#include "contacts/field_registry.h"
#include "contacts/tag_dictionary.h"
#include "support/test_phone.h"

namespace callbase::contacts {
namespace {

constexpr int64_t kStart = 1767225600;  // 2026-01-01 00:00 UTC

class ContactBookTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = test::FreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
        book_ = std::make_unique<ContactBook>(*db_, clock_, "ivanova");
    }

    int64_t HistoryCount(int64_t id) {
        auto v = db_->QueryValue("SELECT COUNT(*) FROM history WHERE contact_id = $1", {id});
        EXPECT_TRUE(v.has_value());
        return store::Row({*v}).Int(0);
    }

    int64_t NewContactId(std::string name = "Иван Петров") {
        NewContact nc;
        nc.name = std::move(name);
        nc.source = "site";
        nc.phones = {test::Mobile("+79161234567", "8 (916) 123-45-67"),
                     test::Mobile("+74951234567", "", "рабочий")};
        auto id = book_->Create(nc);
        EXPECT_TRUE(id.has_value()) << (id ? "" : id.error().message);
        return id.value_or(0);
    }

    FixedClock clock_{kStart};
    std::unique_ptr<store::Store> db_;
    std::unique_ptr<ContactBook> book_;
};

TEST_P(ContactBookTest, CreateStoresPhonesRegionAndACreatedHistoryRow) {
    int64_t id = NewContactId();
    auto card = book_->Get(id);
    ASSERT_TRUE(card) << card.error().message;
    EXPECT_EQ(card->contact.name, "Иван Петров");
    EXPECT_EQ(card->contact.status, "new");
    EXPECT_EQ(card->contact.region, "Москва");  // from the first phone
    EXPECT_EQ(card->contact.created_at, kStart);
    ASSERT_EQ(card->phones.size(), 2u);
    EXPECT_EQ(card->phones[0].e164, "+79161234567");
    EXPECT_EQ(card->phones[0].raw, "8 (916) 123-45-67");
    EXPECT_EQ(card->phones[0].label, "основной");
    EXPECT_EQ(card->phones[0].type, "mobile");
    EXPECT_EQ(card->phones[0].qc, 1);
    EXPECT_EQ(card->phones[1].label, "рабочий");
    ASSERT_EQ(card->history.size(), 1u);
    EXPECT_EQ(card->history[0].action, "created");
    EXPECT_EQ(card->history[0].actor, "ivanova");
    EXPECT_EQ(card->history[0].at, kStart);
    EXPECT_NE(card->history[0].detail.find("+79161234567"), std::string::npos);
}

TEST_P(ContactBookTest, FindByPhoneFindsTheOldestLiveContactOfTheNumber) {
    EXPECT_FALSE(book_->FindByPhone("+79161234567").value().has_value());
    const int64_t first = NewContactId("Иван Петров");
    const int64_t second = NewContactId("Пётр Иванов");  // the same two numbers
    auto found = book_->FindByPhone("+74951234567");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->id, first);
    EXPECT_EQ((*found)->name, "Иван Петров");
    ASSERT_TRUE(db_->Exec("UPDATE contacts SET merged_into = $1 WHERE id = $2", {second, first}));
    found = book_->FindByPhone("+79161234567");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->id, second) << "a contact merged into another is not the answer";
    EXPECT_FALSE(book_->FindByPhone("+79990000000").value().has_value());
}

TEST_P(ContactBookTest, CreateRefusesAContactWithNeitherNameNorPhone) {
    auto id = book_->Create(NewContact{});
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error().code, ErrorCode::kInvalidInput);
}

TEST_P(ContactBookTest, InvalidPhoneIsKeptAsWrittenAndMarkedInvalid) {
    NewContact nc;
    nc.name = "Мария";
    nc.phones = {test::Junk("позвонить Маше")};
    auto id = book_->Create(nc);
    ASSERT_TRUE(id) << id.error().message;
    auto card = book_->Get(*id);
    ASSERT_EQ(card->phones.size(), 1u);
    EXPECT_FALSE(card->phones[0].valid);
    EXPECT_EQ(card->phones[0].raw, "позвонить Маше");
}

TEST_P(ContactBookTest, SetStatusAcceptsRussianAndEnglishNamesAndWritesHistory) {
    int64_t id = NewContactId();
    clock_.Advance(60);
    auto changed = book_->SetStatus(id, "В РАБОТЕ");
    ASSERT_TRUE(changed) << changed.error().message;
    EXPECT_TRUE(*changed);
    auto card = book_->Get(id);
    EXPECT_EQ(card->contact.status, "in_progress");
    EXPECT_EQ(card->contact.last_interaction_at, kStart + 60);
    const auto& h = card->history.back();
    EXPECT_EQ(h.action, "status");
    EXPECT_EQ(h.actor, "ivanova");
    EXPECT_EQ(h.at, kStart + 60);
    EXPECT_EQ(h.before, "new");
    EXPECT_EQ(h.after, "in_progress");

    // The same status again changes nothing and writes nothing.
    EXPECT_FALSE(*book_->SetStatus(id, "in progress"));
    EXPECT_EQ(HistoryCount(id), 2);

    auto no_time = book_->SetStatus(id, "Перезвонить");
    ASSERT_FALSE(no_time);
    EXPECT_NE(no_time.error().message.find("callback time"), std::string::npos);
    ASSERT_TRUE(book_->SetStatus(id, "Callback", kStart + 86400));
    EXPECT_EQ(book_->Get(id)->contact.callback_at, kStart + 86400);
    ASSERT_TRUE(book_->SetStatus(id, "Успех"));
    card = book_->Get(id);
    EXPECT_EQ(card->contact.status, "decided");
    EXPECT_FALSE(card->contact.callback_at.has_value());
    EXPECT_EQ(card->history.back().before, "callback");
    EXPECT_EQ(HistoryCount(id), 4);

    auto unknown = book_->SetStatus(id, "Думает");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().hint.find("Отказ"), std::string::npos);
    auto stray_time = book_->SetStatus(id, "Отказ", kStart);
    ASSERT_FALSE(stray_time);
    EXPECT_EQ(HistoryCount(id), 4);
}

TEST_P(ContactBookTest, TagsComeOnlyFromTheDictionaryAndRetiredTagsAreRefused) {
    int64_t id = NewContactId();
    int64_t other = NewContactId("Олег");
    ASSERT_TRUE(book_->Tag(id, "дорого"));  // case-insensitive
    auto card = book_->Get(id);
    ASSERT_EQ(card->tags.size(), 1u);
    EXPECT_EQ(card->tags[0].name, "Дорого");
    EXPECT_EQ(card->tags[0].category, "Причина отказа");
    EXPECT_EQ(card->history.back().action, "tag");
    EXPECT_EQ(card->history.back().after, "Дорого");

    auto invented = book_->Tag(id, "Дорага");
    ASSERT_FALSE(invented);
    EXPECT_EQ(invented.error().code, ErrorCode::kNotFound);
    EXPECT_NE(invented.error().message.find("not in the tag dictionary"), std::string::npos);
    EXPECT_NE(invented.error().hint.find("Дорого"), std::string::npos);  // close match

    ASSERT_TRUE(book_->Tag(other, "VIP"));
    TagDictionary dict(*db_, clock_);
    ASSERT_TRUE(dict.Retire("VIP"));
    auto retired = book_->Tag(id, "VIP");
    ASSERT_FALSE(retired);
    EXPECT_EQ(retired.error().code, ErrorCode::kConflict);
    EXPECT_NE(retired.error().message.find("retired"), std::string::npos);
    auto other_card = book_->Get(other);  // stays where it was
    ASSERT_EQ(other_card->tags.size(), 1u);
    EXPECT_TRUE(other_card->tags[0].retired);

    int64_t before = HistoryCount(id);
    ASSERT_TRUE(book_->Untag(id, "Дорого"));
    EXPECT_TRUE(book_->Get(id)->tags.empty());
    EXPECT_EQ(HistoryCount(id), before + 1);
    EXPECT_EQ(book_->Get(id)->history.back().before, "Дорого");
}

TEST_P(ContactBookTest, SetFieldValidatesTypesAndNamesTheFieldInErrors) {
    FieldRegistry fields(*db_, clock_);
    ASSERT_TRUE(fields.Define("Сумма заказа", "number"));
    ASSERT_TRUE(fields.Define("Дата заказа", "date"));
    ASSERT_TRUE(fields.Define("Город", "enum", {"Москва", "Казань"}));
    ASSERT_TRUE(fields.Define("Примечание", "text"));
    int64_t id = NewContactId();

    auto bad_number = book_->SetField(id, "Сумма заказа", "много");
    ASSERT_FALSE(bad_number);
    EXPECT_EQ(bad_number.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(bad_number.error().message.find("Сумма заказа"), std::string::npos);
    auto bad_date = book_->SetField(id, "Дата заказа", "31.02.2026");
    ASSERT_FALSE(bad_date);
    EXPECT_NE(bad_date.error().message.find("Дата заказа"), std::string::npos);
    auto bad_enum = book_->SetField(id, "Город", "Тверь");
    ASSERT_FALSE(bad_enum);
    EXPECT_NE(bad_enum.error().hint.find("Казань"), std::string::npos);
    auto unknown = book_->SetField(id, "Возраст", "30");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(HistoryCount(id), 1);  // failed changes leave no trace

    ASSERT_TRUE(book_->SetField(id, "сумма заказа", "1 500,50"));
    ASSERT_TRUE(book_->SetField(id, "Дата заказа", "31.03.2026"));
    ASSERT_TRUE(book_->SetField(id, "Город", "казань"));
    auto card = book_->Get(id);
    ASSERT_EQ(card->fields.size(), 3u);
    std::map<std::string, std::string> values;
    for (const auto& f : card->fields)
        values[f.name] = f.value;
    EXPECT_EQ(values["Сумма заказа"], "1500.5");
    EXPECT_EQ(values["Дата заказа"], "2026-03-31");
    EXPECT_EQ(values["Город"], "Казань");

    ASSERT_TRUE(book_->SetField(id, "Город", "Москва"));
    auto after_change = book_->Get(id);
    const auto& h = after_change->history.back();
    EXPECT_EQ(h.action, "field");
    EXPECT_EQ(h.field, "Город");
    EXPECT_EQ(h.before, "Казань");
    EXPECT_EQ(h.after, "Москва");
    ASSERT_TRUE(book_->SetField(id, "Город", ""));  // clears
    EXPECT_FALSE(book_->Get(id)->history.back().after.has_value());
    EXPECT_EQ(HistoryCount(id), 6);
}

TEST_P(ContactBookTest, CardShowsTheImportThatCreatedTheContact) {
    auto imp = db_->QueryValue(
        "INSERT INTO imports (file, sha256, size, actor, started_at) VALUES "
        "('base-may.csv', 'abc', 10, 'loader', $1) RETURNING id",
        {kStart - 100});
    ASSERT_TRUE(imp);
    int64_t import_id = store::Row({*imp}).Int(0);
    auto cid = db_->QueryValue(
        "INSERT INTO contacts (name, created_at, updated_at, import_id) VALUES "
        "('Из файла', $1, $1, $2) RETURNING id",
        {kStart - 90, import_id});
    ASSERT_TRUE(cid);
    callbase::testing::SealSeeded(*db_);
    auto card = book_->Get(store::Row({*cid}).Int(0));
    ASSERT_TRUE(card);
    ASSERT_EQ(card->history.size(), 1u);
    EXPECT_EQ(card->history[0].action, "import");
    EXPECT_EQ(card->history[0].detail,
              fmt::format("created by import #{} (base-may.csv)", import_id));
}

TEST_P(ContactBookTest, GetOfAMissingContactSaysWhichId) {
    auto card = book_->Get(424242);
    ASSERT_FALSE(card);
    EXPECT_EQ(card.error().code, ErrorCode::kNotFound);
    EXPECT_NE(card.error().message.find("424242"), std::string::npos);
}

TEST_P(ContactBookTest, RenameAddAndRemovePhonesKeepANameOrAPhoneWithHistory) {
    const int64_t id = NewContactId();
    ASSERT_TRUE(book_->Rename(id, "  Иван Сергеевич Петров "));
    EXPECT_FALSE(*book_->Rename(id, "Иван Сергеевич Петров"));  // unchanged
    auto added = book_->AddPhone(id, test::Mobile("+79265550011", "8 926 555-00-11", "домашний"));
    ASSERT_TRUE(added) << added.error().message;
    auto twice = book_->AddPhone(id, test::Mobile("+79265550011"));
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
    auto card = book_->Get(id);
    ASSERT_TRUE(card);
    EXPECT_EQ(card->contact.name, "Иван Сергеевич Петров");
    ASSERT_EQ(card->phones.size(), 3u);
    EXPECT_EQ(card->phones[2].id, *added);
    EXPECT_EQ(card->phones[2].label, "домашний");
    EXPECT_EQ(card->phones[2].raw, "8 926 555-00-11");
    // Found by the new words of the name and by the new number.
    auto by_name = book_->Find(*ParseFilter({"name~Сергеевич"}, callbase::testing::TestCleaner()));
    ASSERT_TRUE(by_name);
    ASSERT_EQ(by_name->size(), 1u);
    auto by_phone = book_->FindByPhone("+79265550011");
    ASSERT_TRUE(by_phone && *by_phone);
    EXPECT_EQ((*by_phone)->id, id);

    ASSERT_TRUE(book_->RemovePhone(id, card->phones[0].id));
    auto gone = book_->RemovePhone(id, card->phones[0].id);
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
    ASSERT_TRUE(book_->AddNote(id, "просил перезвонить вечером"));
    EXPECT_FALSE(book_->AddNote(id, "  "));
    card = book_->Get(id);
    ASSERT_EQ(card->phones.size(), 2u);
    std::map<std::string, int> actions;
    for (const auto& h : card->history)
        ++actions[h.action];
    EXPECT_EQ(actions["rename"], 1);
    EXPECT_EQ(actions["phone_add"], 1);
    EXPECT_EQ(actions["phone_remove"], 1);
    EXPECT_EQ(actions["note"], 1);
    EXPECT_EQ(card->history.back().detail, "просил перезвонить вечером");

    // Without a name, the last phone stays; without a phone, the name stays.
    ASSERT_TRUE(book_->Rename(id, ""));
    ASSERT_TRUE(book_->RemovePhone(id, card->phones[0].id));
    auto last = book_->RemovePhone(id, card->phones[1].id);
    ASSERT_FALSE(last);
    EXPECT_EQ(last.error().code, ErrorCode::kInvalidInput);
    NewContact named;
    named.name = "Только Имя";
    auto only_name = book_->Create(named);
    ASSERT_TRUE(only_name);
    EXPECT_FALSE(book_->Rename(*only_name, " "));
}

TEST_P(ContactBookTest, FindSortsByTheKeyThenTheIdAndParseSortNamesTheKeys) {
    for (auto name : {"Борис", "Анна", "Вера", "Анна"}) {
        NewContact nc;
        nc.name = name;
        ASSERT_TRUE(book_->Create(nc));
        clock_.Advance(10);
    }
    auto sort = ParseSort("name");
    ASSERT_TRUE(sort);
    auto found = book_->Find(Filter{}, 50, 0, *sort);
    if (db_->cipher()) {
        ASSERT_FALSE(found);  // sealed names cannot be ordered
    } else {
        ASSERT_TRUE(found) << found.error().message;
        std::vector<std::string> names;
        for (const auto& f : *found)
            names.push_back(f.contact.name);
        EXPECT_EQ(names, (std::vector<std::string>{"Анна", "Анна", "Борис", "Вера"}));
        EXPECT_LT((*found)[0].contact.id, (*found)[1].contact.id);  // the tie, by id
    }
    auto newest = book_->Find(Filter{}, 1, 0, *ParseSort(""));
    ASSERT_TRUE(newest);
    auto oldest = book_->Find(Filter{}, 1, 0, *ParseSort("added"));
    ASSERT_TRUE(oldest);
    EXPECT_GT((*newest)[0].contact.id, (*oldest)[0].contact.id);
    auto ids = book_->FindIds(Filter{}, 3);
    ASSERT_TRUE(ids);
    EXPECT_EQ(ids->size(), 3u);
    EXPECT_TRUE(std::is_sorted(ids->begin(), ids->end()));
    auto bad = ParseSort("-phone");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("'phone'"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ContactBookTest, ::testing::ValuesIn(test::Backends()),
                         test::BackendLabel);

}  // namespace
}  // namespace callbase::contacts
