#include "contacts/contact_book.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "contacts/contacts_test_env.h"
#include "contacts/field_registry.h"
#include "contacts/tag_dictionary.h"
#include "core/text_limits.h"
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
    EXPECT_EQ(no_time.error().key, "contact.callback_needs_time");
    EXPECT_EQ(no_time.error().params, (MessageParams{{"id", std::to_string(id)}}));
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
    EXPECT_EQ(unknown.error().key, "status.unknown");
    ASSERT_EQ(unknown.error().params.size(), 2u);
    EXPECT_EQ(unknown.error().params[0], (std::pair<std::string, std::string>{"status", "Думает"}));
    EXPECT_NE(unknown.error().params[1].second.find("refused (Refused, Отказ)"), std::string::npos);
    auto stray_time = book_->SetStatus(id, "Отказ", kStart);
    ASSERT_FALSE(stray_time);
    EXPECT_EQ(stray_time.error().message,
              fmt::format("a callback time only goes with status Callback (contact #{}, status "
                          "refused)",
                          id));
    EXPECT_EQ(stray_time.error().key, "contact.callback_without_status");
    EXPECT_EQ(stray_time.error().params,
              (MessageParams{{"id", std::to_string(id)}, {"status", "refused"}}));
    // A callback more than a year ahead names the contact and both spans in days.
    auto far = book_->SetStatus(id, "Callback", clock_.Now() + 400 * 86400);
    ASSERT_FALSE(far);
    EXPECT_EQ(far.error().message,
              fmt::format("contact #{}: the callback time is 400 days ahead; a callback may be set "
                          "at most 366 days ahead",
                          id));
    EXPECT_EQ(far.error().key, "contact.callback_too_far");
    EXPECT_EQ(far.error().params,
              (MessageParams{{"id", std::to_string(id)}, {"days", "400"}, {"max", "366"}}));
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
    EXPECT_EQ(invented.error().key, "tag.unknown_close");
    ASSERT_EQ(invented.error().params.size(), 2u);
    EXPECT_EQ(invented.error().params[0], (std::pair<std::string, std::string>{"tag", "Дорага"}));
    EXPECT_NE(invented.error().params[1].second.find("Дорого"), std::string::npos);

    ASSERT_TRUE(book_->Tag(other, "VIP"));
    TagDictionary dict(*db_, clock_);
    ASSERT_TRUE(dict.Retire("VIP"));
    auto retired = book_->Tag(id, "VIP");
    ASSERT_FALSE(retired);
    EXPECT_EQ(retired.error().code, ErrorCode::kConflict);
    EXPECT_NE(retired.error().message.find("retired"), std::string::npos);
    EXPECT_EQ(retired.error().key, "tag.retired_on");
    ASSERT_EQ(retired.error().params.size(), 3u);
    EXPECT_EQ(retired.error().params[0].first, "tag");
    EXPECT_NE(retired.error().params[0].second.find("VIP"), std::string::npos);
    EXPECT_EQ(retired.error().params[2],
              (std::pair<std::string, std::string>{"id", std::to_string(id)}));
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
    EXPECT_EQ(bad_number.error().key, "field.not_number");
    EXPECT_EQ(bad_number.error().params,
              (MessageParams{{"field", "Сумма заказа"}, {"value", "много"}}));
    auto bad_date = book_->SetField(id, "Дата заказа", "31.02.2026");
    ASSERT_FALSE(bad_date);
    EXPECT_NE(bad_date.error().message.find("Дата заказа"), std::string::npos);
    auto bad_enum = book_->SetField(id, "Город", "Тверь");
    ASSERT_FALSE(bad_enum);
    EXPECT_NE(bad_enum.error().hint.find("Казань"), std::string::npos);
    EXPECT_EQ(bad_enum.error().key, "field.not_allowed");
    EXPECT_EQ(
        bad_enum.error().params,
        (MessageParams{{"field", "Город"}, {"value", "Тверь"}, {"allowed", "Москва, Казань"}}));
    EXPECT_EQ(bad_enum.error().hint, "use one of: Москва, Казань");
    auto unknown = book_->SetField(id, "Возраст", "30");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(unknown.error().key, "field.not_defined_among");
    ASSERT_EQ(unknown.error().params.size(), 2u);
    EXPECT_EQ(unknown.error().params[0], (std::pair<std::string, std::string>{"field", "Возраст"}));
    EXPECT_NE(unknown.error().params[1].second.find("Сумма заказа"), std::string::npos);
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

// Issue 18, section 4: a value longer than its cap is refused with the field,
// the cap and the length given; a value at the cap is taken whole. Lengths are
// characters: 400 Cyrillic letters (800 bytes) are a name that fits.
TEST_P(ContactBookTest, OverLongValuesAreRefusedNamingTheFieldTheCapAndTheLength) {
    auto repeat = [](std::string_view piece, size_t times) {
        std::string out;
        for (size_t i = 0; i < times; ++i)
            out += piece;
        return out;
    };
    const std::string longest_name = repeat("Я", kMaxNameChars);
    const int64_t fits = NewContactId(longest_name);
    ASSERT_GT(fits, 0);
    EXPECT_EQ(book_->Get(fits)->contact.name, longest_name);

    NewContact nc;
    nc.phones = {test::Mobile("+79031112233")};
    nc.name = repeat("ж", kMaxNameChars + 7);
    auto refused = book_->Create(nc);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(refused.error().message, fmt::format("name: {} characters, at most {} are accepted",
                                                   kMaxNameChars + 7, kMaxNameChars));
    EXPECT_FALSE(refused.error().hint.empty());
    nc.name = "Пётр";
    nc.comment = repeat("a", kMaxCommentChars + 1);
    refused = book_->Create(nc);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find(fmt::format("comment: {} characters, at most {}",
                                                       kMaxCommentChars + 1, kMaxCommentChars)),
              std::string::npos)
        << refused.error().message;
    nc.comment = repeat("ю", kMaxCommentChars);
    EXPECT_TRUE(book_->Create(nc));
    // Nothing of a refused contact was written.
    auto count = db_->QueryValue("SELECT COUNT(*) FROM contacts", {});
    ASSERT_TRUE(count);
    EXPECT_EQ(store::Row({*count}).Int(0), 2);

    FieldRegistry fields(*db_, clock_);
    ASSERT_TRUE(fields.Define("Пожелания", "text"));
    auto field = book_->SetField(fits, "Пожелания", repeat("щ", kMaxFieldTextChars + 1));
    ASSERT_FALSE(field);
    EXPECT_NE(field.error().message.find(fmt::format("field 'Пожелания': {} characters, at most {}",
                                                     kMaxFieldTextChars + 1, kMaxFieldTextChars)),
              std::string::npos)
        << field.error().message;
    EXPECT_TRUE(book_->SetField(fits, "Пожелания", repeat("щ", kMaxFieldTextChars)));

    TagDictionary tags(*db_, clock_);
    ASSERT_TRUE(tags.EnsureDefaults());
    auto tag = tags.AddCategory(repeat("т", kMaxTagNameChars + 1));
    ASSERT_FALSE(tag);
    EXPECT_NE(tag.error().message.find("tag category name: "), std::string::npos)
        << tag.error().message;
}

TEST_P(ContactBookTest, GetOfAMissingContactSaysWhichId) {
    auto card = book_->Get(424242);
    ASSERT_FALSE(card);
    EXPECT_EQ(card.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(card.error().message, "contact #424242 does not exist");
    EXPECT_EQ(card.error().key, "contact.not_found");
    EXPECT_EQ(card.error().params, (MessageParams{{"id", "424242"}}));
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
    EXPECT_EQ(twice.error().key, "contact.phone_exists");
    EXPECT_EQ(twice.error().params,
              (MessageParams{{"id", std::to_string(id)}, {"phone", "+79265550011"}}));
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
    EXPECT_EQ(gone.error().key, "contact.no_phone");
    EXPECT_EQ(gone.error().params,
              (MessageParams{{"id", std::to_string(id)},
                             {"phone_id", std::to_string(card->phones[0].id)}}));
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
    EXPECT_EQ(last.error().key, "contact.keeps_last_phone");
    EXPECT_EQ(last.error().params, (MessageParams{{"id", std::to_string(id)}}));
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
