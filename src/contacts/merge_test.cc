#include "contacts/merge.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "contacts/contact_book.h"
#include "contacts/contacts_test_env.h"
#include "contacts/field_registry.h"

namespace callbase::contacts {
namespace {

constexpr int64_t kStart = 1767225600;  // 2026-01-01 00:00 UTC

class MergeTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = test::FreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
        book_ = std::make_unique<ContactBook>(*db_, clock_, "petrov");
        dedup_ = std::make_unique<Deduplicator>(*db_, clock_, "petrov");
        FieldRegistry fields(*db_, clock_);
        ASSERT_TRUE(fields.Define("Сумма", "number"));
        ASSERT_TRUE(fields.Define("Город", "text"));
    }

    int64_t Add(NewContact nc) {
        clock_.Advance(10);
        auto id = book_->Create(nc);
        EXPECT_TRUE(id) << (id ? "" : id.error().message);
        return id.value_or(0);
    }

    // Every row of the involved contacts, in a stable text form. History rows are
    // limited to ids <= max_history (the rows that existed before the merge).
    std::string Dump(const std::vector<int64_t>& ids, int64_t max_history) {
        std::string in;
        for (auto id : ids)
            in += (in.empty() ? "" : ",") + std::to_string(id);
        std::string out;
        const char* queries[] = {
            "SELECT id, name, region, source, owner_group, email, comment, status, callback_at, "
            "created_at, updated_at, last_interaction_at, import_id, merged_into FROM contacts "
            "WHERE id IN ({}) ORDER BY id",
            "SELECT id, contact_id, position, e164, extension, label, raw, class_id, qc, valid, "
            "inactive, created_at FROM phones "
            "WHERE contact_id IN ({}) ORDER BY id",
            "SELECT contact_id, tag_id, added_at, added_by FROM contact_tags "
            "WHERE contact_id IN ({}) ORDER BY contact_id, tag_id",
            "SELECT contact_id, field_id, value FROM field_values WHERE contact_id IN ({}) "
            "ORDER BY contact_id, field_id",
        };
        for (const char* q : queries) {
            auto rows = db_->Query(fmt::format(fmt::runtime(q), in));
            if (!rows) {
                ADD_FAILURE() << rows.error().message;
                continue;
            }
            for (const auto& r : *rows) {
                for (size_t i = 0; i < r.size(); ++i)
                    out += (r.IsNull(i) ? "NULL" : r.Text(i)) + "|";
                out += "\n";
            }
            out += "--\n";
        }
        auto rows = db_->Query(
            fmt::format("SELECT id, contact_id, at, actor, action, field, before, after, detail "
                        "FROM history WHERE contact_id IN ({}) AND id <= $1 ORDER BY id",
                        in),
            {max_history});
        EXPECT_TRUE(rows);
        for (const auto& r : *rows) {
            for (size_t i = 0; i < r.size(); ++i)
                out += (r.IsNull(i) ? "NULL" : r.Text(i)) + "|";
            out += "\n";
        }
        return out;
    }

    int64_t MaxHistoryId() {
        auto v = db_->QueryValue("SELECT COALESCE(MAX(id), 0) FROM history");
        return store::Row({*v}).Int(0);
    }

    // Three contacts sharing +79161234567; the second is the oldest.
    std::vector<int64_t> ThreeDuplicates() {
        NewContact a;
        a.name = "Иван";
        a.comment = "просил КП";
        a.phones = {test::Mobile("+79161234567", "8 916 123-45-67")};
        a.fields = {{"Сумма", "100"}};
        a.tags = {"Дорого"};
        NewContact b;
        b.region = "Тверь";
        b.email = "ivan@example.ru";
        b.comment = "звонить после 15:00";
        b.phones = {test::Mobile("+79161234567", "+7 916 1234567"),
                    test::Mobile("+79035551122", "", "рабочий")};
        b.fields = {{"Сумма", "250"}, {"Город", "Тверь"}};
        b.tags = {"VIP"};
        NewContact c;
        c.name = "Иван Сидоров";
        c.phones = {test::Mobile("+79161234567", "9161234567"), test::Junk("нет")};
        int64_t ia = Add(a);
        clock_.Set(kStart - 1000);  // b was added earlier than a
        int64_t ib = Add(b);
        clock_.Set(kStart + 500);
        int64_t ic = Add(c);
        EXPECT_TRUE(book_->SetStatus(ic, "Отказ"));
        clock_.Set(kStart + 1000);
        return {ia, ib, ic};
    }

    FixedClock clock_{kStart};
    std::unique_ptr<store::Store> db_;
    std::unique_ptr<ContactBook> book_;
    std::unique_ptr<Deduplicator> dedup_;
};

TEST_P(MergeTest, MergeKeepsTheOldestAndJoinsEverything) {
    auto ids = ThreeDuplicates();
    int64_t ia = ids[0], ib = ids[1], ic = ids[2];
    auto result = dedup_->Merge(ids);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->kept_id, ib);  // oldest by created_at, not lowest id
    EXPECT_EQ(result->merged_ids, (std::vector<int64_t>{ia, ic}));

    auto kept = book_->Get(ib);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->contact.name, "Иван");     // filled from the next oldest
    EXPECT_EQ(kept->contact.region, "Тверь");  // kept's own value wins
    EXPECT_EQ(kept->contact.email, "ivan@example.ru");
    EXPECT_EQ(kept->contact.comment, "звонить после 15:00\nпросил КП");
    std::vector<std::string> numbers;
    for (const auto& p : kept->phones)
        numbers.push_back(p.e164.empty() ? p.raw : p.e164);
    EXPECT_EQ(numbers, (std::vector<std::string>{"+79161234567", "+79035551122", "нет"}));
    std::set<std::string> tags;
    for (const auto& t : kept->tags)
        tags.insert(t.name);
    EXPECT_EQ(tags, (std::set<std::string>{"Дорого", "VIP"}));
    std::map<std::string, std::string> fields;
    for (const auto& f : kept->fields)
        fields[f.name] = f.value;
    EXPECT_EQ(fields["Сумма"], "250");  // kept's value wins ...
    EXPECT_EQ(fields["Город"], "Тверь");
    // ... and the losing values are preserved in the merge's history row.
    int created = 0;
    const HistoryEntry* merge_row = nullptr;
    for (const auto& h : kept->history) {
        if (h.action == "created") ++created;
        if (h.action == "merge") merge_row = &h;
    }
    EXPECT_EQ(created, 3);  // the histories were joined
    ASSERT_NE(merge_row, nullptr);
    EXPECT_NE(merge_row->detail.find("Сумма: kept '250'"), std::string::npos);
    EXPECT_NE(merge_row->detail.find("'100'"), std::string::npos);
    EXPECT_NE(merge_row->detail.find("refused"), std::string::npos);
    EXPECT_EQ(merge_row->actor, "petrov");

    for (int64_t m : {ia, ic}) {
        auto card = book_->Get(m);
        EXPECT_EQ(card->contact.merged_into, ib);
        ASSERT_FALSE(card->history.empty());
        EXPECT_EQ(card->history.back().action, "merged_into");
        auto change = book_->SetStatus(m, "Отказ");
        ASSERT_FALSE(change);
        EXPECT_EQ(change.error().code, ErrorCode::kConflict);
    }
    auto found = book_->Find(Filter{});
    ASSERT_TRUE(found);
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ(found->front().contact.id, ib);
    Filter all;
    all.include_merged = true;
    EXPECT_EQ(*book_->Count(all), 3);
    auto rows = db_->QueryValue("SELECT COUNT(*) FROM phones");
    EXPECT_EQ(store::Row({*rows}).Int(0), 5);  // nothing deleted
}

TEST_P(MergeTest, UndoRestoresEveryInvolvedRowExactly) {
    auto ids = ThreeDuplicates();
    int64_t max_history = MaxHistoryId();
    std::string before = Dump(ids, max_history);
    auto result = dedup_->Merge(ids);
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_NE(Dump(ids, max_history), before);
    clock_.Advance(60);
    auto undo = dedup_->Undo(result->merge_id);
    ASSERT_TRUE(undo) << undo.error().message;
    EXPECT_EQ(Dump(ids, max_history), before);
    // The only rows added are the merge's and the undo's own history records.
    auto extra = db_->Query("SELECT action FROM history WHERE id > $1 ORDER BY id", {max_history});
    std::multiset<std::string> actions;
    for (const auto& r : *extra)
        actions.insert(r.Text(0));
    EXPECT_EQ(actions, (std::multiset<std::string>{"merge", "merged_into", "merged_into", "unmerge",
                                                   "unmerge", "unmerge"}));
    auto undone = db_->QueryValue("SELECT undone_at FROM merges WHERE id = $1", {result->merge_id});
    EXPECT_EQ(store::Row({*undone}).Int(0), kStart + 1060);

    auto twice = dedup_->Undo(result->merge_id);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
    EXPECT_NE(twice.error().message.find("already undone"), std::string::npos);
    EXPECT_EQ(twice.error().key, "merge.already_undone");
    ASSERT_EQ(twice.error().params.size(), 2u);
    EXPECT_EQ(twice.error().params[0],
              (std::pair<std::string, std::string>{"merge", std::to_string(result->merge_id)}));
    // Contacts can be merged again after an undo.
    EXPECT_TRUE(dedup_->Merge(ids));
}

// A merge made before migration 004 has phones without class_id in its
// snapshot; undoing it restores every row and leaves each phone's class as is.
TEST_P(MergeTest, UndoOfASnapshotFromAnOlderSchemaKeepsThePhoneClasses) {
    auto ids = ThreeDuplicates();
    int64_t max_history = MaxHistoryId();
    std::string before = Dump(ids, max_history);
    auto result = dedup_->Merge(ids);
    ASSERT_TRUE(result) << result.error().message;
    auto text = db_->QueryValue("SELECT snapshot FROM merges WHERE id = $1", {result->merge_id});
    ASSERT_TRUE(text);
    auto snapshot = nlohmann::json::parse(store::Row({*text}).Text(0));
    ASSERT_FALSE(snapshot.at("phones").empty());
    for (auto& row : snapshot.at("phones"))
        row.erase("class_id");
    ASSERT_TRUE(db_->Exec("UPDATE merges SET snapshot = $1 WHERE id = $2",
                          {snapshot.dump(), result->merge_id}));
    clock_.Advance(60);
    auto undo = dedup_->Undo(result->merge_id);
    ASSERT_TRUE(undo) << undo.error().message;
    EXPECT_EQ(Dump(ids, max_history), before);
}

TEST_P(MergeTest, UndoIsRefusedOnceTheKeptContactChanged) {
    auto ids = ThreeDuplicates();
    auto result = dedup_->Merge(ids);
    ASSERT_TRUE(result);
    clock_.Advance(60);
    ASSERT_TRUE(book_->Tag(result->kept_id, "Назначить_демо"));
    auto undo = dedup_->Undo(result->merge_id);
    ASSERT_FALSE(undo);
    EXPECT_EQ(undo.error().code, ErrorCode::kConflict);
    EXPECT_NE(undo.error().message.find("changed after"), std::string::npos);
    EXPECT_NE(undo.error().message.find(std::to_string(result->kept_id)), std::string::npos);
    EXPECT_EQ(undo.error().key, "merge.changed_after");
    ASSERT_EQ(undo.error().params.size(), 5u);
    EXPECT_EQ(undo.error().params[0],
              (std::pair<std::string, std::string>{"merge", std::to_string(result->merge_id)}));
    EXPECT_EQ(undo.error().params[1],
              (std::pair<std::string, std::string>{"id", std::to_string(result->kept_id)}));
    EXPECT_EQ(undo.error().params[2], (std::pair<std::string, std::string>{"change", "tag"}));
    // Nothing was touched by the refused undo.
    EXPECT_EQ(book_->Get(ids[0])->contact.merged_into, result->kept_id);
}

TEST_P(MergeTest, MergeRefusesBadInput) {
    auto ids = ThreeDuplicates();
    auto one = dedup_->Merge({ids[0]});
    ASSERT_FALSE(one);
    EXPECT_EQ(one.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(one.error().key, "merge.too_few");
    EXPECT_EQ(dedup_->Merge({ids[0], ids[0]}).error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(dedup_->Merge({ids[0], 99999}).error().code, ErrorCode::kNotFound);
    ASSERT_TRUE(dedup_->Merge({ids[0], ids[1]}));
    auto again = dedup_->Merge({ids[0], ids[2]});
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("already merged"), std::string::npos);
    EXPECT_EQ(again.error().key, "merge.already_merged");
    EXPECT_EQ(again.error().params,
              (MessageParams{{"id", std::to_string(ids[0])}, {"into", std::to_string(ids[1])}}));
    auto no_merge = dedup_->Undo(4242);
    ASSERT_FALSE(no_merge);
    EXPECT_EQ(no_merge.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(no_merge.error().key, "merge.not_found");
    EXPECT_EQ(no_merge.error().params, (MessageParams{{"merge", "4242"}}));
}

TEST_P(MergeTest, FindDuplicatesJoinsContactsConnectedByAnyNumber) {
    NewContact a, b, c, d;
    a.name = "A";
    a.phones = {test::Mobile("+79160000001")};
    b.name = "B";
    b.phones = {test::Mobile("+79160000001"), test::Mobile("+79160000002")};
    c.name = "C";
    c.phones = {test::Mobile("+79160000002")};
    d.name = "D";
    d.phones = {test::Mobile("+79160000009")};
    int64_t ia = Add(a), ib = Add(b), ic = Add(c);
    Add(d);
    auto groups = dedup_->FindDuplicates();
    ASSERT_TRUE(groups) << groups.error().message;
    ASSERT_EQ(groups->size(), 1u);
    EXPECT_EQ((*groups)[0].contact_ids, (std::vector<int64_t>{ia, ib, ic}));
    EXPECT_EQ((*groups)[0].numbers, (std::vector<std::string>{"+79160000001", "+79160000002"}));

    auto summary = dedup_->ApplyDedup();
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->groups, 1);
    EXPECT_EQ(summary->contacts_merged, 2);
    EXPECT_TRUE(dedup_->FindDuplicates()->empty());
    auto kept = book_->Get(ia);
    EXPECT_EQ(kept->phones.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, MergeTest, ::testing::ValuesIn(test::Backends()),
                         test::BackendLabel);

}  // namespace
}  // namespace callbase::contacts
