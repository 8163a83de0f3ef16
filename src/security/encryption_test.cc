// Encryption at rest of a whole base, on both backends: after `keys encrypt`
// no number or name is left readable in any table, yet the card, search by
// phone and by name, the stop-list, consents and the gate work as before;
// another connection opens the base only with its key file; a rotation
// re-seals everything and retires the old keys, and one that stopped half-way
// is caught and finished; a changed value is named when read.
#include "security/encryption.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "compliance/attempts.h"
#include "compliance/consent.h"
#include "compliance/deletion.h"
#include "compliance/rules.h"
#include "compliance/stop_list.h"
#include "contacts/contact_book.h"
#include "contacts/filter.h"
#include "contacts/text.h"
#include "core/clock.h"
#include "support/test_store.h"

namespace callbase::security {
namespace {

namespace fs = std::filesystem;

constexpr UnixSeconds kNow = 1790000000;

contacts::NewPhone Mobile(const std::string& e164, const std::string& raw) {
    contacts::NewPhone p;
    p.cleaned.input = raw;
    p.cleaned.e164 = e164;
    p.cleaned.type = phone::LineType::kMobile;
    p.cleaned.country = "RU";
    p.cleaned.region = "Москва";
    p.cleaned.utc_offset_minutes = 180;
    p.cleaned.qc = phone::Quality::kCorrected;
    p.cleaned.all = {e164};
    return p;
}

class EncryptionTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = callbase::testing::OpenFreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
        if (db_->cipher()) GTEST_SKIP() << "this test encrypts the base itself";
        key_file_ = (fs::temp_directory_path() / ("enc-" + std::to_string(::getpid()) + "-" +
                                                  std::to_string(++counter_) + ".key"))
                        .string();
        fs::remove(key_file_);
        contacts::ContactBook book(*db_, clock_, "anna");
        contacts::NewContact ivan;
        ivan.name = "Иван Петров";
        ivan.phones = {Mobile("+79161234567", "8 (916) 123-45-67")};
        ivan.email = "Ivan.Petrov.Unique@example.ru";
        auto id = book.Create(ivan);
        ASSERT_TRUE(id) << id.error().message;
        ivan_ = *id;
        contacts::NewContact anna;
        anna.name = "Анна Смирнова";
        anna.phones = {Mobile("+79031112233", "+7 903 111-22-33")};
        ASSERT_TRUE(book.Create(anna));
        compliance::StopList stops(*db_, clock_);
        ASSERT_TRUE(stops.Add("+79031112233", compliance::StopCategory::kDoNotDisturb, std::nullopt,
                              "operator", "просила не звонить", "anna"));
        compliance::Consents consents(*db_, clock_);
        ASSERT_TRUE(consents.Add({"+79161234567", "marketing", kNow - 60, "paper", std::nullopt, "",
                                  "", "", std::nullopt, std::nullopt},
                                 "anna"));
        compliance::Attempts attempts(*db_, clock_);
        ASSERT_TRUE(attempts.Record("+79161234567", kNow - 3600, "busy", 180, "anna"));
        compliance::Deletions deletions(*db_, clock_);
        ASSERT_TRUE(deletions.Request("+74957770011", "email", "", "dpo"));
    }
    void TearDown() override {
        if (!key_file_.empty()) {
            fs::remove(key_file_);
            fs::remove(key_file_ + ".old");
        }
    }

    // Every text cell of the tables that hold personal data, joined.
    std::string Everything() {
        std::string all;
        for (const char* table : {"contacts", "phones", "history", "stop_list", "consents",
                                  "call_attempts", "deletion_requests"}) {
            auto rows = db_->Query(std::string("SELECT * FROM ") + table);
            EXPECT_TRUE(rows) << table;
            for (const auto& r : *rows) {
                for (size_t i = 0; i < r.size(); ++i) {
                    if (std::holds_alternative<std::string>(r.Cell(i))) all += r.Text(i) + "|";
                }
            }
        }
        return all;
    }

    std::unique_ptr<store::Store> Second() { return callbase::testing::OpenSecondConnection(*db_); }

    FixedClock clock_{kNow};
    std::unique_ptr<store::Store> db_;
    std::string key_file_;
    int64_t ivan_ = 0;
    static inline int counter_ = 0;
};

TEST_P(EncryptionTest, NoNumberOrNameIsLeftReadableAndEverythingStillWorks) {
    const std::string before = Everything();
    ASSERT_NE(before.find("9161234567"), std::string::npos);  // the probe sees plain values
    auto report = Encrypt(*db_, key_file_, "admin");
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_GE(report->values, 10);
    EXPECT_EQ(report->words, 4);  // иван, петров, анна, смирнова
    EXPECT_EQ(fs::status(key_file_).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);

    const std::string after = Everything();
    for (const char* plain :
         {"9161234567", "9031112233", "4957770011", "916) 123", "Иван", "Петров", "Анна",
          "Смирнова", "ivan.petrov", "Ivan.Petrov", "example.ru"}) {
        EXPECT_EQ(after.find(plain), std::string::npos) << plain << " is still readable";
    }

    // A spelling that is only digits and punctuation is kept as its shape
    // (no digit of the number in it); one with words is sealed.
    auto raw = db_->QueryValue("SELECT raw FROM phones WHERE contact_id = $1", {ivan_});
    ASSERT_TRUE(raw);
    EXPECT_EQ(store::Row({*raw}).Text(0), "fmt:8 (###) ###-##-##");
    EXPECT_EQ(contacts::StoredRaw(db_->cipher(), "+7 903 111-22-33", "+79031112233"),
              "fmt:+# ### ###-##-##");  // the country code is the number's too
    EXPECT_TRUE(Vault::IsSealed(
        contacts::StoredRaw(db_->cipher(), "Иван: 8 916 123-45-67", "+79161234567")));
    EXPECT_TRUE(  // digits that are not the number's
        Vault::IsSealed(contacts::StoredRaw(db_->cipher(), "8 916 123-45-67", "+79161234500")));

    // Another connection opens it with the key file, and everything reads back.
    auto second = Second();
    ASSERT_NE(second, nullptr);
    ASSERT_TRUE(AttachCipher(*second, key_file_));
    contacts::ContactBook book(*second, clock_, "anna");
    auto card = book.Get(ivan_);
    ASSERT_TRUE(card) << card.error().message;
    EXPECT_EQ(card->contact.name, "Иван Петров");
    EXPECT_EQ(card->contact.email, "Ivan.Petrov.Unique@example.ru");
    ASSERT_EQ(card->phones.size(), 1u);
    EXPECT_EQ(card->phones[0].e164, "+79161234567");
    EXPECT_EQ(card->phones[0].raw, "8 (916) 123-45-67");
    EXPECT_EQ(card->history.front().after, "Иван Петров");

    auto find = [&](std::string key, std::string op, std::string value) {
        contacts::Filter f;
        f.terms.push_back({std::move(key), std::move(op), std::move(value)});
        auto found = book.Find(f);
        EXPECT_TRUE(found) << found.error().message;
        std::vector<std::string> out;
        for (const auto& c : *found)
            out.push_back(c.contact.name + " " + c.phone);
        return out;
    };
    EXPECT_EQ(find("phone", "=", "+79161234567"),
              std::vector<std::string>{"Иван Петров +79161234567"});
    EXPECT_EQ(find("name", "~", "смирнова"),
              std::vector<std::string>{"Анна Смирнова +79031112233"});
    EXPECT_EQ(find("name", "=", "ПЕТРОВ иван"),
              std::vector<std::string>{"Иван Петров +79161234567"});
    EXPECT_TRUE(find("name", "~", "петр").empty());  // whole words only
    EXPECT_EQ(find("email", "=", "ivan.petrov.unique@EXAMPLE.ru"),
              std::vector<std::string>{"Иван Петров +79161234567"});

    compliance::StopList stops(*second, clock_);
    auto in_force = stops.InForce("+79031112233", kNow);
    ASSERT_TRUE(in_force);
    ASSERT_EQ(in_force->size(), 1u);
    EXPECT_EQ((*in_force)[0].e164, "+79031112233");
    auto listed = stops.List(std::nullopt, false);
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].e164, "+79031112233");
    auto state = compliance::LoadNumberState(*second, "+79161234567", 180, kNow, nullptr);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->consents.size(), 1u);
    EXPECT_EQ(state->attempts.size(), 1u);
    auto pending = compliance::LoadNumberState(*second, "+74957770011", 180, kNow, nullptr);
    ASSERT_TRUE(pending);
    EXPECT_TRUE(pending->deletion_pending);

    // Without the key file, or with another base's, nothing is read.
    auto third = Second();
    auto missing = AttachCipher(*third, key_file_ + ".nowhere");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_NE(missing.error().message.find("is missing"), std::string::npos);
    const std::string other = key_file_ + ".old";
    ASSERT_TRUE(Vault::AddKeys(other));
    auto wrong = AttachCipher(*third, other);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::kConflict);
    EXPECT_NE(wrong.error().message.find("not the one"), std::string::npos)
        << wrong.error().message;
    EXPECT_EQ(third->cipher(), nullptr);

    auto twice = Encrypt(*db_, key_file_, "admin");
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
}

TEST_P(EncryptionTest, RotationReSealsEverythingAndRetiresTheOldKeys) {
    ASSERT_TRUE(Encrypt(*db_, key_file_, "admin"));
    auto stored = [&] {
        auto v = db_->QueryValue("SELECT e164 FROM phones WHERE contact_id = $1", {ivan_});
        EXPECT_TRUE(v);
        return store::Row({*v}).Text(0);
    };
    const std::string sealed_before = stored();
    fs::copy_file(key_file_, key_file_ + ".old");

    auto rotated = Rotate(*db_, key_file_, "admin");
    ASSERT_TRUE(rotated) << rotated.error().message;
    EXPECT_NE(stored(), sealed_before);
    auto state = ReadEncryptionState(*db_);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->data_key, 2u);
    EXPECT_EQ(state->index_key, 2u);
    auto file = Vault::FromKeyFile(key_file_);
    ASSERT_TRUE(file);
    EXPECT_FALSE(file->Open(sealed_before, store::kPhoneDomain));  // key 1 is gone

    auto second = Second();
    ASSERT_TRUE(AttachCipher(*second, key_file_));
    contacts::ContactBook book(*second, clock_, "anna");
    auto card = book.Get(ivan_);
    ASSERT_TRUE(card) << card.error().message;
    EXPECT_EQ(card->phones[0].e164, "+79161234567");
    compliance::StopList stops(*second, clock_);
    EXPECT_EQ(stops.InForce("+79031112233", kNow)->size(), 1u);
    // The e-mail's blind index is rebuilt under the new index key.
    contacts::Filter by_mail;
    by_mail.terms.push_back({"email", "=", "ivan.petrov.unique@example.ru"});
    auto found = book.Find(by_mail);
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ(found->front().contact.id, ivan_);
    auto old = AttachCipher(*Second(), key_file_ + ".old");
    ASSERT_FALSE(old);  // the old key file no longer opens the base

    // A rotation that stopped after writing its keys (the base still on the
    // old ones) is caught, and the next rotation finishes it with those keys.
    ASSERT_TRUE(Vault::AddKeys(key_file_));
    auto half = AttachCipher(*Second(), key_file_);
    ASSERT_FALSE(half);
    EXPECT_NE(half.error().message.find("stopped half-way"), std::string::npos);
    EXPECT_NE(half.error().hint.find("keys rotate"), std::string::npos);
    ASSERT_TRUE(Rotate(*db_, key_file_, "admin"));
    state = ReadEncryptionState(*db_);
    EXPECT_EQ(state->data_key, 3u);
    auto finished = Second();
    ASSERT_TRUE(AttachCipher(*finished, key_file_));
    EXPECT_EQ(contacts::ContactBook(*finished, clock_, "a").Get(ivan_)->contact.name,
              "Иван Петров");
}

// A base encrypted before e-mails were sealed (no 'encryption.version')
// holds them in clear: the first command that opens it with its key file
// seals them and builds their blind indexes, once; so does a rotation.
TEST_P(EncryptionTest, EMailsLeftInClearByAnEarlierVersionAreSealedWhenTheBaseIsNextOpened) {
    ASSERT_TRUE(Encrypt(*db_, key_file_, "admin"));
    auto as_before = [&] {
        ASSERT_TRUE(db_->Exec("UPDATE contacts SET email = $1, email_key = '' WHERE id = $2",
                              {std::string("Ivan.Petrov.Unique@example.ru"), ivan_}));
        ASSERT_TRUE(db_->Exec("DELETE FROM settings WHERE name = 'encryption.version'"));
    };
    auto stored = [&](int64_t id) {
        auto rows = db_->Query("SELECT email, email_key FROM contacts WHERE id = $1", {id});
        EXPECT_TRUE(rows && rows->size() == 1);
        return std::pair{rows->front().Text(0), rows->front().Text(1)};
    };
    as_before();
    auto second = Second();
    ASSERT_TRUE(AttachCipher(*second, key_file_));
    auto [email, key] = stored(ivan_);
    EXPECT_TRUE(email.starts_with("enc1:")) << email;
    EXPECT_TRUE(key.starts_with("bi1:")) << key;
    // 3: what this callbase seals and keys (names' words with ё as е, below).
    EXPECT_EQ(ReadEncryptionState(*db_)->version, 3);
    contacts::ContactBook book(*second, clock_, "anna");
    EXPECT_EQ(book.Get(ivan_)->contact.email, "Ivan.Petrov.Unique@example.ru");
    contacts::Filter by_mail;
    by_mail.terms.push_back({"email", "=", "IVAN.petrov.unique@example.ru"});
    auto found = book.Find(by_mail);
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_EQ(found->size(), 1u);
    // Once: the next opening leaves the sealed value as it is.
    auto third = Second();
    ASSERT_TRUE(AttachCipher(*third, key_file_));
    EXPECT_EQ(stored(ivan_).first, email);

    // `keys rotate` opens the base without attaching it first: it seals them too.
    as_before();
    auto rotated = Rotate(*db_, key_file_, "admin");
    ASSERT_TRUE(rotated) << rotated.error().message;
    EXPECT_TRUE(stored(ivan_).first.starts_with("enc1:2:")) << stored(ivan_).first;
    auto fourth = Second();
    ASSERT_TRUE(AttachCipher(*fourth, key_file_));
    EXPECT_EQ(contacts::ContactBook(*fourth, clock_, "a").Get(ivan_)->contact.email,
              "Ivan.Petrov.Unique@example.ru");
}

// A base encrypted by callbase 2 (encryption.version 2) keyed the words of a
// name as written: «Алёна» under the key of "алёна", which a search typed
// "алена" (keyed ё as е since version 3) cannot match. The first command that
// opens it with its key file re-keys every name's words, once, and records
// version 3; what was sealed stays as it was.
TEST_P(EncryptionTest, NameWordsKeyedByVersionTwoAreReKeyedWithYoAsYeWhenTheBaseIsNextOpened) {
    int64_t alyona = 0;
    {
        contacts::NewContact c;
        c.name = "Алёна Фёдорова-Королёва";
        c.phones = {Mobile("+79265550101", "8 926 555-01-01")};
        auto id = contacts::ContactBook(*db_, clock_, "anna").Create(c);
        ASSERT_TRUE(id) << id.error().message;
        alyona = *id;
    }
    ASSERT_TRUE(Encrypt(*db_, key_file_, "admin"));
    auto vault = Vault::FromKeyFile(key_file_);
    ASSERT_TRUE(vault) << vault.error().message;
    auto stored = [&] {
        auto rows =
            db_->Query("SELECT name, name_words, email FROM contacts WHERE id = $1", {alyona});
        EXPECT_TRUE(rows && rows->size() == 1);
        return std::tuple{rows->front().Text(0), rows->front().Text(1), rows->front().Text(2)};
    };
    // How version 2 keyed them: the folded name split as written, ё kept.
    std::string version_two;
    for (int64_t key : vault->WordKeys(contacts::FoldCase("Алёна Фёдорова-Королёва"))) {
        std::string term = contacts::NameWordKey(key);
        version_two += version_two.empty() ? term : term.substr(1);
    }
    const std::string version_three = contacts::NameWords(&*vault, "Алёна Фёдорова-Королёва");
    ASSERT_NE(version_two, version_three);  // ё changes the keys: the point of the upgrade
    ASSERT_TRUE(
        db_->Exec("UPDATE contacts SET name_words = $1 WHERE id = $2", {version_two, alyona}));
    ASSERT_TRUE(db_->Exec("UPDATE settings SET value = '2' WHERE name = 'encryption.version'"));
    auto [sealed_name, words_before, email_before] = stored();

    auto second = Second();
    ASSERT_TRUE(AttachCipher(*second, key_file_));
    EXPECT_EQ(ReadEncryptionState(*db_)->version, 3);
    auto [name_after, words_after, email_after] = stored();
    EXPECT_EQ(words_after, version_three);
    EXPECT_EQ(name_after, sealed_name);  // sealed values are not sealed again
    EXPECT_EQ(email_after, email_before);
    contacts::ContactBook book(*second, clock_, "anna");
    for (const std::string typed : {"алена федорова", "КОРОЛЕВА Алёна", "Королёва"}) {
        for (const std::string op : {"=", "~"}) {
            contacts::Filter f;
            f.terms.push_back({"name", op, typed});
            auto found = book.Find(f);
            ASSERT_TRUE(found) << found.error().message;
            ASSERT_EQ(found->size(), 1u) << "name" << op << typed;
            EXPECT_EQ(found->front().contact.id, alyona);
        }
    }
    // Once: the next opening leaves the words as they are.
    ASSERT_TRUE(
        db_->Exec("UPDATE contacts SET name_words = $1 WHERE id = $2", {version_two, alyona}));
    auto third = Second();
    ASSERT_TRUE(AttachCipher(*third, key_file_));
    EXPECT_EQ(std::get<1>(stored()), version_two);
}

TEST_P(EncryptionTest, AChangedValueIsNamedWhenRead) {
    ASSERT_TRUE(Encrypt(*db_, key_file_, "admin"));
    auto name = db_->QueryValue("SELECT name FROM contacts WHERE id = $1", {ivan_});
    ASSERT_TRUE(name);
    std::string changed = store::Row({*name}).Text(0);
    changed[changed.size() - 2] = changed[changed.size() - 2] == 'A' ? 'B' : 'A';
    ASSERT_TRUE(db_->Exec("UPDATE contacts SET name = $1 WHERE id = $2", {changed, ivan_}));
    auto card = contacts::ContactBook(*db_, clock_, "a").Get(ivan_);
    ASSERT_FALSE(card);
    EXPECT_EQ(card.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(card.error().message.find("contacts.name"), std::string::npos);
    // A rotation refuses to re-seal what does not open, and changes nothing.
    auto rotated = Rotate(*db_, key_file_, "admin");
    ASSERT_FALSE(rotated);
    EXPECT_NE(rotated.error().message.find("contacts.name of row"), std::string::npos)
        << rotated.error().message;
    EXPECT_EQ(ReadEncryptionState(*db_)->data_key, 1u);
    auto file = Vault::FromKeyFile(key_file_);  // the keys it added went again
    ASSERT_TRUE(file);
    EXPECT_EQ(file->data_key(), 1u);
    auto again = Second();
    EXPECT_TRUE(AttachCipher(*again, key_file_));
}

INSTANTIATE_TEST_SUITE_P(Backends, EncryptionTest,
                         ::testing::ValuesIn(callbase::testing::TestBackends()),
                         callbase::testing::BackendName);

}  // namespace
}  // namespace callbase::security
