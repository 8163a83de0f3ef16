// Header mapping: Russian and English names, split name columns, a second phone
// column, --map overrides and the refusal of a file without a phone column.
#include <gtest/gtest.h>

#include "ingest/column_map.h"

namespace callbase::ingest {
namespace {

TEST(ColumnMapTest, RussianAndEnglishHeaders) {
    auto cols = MapColumns({"ФИО", "Тел.", "Рабочий телефон", "Город", "Источник", "E-mail",
                            "Комментарий", "Статус", "Теги", "Дата добавления", "Сумма заказа"},
                           {}, "f.csv");
    ASSERT_TRUE(cols) << cols.error().message;
    std::vector<Target> want = {Target::kName,      Target::kPhone,  Target::kExtraPhone,
                                Target::kRegion,    Target::kSource, Target::kEmail,
                                Target::kComment,   Target::kStatus, Target::kTags,
                                Target::kDateAdded, Target::kCustom};
    for (size_t i = 0; i < want.size(); ++i)
        EXPECT_EQ((*cols)[i].target, want[i]) << i;
    EXPECT_EQ((*cols)[2].label, "рабочий");
    auto en = MapColumns({"Name", "Phone", "City"}, {}, "f.csv");
    ASSERT_TRUE(en);
    EXPECT_EQ((*en)[1].target, Target::kPhone);
    auto parts = MapColumns({"Фамилия", "Имя", "Отчество", "Мобильный"}, {}, "f.csv");
    ASSERT_TRUE(parts);
    EXPECT_EQ((*parts)[0].target, Target::kLastName);
    EXPECT_EQ((*parts)[1].target, Target::kFirstName);
    EXPECT_EQ((*parts)[2].target, Target::kMiddleName);
    EXPECT_EQ((*parts)[3].target, Target::kPhone);
}

TEST(ColumnMapTest, ConsentColumnsNameTheirPurpose) {
    auto cols = MapColumns(
        {"Телефон", "Согласие на рекламу", "Service consent", "Согласие", "Дата согласия", "Опрос"},
        {"Опрос=consent:surveys"}, "f.csv");
    ASSERT_TRUE(cols) << cols.error().message;
    std::vector<std::pair<Target, std::string>> want = {
        {Target::kPhone, ""},          {Target::kConsent, "marketing"},
        {Target::kConsent, "service"}, {Target::kConsent, "marketing"},
        {Target::kConsentDate, ""},    {Target::kConsent, "surveys"}};
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ((*cols)[i].target, want[i].first) << i;
        EXPECT_EQ((*cols)[i].purpose, want[i].second) << i;
    }
    auto date =
        MapColumns({"Телефон", "Когда согласился"}, {"Когда согласился=consent_date"}, "f.csv");
    ASSERT_TRUE(date);
    EXPECT_EQ((*date)[1].target, Target::kConsentDate);
}

TEST(ColumnMapTest, NoPhoneColumnIsRefusedWithTheHeadersAndAHint) {
    auto cols = MapColumns({"ФИО", "Сотовый номер клиента"}, {}, "f.csv");
    ASSERT_FALSE(cols);
    EXPECT_NE(cols.error().message.find("Сотовый номер клиента"), std::string::npos);
    EXPECT_NE(cols.error().hint.find("--map"), std::string::npos);
    EXPECT_EQ(cols.error().key, "import.no_phone_column");
    EXPECT_EQ(cols.error().params,
              (MessageParams{{"file", "f.csv"}, {"columns", "ФИО, Сотовый номер клиента"}}));
    auto mapped =
        MapColumns({"ФИО", "Сотовый номер клиента"}, {"Сотовый номер клиента=phone"}, "f.csv");
    ASSERT_TRUE(mapped) << mapped.error().message;
    EXPECT_EQ((*mapped)[1].target, Target::kPhone);
    auto no_column = MapColumns({"ФИО", "Тел"}, {"Нет такой=phone"}, "f.csv");
    ASSERT_FALSE(no_column);
    EXPECT_EQ(no_column.error().key, "import.map_no_column");
    EXPECT_EQ(no_column.error().message, "--map Нет такой=phone: f.csv has no column 'Нет такой'");
    auto colour = MapColumns({"ФИО", "Тел"}, {"ФИО=colour"}, "f.csv");
    ASSERT_FALSE(colour);
    EXPECT_EQ(colour.error().key, "import.map_unknown_field");
    EXPECT_EQ(colour.error().params, (MessageParams{{"header", "ФИО"}, {"target", "colour"}}));
}

TEST(ColumnMapTest, HeadersAreTrimmedAndCaseInsensitive) {
    auto cols =
        MapColumns({"  ТЕЛЕФОН ", "e-MAIL", "Full Name", "Доп. телефон", "  "}, {}, "f.csv");
    ASSERT_TRUE(cols) << cols.error().message;
    EXPECT_EQ((*cols)[0].target, Target::kPhone);
    EXPECT_EQ((*cols)[0].label, "основной");
    EXPECT_EQ((*cols)[1].target, Target::kEmail);
    EXPECT_EQ((*cols)[2].target, Target::kName);
    EXPECT_EQ((*cols)[3].target, Target::kExtraPhone);
    EXPECT_EQ((*cols)[3].label, "дополнительный");
    EXPECT_EQ((*cols)[4].target, Target::kIgnore);  // an unnamed column is not a field
}

TEST(ColumnMapTest, MapOverridesHeadersAndNamesCustomFields) {
    auto cols =
        MapColumns({"Клиент", "Тел", "Менеджер", "Город"},
                   {"Менеджер=field:Ответственный", "Город=ignore", "клиент=comment"}, "f.csv");
    ASSERT_TRUE(cols) << cols.error().message;
    EXPECT_EQ((*cols)[0].target, Target::kComment);  // matched case-insensitively
    EXPECT_EQ((*cols)[2].target, Target::kCustom);
    EXPECT_EQ((*cols)[2].header, "Ответственный");
    EXPECT_EQ((*cols)[3].target, Target::kIgnore);
    auto no_eq = MapColumns({"Тел"}, {"Тел"}, "f.csv");
    ASSERT_FALSE(no_eq);
    EXPECT_NE(no_eq.error().message.find("COLUMN=field"), std::string::npos);
    EXPECT_EQ(no_eq.error().key, "import.map_form");
    EXPECT_EQ(no_eq.error().params, (MessageParams{{"map", "Тел"}}));
}

TEST(ColumnMapTest, TwoPhoneColumnsMakeTheSecondAnExtraPhone) {
    auto cols = MapColumns({"Телефон", "Мобильный", "Work phone"}, {}, "f.csv");
    ASSERT_TRUE(cols);
    EXPECT_EQ((*cols)[0].target, Target::kPhone);
    EXPECT_EQ((*cols)[1].target, Target::kExtraPhone);
    EXPECT_EQ((*cols)[2].target, Target::kExtraPhone);
    EXPECT_EQ((*cols)[2].label, "рабочий");
    // Only an extra phone column: it becomes the main one.
    auto only = MapColumns({"ФИО", "Рабочий телефон"}, {}, "f.csv");
    ASSERT_TRUE(only);
    EXPECT_EQ((*only)[1].target, Target::kPhone);
}

TEST(ColumnMapTest, AHeaderWiderThanTheLimitNamesTheFirstColumnOver) {
    ImportLimits limits;
    limits.max_columns = 2;
    auto wide = CheckHeaderLimits({"Телефон", "ФИО", "Город"}, limits, "f.csv");
    ASSERT_FALSE(wide);
    EXPECT_EQ(wide.error().key, "import.too_many_columns");
    EXPECT_EQ(wide.error().message,
              "f.csv:1: the header row has 3 columns, more than the 2 an import takes (the first "
              "one over is column 3 'Город')");
    auto unnamed = CheckHeaderLimits({"Телефон", "ФИО", ""}, limits, "f.csv");
    ASSERT_FALSE(unnamed);
    EXPECT_NE(unnamed.error().message.find("(the first one over is column 3)"), std::string::npos)
        << unnamed.error().message;
    EXPECT_EQ(
        unnamed.error().params,
        (MessageParams{
            {"file", "f.csv"}, {"count", "3"}, {"limit", "2"}, {"column", "3"}, {"header", ""}}));
}

}  // namespace
}  // namespace callbase::ingest
