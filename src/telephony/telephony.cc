#include "telephony/telephony.h"

namespace callbase::telephony {

std::string_view EventKindId(EventKind kind) {
    switch (kind) {
        case EventKind::kRinging:
            return "ringing";
        case EventKind::kAnswered:
            return "answered";
        case EventKind::kBusy:
            return "busy";
        case EventKind::kNoAnswer:
            return "no_answer";
        case EventKind::kInvalid:
            return "invalid";
        case EventKind::kRejected:
            return "rejected";
        case EventKind::kFailed:
            return "failed";
        case EventKind::kHungUp:
            return "hung_up";
        case EventKind::kPromptDone:
            return "prompt_done";
        case EventKind::kDigits:
            return "digits";
        case EventKind::kIncoming:
            return "incoming";
        case EventKind::kAgentMissed:
            return "agent_missed";
        case EventKind::kConsultAnswered:
            return "consult_answered";
        case EventKind::kConsultEnded:
            return "consult_ended";
    }
    return "?";
}

std::string_view ConsultStepId(ConsultStep step) {
    switch (step) {
        case ConsultStep::kComplete:
            return "complete";
        case ConsultStep::kCancel:
            return "cancel";
        case ConsultStep::kConference:
            return "conference";
    }
    return "?";
}

std::string_view MonitorModeId(MonitorMode mode) {
    switch (mode) {
        case MonitorMode::kOff:
            return "off";
        case MonitorMode::kListen:
            return "listen";
        case MonitorMode::kWhisper:
            return "whisper";
        case MonitorMode::kBarge:
            return "barge";
    }
    return "?";
}

bool IsFinalFailure(EventKind kind) {
    return kind == EventKind::kBusy || kind == EventKind::kNoAnswer ||
           kind == EventKind::kInvalid || kind == EventKind::kRejected ||
           kind == EventKind::kFailed;
}

}  // namespace callbase::telephony
