// Stop-list, consents with double opt-in, attempts and the inactivity rule,
// deletion requests and the calling rules, on both backends, as a supervisor
// and the data-protection officer rely on them; and the gate fed from the store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "compliance/attempts.h"
#include "compliance/consent.h"
#include "compliance/deletion.h"
#include "compliance/rules.h"
#include "compliance/stop_list.h"
#include "support/test_phone.h"
#include "support/test_store.h"

namespace callbase::compliance {
namespace {

// 2026-11-23 (a Monday) 09:00 in Moscow.
constexpr UnixSeconds kNow = 1795413600;
const std::string kPhone = "+79161234567";

// Keeps the messages instead of sending them.
class CapturingSender final : public SmsSender {
public:
    Result<void> Send(const std::string& e164, const std::string& text) override {
        sent.emplace_back(e164, text);
        return {};
    }
    std::string LastCode() const {
        const std::string& text = sent.back().second;
        size_t at = text.find_first_of("0123456789");
        return text.substr(at, 6);
    }
    std::vector<std::pair<std::string, std::string>> sent;
};

class ComplianceStoreTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
    }
    int64_t Count(const std::string& sql, const std::vector<store::Value>& params = {}) {
        callbase::testing::PlainView plain(*db_);
        auto v = db_->QueryValue(sql, params);
        EXPECT_TRUE(v) << sql << (v ? "" : ": " + v.error().message);
        return v ? store::Row({*v}).Int(0) : -1;
    }
    Decision Gate(const std::string& purpose, UnixSeconds at) {
        auto state = LoadNumberState(*db_, kPhone, 180, at, nullptr);
        EXPECT_TRUE(state) << state.error().message;
        auto rules = LoadRules(*db_);
        EXPECT_TRUE(rules) << rules.error().message;
        return DialGate::Check(*state, purpose, at, *rules);
    }
    static bool Has(const Decision& d, DenyReason reason) {
        for (const auto& r : d.reasons)
            if (r.reason == reason) return true;
        return false;
    }
    std::unique_ptr<store::Store> db_;
    FixedClock clock_{kNow};
};

TEST_P(ComplianceStoreTest, StopListCategoriesReasonsAndTheGate) {
    StopList list(*db_, clock_);
    EXPECT_TRUE(Gate("service", kNow).allowed);
    auto later = list.Add(kPhone, StopCategory::kNotNow, std::nullopt, "operator", "", "anna");
    ASSERT_TRUE(later) << later.error().message;
    EXPECT_EQ(later->until, kNow + kNotNowDefault);  // six months by default
    auto d = Gate("service", kNow);
    ASSERT_TRUE(Has(d, DenyReason::kStopList));
    EXPECT_EQ(d.earliest, kNow + kNotNowDefault);
    // The same request twice is one entry.
    auto again = list.Add(kPhone, StopCategory::kNotNow, std::nullopt, "robot", "", "robot");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->id, later->id);
    auto dated = list.Add(kPhone, StopCategory::kDoNotDisturb, kNow + 10, "cli", "", "a");
    ASSERT_FALSE(dated);
    EXPECT_EQ(dated.error().key, "stop.no_end_date");
    EXPECT_EQ(dated.error().params, (MessageParams{{"category", "do_not_disturb"}}));
    auto fax = list.Add(kPhone, StopCategory::kDoNotDisturb, std::nullopt, "fax", "", "a");
    ASSERT_FALSE(fax);
    EXPECT_EQ(fax.error().key, "stop.unknown_channel");
    EXPECT_EQ(fax.error().params, (MessageParams{{"channel", "fax"}}));
    ASSERT_TRUE(list.Add(kPhone, StopCategory::kDoNotDisturb, std::nullopt, "cli", "", "anna"));
    EXPECT_FALSE(Gate("service", kNow + kNotNowDefault + 86400).earliest) << "for good";

    auto no_reason = list.Remove(kPhone, std::nullopt, "  ", "anna");
    ASSERT_FALSE(no_reason);
    EXPECT_EQ(no_reason.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(no_reason.error().key, "stop.no_reason");
    EXPECT_TRUE(no_reason.error().params.empty());
    auto removed = list.Remove(kPhone, StopCategory::kDoNotDisturb, "asked to be called", "olga");
    ASSERT_TRUE(removed) << removed.error().message;
    EXPECT_EQ(*removed, 1);
    // The removal is kept: who, when, why.
    auto all = list.List(std::nullopt, true);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ(all->front().removed_by, "olga");
    EXPECT_EQ(all->front().removal_reason, "asked to be called");
    EXPECT_EQ(list.List(std::nullopt, false)->size(), 1u);
    auto gone = list.Remove(kPhone, StopCategory::kDoNotDisturb, "again", "olga");
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(gone.error().key, "stop.not_listed");
    EXPECT_EQ(gone.error().params,
              (MessageParams{{"phone", kPhone}, {"category", "do_not_disturb"}}));
    EXPECT_EQ(gone.error().message, kPhone + " is not on the stop-list as do_not_disturb");
    // Without a category the message names none.
    auto never = list.Remove("+79031112233", std::nullopt, "why", "olga");
    ASSERT_FALSE(never);
    EXPECT_EQ(never.error().key, "stop.not_listed");
    EXPECT_EQ(never.error().params, (MessageParams{{"phone", "+79031112233"}, {"category", ""}}));
    EXPECT_EQ(never.error().message, "+79031112233 is not on the stop-list");
    auto no_entry = list.RemoveEntry(999, "why", "olga");
    ASSERT_FALSE(no_entry);
    EXPECT_EQ(no_entry.error().key, "stop.entry_gone");
    EXPECT_EQ(no_entry.error().params, (MessageParams{{"id", "999"}}));
}

TEST_P(ComplianceStoreTest, StopListImportSkipsBadLinesAndKeepsTheRest) {
    auto path = std::filesystem::temp_directory_path() /
                ("dnc-" + std::to_string(::getpid()) + "-" +
                 std::to_string(static_cast<int>(GetParam())) + ".txt");
    std::ofstream(path) << "Телефон\n8 (916) 123-45-67\n+7 903 111-22-33\r\nнет\n\n# note\n"
                           "89161234567\n";
    StopList list(*db_, clock_);
    auto report = list.Import(path.string(), StopCategory::kDoNotDisturb, std::nullopt,
                              callbase::testing::TestCleaner(), "anna");
    std::filesystem::remove(path);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->read, 4);
    EXPECT_EQ(report->added, 2);
    EXPECT_EQ(report->already, 1);
    EXPECT_EQ(report->rejected, 1);
    ASSERT_EQ(report->errors.size(), 1u);
    EXPECT_NE(report->errors[0].find(":4: нет"), std::string::npos) << report->errors[0];
    EXPECT_EQ(Count("SELECT COUNT(*) FROM stop_list WHERE channel = 'import'"), 2);

    // A "not now" entry that has lapsed is not "already there": the import
    // adds a new one and says so.
    auto lapsing =
        list.Add("+79051112233", StopCategory::kNotNow, kNow + 3600, "operator", "", "anna");
    ASSERT_TRUE(lapsing) << lapsing.error().message;
    clock_.Advance(7200);
    std::ofstream(path) << "8 905 111-22-33\n";
    auto again = list.Import(path.string(), StopCategory::kNotNow, std::nullopt,
                             callbase::testing::TestCleaner(), "anna");
    std::filesystem::remove(path);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->added, 1);
    EXPECT_EQ(again->already, 0);
}

TEST_P(ComplianceStoreTest, ConsentsPurposesTextsAndRevocation) {
    Consents consents(*db_, clock_);
    EXPECT_TRUE(Has(Gate("marketing", kNow), DenyReason::kNoConsent));
    EXPECT_TRUE(Gate("service", kNow).allowed) << "service needs no consent";
    auto text = consents.AddText("marketing", "Согласен получать предложения.");
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, 1);
    EXPECT_EQ(*consents.AddText("marketing", "Согласен получать предложения по SMS."), 2);
    ConsentInput in{kPhone,      "marketing",   kNow - 3600,   "web_form",   std::nullopt,
                    "landing-7", "203.0.113.5", "Mozilla/5.0", std::nullopt, std::nullopt};
    auto id = consents.Add(in, "site");
    ASSERT_TRUE(id) << id.error().message;
    auto shown = consents.ForNumber(kPhone);
    ASSERT_TRUE(shown);
    ASSERT_EQ(shown->size(), 1u);
    EXPECT_EQ(shown->front().text_version, 2);  // the latest text when none is named
    EXPECT_EQ(shown->front().ip, "203.0.113.5");
    EXPECT_TRUE(Gate("marketing", kNow).allowed);

    in.purpose = "survey";
    auto unknown = consents.Add(in, "site");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().hint.find("marketing"), std::string::npos);
    EXPECT_EQ(unknown.error().key, "consent.unknown_purpose");
    ASSERT_EQ(unknown.error().params.size(), 2u);
    EXPECT_EQ(unknown.error().params[0],
              (std::pair<std::string, std::string>{"purpose", "survey"}));
    EXPECT_NE(unknown.error().params[1].second.find("marketing"), std::string::npos);
    ASSERT_TRUE(consents.AddPurpose("survey", "short surveys"));
    auto twice = consents.AddPurpose("survey", "again");
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().key, "consent.purpose_exists");
    EXPECT_EQ(twice.error().params, (MessageParams{{"name", "survey"}}));
    EXPECT_TRUE(consents.Add(in, "site"));
    auto cyrillic = consents.AddPurpose("Опросы", "");
    ASSERT_FALSE(cyrillic);
    EXPECT_EQ(cyrillic.error().key, "consent.bad_purpose_name");
    EXPECT_EQ(cyrillic.error().params, (MessageParams{{"name", "Опросы"}}));
    in.text_version = 9;
    auto no_text = consents.Add(in, "site");
    ASSERT_FALSE(no_text);
    EXPECT_EQ(no_text.error().key, "consent.no_text_version");
    EXPECT_EQ(no_text.error().params, (MessageParams{{"purpose", "survey"}, {"version", "9"}}));
    EXPECT_EQ(no_text.error().message, "survey has no consent text version 9");
    in.channel = "telepathy";
    in.text_version.reset();
    auto channel = consents.Add(in, "site");
    ASSERT_FALSE(channel);
    EXPECT_EQ(channel.error().key, "consent.unknown_channel");
    EXPECT_EQ(channel.error().params, (MessageParams{{"channel", "telepathy"}}));

    EXPECT_EQ(consents.Revoke(kPhone, "marketing", "", "anna").error().key, "consent.no_how");
    ASSERT_TRUE(consents.Revoke(kPhone, "marketing", "said no on a call", "anna"));
    auto revoked = Gate("marketing", kNow);
    EXPECT_TRUE(Has(revoked, DenyReason::kConsentRevoked));
    EXPECT_FALSE(revoked.earliest);
    auto again = consents.Revoke(kPhone, "marketing", "again", "anna");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(again.error().key, "consent.not_in_force");
    EXPECT_EQ(again.error().params, (MessageParams{{"phone", kPhone}, {"purpose", "marketing"}}));
    EXPECT_EQ(consents.ForNumber(kPhone)->front().revoked_how, "said no on a call");
}

TEST_P(ComplianceStoreTest, DoubleOptInCodesExpireAndLockAfterFiveWrongOnes) {
    Consents consents(*db_, clock_);
    CapturingSender sms;
    auto req = consents.Request(kPhone, "marketing", sms, "site");
    ASSERT_TRUE(req) << req.error().message;
    EXPECT_EQ(req->expires_at, kNow + Consents::kCodeLifetime);
    ASSERT_EQ(sms.sent.size(), 1u);
    EXPECT_EQ(sms.sent[0].first, kPhone);
    std::string code = sms.LastCode();
    EXPECT_EQ(
        Count("SELECT COUNT(*) FROM consent_requests WHERE code_hash LIKE $1", {"%" + code + "%"}),
        0)
        << "the code itself is not stored";
    std::string wrong = code == "000000" ? "111111" : "000000";
    for (int i = 1; i < Consents::kMaxWrongCodes; ++i) {
        auto bad = consents.Confirm(kPhone, wrong, "site");
        ASSERT_FALSE(bad);
        EXPECT_NE(bad.error().message.find("tries left"), std::string::npos);
        EXPECT_EQ(bad.error().key, "consent.wrong_code");
        EXPECT_EQ(bad.error().params,
                  (MessageParams{{"phone", kPhone},
                                 {"left", std::to_string(Consents::kMaxWrongCodes - i)}}));
    }
    auto ok = consents.Confirm(kPhone, code, "site");
    ASSERT_TRUE(ok) << ok.error().message;
    auto c = consents.ForNumber(kPhone)->front();
    EXPECT_EQ(c.channel, "sms");
    EXPECT_EQ(c.sms_sent_at, kNow);
    EXPECT_EQ(c.sms_confirmed_at, kNow);
    EXPECT_TRUE(Gate("marketing", kNow).allowed);
    EXPECT_FALSE(consents.Confirm(kPhone, code, "site")) << "a code is good once";

    // Five wrong codes lock the request; the right one then does nothing.
    ASSERT_TRUE(consents.Request(kPhone, "marketing", sms, "site"));
    code = sms.LastCode();
    wrong = code == "000000" ? "111111" : "000000";
    for (int i = 0; i < Consents::kMaxWrongCodes; ++i)
        ASSERT_FALSE(consents.Confirm(kPhone, wrong, "site"));
    auto locked = consents.Confirm(kPhone, code, "site");
    ASSERT_FALSE(locked);
    EXPECT_NE(locked.error().message.find("locked"), std::string::npos);
    EXPECT_EQ(locked.error().key, "consent.request_locked");
    EXPECT_EQ(locked.error().params, (MessageParams{{"phone", kPhone}, {"count", "5"}}));

    // A code expires after 24 hours.
    ASSERT_TRUE(consents.Request(kPhone, "marketing", sms, "site"));
    clock_.Advance(Consents::kCodeLifetime);
    auto expired = consents.Confirm(kPhone, sms.LastCode(), "site");
    ASSERT_FALSE(expired);
    EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
    EXPECT_EQ(expired.error().key, "consent.code_expired");
    EXPECT_EQ(expired.error().params, (MessageParams{{"phone", kPhone}}));
    EXPECT_EQ(consents.ForNumber(kPhone)->size(), 1u);
}

TEST_P(ComplianceStoreTest, ThreeFailedDaysMakeTheNumberInactiveUntilReviewed) {
    ASSERT_TRUE(db_->Exec(
        "INSERT INTO contacts (id, name, created_at, updated_at) VALUES (1, 'Анна', 0, 0)"));
    ASSERT_TRUE(
        db_->Exec("INSERT INTO phones (contact_id, e164, created_at) VALUES (1, $1, 0)", {kPhone}));
    callbase::testing::SealSeeded(*db_);
    Attempts attempts(*db_, clock_);
    const int64_t day = 86400;
    // Two failures on the same local day count once; an answer resets the count.
    ASSERT_TRUE(attempts.Record(kPhone, kNow - 10 * day, "busy", 180, "cli"));
    ASSERT_TRUE(attempts.Record(kPhone, kNow - 9 * day, "no_answer", 180, "cli"));
    ASSERT_TRUE(attempts.Record(kPhone, kNow - 8 * day, "answered", 180, "cli"));
    ASSERT_TRUE(attempts.Record(kPhone, kNow - 3 * day, "busy", 180, "cli"));
    auto same_day = attempts.Record(kPhone, kNow - 3 * day + 3600, "no_answer", 180, "cli");
    ASSERT_TRUE(same_day);
    EXPECT_EQ(same_day->failed_days, 1);
    ASSERT_TRUE(attempts.Record(kPhone, kNow - 2 * day, "failed", 180, "cli"));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones WHERE inactive = 1"), 0);
    auto third = attempts.Record(kPhone, kNow - day, "no_answer", 180, "cli");
    ASSERT_TRUE(third);
    EXPECT_TRUE(third->became_inactive);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones WHERE inactive = 1"), 1);
    EXPECT_TRUE(Has(Gate("service", kNow), DenyReason::kInactive));
    auto list = attempts.ReviewList(true);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_NE(list->front().reason.find("3 different days"), std::string::npos);
    auto maybe = attempts.Record(kPhone, kNow, "maybe", 180, "cli");
    ASSERT_FALSE(maybe);
    EXPECT_EQ(maybe.error().key, "attempt.unknown_outcome");
    EXPECT_EQ(maybe.error().params, (MessageParams{{"outcome", "maybe"}}));

    auto forget = attempts.Review(kPhone, "forget", "olga");
    ASSERT_FALSE(forget);
    EXPECT_EQ(forget.error().key, "inactive.unknown_decision");
    EXPECT_EQ(forget.error().params, (MessageParams{{"decision", "forget"}}));
    ASSERT_TRUE(attempts.Review(kPhone, "reactivate", "olga"));
    auto twice = attempts.Review(kPhone, "keep", "olga");
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().key, "inactive.not_listed");
    EXPECT_EQ(twice.error().params, (MessageParams{{"phone", kPhone}}));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones WHERE inactive = 1"), 0);
    EXPECT_TRUE(attempts.ReviewList(true)->empty());
    // Old failures do not count again after a reactivation.
    clock_.Advance(3600);
    auto next = attempts.Record(kPhone, kNow + 2 * 3600, "busy", 180, "cli");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->failed_days, 1);
    EXPECT_FALSE(next->became_inactive);
}

TEST_P(ComplianceStoreTest, ADeletionRequestStopsCallsAtOnceAndProcessingRemovesTheData) {
    ASSERT_TRUE(db_->ExecScript(
        "INSERT INTO contacts (id, name, email, comment, region, created_at, updated_at) VALUES "
        "(1, 'Анна Петрова', 'anna@example.ru', 'звонить вечером', 'Москва', 0, 0);"
        "INSERT INTO contacts (id, name, created_at, updated_at) VALUES (2, 'Борис', 0, 0);"
        "INSERT INTO phones (contact_id, e164, raw, created_at) VALUES (1, '+79161234567', "
        "'8 916 123-45-67', 0);"
        "INSERT INTO phones (contact_id, e164, created_at) VALUES (1, '+74951234567', 0);"
        "INSERT INTO phones (contact_id, e164, created_at) VALUES (2, '+79031112233', 0);"
        "INSERT INTO history (contact_id, at, actor, action, after) VALUES (1, 0, 'a', "
        "'created', 'Анна Петрова');"
        "INSERT INTO field_defs (id, name, type, created_at) VALUES (1, 'Сумма', 'number', 0);"
        "INSERT INTO field_values (contact_id, field_id, value) VALUES (1, 1, '1500');"
        "INSERT INTO merges (at, actor, kept_id, merged_ids, snapshot) VALUES (0, 'a', 2, "
        "'[1]', '{\"contacts\":[\"Анна Петрова\"]}');"));
    callbase::testing::SealSeeded(*db_);
    // The e-mail's blind index, read as stored (PlainView would clear it).
    auto email_key = [&] {
        auto v = db_->QueryValue("SELECT email_key FROM contacts WHERE id = 1");
        EXPECT_TRUE(v);
        return v ? store::Row({*v}).Text(0) : std::string("?");
    };
    EXPECT_EQ(email_key().empty(), db_->cipher() == nullptr);
    Consents consents(*db_, clock_);
    ASSERT_TRUE(consents.Add({kPhone, "marketing", kNow - 60, "paper", std::nullopt, "", "", "",
                              std::nullopt, std::nullopt},
                             "anna"));
    Deletions deletions(*db_, clock_);
    auto pigeon = deletions.Request(kPhone, "pigeon", "", "dpo");
    ASSERT_FALSE(pigeon);
    EXPECT_EQ(pigeon.error().key, "deletion.unknown_channel");
    EXPECT_EQ(pigeon.error().params, (MessageParams{{"channel", "pigeon"}}));
    auto id = deletions.Request(kPhone, "email", "письмо от 20.11", "dpo");
    ASSERT_TRUE(id) << id.error().message;
    auto early = deletions.ArchivesDone(*id, "dpo");
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().key, "deletion.not_processed");
    EXPECT_EQ(early.error().params, (MessageParams{{"id", std::to_string(*id)}}));
    auto denied = Gate("marketing", kNow);
    EXPECT_TRUE(Has(denied, DenyReason::kDeletionPending));
    EXPECT_TRUE(Has(denied, DenyReason::kInactive));
    EXPECT_TRUE(*deletions.Pending(kPhone));

    auto processed = deletions.Process("dpo");
    ASSERT_TRUE(processed) << processed.error().message;
    EXPECT_EQ(*processed, std::vector<int64_t>{*id});
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE id = 1 AND name = '' AND email = '' AND "
                    "comment = '' AND region = ''"),
              1);
    EXPECT_EQ(email_key(), "") << "the blind index of the e-mail goes with it";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones WHERE contact_id = 1"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones WHERE contact_id = 2"), 1) << "others stay";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM history WHERE contact_id = 1"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_values WHERE contact_id = 1"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM merges WHERE snapshot LIKE '%Анна%'"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM consents WHERE e164 = $1", {kPhone}), 0);
    // What stays: the request, its steps, a do-not-disturb entry, under the
    // number's keyed hash.
    auto forgotten = ForgottenKey(*db_, kPhone);
    ASSERT_TRUE(forgotten && *forgotten);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM stop_list WHERE e164 = $1 AND category = "
                    "'do_not_disturb'",
                    {**forgotten}),
              1);
    auto after = Gate("service", kNow);
    EXPECT_FALSE(after.allowed);
    EXPECT_TRUE(Has(after, DenyReason::kStopList));
    EXPECT_FALSE(after.earliest);

    auto status = deletions.Status(*id);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, "processed");
    EXPECT_EQ(status->archives_due_at, kNow + kArchiveDeadline);
    EXPECT_GE(status->steps.size(), 4u);
    EXPECT_FALSE(status->archives_done_at);
    ASSERT_TRUE(deletions.ArchivesDone(*id, "dpo"));
    EXPECT_TRUE(deletions.Status(*id)->archives_done_at);
    auto report = deletions.Report(kNow - 86400, kNow + 86400);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->size(), 1u);
    std::string ru = DeletionNotice(*status, "ru");
    EXPECT_EQ(ru.find("9161234567"), std::string::npos) << "the number is forgotten";
    EXPECT_NE(ru.find("152-ФЗ"), std::string::npos);
    EXPECT_NE(DeletionNotice(*status, "en").find("2026-12-23"), std::string::npos);
    EXPECT_EQ(deletions.Status(999).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(deletions.Status(999).error().key, "deletion.not_found");
    EXPECT_EQ(deletions.Status(999).error().params, (MessageParams{{"id", "999"}}));
}

// Issue 17, item 7: what a processed deletion keeps holds the number as a
// keyed hash the gate matches; the person's earlier stop-list entries lose
// their notes; and on SQLite the bytes leave the database's files.
TEST_P(ComplianceStoreTest, AProcessedDeletionKeepsTheNumberOnlyAsAKeyedHash) {
    const std::string other_number = "+79031112233";
    StopList stops(*db_, clock_);
    ASSERT_TRUE(stops.Add(kPhone, StopCategory::kNotNow, std::nullopt, "operator",
                          "Аграфена просила позже", "op"));
    ASSERT_TRUE(stops.Remove(kPhone, std::nullopt, "Пантелеймонова перезвонила", "op"));
    ASSERT_TRUE(stops.Add(other_number, StopCategory::kWrittenOnly, std::nullopt, "operator",
                          "только письменно", "op"));
    Deletions deletions(*db_, clock_);
    ASSERT_TRUE(deletions.Request(kPhone, "letter", "письмо Пантелеймоновой", "dpo"));
    auto none = ForgottenKey(*db_, kPhone);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none) << "no key before the first processed deletion";
    ASSERT_TRUE(deletions.Process("dpo"));

    auto forgotten = ForgottenKey(*db_, kPhone);
    ASSERT_TRUE(forgotten && *forgotten);
    EXPECT_TRUE(forgotten->value().starts_with("del:"));
    EXPECT_EQ(forgotten->value().find("9161234567"), std::string::npos);
    EXPECT_NE(**ForgottenKey(*db_, other_number), **forgotten);
    EXPECT_EQ(
        Count("SELECT COUNT(*) FROM stop_list WHERE e164 = $1", {store::PhoneKey(*db_, kPhone)}),
        0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM deletion_requests WHERE e164 = $1",
                    {store::PhoneKey(*db_, kPhone)}),
              0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM deletion_requests WHERE e164 = $1 AND note = ''",
                    {**forgotten}),
              1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM stop_list WHERE e164 = $1", {**forgotten}), 2)
        << "the earlier not_now entry and the do-not-disturb entry";
    auto listed = stops.List(std::nullopt, true);
    ASSERT_TRUE(listed) << listed.error().message;
    for (const auto& e : *listed) {
        if (e.e164 == other_number) {
            EXPECT_EQ(e.note, "только письменно") << "another number's entry keeps its note";
            continue;
        }
        EXPECT_EQ(e.e164, **forgotten);
        EXPECT_EQ(e.note.find("Аграфена"), std::string::npos) << e.note;
        EXPECT_EQ(e.removal_reason.find("Пантелеймонова"), std::string::npos) << e.removal_reason;
    }
    // The gate and `dnc check` still find the number, in any later lookup.
    auto after = Gate("service", kNow);
    EXPECT_FALSE(after.allowed);
    EXPECT_TRUE(Has(after, DenyReason::kStopList));
    auto in_force = stops.InForce(kPhone, kNow);
    ASSERT_TRUE(in_force);
    ASSERT_EQ(in_force->size(), 1u);
    EXPECT_EQ(in_force->front().category, StopCategory::kDoNotDisturb);
    auto other = LoadNumberState(*db_, other_number, 180, kNow, nullptr);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->stops.size(), 1u) << "another number is matched by itself only";

    if (GetParam() == store::Backend::kSqlite) {
        // No byte of the number, the names or the notes in the files.
        const std::string path = db_->Describe().substr(std::string_view("sqlite:").size());
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::ifstream in(path + suffix, std::ios::binary);
            if (!in) continue;
            const std::string bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
            for (const char* secret : {"9161234567", "Аграфена", "Пантелеймонов"}) {
                EXPECT_EQ(bytes.find(secret), std::string::npos)
                    << secret << " is still in " << path << suffix;
            }
        }
    }
}

TEST_P(ComplianceStoreTest, CallingRulesAndHolidaysAreSavedAndChecked) {
    auto rules = LoadRules(*db_);
    ASSERT_TRUE(rules);
    EXPECT_EQ(rules->window_start_minute, 9 * 60);
    auto saved = SaveRulesJson(*db_,
                               R"({"window_start": "10:00", "window_end": "19:30",
                                   "weekdays": ["mon","tue","wed","thu","fri","sat"],
                                   "max_attempts": 2})",
                               "olga", clock_);
    ASSERT_TRUE(saved) << saved.error().message;
    auto loaded = LoadRules(*db_);
    EXPECT_EQ(loaded->window_start_minute, 600);
    EXPECT_EQ(loaded->window_end_minute, 19 * 60 + 30);
    EXPECT_EQ(loaded->weekdays, 0b0111111);
    EXPECT_EQ(loaded->max_attempts, 2);
    EXPECT_EQ(loaded->min_gap, CallingRules{}.min_gap) << "unnamed rules keep their value";
    for (const char* bad :
         {"[1]", R"({"window_start": "25:00"})", R"({"weekdays": ["mon", "xyz"]})",
          R"({"window_start": "20:00", "window_end": "09:00"})", R"({"speed": 3})",
          R"({"max_attempts": "many"})"}) {
        auto refused = SaveRulesJson(*db_, bad, "olga", clock_);
        EXPECT_FALSE(refused) << bad;
        if (!refused) continue;
        EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput) << bad;
    }
    EXPECT_EQ(LoadRules(*db_)->max_attempts, 2) << "a refused change changes nothing";
    auto day = SaveRulesJson(*db_, R"({"weekdays": ["mon", "пн"]})", "olga", clock_);
    ASSERT_FALSE(day);
    EXPECT_EQ(day.error().key, "rules.unknown_day");
    EXPECT_EQ(day.error().params, (MessageParams{{"day", "пн"}}));
    auto rule = SaveRulesJson(*db_, R"({"speed": 3})", "olga", clock_);
    ASSERT_FALSE(rule);
    EXPECT_EQ(rule.error().key, "rules.unknown_rule");
    EXPECT_EQ(rule.error().params, (MessageParams{{"rule", "speed"}}));
    auto backwards =
        SaveRulesJson(*db_, R"({"window_start": "20:00", "window_end": "09:00"})", "olga", clock_);
    ASSERT_FALSE(backwards);
    EXPECT_EQ(backwards.error().key, "rules.window_backwards");

    ASSERT_TRUE(AddHoliday(*db_, "2026-11-23", "test"));
    EXPECT_FALSE(AddHoliday(*db_, "2026-02-30", ""));
    auto d = Gate("service", kNow + 3600);
    ASSERT_FALSE(d.allowed);
    EXPECT_EQ(d.reasons[0].detail, "holiday");
    EXPECT_EQ(d.earliest, kNow + 86400 + 3600);  // Tuesday 10:00
    ASSERT_TRUE(RemoveHoliday(*db_, "2026-11-23"));
    auto not_holiday = RemoveHoliday(*db_, "2026-11-23");
    ASSERT_FALSE(not_holiday);
    EXPECT_EQ(not_holiday.error().key, "holiday.not_found");
    EXPECT_EQ(not_holiday.error().params, (MessageParams{{"date", "2026-11-23"}}));
    EXPECT_TRUE(Gate("service", kNow + 3600).allowed);
}

INSTANTIATE_TEST_SUITE_P(Backends, ComplianceStoreTest,
                         ::testing::ValuesIn(testing::TestBackends()), testing::BackendName);

}  // namespace
}  // namespace callbase::compliance
