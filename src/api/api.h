// The HTTP API of `callbase serve` (docs/api.md): JSON routes under /api/v1
// for what the CLI offers, sessions and CSRF, the permission table applied to
// every route, the audit log written for every call, masking of personal data
// in every answer, the import jobs and their WebSocket feeds, and the web UI's
// static files.
//
// Routes: the table in routes.cc (RouteTable) names, for each method and
// path, who may call it and what the audit log calls it; api_test.cc checks
// the table against the permission table for every role and against
// openapi.json.
//
// Threads: the handlers run on the HttpServer's io threads, each taking a
// Store from the pool for the call (a Store is used by one thread at a time).
// The audit log is written by one thread of its own, in batches (AuditWriter):
// reads are queued, changes wait until their record has landed. An import
// runs on a thread of its own with its own Store.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/read_volume.h"
#include "api/redact.h"
#include "api/sessions.h"
#include "core/clock.h"
#include "core/error.h"
#include "ingest/column_map.h"
#include "phone/clean.h"
#include "security/audit.h"
#include "security/permissions.h"
#include "server/http_server.h"
#include "store/store.h"

namespace callbase::campaigns {
class CampaignRunner;
}

namespace callbase::api {

using OpenStore = std::function<Result<std::unique_ptr<store::Store>>()>;

struct ApiOptions {
    OpenStore open_store;  // a new connection to the base, keys attached
    const phone::Cleaner* cleaner = nullptr;
    const Clock* clock = nullptr;
    std::function<Result<std::string>()> pseudonym_key;  // the key file's pseudonym key
    std::string registry_dir;                            // the do-not-call registries
    std::string web_dir;                                 // the web UI's built files; "" serves none
    std::string work_dir;                    // uploads and export files while they are made
    std::string sms_log = "sms-outbox.log";  // where double opt-in codes are sent (a log)
    bool secure_cookies = false;             // under TLS
    Sessions::Limits session_limits;
    int logins_per_minute = 10;
    int requests_per_second = 200;     // per address, twice that in a burst; 0: no limit
    size_t upload_limit = 256u << 20;  // an import's file
    // Origins ("https://crm.example.com") besides the server's own (the one
    // the Host header names) whose pages may log in and open the feeds
    // (`serve --allowed-origin`).
    std::vector<std::string> allowed_origins;
    // WebSocket feeds open at once per session; more are refused (429).
    int feeds_per_session = 4;
    ingest::ImportLimits import_limits;  // columns, new custom fields, cell size of an import
    // Robot scripts: a campaign names a file of this folder or sends the
    // script itself (kept in its uploaded/ folder); "" takes no script.
    std::string scripts_dir;
    // The campaigns running in this server (the operators' routes need it);
    // none: campaigns can be set up but not worked.
    campaigns::CampaignRunner* campaigns = nullptr;
};

// Connections to the base, one per concurrent call, opened as needed and
// kept; each thread keeps the one it used last. Thread-safe. Threads that
// used the pool must end before it (the io threads do: the server stops
// before the Api goes).
class StorePool {
public:
    explicit StorePool(OpenStore open);
    ~StorePool();
    StorePool(const StorePool&) = delete;
    StorePool& operator=(const StorePool&) = delete;
    struct Lease {
        StorePool* pool = nullptr;
        std::unique_ptr<store::Store> store;
        Lease() = default;
        Lease(StorePool* p, std::unique_ptr<store::Store> s) : pool(p), store(std::move(s)) {}
        Lease(Lease&&) = default;
        Lease& operator=(Lease&&) = default;
        ~Lease();
    };
    Result<Lease> Acquire();
    // Ends the calling thread's kept snapshot once it is stale (an io thread's
    // tick: an idle thread must not hold back the log's checkpoints).
    void EndStaleSnapshot();

private:
    OpenStore open_;
    const uint64_t id_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<store::Store>> idle_;
};

// The audit log's one writer: appends queued events in batches, one
// transaction a batch, on a thread of its own. Thread-safe.
class AuditWriter {
public:
    // `reads`, when given, has its counts written with each batch, in its
    // transaction (api/read_volume.h); it must outlive the writer.
    AuditWriter(std::unique_ptr<store::Store> store, const Clock& clock,
                ReadVolume* reads = nullptr);
    ~AuditWriter();
    // Queued; written within milliseconds.
    void Post(security::AuditEvent event);
    // Returns once the event is in the log (or the error that kept it out).
    Result<void> Write(security::AuditEvent event);
    // Notes that `user` used `permission` (security/access_review.h); kept
    // with the next batch, the latest time per user and permission.
    void NoteUse(const std::string& user, std::string_view permission, UnixSeconds at);

private:
    struct Item {
        security::AuditEvent event;
        std::shared_ptr<std::optional<Result<void>>> done;  // set when written, if waited for
    };
    void Run();

    static constexpr size_t kBatchSize = 10000;
    // How long queued reads wait for company. Every commit makes the io
    // threads' SQLite page caches stale (a WAL reader cannot tell which pages
    // changed), so the lookups after it read their pages again: fewer commits
    // keep them warm, but a larger batch is a longer burst of work that the
    // slowest answers wait behind (bench/screenpop: 5 ms served fewer
    // lookups, 250 ms and 1 s raised the 99th percentile). Changes do not
    // wait for it: a waited Write() is committed at once, with the queue.
    static constexpr std::chrono::milliseconds kBatchWait{100};

    std::unique_ptr<store::Store> store_;
    const Clock& clock_;
    ReadVolume* reads_;
    std::mutex mutex_;
    std::condition_variable wake_, written_;
    std::deque<Item> queue_;
    std::map<std::pair<std::string, std::string>, UnixSeconds> uses_;  // NoteUse's, not yet kept
    int waiting_ = 0;  // Write() calls waiting for their record
    bool stopping_ = false;
    std::thread thread_;
};

// How a route is reached.
enum class Access {
    kPublic,      // anyone (login, the OpenAPI document)
    kSession,     // any logged-in user (who am I, logout)
    kPermission,  // a logged-in user whose role has `permission`
};

class Api;
struct Call;
using ApiHandler = std::function<Result<server::Response>(Call&)>;

struct ApiRoute {
    std::string method, path;  // "GET", "/api/v1/contacts/{id}"
    Access access = Access::kPermission;
    security::Permission permission = security::Permission::kAdminister;
    std::string audit_action;  // read, change, export, ... (security/audit.h)
    ApiHandler handler;
    size_t body_limit = 0;  // 0: the server's (1 MiB); uploads take more
    // A WebSocket route: the feed of its messages (handler unused).
    std::function<Result<server::Feed>(Call&)> socket;
};

// The routes, in the order of docs/api.md.
const std::vector<ApiRoute>& RouteTable();

// One call being answered: the request, who makes it, a Store for it, and
// what the audit record will say.
struct Call {
    const server::Request& request;
    Api& api;
    std::optional<Session> session;  // none on public routes
    store::Store* db = nullptr;      // none on public routes that need no base
    std::string source;              // "api:127.0.0.1"
    std::string records, detail;     // for the audit record
    bool audit = true;               // false: a route that wrote its own record

    std::string actor() const { return session ? session->user : "anonymous"; }
    // Who sees the answer (role, user, the time), made once per call.
    const Viewer& viewer() const;
    // The body as a JSON object; a 400 error that says where it is malformed.
    Result<nlohmann::json> Body() const;
    // A positive integer path parameter ({id}).
    Result<int64_t> Id(const std::string& name) const;
    // A query parameter as an integer within [min, max], or `fallback`.
    Result<int64_t> QueryInt(std::string_view name, int64_t fallback, int64_t min,
                             int64_t max) const;
    // A phone number in any spelling, cleaned to E.164; `what` names it.
    Result<std::string> Phone(const std::string& text, std::string_view what = "phone") const;
    // The number as this caller may see it.
    Result<std::string> Shown(const std::string& e164) const;

    mutable std::optional<Viewer> viewer_made;  // viewer()'s, once made
};

class Api {
public:
    // How long an io thread's screen-pop snapshot may be taken up again
    // (store::Store::KeepSnapshots): a change made outside this process (the
    // CLI, another server) shows in the screen pop within this; one made
    // through this server, at once.
    static constexpr std::chrono::milliseconds kSnapshotAge{100};

    explicit Api(ApiOptions options);
    ~Api();
    // Opens the first connections and the audit writer; reads the pseudonym key.
    Result<void> Start();
    // Registers every route (and the static files) on the server.
    void Mount(server::HttpServer& http);

    const ApiOptions& options() const { return options_; }
    Sessions& sessions() { return sessions_; }
    LoginLimiter& limiter() { return limiter_; }
    AuditWriter& audit() { return *audit_; }
    StorePool& pool() { return pool_; }
    const std::string& pseudonym_key() const { return pseudonym_key_; }
    // The numbers in a text replaced by their pseudonyms (for audit records).
    std::string Pseudonymized(std::string_view text) const;
    // Free text that may name a person, and filter expressions, as the audit
    // log keeps them (security::PseudonymizeText, PseudonymizeFilter).
    std::string PseudonymizedText(std::string_view text) const;
    std::string PseudonymizedFilters(const std::vector<std::string>& expressions) const;
    // A query string for the audit log: parameters that name a class many
    // share (limit, status, category, ...) and numbers as Pseudonymized, any
    // other value (a name, a filter, a reason) as PseudonymizedText of its
    // text as sent.
    std::string PseudonymizedQuery(std::string_view query) const;

    // Contacts read per user, and the limits in force (the audit alert
    // rules, read again a minute after they were last read, or at once
    // after ForgetReadLimits when they change).
    ReadVolume& reads() { return reads_; }
    Result<ReadVolume::Limits> ReadLimits(store::Store& db);
    void ForgetReadLimits();

    // Import jobs (routes_import.cc).
    struct ImportJob;
    std::shared_ptr<ImportJob> NewImportJob();
    std::shared_ptr<ImportJob> FindImportJob(int64_t id);
    // Waits for the imports still running (the destructor does).
    void JoinImports();

    // Answers one call of a route (checks, handler, audit record).
    server::Response Dispatch(const ApiRoute& route, const server::Request& request);
    server::Upgrade DispatchSocket(const ApiRoute& route, const server::Request& request);

private:
    // The session of a request, or the 401 problem to answer: none, expired,
    // or ended because its user was disabled or given another role since
    // the login (Ended; the session is then removed).
    Result<Session> Authenticate(const server::Request& request, store::Store& db,
                                 server::Response* refusal);
    // Why a session must end (its user disabled, gone, or in another role
    // now, changed by anyone: this server, another one, the CLI), as the
    // coded error a 401 carries; nullopt while it may go on.
    Result<std::optional<Error>> Ended(store::Store& db, const Session& session);

    // A place among the session's open feeds (ApiOptions::feeds_per_session),
    // held until the returned pointer goes; null when they are all taken.
    std::shared_ptr<void> TakeFeedSlot(const std::string& token);
    // How often an open feed checks that its session still holds.
    static constexpr std::chrono::seconds kFeedSessionCheck{2};

    ApiOptions options_;
    Sessions sessions_;
    LoginLimiter limiter_;
    RequestLimiter requests_;
    StorePool pool_;
    ReadVolume reads_;  // before audit_: its writer flushes the counts until it stops
    std::unique_ptr<AuditWriter> audit_;
    std::string pseudonym_key_;
    std::mutex feeds_mutex_;
    std::map<std::string, int> feeds_;  // open feeds by session token
    std::mutex limits_mutex_;
    std::optional<ReadVolume::Limits> limits_;
    UnixSeconds limits_read_at_ = 0;
    std::mutex jobs_mutex_;
    std::map<int64_t, std::shared_ptr<ImportJob>> jobs_;
    int64_t next_job_ = 1;
};

// A JSON answer.
server::Response JsonResponse(int status, const nlohmann::json& body);
// An Error as a problem: invalid input 400, not found 404, conflict 409;
// failures of the base, the disk or the code 500 with no detail (the log on
// stderr has it).
server::Response ErrorResponse(const Error& error);
// A problem of the given status carrying `error`'s message, hint, code and parameters.
server::Response ErrorProblem(int status, std::string_view title, const Error& error);

// Whether a request's Origin header is acceptable: absent (not a browser's
// cross-site request), the server's own (its host and port are the Host
// header's) or one of `allowed`. "null" (a sandboxed page, a file) is not.
bool OriginAllowed(const server::Request& request, const std::vector<std::string>& allowed);
// The refusal of a login that a page of another site could have sent: a body
// that is not JSON (415: an HTML form or text/plain needs no CORS
// preflight, JSON does) or a foreign Origin (403); nullopt when neither.
std::optional<server::Response> CrossSiteRefusal(const server::Request& request,
                                                 const std::vector<std::string>& allowed);
// `error` with every number in its text as the caller of `call` may see it
// (the masking of the card, api/redact.h); Dispatch applies it to every
// handler's failure.
Error ShownError(const Call& call, Error error);

// The session cookie's name.
inline constexpr std::string_view kSessionCookie = "callbase_session";

}  // namespace callbase::api
