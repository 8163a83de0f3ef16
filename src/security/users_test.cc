// Users on both backends: argon2id passwords, lock-out, disabling, TOTP by
// RFC 6238's own test vectors and the enrolment an administrator goes through.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string_view>
#include <thread>
#include <vector>

#include "security/users.h"
#include "support/test_store.h"

namespace callbase::security {
namespace {

std::span<const unsigned char> Bytes(std::string_view s) {
    return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

TEST(Totp, Rfc6238TestVectorsForSha1) {
    const std::string_view secret = "12345678901234567890";
    EXPECT_EQ(TotpCode(Bytes(secret), 59, 8), "94287082");
    EXPECT_EQ(TotpCode(Bytes(secret), 1111111109, 8), "07081804");
    EXPECT_EQ(TotpCode(Bytes(secret), 1234567890, 8), "89005924");
    EXPECT_EQ(TotpCode(Bytes(secret), 20000000000, 8), "65353130");
    EXPECT_EQ(TotpCode(Bytes(secret), 59), "287082");
    EXPECT_TRUE(TotpMatches(Bytes(secret), "287082", 59 + 30)) << "one step of drift";
    EXPECT_FALSE(TotpMatches(Bytes(secret), "287082", 59 + 90));
    EXPECT_FALSE(TotpMatches(Bytes(secret), "28708", 59));
}

TEST(Totp, Base32FollowsRfc4648) {
    EXPECT_EQ(Base32Encode(Bytes("foobar")), "MZXW6YTBOI");
    EXPECT_EQ(Base32Encode(Bytes("f")), "MY");
    auto back = Base32Decode("mzxw 6ytb oi");
    ASSERT_TRUE(back);
    EXPECT_EQ(std::string(back->begin(), back->end()), "foobar");
    EXPECT_FALSE(Base32Decode("MZ1"));
}

class UsersTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
    }
    std::unique_ptr<store::Store> db_;
    FixedClock clock_{1795413600};
};

TEST_P(UsersTest, PasswordsLockOutAndDisabling) {
    Users users(*db_, clock_);
    EXPECT_EQ(*users.CountActive(), 0);
    EXPECT_FALSE(users.Add("anna", Role::kOperator, "short"));
    EXPECT_FALSE(users.Add("anna smith", Role::kOperator, "long enough password"));
    ASSERT_TRUE(users.Add("anna", Role::kOperator, "correct horse battery"));
    EXPECT_EQ(users.Add("anna", Role::kOperator, "correct horse battery").error().code,
              ErrorCode::kConflict);
    auto hash = db_->QueryValue("SELECT password_hash FROM users WHERE name = 'anna'");
    ASSERT_TRUE(hash);
    EXPECT_TRUE(store::Row({*hash}).Text(0).starts_with("$argon2id$"));

    auto ok = users.Authenticate("anna", "correct horse battery", "");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->role, Role::kOperator);
    auto unknown = users.Authenticate("nobody", "correct horse battery", "");
    auto wrong = users.Authenticate("anna", "wrong horse battery", "");
    ASSERT_FALSE(unknown);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(unknown.error().message, wrong.error().message) << "no hint which one was wrong";
    for (int i = 1; i < kMaxFailedLogins; ++i)
        ASSERT_FALSE(users.Authenticate("anna", "wrong horse battery", ""));
    auto locked = users.Authenticate("anna", "correct horse battery", "");
    ASSERT_FALSE(locked);
    EXPECT_NE(locked.error().message.find("locked"), std::string::npos);
    clock_.Advance(kLockout);
    EXPECT_TRUE(users.Authenticate("anna", "correct horse battery", ""));

    ASSERT_TRUE(users.SetRole("anna", Role::kSupervisor));
    EXPECT_EQ(users.Find("anna")->role, Role::kSupervisor);
    ASSERT_TRUE(users.SetPassword("anna", "a new long passphrase"));
    EXPECT_TRUE(users.Authenticate("anna", "a new long passphrase", ""));
    ASSERT_TRUE(users.Disable("anna"));
    EXPECT_FALSE(users.Authenticate("anna", "a new long passphrase", ""));
    EXPECT_EQ(*users.CountActive(), 0);
    EXPECT_EQ(users.SetRole("bob", Role::kAdmin).error().code, ErrorCode::kNotFound);
}

TEST_P(UsersTest, AnAdministratorNeedsTotpAndEnrolsIt) {
    Users users(*db_, clock_);
    ASSERT_TRUE(users.Add("root", Role::kAdmin, "an admin passphrase"));
    auto no_factor = users.Authenticate("root", "an admin passphrase", "");
    ASSERT_FALSE(no_factor);
    EXPECT_NE(no_factor.error().hint.find("callbase user totp root"), std::string::npos);
    // Enrolment: the password alone opens it.
    ASSERT_TRUE(users.Authenticate("root", "an admin passphrase", "", /*enrolling=*/true));
    auto secret = users.BeginTotp("root");
    ASSERT_TRUE(secret);
    auto bytes = Base32Decode(*secret);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->size(), 20u);
    EXPECT_FALSE(users.ConfirmTotp("root", "000000") && TotpCode(*bytes, clock_.Now()) != "000000");
    ASSERT_TRUE(users.ConfirmTotp("root", TotpCode(*bytes, clock_.Now())));
    EXPECT_TRUE(users.Find("root")->totp_enabled);
    auto in = users.Authenticate("root", "an admin passphrase", TotpCode(*bytes, clock_.Now()));
    ASSERT_TRUE(in) << in.error().message;
    auto missing = users.Authenticate("root", "an admin passphrase", "");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "wrong user name, password or code")
        << "a missing code does not confirm the password";
    EXPECT_FALSE(users.Authenticate("root", "an admin passphrase", "123456") &&
                 TotpCode(*bytes, clock_.Now()) != "123456");
}

// Issue 17, item 19: the answers of a login confirm nothing.
TEST_P(UsersTest, AWrongCodeAndAWrongPasswordAnswerAlike) {
    Users users(*db_, clock_);
    ASSERT_TRUE(users.Add("root", Role::kAdmin, "an admin passphrase"));
    auto bytes = Base32Decode(*users.BeginTotp("root"));
    ASSERT_TRUE(users.ConfirmTotp("root", TotpCode(*bytes, clock_.Now())));
    const std::string wrong_code = TotpCode(*bytes, clock_.Now() + 3600);
    auto bad_code = users.Authenticate("root", "an admin passphrase", wrong_code);
    auto no_code = users.Authenticate("root", "an admin passphrase", "");
    auto bad_password = users.Authenticate("root", "not the passphrase", wrong_code);
    auto unknown = users.Authenticate("rooot", "an admin passphrase", wrong_code);
    for (const auto* r : {&bad_code, &no_code, &bad_password, &unknown}) {
        ASSERT_FALSE(*r);
        EXPECT_EQ(r->error().code, bad_password.error().code);
        EXPECT_EQ(r->error().message, bad_password.error().message);
        EXPECT_EQ(r->error().hint, bad_password.error().hint);
    }
}

TEST_P(UsersTest, ANameThatIsNoUserLocksLikeOneThatIs) {
    Users users(*db_, clock_);
    ASSERT_TRUE(users.Add("anna", Role::kOperator, "correct horse battery"));
    std::map<std::string, std::vector<std::string>> answers;
    for (const std::string name : {"anna", "anya"}) {
        for (int i = 0; i <= kMaxFailedLogins; ++i) {
            auto r = users.Authenticate(name, "wrong horse battery", "");
            ASSERT_FALSE(r);
            std::string said = r.error().message + "; " + r.error().hint;
            // The name itself is in the lock's message: compare without it.
            for (size_t at; (at = said.find(name)) != std::string::npos;)
                said.replace(at, name.size(), "NAME");
            answers[name].push_back(said);
        }
    }
    EXPECT_EQ(answers["anna"], answers["anya"]);
    EXPECT_TRUE(answers["anya"].back().starts_with("NAME is locked")) << answers["anya"].back();
    EXPECT_TRUE(answers["anya"].front().starts_with("wrong user name")) << answers["anya"].front();
    // Locked, a right password is not even checked; unknown, likewise.
    EXPECT_NE(
        users.Authenticate("anna", "correct horse battery", "").error().message.find("locked"),
        std::string::npos);
    clock_.Advance(kLockout);
    EXPECT_TRUE(users.Authenticate("anna", "correct horse battery", ""));
    EXPECT_EQ(users.Authenticate("anya", "correct horse battery", "").error().message,
              "wrong user name, password or code");
}

// 60 concurrent wrong passwords got 9 checks where the lock allows 5: each try
// now takes its place in the count before the password is checked. (12 tries
// here: each check holds 64 MiB of argon2id memory.)
TEST_P(UsersTest, ConcurrentWrongPasswordsGetNoMoreChecksThanTheLockAllows) {
    ASSERT_TRUE(Users(*db_, clock_).Add("anna", Role::kOperator, "correct horse battery"));
    for (const std::string name : {"anna", "nobody"}) {
        constexpr int kTries = 12;
        std::vector<std::unique_ptr<store::Store>> connections;
        for (int i = 0; i < kTries; ++i) {
            connections.push_back(testing::OpenSecondConnection(*db_));
            ASSERT_TRUE(connections.back());
        }
        std::atomic<int> checked{0}, locked{0}, other{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < kTries; ++i) {
            threads.emplace_back([&, i] {
                auto r = Users(*connections[static_cast<size_t>(i)], clock_)
                             .Authenticate(name, "wrong horse battery", "");
                if (r) {
                    ++other;
                } else if (r.error().message == "wrong user name, password or code") {
                    ++checked;
                } else if (r.error().message.find("locked") != std::string::npos) {
                    ++locked;
                } else {
                    ADD_FAILURE() << r.error().message;
                    ++other;
                }
            });
        }
        for (auto& t : threads)
            t.join();
        EXPECT_EQ(checked, kMaxFailedLogins) << name;
        EXPECT_EQ(locked, kTries - kMaxFailedLogins) << name;
        EXPECT_EQ(other, 0) << name;
    }
    Users users(*db_, clock_);
    ASSERT_TRUE(users.Unlock("anna"));
    EXPECT_TRUE(users.Authenticate("anna", "correct horse battery", ""))
        << "unlocked by an administrator";
    EXPECT_EQ(users.Unlock("nobody").error().code, ErrorCode::kNotFound);
}

// A lost phone: the administrator resets the second factor; the old codes
// open nothing, the password alone does not either (the role needs one), and
// the user enrols a new one with the password.
TEST_P(UsersTest, AResetSecondFactorIsSetUpAnew) {
    Users users(*db_, clock_);
    ASSERT_TRUE(users.Add("dina", Role::kDpo, "a dpo passphrase"));
    ASSERT_TRUE(users.Add("oleg", Role::kOperator, "an operator passphrase"));
    auto old_secret = Base32Decode(*users.BeginTotp("dina"));
    ASSERT_TRUE(users.ConfirmTotp("dina", TotpCode(*old_secret, clock_.Now())));
    ASSERT_TRUE(users.ResetTotp("dina"));
    EXPECT_FALSE(users.Find("dina")->totp_enabled);
    EXPECT_FALSE(
        users.Authenticate("dina", "a dpo passphrase", TotpCode(*old_secret, clock_.Now())))
        << "the lost phone's code still opened the account";
    EXPECT_FALSE(users.Authenticate("dina", "a dpo passphrase", ""))
        << "a dpo logged in without a second factor";
    EXPECT_TRUE(users.Authenticate("dina", "a dpo passphrase", "", /*enrolling=*/true));
    auto fresh = Base32Decode(*users.BeginTotp("dina"));
    ASSERT_NE(*fresh, *old_secret);
    ASSERT_TRUE(users.ConfirmTotp("dina", TotpCode(*fresh, clock_.Now())));
    clock_.Advance(30);
    EXPECT_TRUE(users.Authenticate("dina", "a dpo passphrase", TotpCode(*fresh, clock_.Now())));

    EXPECT_EQ(users.ResetTotp("oleg").error().code, ErrorCode::kConflict) << "oleg has none";
    EXPECT_EQ(users.ResetTotp("nobody").error().code, ErrorCode::kNotFound);
}

TEST_P(UsersTest, ATotpCodeIsTakenOnceAcrossConnections) {
    Users users(*db_, clock_);
    ASSERT_TRUE(users.Add("root", Role::kAdmin, "an admin passphrase"));
    auto bytes = Base32Decode(*users.BeginTotp("root"));
    ASSERT_TRUE(users.ConfirmTotp("root", TotpCode(*bytes, clock_.Now())));
    const std::string code = TotpCode(*bytes, clock_.Now());
    auto first = users.Authenticate("root", "an admin passphrase", code, false, true);
    ASSERT_TRUE(first) << first.error().message;
    // Another server on the same base: the step is in the base, not in memory.
    auto other = testing::OpenSecondConnection(*db_);
    ASSERT_TRUE(other);
    auto again =
        Users(*other, clock_).Authenticate("root", "an admin passphrase", code, false, true);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message, "wrong user name, password or code");
    // An earlier step's code, still within the drift, is no better.
    auto earlier = users.Authenticate("root", "an admin passphrase",
                                      TotpCode(*bytes, clock_.Now() - 30), false, true);
    EXPECT_FALSE(earlier);
    clock_.Advance(30);
    EXPECT_TRUE(users.Authenticate("root", "an admin passphrase", TotpCode(*bytes, clock_.Now()),
                                   false, true))
        << "the next code is good";
    // The CLI reads one code for every command of a script: it does not spend.
    EXPECT_TRUE(users.Authenticate("root", "an admin passphrase", TotpCode(*bytes, clock_.Now())));
}

INSTANTIATE_TEST_SUITE_P(Backends, UsersTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::security
