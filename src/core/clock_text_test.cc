// Days of the week, times of day, UTC offsets and durations as people write
// them in the rules, a campaign's schedule and the CLI; and what a screen
// shows when one cannot be read (its code and the text given).
#include "core/clock_text.h"

#include <gtest/gtest.h>

namespace callbase {
namespace {

constexpr uint8_t Bit(int day) {
    return static_cast<uint8_t>(1 << day);
}

TEST(ClockTextTest, DaysAreReadInRussianAndEnglishWithRangesThatWrap) {
    const uint8_t weekdays = Bit(0) | Bit(1) | Bit(2) | Bit(3) | Bit(4);
    for (const char* text :
         {"mon-fri", "пн-пт", "Пн–Пт", "mon,tue,wed,thu,fri", "пн вт ср чт пт"}) {
        auto days = ParseWeekdaySet(text, "weekdays");
        ASSERT_TRUE(days) << text << ": " << days.error().message;
        EXPECT_EQ(*days, weekdays) << text;
    }
    // A range past Sunday goes round the week.
    auto weekend = ParseWeekdaySet("сб-пн", "weekdays");
    ASSERT_TRUE(weekend);
    EXPECT_EQ(*weekend, Bit(5) | Bit(6) | Bit(0));

    auto not_a_day = ParseWeekdaySet("пн, пятн", "weekdays");
    ASSERT_FALSE(not_a_day);
    EXPECT_EQ(not_a_day.error().key, "days.not_a_day");
    EXPECT_EQ(not_a_day.error().params,
              (MessageParams{{"where", "weekdays"}, {"text", "пн, пятн"}, {"part", "пятн"}}));
    EXPECT_EQ(not_a_day.error().message, "weekdays 'пн, пятн': 'пятн' is not a day");
    auto not_a_range = ParseWeekdaySet("mon-xyz", "--weekdays");
    ASSERT_FALSE(not_a_range);
    EXPECT_EQ(not_a_range.error().key, "days.not_a_range");
    auto none = ParseWeekdaySet(" , ", "--weekdays");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().key, "days.none");
}

TEST(ClockTextTest, TimesOfDayAndOffsetsAndDurations) {
    EXPECT_EQ(ParseClockTime("09:00", "window_start").value_or(-1), 9 * 60);
    EXPECT_EQ(ParseClockTime("24:00", "window_end").value_or(-1), 24 * 60);
    for (const char* bad : {"24:01", "9", "09:60", "nine", "09:00x"}) {
        auto t = ParseClockTime(bad, "window_end");
        ASSERT_FALSE(t) << bad;
        EXPECT_EQ(t.error().key, "time.not_a_time") << bad;
        EXPECT_EQ(t.error().params, (MessageParams{{"where", "window_end"}, {"text", bad}}));
    }

    EXPECT_EQ(ParseUtcOffset("+03:00", "timezone").value_or(-1), 180);
    EXPECT_EQ(ParseUtcOffset("МСК+4", "timezone").value_or(-1), 420);
    EXPECT_EQ(ParseUtcOffset("UTC-5", "timezone").value_or(0), -300);
    auto zone = ParseUtcOffset("+15", "timezone");
    ASSERT_FALSE(zone);
    EXPECT_EQ(zone.error().key, "zone.not_a_zone");
    EXPECT_EQ(zone.error().params, (MessageParams{{"where", "timezone"}, {"text", "+15"}}));

    EXPECT_EQ(ParseDuration("30m").value_or(-1), 1800);
    EXPECT_EQ(ParseDuration("1d").value_or(-1), 86400);
    auto duration = ParseDuration("4 hours");
    ASSERT_FALSE(duration);
    EXPECT_EQ(duration.error().key, "duration.bad");
    EXPECT_EQ(duration.error().params, (MessageParams{{"text", "4 hours"}}));
}

}  // namespace
}  // namespace callbase
