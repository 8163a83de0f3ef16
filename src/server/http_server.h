// The HTTP server of `callbase serve` (issue 4, first part): Boost.Beast
// HTTP/1.1 on Asio, one io thread per core, a router of exact paths, request
// size limits, errors as RFC 9457 problem details, /healthz and Prometheus
// /metrics. Listens where it is told (127.0.0.1 by default).
//
// Handlers run on the io threads; they must not block for long (the API
// routes that touch the store will run on a worker pool, see
// docs/architecture.md). The server is started once and stopped once; Stop
// may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"

namespace callbase::server {

struct Request {
    std::string method;  // "GET"
    std::string path;    // "/api/v1/contacts", without the query
    std::string query;   // "q=1&limit=5", without the '?'
    std::string body;
    std::string remote;  // "127.0.0.1:51234"
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
};

// An RFC 9457 problem: {"type":"about:blank","title":…,"status":…,"detail":…},
// served as application/problem+json. `detail` says what to do; no stack
// trace or SQL ever goes in it.
Response Problem(int status, std::string_view title, std::string_view detail);

using Handler = std::function<Response(const Request&)>;

// Request counts by route and status, and a latency histogram, in the
// Prometheus text format. Thread-safe.
class Metrics {
public:
    void Record(const std::string& route, int status, double seconds);
    std::string Text() const;

private:
    static constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                          0.025,  0.05,  0.1,    0.25,  1.0};
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, int64_t> requests_;
    std::array<int64_t, std::size(kBuckets) + 1> latency_{};
    double latency_sum_ = 0;
    int64_t latency_count_ = 0;
};

class HttpServer {
public:
    struct Options {
        std::string address = "127.0.0.1";
        uint16_t port = 8080;  // 0: any free port (tests)
        int threads = 0;       // 0: one per core
        size_t body_limit = 1 << 20;
    };

    explicit HttpServer(Options options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Routes by method and exact path; added before Start.
    void Route(std::string method, std::string path, Handler handler);

    // Binds and starts the io threads; returns the port it listens on.
    Result<uint16_t> Start();
    void Stop();
    // Blocks until Stop (or SIGINT/SIGTERM when `signals` is true).
    void Wait(bool signals);

    Metrics& metrics() { return metrics_; }

private:
    struct Impl;
    friend struct Impl;
    Options options_;
    std::map<std::pair<std::string, std::string>, Handler> routes_;
    Metrics metrics_;
    std::mutex stop_mutex_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace callbase::server
