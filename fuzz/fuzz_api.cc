// The whole API behind `callbase serve` without a socket: every route's
// handler (Api::Mount on an HttpServer, then HttpServer::Respond), on a
// SQLite base with a user of each role and three contacts, as the role the
// first byte of the input picks (or none). Invariants: no request gets a 500
// (an internal error on what a client sent is a bug: bad input is a 4xx, a
// handler's exception is a 500), and a JSON answer is JSON.
//
// The input after the first byte is a request as text (fuzz_request.h); the
// harness adds the role's session cookie and CSRF token unless the input
// sends its own. Requests that would end the harness's own sessions or
// users (DELETE /api/v1/session, changes under /api/v1/users/) are skipped,
// or every later input would run as nobody.
//
// Built by `make fuzz` only, not by `make test` (fuzz/README.md): the
// sanitizer build of src/api and its handlers is most of a `make test`'s
// time budget on the 2-core machine.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "contacts/contact_book.h"
#include "core/clock.h"
#include "fuzz/fuzz_request.h"
#include "fuzz/fuzz_util.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"
#include "security/permissions.h"
#include "security/users.h"
#include "server/http_server.h"
#include "store/store.h"

using namespace callbase;
using nlohmann::json;

namespace {

constexpr const char* kPassword = "fuzz-password-1234";

struct Login {
    std::string cookie, csrf;
};

SystemClock clock_now;
std::string base_path;
std::unique_ptr<phone::NumberingPlan> plan;
std::unique_ptr<phone::Cleaner> cleaner;
std::unique_ptr<api::Api> service;
std::unique_ptr<server::HttpServer> http;
std::vector<Login> logins;  // one per role of security::Role, in its order

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "fuzz_api: %s\n", what.c_str());
    std::abort();
}

server::Response Send(server::Request request) {
    request.remote = "127.0.0.1:40000";
    if (!request.headers.contains("host")) request.headers["host"] = "127.0.0.1:8080";
    return http->Respond(request);
}

Login LogIn(const std::string& name, const std::string& totp) {
    server::Request r;
    r.method = "POST";
    r.path = "/api/v1/session";
    r.headers["content-type"] = "application/json";
    r.body = json{{"user", name}, {"password", kPassword}, {"totp", totp}}.dump();
    const server::Response answer = Send(r);
    if (answer.status != 200) Die(fmt::format("cannot log in as {}: {}", name, answer.body));
    Login login;
    const std::string prefix = std::string(api::kSessionCookie) + "=";
    for (const auto& [header, value] : answer.headers) {
        if (header == "Set-Cookie" && value.starts_with(prefix))
            login.cookie = value.substr(prefix.size(), value.find(';') - prefix.size());
    }
    login.csrf = json::parse(answer.body, nullptr, false).value("csrf", "");
    if (login.cookie.empty()) Die("the login answer set no session cookie");
    return login;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    base_path = (std::filesystem::temp_directory_path() /
                 fmt::format("callbase-fuzz-api-{}.db", ::getpid()))
                    .string();
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(base_path + suffix);
    auto db = store::Open(base_path);
    if (!db) Die(db.error().message);
    if (auto m = store::Migrate(**db, store::LatestSchemaVersion()); !m) Die(m.error().message);
    auto loaded = phone::NumberingPlan::LoadDefault(CALLBASE_DATA_DIR);
    if (!loaded) Die(loaded.error().message);
    plan = std::make_unique<phone::NumberingPlan>(std::move(*loaded));
    cleaner = std::make_unique<phone::Cleaner>(*plan);

    security::Users users(**db, clock_now);
    std::vector<std::pair<std::string, std::string>> people;  // name, TOTP code
    for (security::Role role : security::AllRoles()) {
        const std::string name = fmt::format("fuzz-{}", security::RoleId(role));
        if (auto ok = users.Add(name, role, kPassword); !ok) Die(ok.error().message);
        std::string code;
        if (security::RoleNeedsTotp(role)) {
            auto secret = users.BeginTotp(name);
            if (!secret) Die(secret.error().message);
            auto key = security::Base32Decode(*secret);
            if (!key) Die("a TOTP secret that is not base32");
            // This step's code confirms; the next step's logs in (each code once).
            if (auto ok = users.ConfirmTotp(name, security::TotpCode(*key, clock_now.Now())); !ok)
                Die(ok.error().message);
            code = security::TotpCode(*key, clock_now.Now() + 30);
        }
        people.emplace_back(name, code);
    }
    contacts::ContactBook book(**db, clock_now, "fuzz");
    for (const char* phone : {"+79161234567", "+79031112233", "+74951234567"}) {
        contacts::NewContact c;
        c.name = "Иван Петров";
        c.phones.push_back({cleaner->Clean(phone)});
        if (auto id = book.Create(c); !id) Die(id.error().message);
    }
    db->reset();

    api::ApiOptions options;
    options.open_store = [] { return store::Open(base_path); };
    options.cleaner = cleaner.get();
    options.clock = &clock_now;
    options.pseudonym_key = [] { return Result<std::string>(std::string(32, 'k')); };
    const std::string work = std::filesystem::temp_directory_path().string();
    options.registry_dir = work + fmt::format("/callbase-fuzz-api-registries-{}", ::getpid());
    options.work_dir = work;
    options.sms_log = work + fmt::format("/callbase-fuzz-api-sms-{}.log", ::getpid());
    options.requests_per_second = 0;
    options.logins_per_minute = 1 << 20;
    service = std::make_unique<api::Api>(std::move(options));
    if (auto ok = service->Start(); !ok) Die(ok.error().message);
    http = std::make_unique<server::HttpServer>(server::HttpServer::Options{});
    service->Mount(*http);
    for (const auto& [name, code] : people)
        logins.push_back(LogIn(name, code));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    auto request = fuzz::ParseRequest(fuzz::Bytes(data + 1, size - 1));
    if (!request) return 0;
    if ((request->method == "DELETE" && request->path.starts_with("/api/v1/session")) ||
        (request->method != "GET" && request->path.starts_with("/api/v1/users/"))) {
        return 0;
    }
    const size_t who = data[0] % (logins.size() + 1);
    if (who < logins.size()) {
        const Login& login = logins[who];
        if (!request->headers.contains("cookie"))
            request->headers["cookie"] = std::string(api::kSessionCookie) + "=" + login.cookie;
        if (!request->headers.contains("x-csrf-token"))
            request->headers["x-csrf-token"] = login.csrf;
    }
    const server::Response response = Send(*request);
    if (response.status < 100 || response.status > 599) fuzz::Broken("a status that is not HTTP");
    if (response.status == 500) {
        std::fprintf(stderr, "fuzz_api: %s %s answered 500: %s\n", request->method.c_str(),
                     request->path.c_str(), response.body.c_str());
        fuzz::Broken("a request answered 500");
    }
    if (response.content_type.starts_with("application/json") && !response.body.empty() &&
        json::parse(response.body, nullptr, false).is_discarded()) {
        fuzz::Broken("a JSON answer that is not JSON");
    }
    return 0;
}
