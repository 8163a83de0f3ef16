// The table that turns a trunk's final responses into outcomes
// (docs/telephony.md): the examples, and the classes around them.
#include "telephony/sip/causes.h"

#include <gtest/gtest.h>

namespace callbase::telephony::sip {
namespace {

TEST(SipCauses, EachFinalResponseBecomesOneOutcome) {
    for (int s : {486, 600})
        EXPECT_EQ(OutcomeOfStatus(s).kind, EventKind::kBusy) << s;
    for (int s : {408, 480, 487})
        EXPECT_EQ(OutcomeOfStatus(s).kind, EventKind::kNoAnswer) << s;
    for (int s : {404, 484, 604, 410})
        EXPECT_EQ(OutcomeOfStatus(s).kind, EventKind::kInvalid) << s;
    EXPECT_EQ(OutcomeOfStatus(603).kind, EventKind::kRejected);
    for (int s : {500, 502, 503, 504, 403, 420, 421, 302, 488}) {
        EXPECT_EQ(OutcomeOfStatus(s).kind, EventKind::kFailed) << s;
    }
    EXPECT_NE(OutcomeOfStatus(420).reason.find("100rel"), std::string_view::npos);
    EXPECT_EQ(OutcomeOfStatus(503).reason, "server failure");
}

}  // namespace
}  // namespace callbase::telephony::sip
