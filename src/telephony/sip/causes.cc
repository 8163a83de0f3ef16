#include "telephony/sip/causes.h"

namespace callbase::telephony::sip {

Outcome OutcomeOfStatus(int status) {
    switch (status) {
        case 486:
            return {EventKind::kBusy, "busy here"};
        case 600:
            return {EventKind::kBusy, "busy everywhere"};
        case 408:
            return {EventKind::kNoAnswer, "request timeout"};
        case 480:
            return {EventKind::kNoAnswer, "temporarily unavailable"};
        case 487:
            return {EventKind::kNoAnswer, "request terminated (the ring timeout)"};
        case 404:
            return {EventKind::kInvalid, "number does not exist"};
        case 484:
            return {EventKind::kInvalid, "address incomplete"};
        case 604:
            return {EventKind::kInvalid, "does not exist anywhere"};
        case 410:
            return {EventKind::kInvalid, "gone"};
        case 603:
            return {EventKind::kRejected, "declined"};
        case 403:
            return {EventKind::kFailed, "forbidden by the trunk"};
        case 420:
        case 421:
            return {EventKind::kFailed, "the trunk requires an extension we lack (100rel?)"};
        default:
            break;
    }
    if (status >= 500 && status < 600) return {EventKind::kFailed, "server failure"};
    if (status >= 300 && status < 400) return {EventKind::kFailed, "redirected (not followed)"};
    return {EventKind::kFailed, "failed"};
}

}  // namespace callbase::telephony::sip
