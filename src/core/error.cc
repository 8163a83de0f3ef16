#include "core/error.h"

namespace callbase {

int ExitCode(const Error& error) {
    switch (error.code) {
        case ErrorCode::kInvalidInput:
            return 2;
        case ErrorCode::kNotFound:
            return 3;
        case ErrorCode::kConflict:
            return 4;
        case ErrorCode::kIo:
        case ErrorCode::kDatabase:
            return 5;
        case ErrorCode::kSchemaTooNew:
            return 6;
        case ErrorCode::kInternal:
            return 70;
    }
    return 70;
}

std::string Describe(const Error& error) {
    std::string out = "error: " + error.message;
    if (!error.hint.empty()) out += "\n  what to do: " + error.hint;
    return out;
}

}  // namespace callbase
