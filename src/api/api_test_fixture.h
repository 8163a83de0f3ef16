// The fixture of the API tests (api_test.cc and the test files beside it):
// a base with one user per role and three contacts, the Api served on
// loopback, an HTTP and WebSocket client, and the permission table of the
// API written out independently of RouteTable(). INSTANTIATE_TEST_SUITE_P
// for ApiTest is in api_test.cc; other files add TEST_P(ApiTest, ...) only.
#pragma once

#include "api/api.h"
#include "api/json.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "campaigns/runner.h"
#include "compliance/attempts.h"
#include "compliance/registry_catalog.h"
#include "compliance/rules.h"
#include "contacts/contact_book.h"
#include "ingest/encoding.h"
#include "security/audit.h"
#include "security/users.h"
#include "support/test_phone.h"
#include "support/test_store.h"

namespace callbase::api {

extern const char* const kOpenApiDocument;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using nlohmann::json;
using security::Permission;
using security::Role;

// The permission table of the API, written out independently of RouteTable():
// who may call what. A route the server has and this table lacks fails
// EveryRouteIsInThePermissionTable.
inline const std::map<std::string, std::string>& ExpectedAccess() {
    static const std::map<std::string, std::string> kAccess = {
        {"GET /api/v1/openapi.json", "public"},
        {"POST /api/v1/session", "public"},
        {"GET /api/v1/session", "session"},
        {"DELETE /api/v1/session", "session"},
        {"GET /api/v1/permissions", "session"},
        {"GET /api/v1/phone", "session"},
        {"PUT /api/v1/session/password", "session"},
        {"POST /api/v1/totp", "public"},
        {"POST /api/v1/totp/confirm", "public"},
        {"GET /api/v1/contacts", "read_contacts"},
        {"POST /api/v1/contacts", "edit_contacts"},
        {"GET /api/v1/contacts/count", "read_contacts"},
        {"POST /api/v1/contacts/bulk", "edit_contacts"},
        {"GET /api/v1/contacts/{id}", "read_contacts"},
        {"PUT /api/v1/contacts/{id}", "edit_contacts"},
        {"PUT /api/v1/contacts/{id}/status", "edit_contacts"},
        {"POST /api/v1/contacts/{id}/tags", "edit_contacts"},
        {"DELETE /api/v1/contacts/{id}/tags/{tag}", "edit_contacts"},
        {"PUT /api/v1/contacts/{id}/fields/{field}", "edit_contacts"},
        {"GET /api/v1/lookup", "read_contacts"},
        {"GET /api/v1/saved-filters", "read_contacts"},
        {"POST /api/v1/saved-filters", "read_contacts"},
        {"DELETE /api/v1/saved-filters/{id}", "read_contacts"},
        {"GET /api/v1/tags", "read_contacts"},
        {"POST /api/v1/tags", "dictionaries"},
        {"POST /api/v1/tags/retire", "dictionaries"},
        {"POST /api/v1/tags/defaults", "dictionaries"},
        {"POST /api/v1/tag-categories", "dictionaries"},
        {"GET /api/v1/fields", "read_contacts"},
        {"POST /api/v1/fields", "dictionaries"},
        {"GET /api/v1/statuses", "read_contacts"},
        {"GET /api/v1/health", "read_contacts"},
        {"GET /api/v1/duplicates", "merge"},
        {"POST /api/v1/duplicates/merge", "merge"},
        {"POST /api/v1/merges", "merge"},
        {"POST /api/v1/merges/{id}/undo", "merge"},
        {"POST /api/v1/imports/preview", "import"},
        {"POST /api/v1/imports", "import"},
        {"GET /api/v1/imports/{job}", "import"},
        {"GET /api/v1/imports/{job}/events", "import"},
        {"GET /api/v1/imports/{job}/errors", "import"},
        {"POST /api/v1/exports", "request_export"},
        {"GET /api/v1/exports", "request_export"},
        {"GET /api/v1/exports/{id}", "request_export"},
        {"POST /api/v1/exports/{id}/approve", "approve_export"},
        {"POST /api/v1/exports/{id}/reject", "approve_export"},
        {"GET /api/v1/exports/{id}/download", "request_export"},
        {"GET /api/v1/stop-list", "stop_list"},
        {"POST /api/v1/stop-list", "stop_list"},
        {"DELETE /api/v1/stop-list", "stop_list"},
        {"POST /api/v1/stop-list/import", "stop_list"},
        {"GET /api/v1/can-call", "can_call"},
        {"GET /api/v1/registries", "can_call"},
        {"GET /api/v1/registry-versions", "registries"},
        {"GET /api/v1/registries/{name}/diff", "registries"},
        {"POST /api/v1/registries/{name}/versions", "registries"},
        {"GET /api/v1/registry-loads/{job}", "registries"},
        {"GET /api/v1/consents", "consents"},
        {"POST /api/v1/consents", "consents"},
        {"POST /api/v1/consents/revoke", "consents"},
        {"POST /api/v1/consents/request", "consents"},
        {"POST /api/v1/consents/confirm", "consents"},
        {"GET /api/v1/purposes", "consents"},
        {"POST /api/v1/purposes", "rules"},
        {"POST /api/v1/purposes/{name}/texts", "rules"},
        {"GET /api/v1/purposes/{name}/texts", "consents"},
        {"GET /api/v1/deletion-requests", "deletion_process"},
        {"POST /api/v1/deletion-requests", "deletion_request"},
        {"POST /api/v1/deletion-requests/process", "deletion_process"},
        {"POST /api/v1/deletion-requests/{id}/archives-done", "deletion_process"},
        {"GET /api/v1/deletion-requests/{id}", "deletion_process"},
        {"GET /api/v1/deletion-requests/{id}/notice", "deletion_process"},
        {"POST /api/v1/attempts", "can_call"},
        {"GET /api/v1/inactive", "can_call"},
        {"POST /api/v1/inactive/review", "rules"},
        {"GET /api/v1/rules", "can_call"},
        {"PUT /api/v1/rules", "rules"},
        {"POST /api/v1/holidays", "rules"},
        {"GET /api/v1/holidays", "can_call"},
        {"DELETE /api/v1/holidays/{date}", "rules"},
        {"GET /api/v1/users", "manage_users"},
        {"POST /api/v1/users", "manage_users"},
        {"PUT /api/v1/users/{name}/role", "manage_users"},
        {"POST /api/v1/users/{name}/disable", "manage_users"},
        {"POST /api/v1/users/{name}/unlock", "manage_users"},
        {"POST /api/v1/users/{name}/enable", "manage_users"},
        {"POST /api/v1/users/{name}/totp/reset", "manage_users"},
        {"PUT /api/v1/users/{name}/password", "manage_users"},
        {"GET /api/v1/audit", "read_audit"},
        {"GET /api/v1/audit/verify", "read_audit"},
        {"GET /api/v1/audit/head", "read_audit"},
        {"GET /api/v1/audit/alerts", "read_audit"},
        {"GET /api/v1/audit/alert-rules", "read_audit"},
        {"PUT /api/v1/audit/alert-rules", "manage_users"},
        {"GET /api/v1/break-glass", "read_audit"},
        {"POST /api/v1/break-glass", "break_glass"},
        {"POST /api/v1/break-glass/{id}/approve", "approve_break_glass"},
        {"POST /api/v1/break-glass/{id}/end", "read_audit"},
        {"POST /api/v1/assignments", "assign_contacts"},
        {"GET /api/v1/teams", "manage_users"},
        {"POST /api/v1/teams", "manage_users"},
        {"PUT /api/v1/users/{name}/team", "manage_users"},
        {"GET /api/v1/access-review", "read_audit"},
        {"GET /api/v1/campaigns", "campaigns"},
        {"POST /api/v1/campaigns", "campaigns"},
        {"GET /api/v1/campaigns/{id}", "campaigns"},
        {"PUT /api/v1/campaigns/{id}", "campaigns"},
        {"POST /api/v1/campaigns/{id}/clone", "campaigns"},
        {"GET /api/v1/call-log", "call_records"},
        {"GET /api/v1/call-log/export", "call_records"},
        {"GET /api/v1/calls/{id}/recording", "call_records"},
        {"GET /api/v1/reports/calls", "call_records"},
        {"GET /api/v1/reports/inbound", "call_records"},
        {"GET /api/v1/reports/inbound/queue-log", "call_records"},
        {"GET /api/v1/staffing", "staffing"},
        {"GET /api/v1/agent/calls", "can_call"},
        {"POST /api/v1/campaigns/{id}/start", "campaigns"},
        {"POST /api/v1/campaigns/{id}/pause", "campaigns"},
        {"POST /api/v1/campaigns/{id}/stop", "campaigns"},
        {"GET /api/v1/campaigns/{id}/live", "campaigns"},
        {"GET /api/v1/calls", "call_records"},
        {"GET /api/v1/agent", "can_call"},
        {"GET /api/v1/agent/campaigns", "can_call"},
        {"POST /api/v1/agent/join", "can_call"},
        {"POST /api/v1/agent/leave", "can_call"},
        {"POST /api/v1/agent/ready", "can_call"},
        {"POST /api/v1/agent/pause", "can_call"},
        {"GET /api/v1/agent/pause-reasons", "can_call"},
        {"GET /api/v1/routing", "campaigns"},
        {"GET /api/v1/telephony", "campaigns"},
        {"PUT /api/v1/routing/queues/{name}", "campaigns"},
        {"DELETE /api/v1/routing/queues/{name}", "campaigns"},
        {"PUT /api/v1/routing/numbers/{number}", "campaigns"},
        {"DELETE /api/v1/routing/numbers/{number}", "campaigns"},
        {"PUT /api/v1/routing/rules", "campaigns"},
        {"GET /api/v1/routing/lists/{list}", "campaigns"},
        {"POST /api/v1/routing/lists/{list}", "campaigns"},
        {"DELETE /api/v1/routing/lists/{list}/{number}", "campaigns"},
        {"PUT /api/v1/routing/pause-reasons/{code}", "campaigns"},
        {"DELETE /api/v1/routing/pause-reasons/{code}", "campaigns"},
        {"PUT /api/v1/routing/agents/{agent}", "campaigns"},
        {"DELETE /api/v1/routing/agents/{agent}", "campaigns"},
        {"POST /api/v1/agent/next-card", "can_call"},
        {"POST /api/v1/agent/dial", "can_call"},
        {"POST /api/v1/agent/hangup", "can_call"},
        {"POST /api/v1/agent/hold", "can_call"},
        {"POST /api/v1/agent/transfer", "can_call"},
        {"POST /api/v1/agent/consult", "can_call"},
        {"GET /api/v1/agent/transfer-targets", "can_call"},
        {"POST /api/v1/wallboard/monitor", "monitor_calls"},
        {"POST /api/v1/agent/disposition", "edit_contacts"},
        {"GET /api/v1/agent/events", "can_call"},
        {"GET /api/v1/wallboard", "call_records"},
        {"GET /api/v1/wallboard/live", "call_records"},
    };
    return kAccess;
}

inline std::optional<Permission> PermissionNamed(const std::string& id) {
    for (Permission p : security::AllPermissions())
        if (security::PermissionId(p) == id) return p;
    return std::nullopt;
}

// A clock the test moves while the server's threads read it.
class TestClock final : public Clock {
public:
    UnixSeconds Now() const override { return now_.load(); }
    void Advance(int64_t seconds) { now_ += seconds; }

private:
    std::atomic<UnixSeconds> now_{1'780'000'000};  // 2026-05-28, a Thursday
};

struct Reply {
    int status = 0;
    std::string body, content_type, set_cookie, retry_after;
    std::string whole;  // the answer as sent: status line, headers, body
    json Json() const { return json::parse(body, nullptr, false); }
};

constexpr const char* kPassword = "long enough password";

// Calling rules that allow every hour of every day: the campaign tests run at
// the real time of day (the runner's network keeps the wall clock).
constexpr const char* kEveryHour =
    R"({"window_start": "00:00", "window_end": "24:00",
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]})";

struct Person {
    Role role;
    std::string name;
};
inline const std::vector<Person>& People() {
    static const std::vector<Person> kPeople = {
        {Role::kAdmin, "root"},   {Role::kSupervisor, "anna"}, {Role::kOperator, "oleg"},
        {Role::kAnalyst, "ivan"}, {Role::kDpo, "dina"},        {Role::kService, "robot"}};
    return kPeople;
}

class ApiTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_TRUE(db_);
        security::Users users(*db_, clock_);
        for (const auto& p : People()) {
            ASSERT_TRUE(users.Add(p.name, p.role, kPassword));
            if (security::RoleNeedsTotp(p.role)) {
                auto secret = users.BeginTotp(p.name);
                ASSERT_TRUE(secret);
                secrets_[p.name] = *security::Base32Decode(*secret);
                ASSERT_TRUE(
                    users.ConfirmTotp(p.name, security::TotpCode(secrets_[p.name], clock_.Now())));
            }
        }
        contacts::ContactBook book(*db_, clock_, "seed");
        for (auto [name, phone] : {std::pair{"Иван Петров", "+79161234567"},
                                   {"Мария Соколова", "+79031112233"},
                                   {"Олег Сидоров", "+74951234567"}}) {
            contacts::NewContact c;
            c.name = name;
            c.phones.push_back({testing::TestCleaner().Clean(phone)});
            auto id = book.Create(c);
            ASSERT_TRUE(id) << id.error().message;
            ids_[phone] = *id;
        }
        ApiOptions& options = options_;
        options.open_store = [this]() -> Result<std::unique_ptr<store::Store>> {
            auto s = testing::OpenSecondConnection(*db_);
            if (!s) return Fail(ErrorCode::kDatabase, "no second connection");
            // Borrowed: db_ outlives every connection of the test.
            if (db_->cipher()) {
                s->set_cipher(std::shared_ptr<const store::Cipher>(db_->cipher(), [](auto*) {}));
            }
            return s;
        };
        options.cleaner = &testing::TestCleaner();
        options.clock = &clock_;
        options.pseudonym_key = [] { return Result<std::string>(std::string(32, 'k')); };
        options.registry_dir =
            ::testing::TempDir() + fmt::format("/callbase-api-registries-{}", ::getpid());
        options.work_dir = ::testing::TempDir();
        // One file per test process: the two backends' tests run at once.
        options.sms_log =
            ::testing::TempDir() + fmt::format("/callbase-api-sms-{}.log", ::getpid());
        options.session_limits = {1800, 12 * 3600};
        // Off: every call comes from 127.0.0.1, and a test that outran 200
        // requests a second got 429 instead of what it asserts. A test that
        // relies on the limit sets it (options_.requests_per_second, Serve()).
        options.requests_per_second = 0;
        Serve();
    }

    // Stops the server and lets go of the Api: change options_, then Serve().
    void StopServing() {
        http_->Stop();
        http_.reset();
        api_.reset();
    }

    // The Api and its server on options_, on a new port.
    void Serve() {
        api_ = std::make_unique<Api>(options_);
        ASSERT_TRUE(api_->Start());
        http_ = std::make_unique<server::HttpServer>(
            server::HttpServer::Options{"127.0.0.1", 0, 2, 1 << 20});
        api_->Mount(*http_);
        auto port = http_->Start();
        ASSERT_TRUE(port);
        port_ = *port;
    }

    // Serves again with campaigns running in the server, as `serve
    // --telephony sim` runs them: a CampaignRunner on the simulated network,
    // `speed` times the wall clock. Sessions start over.
    void ServeWithCampaigns(const telephony::Population& population, double speed) {
        http_->Stop();
        http_.reset();
        api_.reset();
        campaigns::RunnerOptions ro;
        ro.open_store = options_.open_store;
        ro.cleaner = options_.cleaner;
        ro.registry_dir = options_.registry_dir;
        ro.population = population;
        ro.speed = speed;
        ro.clock = &clock_;
        runner_ = std::make_unique<campaigns::CampaignRunner>(std::move(ro));
        ASSERT_TRUE(runner_->Start());
        options_.campaigns = runner_.get();
        Serve();
    }

    void TearDown() override {
        if (http_) http_->Stop();
        http_.reset();
        api_.reset();
        runner_.reset();
        // The registry files and SMS log of this process (a test that wants
        // them reads them before it ends): nothing is left in the temp dir.
        std::error_code ignored;
        std::filesystem::remove_all(options_.registry_dir, ignored);
        std::filesystem::remove(options_.sms_log, ignored);
    }

    struct Login {
        std::string cookie, csrf;
    };

    Reply Send(http::verb verb, const std::string& target, const std::string& body = "",
               const Login* who = nullptr, bool with_csrf = true,
               const std::string& content_type = "application/json") {
        asio::io_context io;
        beast::tcp_stream stream(io);
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        http::request<http::string_body> req(verb, target, 11);
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::content_type, content_type);
        if (who) {
            req.set(http::field::cookie, std::string(kSessionCookie) + "=" + who->cookie);
            if (with_csrf) req.set("X-CSRF-Token", who->csrf);
        }
        req.body() = body;
        req.prepare_payload();
        beast::error_code ec;
        // The server may answer (413) and close before a large body is all sent.
        http::write(stream, req, ec);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res, ec);
        EXPECT_FALSE(ec && res.result_int() == 0) << target << ": " << ec.message();
        std::ostringstream whole;
        whole << res;
        return {
            static_cast<int>(res.result_int()),          res.body(),
            std::string(res[http::field::content_type]), std::string(res[http::field::set_cookie]),
            std::string(res[http::field::retry_after]),  whole.str()};
    }

    // A code no login took before (the server takes each code once): this
    // step's, else the next step's (one step of drift is accepted), else the
    // clock moves on until that one is.
    std::string TotpFor(const std::string& name) {
        auto it = secrets_.find(name);
        if (it == secrets_.end()) return "";
        int64_t& last = totp_steps_[name];
        const int64_t now = clock_.Now() / 30;
        const int64_t step = std::max(now, last + 1);
        if (step > now + 1) clock_.Advance((step - now - 1) * 30);
        last = step;
        return security::TotpCode(it->second, step * 30);
    }

    Login LogIn(const std::string& name) {
        Reply r =
            Send(http::verb::post, "/api/v1/session",
                 json{{"user", name}, {"password", kPassword}, {"totp", TotpFor(name)}}.dump());
        EXPECT_EQ(r.status, 200) << name << ": " << r.body;
        Login login;
        const std::string prefix = std::string(kSessionCookie) + "=";
        if (r.set_cookie.starts_with(prefix)) {
            login.cookie =
                r.set_cookie.substr(prefix.size(), r.set_cookie.find(';') - prefix.size());
        }
        login.csrf = r.Json().value("csrf", "");
        return login;
    }

    // A WebSocket of the API opened as `who`; `refused` is the status of the
    // answer when the server refuses the upgrade.
    struct Socket {
        asio::io_context io;
        websocket::stream<tcp::socket> ws{io};
        int refused = 0;
        // The next message; only where one is sure to come (a read waits).
        json Next() {
            beast::flat_buffer buffer;
            ws.read(buffer);
            return json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
        }
    };
    std::unique_ptr<Socket> Open(const std::string& target, const Login& who) {
        auto s = std::make_unique<Socket>();
        s->ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        s->ws.set_option(
            websocket::stream_base::decorator([cookie = who.cookie](websocket::request_type& req) {
                req.set(http::field::cookie, std::string(kSessionCookie) + "=" + cookie);
            }));
        websocket::response_type res;
        beast::error_code ec;
        // Asynchronously: Boost 1.74's synchronous handshake leaves `res`
        // empty when the server declines.
        s->ws.async_handshake(res, "127.0.0.1", target, [&ec](beast::error_code e) { ec = e; });
        s->io.run();
        s->io.restart();
        if (ec) s->refused = static_cast<int>(res.result_int());
        return s;
    }

    // A preview campaign `name` (it dials nobody by itself) created and started
    // by `supervisor`, and `agent` joined to it (paused until ready).
    void JoinPreviewCampaign(const std::string& name, const Login& supervisor, const Login& agent) {
        Reply created = Send(
            http::verb::post, "/api/v1/campaigns",
            json{{"name", name}, {"caller_ids", {"+74951112233"}}, {"pacing", "preview"}}.dump(),
            &supervisor);
        ASSERT_EQ(created.status, 201) << created.body;
        const int64_t id = created.Json()["id"].get<int64_t>();
        ASSERT_EQ(
            Send(http::verb::post, fmt::format("/api/v1/campaigns/{}/start", id), "{}", &supervisor)
                .status,
            200);
        ASSERT_EQ(
            Send(http::verb::post, "/api/v1/agent/join", json{{"campaign", id}}.dump(), &agent)
                .status,
            200);
    }

    // GET /api/v1/agent as `who` until `done` holds of it or `timeout` passes.
    json AgentUntil(const Login& who, const std::function<bool(const json&)>& done,
                    std::chrono::seconds timeout = std::chrono::seconds(20)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        json state;
        do {
            state = Send(http::verb::get, "/api/v1/agent", "", &who).Json();
            if (done(state)) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        } while (std::chrono::steady_clock::now() < deadline);
        return state;
    }

    // The audit records of an actor, once the writer has caught up.
    std::vector<security::AuditRecord> AuditOf(const std::string& actor, size_t at_least) {
        auto reader = testing::OpenSecondConnection(*db_);
        security::AuditLog log(*reader, clock_);
        std::vector<security::AuditRecord> records;
        // Up to 20 s (2 s were a race on a loaded machine); done once there.
        for (int i = 0; i < 1000; ++i) {
            security::AuditLog::Filter f;
            f.actor = actor;
            f.limit = 1000;
            auto listed = log.List(f);
            EXPECT_TRUE(listed);
            if (listed) records = *listed;
            if (records.size() >= at_least) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return records;
    }

    TestClock clock_;
    std::unique_ptr<store::Store> db_;
    std::map<std::string, std::vector<unsigned char>> secrets_;
    std::map<std::string, int64_t> totp_steps_;  // the last step TotpFor gave, per user
    std::map<std::string, int64_t> ids_;
    ApiOptions options_;
    std::unique_ptr<campaigns::CampaignRunner> runner_;  // none: campaigns do not run
    std::unique_ptr<Api> api_;
    std::unique_ptr<server::HttpServer> http_;
    uint16_t port_ = 0;
};

}  // namespace callbase::api
