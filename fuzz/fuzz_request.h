// An HTTP request read from a fuzzer's input as text, for the harnesses that
// drive the request path without a socket (fuzz_http, fuzz_api). Boost.Beast,
// which reads the bytes off the socket, is not ours to fuzz:
//   METHOD TARGET            e.g. "POST /api/v1/contacts?x=1"
//   name: value              headers, up to an empty line
//   body                     the rest
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_server.h"

namespace callbase::fuzz {

inline std::optional<server::Request> ParseRequest(std::string_view text) {
    auto line = [&]() {
        const size_t end = text.find('\n');
        std::string_view l = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        return l;
    };
    server::Request request;
    const std::string_view first = line();
    const size_t space = first.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    request.method = std::string(first.substr(0, space));
    const std::string_view target = first.substr(space + 1);
    const size_t q = target.find('?');
    request.path = server::PercentDecode(target.substr(0, q), /*plus_is_space=*/false);
    if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
    for (std::string_view h = line(); !h.empty(); h = line()) {
        const size_t colon = h.find(':');
        if (colon == std::string_view::npos) continue;
        std::string name(h.substr(0, colon));
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        request.headers[name] = std::string(value);
    }
    request.body = std::string(text);
    return request;
}

}  // namespace callbase::fuzz
