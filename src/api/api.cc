#include "api/api.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json_text.h"
#include "core/utf8.h"
#include "security/access_review.h"
#include "security/audit_alerts.h"
#include "security/break_glass.h"
#include "security/users.h"

namespace callbase::api {
namespace {

using nlohmann::json;
using server::Problem;
using server::Request;
using server::Response;

// The address of a request without its port: "api:127.0.0.1".
std::string SourceOf(const Request& request) {
    std::string address = request.remote.substr(0, request.remote.rfind(':'));
    return "api:" + address;
}

bool Changes(std::string_view method) {
    return method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH";
}

std::string ContentType(const std::filesystem::path& file) {
    static const std::map<std::string, std::string> kTypes = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
    };
    auto it = kTypes.find(file.extension().string());
    return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// The web UI's files, read once: a request can only name one of these, so no
// path reaches outside the folder.
using StaticFiles = std::map<std::string, Response>;

StaticFiles LoadStatic(const std::string& dir) {
    StaticFiles files;
    if (dir.empty() || !std::filesystem::is_directory(dir)) return files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream body;
        body << in.rdbuf();
        std::string url = "/" + std::filesystem::relative(entry.path(), dir).generic_string();
        files[url] = Response{200, ContentType(entry.path()), body.str(), {}};
    }
    if (auto index = files.find("/index.html"); index != files.end()) files["/"] = index->second;
    return files;
}

// The headers the API reads; their values must be UTF-8 like the rest of a
// request (other headers are left to HTTP's own rules).
constexpr std::string_view kHeadersRead[] = {"cookie", "x-csrf-token", "user-agent", "origin",
                                             "content-type"};

// A 400 for a request with bytes that are not UTF-8 where text is expected:
// the path and query (after percent-decoding), the headers the API reads and
// a JSON body. Such bytes used to reach the audit log and the base, after
// which every answer that showed them failed; they are refused at the door.
std::optional<Response> RefuseNonUtf8(const Request& request) {
    auto refuse = [](std::string_view where, std::string_view text) {
        return Problem(400, "Bad request",
                       Msg{"request.not_utf8", "{where} is not UTF-8 text ({why})",
                           "send text as UTF-8 and percent-encode it in URLs"},
                       {{"where", std::string(where)}, {"why", DescribeInvalidUtf8(text)}});
    };
    if (!IsUtf8(request.path)) return refuse("the path", request.path);
    std::string_view query = request.query;
    for (size_t n = 1; !query.empty(); ++n) {
        const size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const size_t eq = pair.find('=');
        const std::string key = server::PercentDecode(pair.substr(0, eq));
        if (!IsUtf8(key)) return refuse(fmt::format("query parameter {}'s name", n), key);
        if (eq == std::string_view::npos) continue;
        const std::string value = server::PercentDecode(pair.substr(eq + 1));
        if (!IsUtf8(value)) {
            return refuse(fmt::format("the value of query parameter {}",
                                      IsUtf8(key) && key.size() <= 64 ? key : std::to_string(n)),
                          value);
        }
    }
    for (std::string_view name : kHeadersRead) {
        auto it = request.headers.find(std::string(name));
        if (it != request.headers.end() && !IsUtf8(it->second))
            return refuse(fmt::format("the {} header", name), it->second);
    }
    if (request.Header("content-type").starts_with("application/json") && !IsUtf8(request.body))
        return refuse("the JSON body", request.body);
    return std::nullopt;
}

constexpr std::string_view kSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

}  // namespace

Response JsonResponse(int status, const json& body) {
    return {status, "application/json", JsonText(body), {}};
}

Response ErrorProblem(int status, std::string_view title, const Error& error) {
    std::string detail = error.message;
    if (!error.hint.empty()) detail += "; " + error.hint;
    return Problem(status, title, detail, error.key, error.params);
}

Response ErrorResponse(const Error& error) {
    switch (error.code) {
        case ErrorCode::kInvalidInput:
            return ErrorProblem(400, "Bad request", error);
        case ErrorCode::kNotFound:
            return ErrorProblem(404, "Not found", error);
        case ErrorCode::kConflict:
            return ErrorProblem(409, "Conflict", error);
        default:
            // The base's or the disk's own words may hold SQL or paths: they go
            // to the server's log, not to the client.
            fmt::print(stderr, "callbase serve: {}\n", Describe(error));
            return Problem(500, "Internal error",
                           "the server could not answer; nothing was changed by halves, and "
                           "the server's log says more",
                           "server.internal", {});
    }
}

namespace {

Response TooManyRequests(int per_second, int64_t wait) {
    return Problem(429, "Too many requests",
                   Msg{"request.too_many", "more than {limit} requests a second from this address",
                       "wait {wait} s and try again"},
                   {{"limit", std::to_string(per_second)}, {"wait", std::to_string(wait)}});
}

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char& ch : out)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

}  // namespace

bool OriginAllowed(const Request& request, const std::vector<std::string>& allowed) {
    auto it = request.headers.find("origin");
    if (it == request.headers.end()) return true;
    const std::string origin = Lower(it->second);
    for (const std::string& a : allowed) {
        std::string_view want = a;
        while (want.ends_with('/'))
            want.remove_suffix(1);
        if (origin == Lower(want)) return true;
    }
    // "scheme://host[:port]": the host and port must be the Host header's
    // (the scheme is not compared: a TLS proxy may stand in front).
    const size_t scheme = origin.find("://");
    if (scheme == std::string::npos) return false;
    const std::string host = Lower(request.Header("host"));
    return !host.empty() && origin.substr(scheme + 3) == host;
}

std::optional<Response> CrossSiteRefusal(const Request& request,
                                         const std::vector<std::string>& allowed) {
    std::string type = Lower(request.Header("content-type"));
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ')
        type.pop_back();
    if (type != "application/json") {
        return Problem(415, "Unsupported media type",
                       Msg{"login.not_json",
                           "a login is sent as Content-Type: application/json, not '{type}' "
                           "(a form of another site cannot send that)"},
                       {{"type", type}});
    }
    if (!OriginAllowed(request, allowed)) {
        return Problem(403, "Forbidden",
                       Msg{"login.foreign_origin", "a page of {origin} may not log in here",
                           "open the server's own page, or have the administrator allow that "
                           "origin (serve --allowed-origin)"},
                       {{"origin", request.Header("origin")}});
    }
    return std::nullopt;
}

namespace {

// The connection an io thread used last, kept for its next call: no lock and
// a warm page cache on the request path. Keyed by the pool's id.
struct ThreadStore {
    uint64_t pool = 0;
    std::unique_ptr<store::Store> store;
};
thread_local ThreadStore t_store;

uint64_t NextPoolId() {
    static std::atomic<uint64_t> next{1};
    return next++;
}

}  // namespace

StorePool::StorePool(OpenStore open) : open_(std::move(open)), id_(NextPoolId()) {}

StorePool::~StorePool() {
    if (t_store.pool == id_) t_store = {};
}

StorePool::Lease::~Lease() {
    if (!pool || !store) return;
    if (t_store.pool == pool->id_ && !t_store.store) {
        t_store.store = std::move(store);
        return;
    }
    store->EndKeptSnapshot(false);  // no tick ends what waits in the pool
    std::lock_guard lock(pool->mutex_);
    pool->idle_.push_back(std::move(store));
}

Result<StorePool::Lease> StorePool::Acquire() {
    if (t_store.pool == id_ && t_store.store) return Lease(this, std::move(t_store.store));
    if (t_store.pool != id_ && !t_store.store) t_store.pool = id_;
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto store = std::move(idle_.back());
            idle_.pop_back();
            return Lease(this, std::move(store));
        }
    }
    auto opened = open_();
    if (!opened) return std::unexpected(opened.error());
    return Lease(this, std::move(*opened));
}

void StorePool::EndStaleSnapshot() {
    if (t_store.pool == id_ && t_store.store) t_store.store->EndKeptSnapshot(true);
}

AuditWriter::AuditWriter(std::unique_ptr<store::Store> store, const Clock& clock, ReadVolume* reads)
    : store_(std::move(store)), clock_(clock), reads_(reads), thread_([this] { Run(); }) {}

AuditWriter::~AuditWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void AuditWriter::Post(security::AuditEvent event) {
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({std::move(event), nullptr});
        first = queue_.size() == 1;
    }
    // Only the first of a batch wakes the writer: a wake-up per request would
    // cost more than the record.
    if (first) wake_.notify_one();
}

Result<void> AuditWriter::Write(security::AuditEvent event) {
    auto done = std::make_shared<std::optional<Result<void>>>();
    std::unique_lock lock(mutex_);
    queue_.push_back({std::move(event), done});
    ++waiting_;
    wake_.notify_one();
    written_.wait(lock, [&] { return done->has_value(); });
    --waiting_;
    return **done;
}

void AuditWriter::NoteUse(const std::string& user, std::string_view permission, UnixSeconds at) {
    std::lock_guard lock(mutex_);
    UnixSeconds& last = uses_[{user, std::string(permission)}];
    last = std::max(last, at);
}

void AuditWriter::Run() {
    security::AuditLog log(*store_, clock_);
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && uses_.empty() && stopping_) return;
        // Queued reads wait a moment for company, so that a busy server
        // writes a batch per transaction; a change being waited for does not.
        wake_.wait_for(lock, kBatchWait,
                       [&] { return stopping_ || waiting_ > 0 || queue_.size() >= kBatchSize; });
        std::vector<Item> batch;
        while (!queue_.empty() && batch.size() < kBatchSize) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        auto uses = std::move(uses_);
        uses_.clear();
        lock.unlock();
        Result<void> outcome = [&]() -> Result<void> {
            auto tx = store::Transaction::Start(*store_);
            if (!tx) return std::unexpected(tx.error());
            std::vector<security::AuditEvent> events;
            events.reserve(batch.size());
            for (Item& item : batch)
                events.push_back(std::move(item.event));
            if (!events.empty()) {
                if (auto id = log.AppendAllWithin(events); !id) return std::unexpected(id.error());
            }
            for (const auto& [who, at] : uses) {
                if (auto ok = security::RecordPermissionUse(*store_, who.first, who.second, at);
                    !ok) {
                    return ok;
                }
            }
            // The contacts counted by the reads of this batch (and before).
            if (reads_) {
                if (auto ok = reads_->Flush(*store_, clock_.Now()); !ok) return ok;
            }
            return tx->Commit();
        }();
        if (!outcome) {
            fmt::print(stderr, "callbase serve: the audit log could not be written: {}\n",
                       Describe(outcome.error()));
        }
        lock.lock();
        for (Item& item : batch)
            if (item.done) *item.done = outcome;
        written_.notify_all();
    }
}

const Viewer& Call::viewer() const {
    if (viewer_made) return *viewer_made;
    Viewer& v = viewer_made.emplace();
    if (session) {
        v.role = session->role;
        v.user_id = session->user_id;
        v.user = session->user;
        // An admin sees business data only through an open break-glass access
        // (security/break_glass.h); when it cannot be read, the admin's own view.
        if (db && session->role == security::Role::kAdmin) {
            if (auto role = security::ViewingRole(*db, *api.options().clock, session->user,
                                                  session->role)) {
                v.role = *role;
            }
        }
    }
    v.now = api.options().clock->Now();
    v.pseudonym_key = [&key = api.pseudonym_key()]() -> Result<std::string> { return key; };
    return v;
}

Result<json> Call::Body() const {
    if (!IsUtf8(request.body)) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"request.body_not_utf8", "the request body is not UTF-8 text ({why})",
                        "send JSON encoded as UTF-8"},
                    {{"why", DescribeInvalidUtf8(request.body)}});
    }
    json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"request.body_not_object", "the request body is not a JSON object",
                        "send Content-Type: application/json and a JSON object"});
    }
    return body;
}

Result<int64_t> Call::Id(const std::string& name) const {
    auto it = request.params.find(name);
    const std::string text = it == request.params.end() ? "" : it->second;
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v <= 0) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"request.bad_id", "{name} '{value}' is not an id",
                        "ids are positive whole numbers"},
                    {{"name", name}, {"value", text}});
    }
    return v;
}

Result<int64_t> Call::QueryInt(std::string_view name, int64_t fallback, int64_t min,
                               int64_t max) const {
    auto text = request.Query(name);
    if (!text || text->empty()) return fallback;
    char* end = nullptr;
    long long v = std::strtoll(text->c_str(), &end, 10);
    if (*end != '\0' || v < min || v > max) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"request.bad_number", "{name}={value} is not a whole number from {min} to {max}"},
            {{"name", std::string(name)},
             {"value", *text},
             {"min", std::to_string(min)},
             {"max", std::to_string(max)}});
    }
    return v;
}

Result<std::string> Call::Phone(const std::string& text, std::string_view what) const {
    if (text.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"phone.missing", "{what} is missing",
                        "give the number in any usual spelling, e.g. 8 916 123-45-67"},
                    {{"what", std::string(what)}});
    }
    auto cleaned = api.options().cleaner->Clean(text);
    if (!cleaned.valid()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"phone.invalid", "{what} '{value}' is not a phone number: {why}",
                        "write it in any usual spelling, e.g. 8 916 123-45-67"},
                    {{"what", std::string(what)}, {"value", text}, {"why", cleaned.reason}});
    }
    return cleaned.e164;
}

Result<std::string> Call::Shown(const std::string& e164) const {
    return RedactNumber(viewer(), *db, e164);
}

Api::Api(ApiOptions options)
    : options_(std::move(options)),
      sessions_(*options_.clock, options_.session_limits),
      limiter_(*options_.clock, options_.logins_per_minute),
      requests_(options_.requests_per_second),
      pool_([open = options_.open_store]() -> Result<std::unique_ptr<store::Store>> {
          auto store = open();
          if (store) (*store)->KeepSnapshots(kSnapshotAge);
          return store;
      }),
      reads_(RandomToken()) {}

Api::~Api() {
    JoinImports();
}

Result<void> Api::Start() {
    auto first = pool_.Acquire();  // the base must open before anyone is told it is up
    if (!first) return std::unexpected(first.error());
    auto writer = options_.open_store();
    if (!writer) return std::unexpected(writer.error());
    audit_ = std::make_unique<AuditWriter>(std::move(*writer), *options_.clock, &reads_);
    if (options_.pseudonym_key) {
        auto key = options_.pseudonym_key();
        if (!key) return std::unexpected(key.error());
        pseudonym_key_ = std::move(*key);
    }
    return {};
}

std::string Api::Pseudonymized(std::string_view text) const {
    return security::PseudonymizeNumbers(text, pseudonym_key_);
}

std::string Api::PseudonymizedText(std::string_view text) const {
    return security::PseudonymizeText(text, pseudonym_key_);
}

std::string Api::PseudonymizedFilters(const std::vector<std::string>& expressions) const {
    std::string out;
    for (const std::string& e : expressions)
        out += (out.empty() ? "" : " ") + security::PseudonymizeFilter(e, pseudonym_key_);
    return out;
}

std::string Api::PseudonymizedQuery(std::string_view query) const {
    static constexpr std::string_view kShared[] = {
        "limit",   "offset",   "status",   "tag",     "region", "source", "category",
        "purpose", "at",       "id",       "from",    "to",     "since",  "action",
        "actor",   "all",      "campaign", "removed", "lang",   "page",   "sort",
        "order",   "decision", "outcome",  "phone",   "number"};
    std::string out;
    size_t start = 0;
    while (start <= query.size() && !query.empty()) {
        size_t end = query.find('&', start);
        if (end == std::string_view::npos) end = query.size();
        const std::string_view pair = query.substr(start, end - start);
        const size_t eq = pair.find('=');
        const std::string_view name = pair.substr(0, eq);
        out += start == 0 ? "" : "&";
        if (std::find(std::begin(kShared), std::end(kShared), name) != std::end(kShared)) {
            out += Pseudonymized(pair);
        } else if (eq == std::string_view::npos) {
            out += PseudonymizedText(pair);
        } else {
            out += fmt::format("{}={}", name, PseudonymizedText(pair.substr(eq + 1)));
        }
        start = end + 1;
    }
    return out;
}

Result<ReadVolume::Limits> Api::ReadLimits(store::Store& db) {
    const UnixSeconds now = options_.clock->Now();
    {
        std::lock_guard lock(limits_mutex_);
        if (limits_ && now - limits_read_at_ < 60) return *limits_;
    }
    auto rules = security::LoadAlertSettings(db);
    if (!rules) return std::unexpected(rules.error());
    ReadVolume::Limits limits{rules->contacts_read_per_hour, rules->contacts_read_per_day};
    std::lock_guard lock(limits_mutex_);
    limits_ = limits;
    limits_read_at_ = now;
    return limits;
}

void Api::ForgetReadLimits() {
    std::lock_guard lock(limits_mutex_);
    limits_.reset();
}

Error ShownError(const Call& call, Error error) {
    // A message names the number the request was about ("no consent request
    // for +7…"), often one the caller gave only as a contact's id: it shows
    // as the card would show it to this caller.
    if (!call.session || !call.db) return error;
    auto message = RedactText(call.viewer(), *call.db, error.message);
    auto hint = message ? RedactText(call.viewer(), *call.db, error.hint) : message;
    if (!message || !hint)
        return Error{ErrorCode::kInternal, "masking an error: " + Describe(error)};
    error.message = std::move(*message);
    error.hint = std::move(*hint);
    for (auto& [name, value] : error.params) {
        auto shown = RedactText(call.viewer(), *call.db, value);
        if (!shown) return Error{ErrorCode::kInternal, "masking an error: " + Describe(error)};
        value = std::move(*shown);
    }
    return error;
}

Result<Session> Api::Authenticate(const Request& request, store::Store& db, Response* refusal) {
    auto token = request.Cookie(kSessionCookie);
    if (!token) {
        *refusal = Problem(401, "Not logged in",
                           Msg{"session.none", "you are not logged in", "log in first"});
        return Fail(ErrorCode::kNotFound, "no session");
    }
    auto session = sessions_.Find(*token);
    if (!session) {
        // The sessions' own words say why (idle too long, twelve hours, unknown),
        // in a screen's language by their code.
        const Error& e = session.error();
        const auto over =
            Msg{"session.unknown", "the session has ended or is unknown", "log in again"};
        *refusal = Problem(401, "Not logged in", e.message + "; " + e.hint,
                           e.key.empty() ? std::string(over.key) : e.key, e.params);
        return std::unexpected(session.error());
    }
    auto ended = Ended(db, *session);
    if (!ended) {
        *refusal = ErrorResponse(ended.error());
        return std::unexpected(ended.error());
    }
    if (*ended) {
        sessions_.Remove(*token);
        const Error& why = **ended;
        *refusal = ErrorProblem(401, "Not logged in", why);
        return std::unexpected(why);
    }
    return session;
}

Result<std::optional<Error>> Api::Ended(store::Store& db, const Session& session) {
    // In the io thread's kept snapshot when there is one: a change made by
    // this process is seen at once, one made by another (the CLI, another
    // server) within kSnapshotAge; one query by primary key either way.
    auto snapshot = store::ReadSnapshot::Start(db);
    if (!snapshot) return std::unexpected(snapshot.error());
    auto user = security::Users(db, *options_.clock).FindById(session.user_id);
    if (!user && user.error().code == ErrorCode::kNotFound) {
        return Coded(
            ErrorCode::kNotFound,
            Msg{"session.user_gone", "the session ended: the user is gone", "log in again"});
    }
    if (!user) return std::unexpected(user.error());
    if (user->disabled_at) {
        return Coded(ErrorCode::kNotFound,
                     Msg{"session.user_disabled", "the session ended: user {user} was disabled",
                         "log in again"},
                     {{"user", session.user}});
    }
    if (user->role != session.role) {
        return Coded(ErrorCode::kNotFound,
                     Msg{"session.role_changed",
                         "the session ended: the role of {user} was changed from {old_role} "
                         "to {new_role}",
                         "log in again"},
                     {{"user", session.user},
                      {"old_role", std::string(security::RoleId(session.role))},
                      {"new_role", std::string(security::RoleId(user->role))}});
    }
    return std::optional<Error>();
}

Response Api::Dispatch(const ApiRoute& route, const Request& request) {
    Call call{request, *this};
    call.source = SourceOf(request);
    const double now =
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    if (auto wait = requests_.Take(call.source, now)) {
        Response r = TooManyRequests(requests_.per_second(), *wait);
        r.headers.emplace_back("Retry-After", std::to_string(*wait));
        return r;
    }
    if (auto refused = RefuseNonUtf8(request)) return *refused;
    auto lease = pool_.Acquire();
    if (!lease) return ErrorResponse(lease.error());
    call.db = lease->store.get();
    Response refusal;
    std::string refused;  // why the call was refused, for the audit record
    if (route.access != Access::kPublic) {
        auto session = Authenticate(request, *call.db, &refusal);
        if (!session) return refusal;
        call.session = *session;
        if (Changes(request.method) && !SameSecret(request.Header("x-csrf-token"), session->csrf)) {
            refused = "no valid CSRF token";
            refusal = Problem(403, "Forbidden",
                              Msg{"session.no_csrf",
                                  "this request needs the X-CSRF-Token header with the token "
                                  "the login answered (csrf)",
                                  "reload the page and try again"});
        } else if (route.access == Access::kPermission &&
                   !security::Allowed(session->role, route.permission)) {
            refused =
                fmt::format("needs the {} permission", security::PermissionId(route.permission));
            refusal =
                Problem(403, "Forbidden",
                        Msg{"permission.denied",
                            "{user} ({role}) may not do this: it needs the {permission} "
                            "permission",
                            "ask an administrator"},
                        {{"user", session->user},
                         {"role", std::string(security::RoleId(session->role))},
                         {"permission", std::string(security::PermissionId(route.permission))}});
        }
    }
    Response response;
    if (!refused.empty()) {
        response = refusal;
    } else {
        if (route.access == Access::kPermission) {
            audit_->NoteUse(call.session->user, security::PermissionId(route.permission),
                            options_.clock->Now());
        }
        auto answered = route.handler(call);
        response =
            answered ? std::move(*answered) : ErrorResponse(ShownError(call, answered.error()));
    }
    if (call.session && call.audit && !route.audit_action.empty()) {
        std::string detail = call.detail.empty() ? PseudonymizedQuery(request.query) : call.detail;
        detail = ToValidUtf8(Pseudonymized(detail));  // the log holds text, whatever came
        detail += fmt::format("{}status {}", detail.empty() ? "" : "; ", response.status);
        if (!refused.empty()) detail += "; refused: " + refused;
        security::AuditEvent event{
            call.session->user,          route.audit_action, request.method + " " + route.path,
            Pseudonymized(call.records), call.source,        detail};
        if (route.audit_action == "read" || response.status >= 400) {
            audit_->Post(std::move(event));
        } else if (auto written = audit_->Write(std::move(event)); !written) {
            return ErrorResponse(written.error());
        }
    }
    return response;
}

server::Upgrade Api::DispatchSocket(const ApiRoute& route, const Request& request) {
    server::Upgrade upgrade;
    if (auto refused = RefuseNonUtf8(request)) {
        upgrade.refusal = *refused;
        return upgrade;
    }
    const std::string source = SourceOf(request);
    // A feed counts as a request: opening them in a loop is limited too.
    const double now =
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    if (auto wait = requests_.Take(source, now)) {
        Response r = TooManyRequests(requests_.per_second(), *wait);
        r.headers.emplace_back("Retry-After", std::to_string(*wait));
        upgrade.refusal = r;
        return upgrade;
    }
    // The feed's set-up may read the base (it checks what it follows exists);
    // the feed itself runs later, on a thread of its own, without this lease.
    auto lease = pool_.Acquire();
    if (!lease) {
        upgrade.refusal = ErrorResponse(lease.error());
        return upgrade;
    }
    Response refusal;
    auto session = Authenticate(request, *lease->store, &refusal);
    if (!session) {
        upgrade.refusal = refusal;
        return upgrade;
    }
    // A browser opens a WebSocket from any page, with the cookie: only the
    // server's own pages (and the allowed origins) may.
    if (!OriginAllowed(request, options_.allowed_origins)) {
        upgrade.refusal =
            Problem(403, "Forbidden",
                    Msg{"feed.foreign_origin", "a page of {origin} may not open this feed",
                        "open the server's own page, or have the administrator allow that origin "
                        "(serve --allowed-origin)"},
                    {{"origin", request.Header("origin")}});
        return upgrade;
    }
    if (!security::Allowed(session->role, route.permission)) {
        upgrade.refusal =
            Problem(403, "Forbidden", Msg{"feed.denied", "this needs the {permission} permission"},
                    {{"permission", std::string(security::PermissionId(route.permission))}});
        return upgrade;
    }
    const std::string token = *request.Cookie(kSessionCookie);
    auto slot = TakeFeedSlot(token);
    if (!slot) {
        upgrade.refusal =
            Problem(429, "Too many feeds",
                    Msg{"feed.too_many", "this session has {count} feeds open, the most it may",
                        "close one (or a browser tab) and try again"},
                    {{"count", std::to_string(options_.feeds_per_session)}});
        return upgrade;
    }
    Call call{request, *this};
    call.session = *session;
    call.source = source;
    call.db = lease->store.get();
    auto feed = route.socket(call);
    if (!feed) {
        upgrade.refusal = ErrorResponse(ShownError(call, feed.error()));
        return upgrade;
    }
    // The feed ends with its session: logged out, or its user disabled or
    // given another role (checked every kFeedSessionCheck).
    auto checked =
        std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    upgrade.feed = [this, inner = std::move(*feed), slot, checked, token,
                    session = *session]() -> std::optional<std::string> {
        const auto at = std::chrono::steady_clock::now();
        if (at - *checked >= kFeedSessionCheck) {
            *checked = at;
            if (!sessions_.Has(token)) return std::nullopt;
            auto lease = pool_.Acquire();
            if (!lease) return std::nullopt;
            auto ended = Ended(*lease->store, session);
            if (!ended || *ended) {
                if (ended) sessions_.Remove(token);
                return std::nullopt;
            }
        }
        return inner();
    };
    audit_->Post({session->user, route.audit_action, request.method + " " + route.path,
                  call.records, call.source, "websocket opened"});
    return upgrade;
}

std::shared_ptr<void> Api::TakeFeedSlot(const std::string& token) {
    std::lock_guard lock(feeds_mutex_);
    int& open = feeds_[token];
    if (open >= options_.feeds_per_session) return nullptr;
    ++open;
    // Given back when the feed is destroyed (its socket closed).
    return std::shared_ptr<void>(new int(0), [this, token](void* place) {
        delete static_cast<int*>(place);
        std::lock_guard lock(feeds_mutex_);
        if (--feeds_[token] <= 0) feeds_.erase(token);
    });
}

void Api::Mount(server::HttpServer& http) {
    http.Every(kSnapshotAge, [this] { pool_.EndStaleSnapshot(); });
    for (const ApiRoute& route : RouteTable()) {
        if (route.socket) {
            http.Socket(route.path, [this, &route](const Request& request) {
                return DispatchSocket(route, request);
            });
            continue;
        }
        http.Route(
            route.method, route.path,
            [this, &route](const Request& request) { return Dispatch(route, request); },
            route.body_limit);
    }
    auto files = std::make_shared<StaticFiles>(LoadStatic(options_.web_dir));
    const bool have_ui = !files->empty();
    http.Fallback([files, have_ui](const Request& request) {
        auto it = files->find(request.path);
        if (it == files->end()) {
            return have_ui
                       ? Problem(404, "Not found",
                                 Msg{"web.no_page", "there is no {path}", "the web UI starts at /"},
                                 {{"path", request.path}})
                       : Problem(404, "Not found",
                                 "this server has no web UI (serve --web DIR); the API is "
                                 "under /api/v1, described at /api/v1/openapi.json");
        }
        Response r = it->second;
        r.headers.emplace_back("Content-Security-Policy", std::string(kSecurityPolicy));
        return r;
    });
}

}  // namespace callbase::api
