#include "server/http_server.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>

namespace callbase::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::ip::tcp;

// Seconds a connection may take to send a whole request, and may stay idle
// between requests.
constexpr auto kRequestTimeout = std::chrono::seconds(30);

}  // namespace

Response Problem(int status, std::string_view title, std::string_view detail) {
    nlohmann::json j{{"type", "about:blank"},
                     {"title", std::string(title)},
                     {"status", status},
                     {"detail", std::string(detail)}};
    return {status, "application/problem+json", j.dump()};
}

void Metrics::Record(const std::string& route, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, status}];
    size_t bucket = 0;
    while (bucket < std::size(kBuckets) && seconds > kBuckets[bucket])
        ++bucket;
    ++latency_[bucket];
    latency_sum_ += seconds;
    ++latency_count_;
}

std::string Metrics::Text() const {
    std::lock_guard lock(mutex_);
    std::string out =
        "# HELP callbase_http_requests_total HTTP requests by route and status.\n"
        "# TYPE callbase_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        out += fmt::format("callbase_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                           key.first, key.second, n);
    }
    out +=
        "# HELP callbase_http_request_seconds Time from a request's last byte to its "
        "response.\n"
        "# TYPE callbase_http_request_seconds histogram\n";
    int64_t cumulative = 0;
    for (size_t i = 0; i < std::size(kBuckets); ++i) {
        cumulative += latency_[i];
        out += fmt::format("callbase_http_request_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i],
                           cumulative);
    }
    cumulative += latency_.back();
    out += fmt::format("callbase_http_request_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
    out += fmt::format("callbase_http_request_seconds_sum {}\n", latency_sum_);
    out += fmt::format("callbase_http_request_seconds_count {}\n", latency_count_);
    return out;
}

struct HttpServer::Impl {
    explicit Impl(HttpServer& owner) : owner(owner), acceptor(io) {}

    // One connection: read a request, answer it, again while it keeps alive.
    class Session : public std::enable_shared_from_this<Session> {
    public:
        Session(tcp::socket socket, Impl& impl) : stream_(std::move(socket)), impl_(impl) {}
        void Start() { Read(); }

    private:
        void Read() {
            parser_.emplace();
            parser_->body_limit(impl_.owner.options_.body_limit);
            stream_.expires_after(kRequestTimeout);
            http::async_read(
                stream_, buffer_, *parser_,
                [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
        }

        void OnRead(beast::error_code ec) {
            if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
                ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
                return Close();
            }
            if (ec == http::error::body_limit) {
                return Answer(Problem(413, "Request too large",
                                      fmt::format("a request body may hold at most {} bytes; "
                                                  "send less, or upload a file in parts",
                                                  impl_.owner.options_.body_limit)),
                              "(too large)", false, 11);
            }
            if (ec) {
                return Answer(Problem(400, "Malformed request",
                                      "the request is not valid HTTP/1.1: " + ec.message()),
                              "(malformed)", false, 11);
            }
            const auto& req = parser_->get();
            Request r;
            r.method = std::string(req.method_string());
            std::string_view target(req.target().data(), req.target().size());
            size_t q = target.find('?');
            r.path = std::string(target.substr(0, q));
            if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
            r.body = req.body();
            beast::error_code ignored;
            auto endpoint = stream_.socket().remote_endpoint(ignored);
            r.remote = fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
            const auto started = std::chrono::steady_clock::now();
            auto route = impl_.owner.routes_.find({r.method, r.path});
            Response response;
            std::string label = r.path;
            if (route != impl_.owner.routes_.end()) {
                try {
                    response = route->second(r);
                } catch (const std::exception&) {
                    // Never the exception's text: it may hold SQL or data.
                    response = Problem(500, "Internal error",
                                       "the server failed to answer; the request changed "
                                       "nothing it should not, and the log says more");
                }
            } else {
                bool path_known = false;
                for (const auto& [key, handler] : impl_.owner.routes_)
                    path_known = path_known || key.second == r.path;
                label = "(unknown)";
                response =
                    path_known
                        ? Problem(405, "Method not allowed",
                                  fmt::format("{} does not take {}", r.path, r.method))
                        : Problem(404, "Not found",
                                  fmt::format("there is no {}; see /api/v1/openapi.json", r.path));
            }
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            impl_.owner.metrics_.Record(label, response.status, seconds);
            Answer(std::move(response), "", req.keep_alive(), req.version());
        }

        void Answer(Response response, const std::string& label, bool keep_alive,
                    unsigned version) {
            if (!label.empty()) impl_.owner.metrics_.Record(label, response.status, 0);
            auto res = std::make_shared<http::response<http::string_body>>(
                static_cast<http::status>(response.status), version);
            res->set(http::field::server, "callbase");
            res->set(http::field::content_type, response.content_type);
            res->set(http::field::cache_control, "no-store");
            res->set("X-Content-Type-Options", "nosniff");
            res->keep_alive(keep_alive);
            res->body() = std::move(response.body);
            res->prepare_payload();
            http::async_write(stream_, *res,
                              [self = shared_from_this(), res](beast::error_code ec, size_t) {
                                  if (ec || !res->keep_alive()) return self->Close();
                                  self->Read();
                              });
        }

        void Close() {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        }

        beast::tcp_stream stream_;
        beast::flat_buffer buffer_;
        std::optional<http::request_parser<http::string_body>> parser_;
        Impl& impl_;
    };

    void Accept() {
        acceptor.async_accept(asio::make_strand(io),
                              [this](beast::error_code ec, tcp::socket socket) {
                                  if (ec == asio::error::operation_aborted) return;
                                  if (!ec)
                                      std::make_shared<Session>(std::move(socket), *this)->Start();
                                  Accept();
                              });
    }

    HttpServer& owner;
    asio::io_context io;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::condition_variable stopped_cv;
    bool stopped = false;
};

HttpServer::HttpServer(Options options) : options_(std::move(options)) {}

HttpServer::~HttpServer() {
    Stop();
}

void HttpServer::Route(std::string method, std::string path, Handler handler) {
    routes_[{std::move(method), std::move(path)}] = std::move(handler);
}

Result<uint16_t> HttpServer::Start() {
    impl_ = std::make_unique<Impl>(*this);
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.address, ec);
    if (ec) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("cannot listen on '{}': not an IP address", options_.address),
                    "give --listen ADDRESS:PORT, e.g. 127.0.0.1:8080");
    }
    tcp::endpoint endpoint(address, options_.port);
    impl_->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(endpoint, ec);
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return Fail(ErrorCode::kIo,
                    fmt::format("cannot listen on {}:{}: {}", options_.address, options_.port,
                                ec.message()),
                    "choose another port with --listen, or stop what uses this one");
    }
    const uint16_t port = impl_->acceptor.local_endpoint().port();
    impl_->Accept();
    int n = options_.threads > 0
                ? options_.threads
                : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i)
        impl_->threads.emplace_back([this] { impl_->io.run(); });
    return port;
}

void HttpServer::Stop() {
    if (!impl_) return;
    std::lock_guard stopping(stop_mutex_);
    impl_->io.stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopped = true;
    }
    impl_->stopped_cv.notify_all();
}

void HttpServer::Wait(bool signals) {
    if (!impl_) return;
    if (signals) {
        // The signals are waited for on this thread, not on the io threads.
        asio::io_context waiting;
        asio::signal_set set(waiting, SIGINT, SIGTERM);
        set.async_wait([&](beast::error_code, int) { waiting.stop(); });
        std::thread stop_watch([&] {
            std::unique_lock lock(impl_->mutex);
            impl_->stopped_cv.wait(lock, [this] { return impl_->stopped; });
            waiting.stop();
        });
        waiting.run();
        Stop();
        stop_watch.join();
        return;
    }
    std::unique_lock lock(impl_->mutex);
    impl_->stopped_cv.wait(lock, [this] { return impl_->stopped; });
}

}  // namespace callbase::server
