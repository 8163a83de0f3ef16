// The coded messages of core/error.h: the English a terminal shows and the code
// and parameters a screen translates come from one call.
#include "core/error.h"

#include <gtest/gtest.h>

namespace callbase {
namespace {

TEST(ErrorTest, ACodedMessageFillsItsEnglishFromItsParameters) {
    auto failed = Fail(ErrorCode::kNotFound,
                       Msg{"contact.not_found", "no contact #{id}", "search for {what} by name"},
                       {{"id", "42"}, {"what", "it"}});
    const Error& error = failed.error();
    EXPECT_EQ(error.code, ErrorCode::kNotFound);
    EXPECT_EQ(error.message, "no contact #42");
    EXPECT_EQ(error.hint, "search for it by name");
    EXPECT_EQ(error.key, "contact.not_found");
    ASSERT_EQ(error.params.size(), 2u);
    EXPECT_EQ(error.params[0], (std::pair<std::string, std::string>{"id", "42"}));
    EXPECT_EQ(Describe(error), "error: no contact #42\n  what to do: search for it by name");
}

TEST(ErrorTest, PlaceholdersWithoutAParameterAndBracesInValuesStayAsWritten) {
    EXPECT_EQ(FillPlaceholders("{a} and {b}", {{"a", "{b}"}}), "{b} and {b}");
    EXPECT_EQ(FillPlaceholders("unclosed {a", {{"a", "x"}}), "unclosed {a");
    EXPECT_EQ(FillPlaceholders("{a}{a}", {{"a", "Ё"}}), "ЁЁ");
    EXPECT_EQ(FillPlaceholders("", {}), "");
}

TEST(ErrorTest, ADoubleBracketedPartIsLeftOutWhenOneOfItsParametersIsEmpty) {
    const std::string_view text = "created[[; phones: {phones}]][[; source: {source}]]";
    EXPECT_EQ(FillPlaceholders(text, {{"phones", "+79161234567"}, {"source", ""}}),
              "created; phones: +79161234567");
    EXPECT_EQ(FillPlaceholders(text, {{"phones", ""}, {"source", "сайт"}}),
              "created; source: сайт");
    EXPECT_EQ(FillPlaceholders("a [[b]] [[unclosed", {}), "a b [[unclosed");
}

TEST(ErrorTest, AnUncodedErrorHasNoKey) {
    auto failed = Fail(ErrorCode::kIo, "cannot read x.csv", "check the path");
    EXPECT_TRUE(failed.error().key.empty());
    EXPECT_TRUE(failed.error().params.empty());
}

}  // namespace
}  // namespace callbase
