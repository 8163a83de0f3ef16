// The encryption-at-rest primitives and the key file: values seal and open,
// tampering and the wrong column or key are caught with a message, blind
// indexes are stable per key and domain, and a rotation keeps old values
// readable until the old keys are dropped.
#include "security/vault.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace callbase::security {
namespace {

namespace fs = std::filesystem;

class VaultTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ =
            (fs::temp_directory_path() / ("vault-" + std::to_string(::getpid()) + ".key")).string();
        fs::remove(path_);
    }
    void TearDown() override { fs::remove(path_); }
    std::string path_;
};

TEST_F(VaultTest, SealsAndOpensAndCatchesTamperingAndTheWrongColumn) {
    auto vault = Vault::AddKeys(path_);
    ASSERT_TRUE(vault) << vault.error().message;
    ASSERT_TRUE(vault->has_keys());
    EXPECT_EQ((fs::status(path_).permissions() & fs::perms::all),
              fs::perms::owner_read | fs::perms::owner_write);
    const std::string name = "Соколов Алексей Владимирович";
    std::string sealed = vault->Seal(name, "contacts.name");
    EXPECT_TRUE(Vault::IsSealed(sealed));
    EXPECT_EQ(sealed.find("Соколов"), std::string::npos);
    EXPECT_NE(sealed, vault->Seal(name, "contacts.name"));  // a fresh nonce each time
    auto opened = vault->Open(sealed, "contacts.name");
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(*opened, name);
    EXPECT_EQ(*vault->Open(vault->Seal("", "phones.raw"), "phones.raw"), "");

    auto moved = vault->Open(sealed, "phones.e164");
    ASSERT_FALSE(moved);
    EXPECT_EQ(moved.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(moved.error().message.find("fails authentication"), std::string::npos);
    std::string changed = sealed;
    changed[changed.size() - 3] = changed[changed.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(vault->Open(changed, "contacts.name"));
    EXPECT_FALSE(vault->Open("Соколов", "contacts.name"));
    EXPECT_FALSE(vault->Open("enc1:1:", "contacts.name"));
    auto unknown = vault->Open("enc1:9:" + sealed.substr(7), "contacts.name");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
    EXPECT_NE(unknown.error().message.find("data key 9"), std::string::npos);
}

TEST_F(VaultTest, WordKeysAreStablePerKeyAndFindWholeWords) {
    auto vault = Vault::AddKeys(path_);
    ASSERT_TRUE(vault);
    const int64_t a = vault->WordKeys("соколов")[0];
    auto words = vault->WordKeys("соколов алексей, соколов-младший");
    ASSERT_EQ(words.size(), 3u);  // соколов, алексей, младший: each once
    EXPECT_EQ(words[0], vault->WordKeys("соколов")[0]);
    EXPECT_EQ(words[2], vault->WordKeys("младший")[0]);
    EXPECT_NE(words[0], words[1]);

    EXPECT_TRUE(vault->WordKeys(" ,- ").empty());
    EXPECT_NE(vault->WordKeys("соколова")[0], a);  // whole words only

    // Another key file, other keys: a key says nothing without the key file.
    std::string other = path_ + ".other";
    auto second = Vault::AddKeys(other);
    ASSERT_TRUE(second);
    EXPECT_NE(second->WordKeys("соколов")[0], a);
    fs::remove(other);
}

TEST_F(VaultTest, FindableSealsAreEqualForEqualNumbersAndOpenLikeAnyOther) {
    auto vault = Vault::AddKeys(path_);
    ASSERT_TRUE(vault);
    std::string a = vault->SealFindable("+79161234567", "phone");
    EXPECT_EQ(a, vault->SealFindable("+79161234567", "phone"));  // WHERE e164 = $1 finds it
    EXPECT_NE(a, vault->SealFindable("+79161234568", "phone"));
    EXPECT_TRUE(a.starts_with("encd:1:"));
    EXPECT_TRUE(Vault::IsSealed(a));
    EXPECT_EQ(a.find("9161234567"), std::string::npos);
    EXPECT_EQ(*vault->Open(a, "phone"), "+79161234567");
    EXPECT_FALSE(vault->Open(a, "contacts.name"));  // the domain is the associated data
    std::string changed = a;
    changed[changed.size() - 3] = changed[changed.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(vault->Open(changed, "phone"));
    // Another key file seals the same number differently.
    std::string other = path_ + ".other";
    auto second = Vault::AddKeys(other);
    ASSERT_TRUE(second);
    EXPECT_NE(second->SealFindable("+79161234567", "phone"), a);
    fs::remove(other);
}

TEST_F(VaultTest, BlindIndexesAreEqualForEqualValuesAndSayNothingWithoutTheKeyFile) {
    auto vault = Vault::AddKeys(path_);
    ASSERT_TRUE(vault);
    const std::string mail = "ivan.petrov.unique@example.ru";
    std::string a = vault->BlindIndex(mail, "contacts.email");
    EXPECT_EQ(a, vault->BlindIndex(mail, "contacts.email"));  // WHERE email_key = $1 finds it
    ASSERT_EQ(a.size(), 4u + 32u);
    EXPECT_TRUE(a.starts_with("bi1:"));
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef", 4), std::string::npos);
    EXPECT_FALSE(Vault::IsSealed(a));  // a hash, nothing to open
    EXPECT_NE(a, vault->BlindIndex("ivan.petrov.uniqu@example.ru", "contacts.email"));
    EXPECT_NE(a, vault->BlindIndex(mail, "contacts.comment"));  // the domain is hashed too
    // Not an unkeyed hash of the value: the database alone cannot test a guess.
    std::string other = path_ + ".other";
    auto second = Vault::AddKeys(other);
    ASSERT_TRUE(second);
    EXPECT_NE(second->BlindIndex(mail, "contacts.email"), a);
    fs::remove(other);
    // A rotation's new index key gives new indexes (encryption rebuilds them).
    auto rotated = Vault::AddKeys(path_);
    ASSERT_TRUE(rotated);
    EXPECT_NE(rotated->BlindIndex(mail, "contacts.email"), a);
}

TEST_F(VaultTest, RotationKeepsOldValuesOpenUntilTheOldKeysAreDropped) {
    auto first = Vault::AddKeys(path_);
    ASSERT_TRUE(first);
    std::string pseudonym_key;
    std::ifstream(path_) >> pseudonym_key;
    std::string old_sealed = first->Seal("+79161234567", "phones.e164");
    auto rotated = Vault::AddKeys(path_);
    ASSERT_TRUE(rotated);
    EXPECT_EQ(rotated->data_key(), 2u);
    EXPECT_EQ(rotated->index_key(), 2u);
    EXPECT_TRUE(rotated->Seal("x", "c").starts_with("enc1:2:"));
    EXPECT_EQ(*rotated->Open(old_sealed, "phones.e164"), "+79161234567");
    EXPECT_NE(rotated->SealFindable("+79161234567", "phone"),
              first->SealFindable("+79161234567", "phone"));
    EXPECT_NE(rotated->WordKeys("соколов"), first->WordKeys("соколов"));

    ASSERT_TRUE(Vault::KeepOnly(path_, 2, 2));
    auto after = Vault::FromKeyFile(path_);
    ASSERT_TRUE(after);
    auto gone = after->Open(old_sealed, "phones.e164");
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
    // The pseudonym key (line 1) survives every rewrite: pseudonyms stay stable.
    std::string still;
    std::ifstream(path_) >> still;
    EXPECT_EQ(still, pseudonym_key);
    EXPECT_FALSE(Vault::KeepOnly(path_, 1, 2));  // a key it no longer has
}

TEST_F(VaultTest, AMissingReadableOrMalformedKeyFileIsRefusedWithTheReason) {
    auto missing = Vault::FromKeyFile(path_);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_NE(missing.error().hint.find("CALLBASE_KEY_FILE"), std::string::npos);

    ASSERT_TRUE(Vault::AddKeys(path_));
    fs::permissions(path_, fs::perms::group_read, fs::perm_options::add);
    auto readable = Vault::FromKeyFile(path_);
    ASSERT_FALSE(readable);
    EXPECT_EQ(readable.error().hint, "chmod 600 " + path_);

    {
        std::ofstream out(path_, std::ios::app);
        out << "data 7 not-a-key\n";
    }
    fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write);
    auto malformed = Vault::FromKeyFile(path_);
    ASSERT_FALSE(malformed);
    EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(malformed.error().message.find(":4:"), std::string::npos);  // the line

    // A pseudonym-only file (what `contacts show` made for an analyst) is an
    // empty vault, and AddKeys keeps its pseudonym key.
    std::ofstream(path_, std::ios::trunc) << std::string(64, 'a') << "\n";
    auto empty = Vault::FromKeyFile(path_);
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_FALSE(empty->has_keys());
    ASSERT_TRUE(Vault::AddKeys(path_));
    std::string first;
    std::ifstream(path_) >> first;
    EXPECT_EQ(first, std::string(64, 'a'));
}

}  // namespace
}  // namespace callbase::security
