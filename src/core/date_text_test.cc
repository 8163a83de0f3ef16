// The one date parser: the forms people type, days months do not have, leap
// years, times of day and zones.
#include "core/date_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace callbase {
namespace {

// Days since 1970-01-01 of a date, counted apart from the parser.
int32_t Day(int y, unsigned m, unsigned d) {
    return static_cast<int32_t>(
        std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}}
            .time_since_epoch()
            .count());
}

TEST(DateTextTest, ReadsTheFormsPeopleType) {
    const int32_t new_year_eve = Day(2026, 12, 31);
    for (const char* text : {"31.12.2026", "2026-12-31", " 31.12.2026 ", "31.12.2026\t"}) {
        auto d = ParseDate(text, "--until");
        ASSERT_TRUE(d) << text << ": " << d.error().message;
        EXPECT_EQ(*d, new_year_eve) << text;
    }
    auto short_form = ParseDate("1.3.2027", "date");
    ASSERT_TRUE(short_form);
    EXPECT_EQ(*short_form, Day(2027, 3, 1));
    EXPECT_EQ(FormatIsoDate(new_year_eve), "2026-12-31");
    EXPECT_EQ(FormatIsoDate(Day(1969, 7, 20)), "1969-07-20");
}

TEST(DateTextTest, RefusesDaysTheMonthDoesNotHave) {
    for (const char* text : {"31.02.2026", "29.02.2027", "30.02.2028", "31.04.2026", "00.01.2026",
                             "2026-13-01", "1990-13-45", "2026-00-10", "32.01.2026"}) {
        auto d = ParseDate(text, "--until");
        ASSERT_FALSE(d) << text << " was read as " << FormatIsoDate(*d);
        EXPECT_EQ(d.error().code, ErrorCode::kInvalidInput);
        EXPECT_NE(d.error().message.find(text), std::string::npos) << d.error().message;
        EXPECT_NE(d.error().message.find("--until"), std::string::npos) << d.error().message;
        EXPECT_NE(d.error().hint.find("DD.MM.YYYY"), std::string::npos);
        // Coded for the web UI (web/src/messages/core.ts), with the text as given.
        EXPECT_TRUE(d.error().key.starts_with("date.")) << text << ": " << d.error().key;
        EXPECT_NE(std::find(d.error().params.begin(), d.error().params.end(),
                            std::pair<std::string, std::string>{"text", text}),
                  d.error().params.end())
            << text;
    }
    // The reason is its own code, its numbers parameters a translation can place.
    auto february = ParseDate("31.02.2026", "date");
    ASSERT_FALSE(february);
    EXPECT_EQ(february.error().key, "date.no_day");
    EXPECT_EQ(february.error().message, "date '31.02.2026' is not a date: 02.2026 has no day 31");
    auto month = ParseDate("2026-13-01", "date");
    ASSERT_FALSE(month);
    EXPECT_EQ(month.error().key, "date.no_month");
    auto zone = ParseDateTime("31.12.2026 10:00 MSK", "--at");
    ASSERT_FALSE(zone);
    EXPECT_EQ(zone.error().key, "date.no_zone");
    EXPECT_EQ(zone.error().message,
              "--at '31.12.2026 10:00 MSK' is not a date and time: 'MSK' is not a zone");
}

TEST(DateTextTest, KnowsLeapYears) {
    auto leap = ParseDate("29.02.2028", "date");
    ASSERT_TRUE(leap) << leap.error().message;
    EXPECT_EQ(*leap, Day(2028, 2, 29));
    EXPECT_TRUE(ParseDate("2000-02-29", "date")) << "2000 is a leap year (divisible by 400)";
    EXPECT_FALSE(ParseDate("29.02.2100", "date")) << "2100 is not (divisible by 100)";
}

TEST(DateTextTest, RefusesWhatIsNotADate) {
    for (const char* text : {"", "завтра", "31.12.26", "31/12/2026", "2026-12-31x", "12.2026",
                             "2026-1-5", "31.12.2026.", "99999-01-01", "31.12.0026"}) {
        EXPECT_FALSE(ParseDate(text, "date")) << "'" << text << "' was read as a date";
    }
    auto time_given = ParseDate("31.12.2026 10:00", "--day");
    ASSERT_FALSE(time_given);
    EXPECT_NE(time_given.error().message.find("10:00"), std::string::npos)
        << time_given.error().message;
}

TEST(DateTextTest, ReadsATimeOfDayAfterTheDate) {
    struct Case {
        const char* text;
        int32_t second_of_day;
    };
    for (const Case& c : {Case{"31.12.2026 10:00", 36000}, Case{"2026-12-31T10:00", 36000},
                          Case{"2026-12-31 10:00:30", 36030}, Case{"31.12.2026 9:05", 32700},
                          Case{"31.12.2026 23:59:59", 86399}, Case{"31.12.2026  00:00", 0}}) {
        auto t = ParseDateTime(c.text, "--at");
        ASSERT_TRUE(t) << c.text << ": " << t.error().message;
        EXPECT_EQ(t->day, Day(2026, 12, 31)) << c.text;
        EXPECT_EQ(t->second_of_day, c.second_of_day) << c.text;
        EXPECT_TRUE(t->has_time) << c.text;
        EXPECT_FALSE(t->utc_offset_minutes) << c.text;
    }
    auto date_only = ParseDateTime("31.12.2026", "--at");
    ASSERT_TRUE(date_only);
    EXPECT_FALSE(date_only->has_time);
    EXPECT_EQ(date_only->second_of_day, 0);
}

TEST(DateTextTest, RefusesTimesOfDayThatDoNotExist) {
    for (const char* text :
         {"31.12.2026 24:00", "31.12.2026 23:60", "31.12.2026 10:00:60", "31.12.2026 25:00",
          "31.12.2026 10", "31.12.2026 10:0", "31.12.2026 десять", "31.02.2026 10:00"}) {
        auto t = ParseDateTime(text, "--at");
        ASSERT_FALSE(t) << text << " was read";
        EXPECT_NE(t.error().message.find("--at"), std::string::npos) << t.error().message;
    }
    auto midnight = ParseDateTime("31.12.2026 24:00", "--at");
    EXPECT_NE(midnight.error().message.find("24:00 is not a time of day"), std::string::npos)
        << midnight.error().message;
}

TEST(DateTextTest, AZoneWrittenWinsOverTheCallCentersZone) {
    const int64_t utc_ten = int64_t{Day(2026, 12, 31)} * 86400 + 36000;
    struct Case {
        const char* text;
        int64_t unix;
    };
    for (const Case& c : {Case{"2026-12-31T10:00Z", utc_ten}, Case{"31.12.2026 10:00 UTC", utc_ten},
                          Case{"2026-12-31T10:00+03:00", utc_ten - 3 * 3600},
                          Case{"31.12.2026 10:00 +0700", utc_ten - 7 * 3600},
                          Case{"2026-12-31T10:00-05:30", utc_ten + 5 * 3600 + 1800},
                          Case{"2026-12-31T10:00+12", utc_ten - 12 * 3600}}) {
        auto t = ParseDateTime(c.text, "--at");
        ASSERT_TRUE(t) << c.text << ": " << t.error().message;
        for (int center : {180, 0, 600}) {
            EXPECT_EQ(ToUnixSeconds(*t, center), c.unix) << c.text << " at center " << center;
        }
    }
    // Without a zone the call center's clock decides: Moscow, UTC, Vladivostok.
    auto local = ParseDateTime("31.12.2026 10:00", "--at");
    ASSERT_TRUE(local);
    EXPECT_EQ(ToUnixSeconds(*local, 180), utc_ten - 3 * 3600);
    EXPECT_EQ(ToUnixSeconds(*local, 0), utc_ten);
    EXPECT_EQ(ToUnixSeconds(*local, 600), utc_ten - 10 * 3600);
    for (const char* text : {"2026-12-31T10:00+3:00", "2026-12-31T10:00 MSK",
                             "2026-12-31T10:00+15:00", "2026-12-31T10:00+03:0"}) {
        EXPECT_FALSE(ParseDateTime(text, "--at")) << text << " was read";
    }
}

}  // namespace
}  // namespace callbase
