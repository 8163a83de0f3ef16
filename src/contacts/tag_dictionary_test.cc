#include "contacts/tag_dictionary.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "contacts/contact_book.h"
#include "contacts/contacts_test_env.h"

namespace callbase::contacts {
namespace {

class TagDictionaryTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = test::FreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
        dict_ = std::make_unique<TagDictionary>(*db_, clock_);
    }
    FixedClock clock_{1767225600};
    std::unique_ptr<store::Store> db_;
    std::unique_ptr<TagDictionary> dict_;
};

TEST_P(TagDictionaryTest, SeedsTheDefaultCategoriesOnceOnFirstUse) {
    auto seeded = dict_->EnsureDefaults();
    ASSERT_TRUE(seeded) << seeded.error().message;
    EXPECT_TRUE(*seeded);
    EXPECT_FALSE(*dict_->EnsureDefaults());
    auto cats = dict_->Categories();
    EXPECT_EQ(*cats, (std::vector<std::string>{"Продукт/услуга", "Причина отказа", "Действие",
                                               "Сегмент"}));
    auto tags = dict_->List();
    ASSERT_TRUE(tags);
    std::set<std::string> names;
    for (const auto& t : *tags)
        names.insert(t.Qualified());
    for (const char* want : {"Причина отказа:Дорого", "Причина отказа:Не актуально",
                             "Действие:Перезвонить позже", "Сегмент:VIP"}) {
        EXPECT_TRUE(names.count(want)) << want;
    }
}

TEST_P(TagDictionaryTest, AddsCategoriesAndTagsAndRefusesDuplicates) {
    ASSERT_TRUE(dict_->AddCategory("Канал"));
    EXPECT_EQ(dict_->AddCategory("канал").error().code, ErrorCode::kConflict);
    auto tag = dict_->AddTag("канал", "Выставка");
    ASSERT_TRUE(tag) << tag.error().message;
    EXPECT_EQ(tag->category, "Канал");
    auto same = dict_->AddTag("Сегмент", "выставка");
    ASSERT_FALSE(same);
    EXPECT_EQ(same.error().code, ErrorCode::kConflict);
    EXPECT_EQ(same.error().message, "tag 'Выставка' already exists in category 'Канал'");
    EXPECT_EQ(same.error().key, "tag.exists");
    EXPECT_EQ(same.error().params, (MessageParams{{"tag", "Выставка"}, {"tag_category", "Канал"}}));
    auto no_cat = dict_->AddTag("Нет такой", "Тег");
    ASSERT_FALSE(no_cat);
    EXPECT_NE(no_cat.error().hint.find("Причина отказа"), std::string::npos);
    EXPECT_EQ(no_cat.error().key, "tag.no_category");
    ASSERT_EQ(no_cat.error().params.size(), 2u);
    EXPECT_EQ(no_cat.error().params[0],
              (std::pair<std::string, std::string>{"tag_category", "Нет такой"}));
    auto colon = dict_->AddTag("Канал", "a:b");
    ASSERT_FALSE(colon);
    EXPECT_EQ(colon.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(colon.error().key, "tag.bad_name");
    EXPECT_EQ(colon.error().params, (MessageParams{{"tag", "a:b"}}));
    auto resolved = dict_->Resolve("Канал:Выставка");
    ASSERT_TRUE(resolved);
    EXPECT_EQ(resolved->id, tag->id);
}

TEST_P(TagDictionaryTest, RetiredTagsStayOnContactsButCannotBeAdded) {
    ContactBook book(*db_, clock_, "sup");
    NewContact nc;
    nc.name = "x";
    auto a = book.Create(nc), b = book.Create(nc);
    ASSERT_TRUE(book.Tag(*a, "Холодный_контакт"));
    ASSERT_TRUE(book.Tag(*a, "Дорого"));
    ASSERT_TRUE(book.Tag(*b, "Дорого"));
    auto retired = dict_->Retire("Холодный_контакт");
    ASSERT_TRUE(retired) << retired.error().message;
    auto again = dict_->Retire("Холодный_контакт");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    EXPECT_EQ(again.error().key, "tag.already_retired");
    EXPECT_EQ(again.error().params, (MessageParams{{"tag", "Холодный_контакт"}}));
    // Its name stays taken: a new tag of that name is refused, and says it is retired.
    auto retaken = dict_->AddTag("Причина отказа", "холодный_контакт");
    ASSERT_FALSE(retaken);
    EXPECT_EQ(retaken.error().key, "tag.exists_retired");
    EXPECT_NE(retaken.error().message.find("(retired)"), std::string::npos);
    auto refused = book.Tag(*b, "Холодный_контакт");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("retired"), std::string::npos);

    std::map<std::string, std::pair<int64_t, bool>> usage;
    auto list = dict_->List();
    ASSERT_TRUE(list);
    for (const auto& t : *list)
        usage[t.name] = {t.usage, t.retired_at.has_value()};
    EXPECT_EQ(usage["Дорого"], std::make_pair(int64_t{2}, false));
    EXPECT_EQ(usage["Холодный_контакт"], std::make_pair(int64_t{1}, true));
    EXPECT_EQ(usage["VIP"], std::make_pair(int64_t{0}, false));
}

TEST_P(TagDictionaryTest, UnknownTagListsCloseMatches) {
    auto r = dict_->Resolve("Перезвонить позжее");
    EXPECT_TRUE(dict_->EnsureDefaults());
    r = dict_->Resolve("перезвонить позжее");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    EXPECT_NE(r.error().hint.find("Перезвонить позже"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, TagDictionaryTest, ::testing::ValuesIn(test::Backends()),
                         test::BackendLabel);

}  // namespace
}  // namespace callbase::contacts
