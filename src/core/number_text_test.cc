// Numbers as people and spreadsheets write them: decimal commas and points,
// group separators, signs; what is not one number is refused.
#include "core/number_text.h"

#include <gtest/gtest.h>

#include <cmath>

namespace callbase {
namespace {

TEST(NumberTextTest, ReadsTheFormsPeopleAndSpreadsheetsWrite) {
    const std::pair<const char*, double> cases[] = {
        {"180", 180},
        {"180.5", 180.5},
        {"180,5", 180.5},
        {" 42 ", 42},
        {"+5", 5},
        {"-2", -2},
        {"0,3", 0.3},
        {"1 200", 1200},
        {"1\xC2\xA0"
         "200,5",
         1200.5},  // a no-break space, as LibreOffice writes groups
        {"12\xE2\x80\xAF"
         "000",
         12000},  // a narrow no-break space
        {"1.5E+3", 1500},
        {".5", 0.5},
        {"7\r", 7},
    };
    for (auto [text, want] : cases) {
        auto got = ParseDecimal(text);
        ASSERT_TRUE(got) << "'" << text << "'";
        EXPECT_DOUBLE_EQ(*got, want) << "'" << text << "'";
    }
}

TEST(NumberTextTest, RefusesWhatIsNotOneNumber) {
    for (const char* text : {"", "  ", "abc", "12a", "1,200.5", "1.200,5", "1,2,3", "1..2", "nan",
                             "inf", "-inf", "1e999", "--1", "+", "12 %", "0x10"}) {
        EXPECT_FALSE(ParseDecimal(text)) << "'" << text << "' read as " << *ParseDecimal(text);
    }
}

}  // namespace
}  // namespace callbase
