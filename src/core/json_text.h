// JSON text for everything callbase writes (API answers, the CLI's --json
// output, JSON kept in the base). nlohmann::json's dump() throws on a string
// that is not UTF-8, which turned one stored 0xFF into a 500 or an abort;
// here such bytes become U+FFFD instead, so what is already stored can always
// be shown. Input is refused at the door (core/utf8.h); this is the net
// behind it. Header-only (every module that writes JSON links nlohmann_json);
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace callbase {

inline std::string JsonText(const nlohmann::json& j, int indent = -1) {
    return j.dump(indent, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

}  // namespace callbase
