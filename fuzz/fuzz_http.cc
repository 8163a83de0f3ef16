// The HTTP request path of `callbase serve` without a socket: the router
// (HttpServer::Respond) holding every route of src/api/openapi.json, the
// percent-decoding of the path, query and cookie parsing, {id} parameters
// read as the API reads them (Call::Id, Call::QueryInt) and JSON bodies parsed
// and written back as the API does (Call::Body, then json::dump).
//
// It stops short of the API's handlers, which fuzz_api drives (built by
// `make fuzz` only: fuzz/README.md).
//
// The input is a request as text (fuzz_request.h).
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_request.h"
#include "fuzz/fuzz_util.h"
#include "server/http_server.h"

using namespace callbase;
using nlohmann::json;

namespace {

server::HttpServer* http = nullptr;

// As Call::Id and Call::QueryInt read numbers.
void ReadNumber(const std::string& text) {
    char* end = nullptr;
    (void)std::strtoll(text.c_str(), &end, 10);
}

server::Response Handle(const server::Request& r) {
    for (const auto& [name, value] : r.params)
        ReadNumber(value);
    for (const char* name : {"limit", "offset", "q", "phone", "region", "purpose", "actor"}) {
        if (auto v = r.Query(name)) ReadNumber(*v);
    }
    for (const char* name : {"tag", "filter", "field"})
        (void)r.QueryAll(name);
    (void)r.Cookie("callbase_session");
    server::Response response;
    json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) return server::Problem(400, "Bad body", "");
    // What comes in goes out again in answers and the audit log; dump()
    // throws on invalid UTF-8, which Respond answers as a 500.
    response.body = body.dump();
    return response;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    std::ifstream file(CALLBASE_SOURCE_DIR "/src/api/openapi.json");
    std::stringstream text;
    text << file.rdbuf();
    json spec = json::parse(text.str(), nullptr, false);
    if (spec.is_discarded() || !spec.contains("paths")) {
        std::fprintf(stderr, "fuzz_http: cannot read src/api/openapi.json\n");
        std::abort();
    }
    http = new server::HttpServer(server::HttpServer::Options{});
    for (const auto& [path, methods] : spec["paths"].items()) {
        for (const auto& [method, _] : methods.items()) {
            std::string m = method;
            for (char& c : m)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            http->Route(m, path, Handle);
        }
    }
    http->Fallback([](const server::Request& r) {
        return server::Response{200, "text/plain", r.path};
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto request = fuzz::ParseRequest(fuzz::Bytes(data, size));
    if (!request) return 0;
    const server::Response response = http->Respond(*request);
    if (response.status < 100 || response.status > 599) fuzz::Broken("a status that is not HTTP");
    return 0;
}
