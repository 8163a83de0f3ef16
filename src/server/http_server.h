// The HTTP server of `callbase serve`: Boost.Beast HTTP/1.1 and WebSocket on
// Asio, one io thread per core, a router of paths with {name} segments,
// request size limits (per route), a read timeout, errors as RFC 9457 problem
// details and Prometheus metrics. Listens where it is told (127.0.0.1 by
// default).
//
// Handlers run on the io threads, so a handler that waits holds one of them:
// the API's handlers are short (one indexed query or a few); long work (an
// import) runs on a thread of its own and is followed over a WebSocket feed,
// whose function is called on a thread per open feed while the socket itself
// is read and written on its io thread (so a peer that closes or vanishes is
// seen at once, and pinged when quiet). The server is started once and stopped
// once; Stop may be called from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/error.h"

namespace callbase::server {

struct Request {
    std::string method;  // "GET"
    std::string path;    // "/api/v1/contacts/42", without the query
    std::string query;   // "q=1&limit=5", without the '?'
    std::string body;
    std::string remote;                          // "127.0.0.1:51234"
    std::map<std::string, std::string> headers;  // names in lowercase
    std::map<std::string, std::string> params;   // {id} segments of the route: "id" -> "42"

    // A header's value, "" when absent (name in lowercase).
    std::string Header(const std::string& name) const;
    // A query parameter, percent-decoded ('+' is a space); the first of repeats.
    std::optional<std::string> Query(std::string_view name) const;
    std::vector<std::string> QueryAll(std::string_view name) const;
    // A cookie from the Cookie header.
    std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // added as they are
};

// "%D0%98+x" -> "И x".
std::string PercentDecode(std::string_view text, bool plus_is_space = true);

// An RFC 9457 problem: {"type":"about:blank","title":…,"status":…,"detail":…},
// served as application/problem+json. `detail` says what to do; no stack
// trace or SQL ever goes in it.
Response Problem(int status, std::string_view title, std::string_view detail);
// The same with the message's code and parameters (core/error.h's Msg), which a
// screen translates: "code": "contact.not_found", "params": {"id": "42"}.
Response Problem(int status, std::string_view title, std::string_view detail, std::string_view code,
                 const MessageParams& params);
// A coded message's problem: detail is its English message and hint.
Response Problem(int status, std::string_view title, Msg msg, const MessageParams& params = {});

using Handler = std::function<Response(const Request&)>;

// A WebSocket route answers the upgrade request either with a refusal (a
// Response with a status other than 101, sent as plain HTTP) or with a feed:
// a function, called again and again on a thread of its own, that waits
// (at most a second or so, so that Stop and a closed peer are not held up)
// for the next text message and returns it, "" when there is nothing new yet,
// or nullopt when there is nothing more (the socket is then closed normally,
// after the messages before). The feed is destroyed, on its thread, once the
// socket has closed, whichever side closed it. An upgrade whose
// Sec-WebSocket-Key is not 16 bytes in base64 is refused with 400 before the
// route is asked.
using Feed = std::function<std::optional<std::string>()>;
struct Upgrade {
    std::optional<Response> refusal;
    Feed feed;
};
using SocketHandler = std::function<Upgrade(const Request&)>;

// Request counts by route and status, and a latency histogram, in the
// Prometheus text format. Thread-safe: each thread counts into a shard of its
// own (no lock is contended on the request path); Text() adds them up.
class Metrics {
public:
    Metrics() = default;
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;
    void Record(std::string_view route, int status, double seconds);
    std::string Text() const;

private:
    static constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                          0.025,  0.05,  0.1,    0.25,  1.0};
    // Route and status, looked up by a string_view: no copy of the route's
    // path on every request.
    struct RouteStatusLess {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const {
            return std::pair<std::string_view, int>(a.first, a.second) <
                   std::pair<std::string_view, int>(b.first, b.second);
        }
    };
    struct Shard {
        std::mutex mutex;
        std::map<std::pair<std::string, int>, int64_t, RouteStatusLess> requests;
        std::array<int64_t, std::size(kBuckets) + 1> latency{};
        double latency_sum = 0;
        int64_t latency_count = 0;
    };
    Shard& ThisThreadsShard();

    mutable std::mutex shards_mutex_;
    std::vector<std::unique_ptr<Shard>> shards_;
    const uint64_t id_ = NextId();
    static uint64_t NextId();
};

class HttpServer {
public:
    struct Options {
        std::string address = "127.0.0.1";
        uint16_t port = 8080;  // 0: any free port (tests)
        int threads = 0;       // 0: one per core
        size_t body_limit = 1 << 20;
        std::string tls_cert, tls_key;  // PEM files: HTTPS and WSS instead of HTTP
        bool catch_signals = false;     // Wait(true) will follow: hold SIGINT/SIGTERM until then
    };

    explicit HttpServer(Options options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Routes by method and path, added before Start. A path segment "{name}"
    // matches any one segment, given to the handler in Request::params; exact
    // segments win over {name} ones. `body_limit` (0: Options::body_limit)
    // caps the body of this route's requests: larger ones get 413 before the
    // body is read.
    void Route(std::string method, std::string path, Handler handler, size_t body_limit = 0);
    // A WebSocket route (GET with Upgrade: websocket).
    void Socket(std::string path, SocketHandler handler);
    // What answers a GET or HEAD that no route takes (static files); without
    // one, 404.
    void Fallback(Handler handler);
    // Runs `tick` on every io thread every `period`, set before Start (work
    // that belongs to the thread, such as ending what it keeps open when idle).
    void Every(std::chrono::milliseconds period, std::function<void()> tick);

    // Binds and starts the io threads; returns the port it listens on.
    Result<uint16_t> Start();
    void Stop();
    // Blocks until Stop (or SIGINT/SIGTERM when `signals` is true).
    void Wait(bool signals);

    // Answers a request as a connection does once it has read one (route,
    // fallback, 404, 405; a WebSocket route answers its refusal or 426),
    // without a socket and without metrics: the request path under the fuzz
    // harness fuzz/fuzz_http.cc. Fills request.params.
    Response Respond(Request& request) const;

    Metrics& metrics() { return metrics_; }
    bool tls() const { return !options_.tls_cert.empty(); }

private:
    struct Impl;
    friend struct Impl;
    struct RouteEntry {
        std::string method, path;
        std::vector<std::string> segments;
        Handler handler;
        SocketHandler socket;
        size_t body_limit = 0;
    };
    // The route for a method and path (params filled), or null; *path_known
    // says whether another method takes the path.
    const RouteEntry* Match(std::string_view method, std::string_view path,
                            std::map<std::string, std::string>* params, bool* path_known) const;

    Options options_;
    std::vector<RouteEntry> routes_;
    Handler fallback_;
    std::chrono::milliseconds tick_period_{0};
    std::function<void()> tick_;
    Metrics metrics_;
    std::mutex stop_mutex_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace callbase::server
