// SIP final responses as call outcomes: the one table a campaign's outcomes
// come from when it dials a real trunk (docs/telephony.md prints it). A pure
// function; thread-safe.
#pragma once

#include <string_view>

#include "telephony/telephony.h"

namespace callbase::telephony::sip {

struct Outcome {
    EventKind kind;           // kBusy, kNoAnswer, kInvalid, kRejected, kFailed
    std::string_view reason;  // for people: "busy here", "number does not exist", ...
};

// The outcome of an unanswered INVITE's final response (300-699). 2xx is an
// answer, not an outcome; 1xx is not final.
Outcome OutcomeOfStatus(int status);

}  // namespace callbase::telephony::sip
