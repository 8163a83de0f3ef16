#include "core/error.h"

#include <algorithm>

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

namespace {

std::string FillPlain(std::string_view text, const MessageParams& params, bool* some_empty) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const size_t open = text.find('{', i);
        if (open == std::string_view::npos) break;
        const size_t close = text.find('}', open + 1);
        if (close == std::string_view::npos) break;
        out.append(text, i, open - i);
        const std::string_view name = text.substr(open + 1, close - open - 1);
        const auto found = std::find_if(params.begin(), params.end(),
                                        [&](const auto& p) { return p.first == name; });
        if (found != params.end()) {
            out += found->second;
            if (found->second.empty() && some_empty) *some_empty = true;
        } else {
            out.append(text, open, close - open + 1);
        }
        i = close + 1;
    }
    out.append(text, i, std::string_view::npos);
    return out;
}

}  // namespace

std::string FillPlaceholders(std::string_view text, const MessageParams& params) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        const size_t open = text.find("[[", i);
        const size_t close = open == std::string_view::npos ? open : text.find("]]", open + 2);
        if (close == std::string_view::npos) break;
        out += FillPlain(text.substr(i, open - i), params, nullptr);
        bool some_empty = false;
        std::string part = FillPlain(text.substr(open + 2, close - open - 2), params, &some_empty);
        if (!some_empty) out += part;
        i = close + 2;
    }
    out += FillPlain(text.substr(std::min(i, text.size())), params, nullptr);
    return out;
}

Error Coded(ErrorCode code, Msg msg, MessageParams params) {
    Error error{code,
                FillPlaceholders(msg.message, params),
                FillPlaceholders(msg.hint, params),
                std::string(msg.key),
                {}};
    error.params = std::move(params);
    return error;
}

std::string Describe(const Error& error) {
    std::string out = "error: " + error.message;
    if (!error.hint.empty()) out += "\n  what to do: " + error.hint;
    return out;
}

}  // namespace callbase
