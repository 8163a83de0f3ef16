#include "server/http_server.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <limits>

#include "core/json_text.h"

namespace callbase::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::asio::ip::tcp;

// Seconds a connection may take to send a whole request, and may stay idle
// between requests.
constexpr auto kRequestTimeout = std::chrono::seconds(30);

// A WebSocket feed's peer that answers nothing for this long is gone: a ping
// goes out after half of it, and the socket is closed when no pong (nor
// anything else) came back. 10 s: an operator's desk that lost the network is
// known to be gone within it (then the runner's desk_grace).
constexpr auto kFeedIdleTimeout = std::chrono::seconds(10);
// Messages a feed may have queued for a peer that does not read them; more
// and the peer is dropped (it is too slow, or gone without a word).
constexpr size_t kFeedBacklog = 256;

// Whether Sec-WebSocket-Key is what RFC 6455 4.1 asks for: 16 bytes in
// base64, that is 22 characters of the alphabet and "==".
bool GoodWebSocketKey(std::string_view key) {
    if (key.size() != 24 || !key.ends_with("==")) return false;
    for (char c : key.substr(0, 22)) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
    }
    // The last character's two low bits are padding: zero in a canonical key.
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    return (kAlphabet.find(key[21]) & 0x0F) == 0;
}

// "/api/v1/contacts/{id}" -> {"api", "v1", "contacts", "{id}"}.
std::vector<std::string> Segments(std::string_view path) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at < path.size()) {
        if (path[at] == '/') {
            ++at;
            continue;
        }
        size_t end = path.find('/', at);
        if (end == std::string_view::npos) end = path.size();
        out.emplace_back(path.substr(at, end - at));
        at = end;
    }
    return out;
}

int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Calls `visit(name, raw value)` for each name=value of a query string.
template <typename Visit>
void EachParam(std::string_view query, Visit&& visit) {
    size_t at = 0;
    while (at <= query.size()) {
        size_t end = query.find('&', at);
        if (end == std::string_view::npos) end = query.size();
        std::string_view pair = query.substr(at, end - at);
        if (!pair.empty()) {
            size_t eq = pair.find('=');
            visit(PercentDecode(pair.substr(0, eq)),
                  eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        }
        at = end + 1;
    }
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            int hi = HexDigit(text[i + 1]), lo = HexDigit(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += plus_is_space && text[i] == '+' ? ' ' : text[i];
    }
    return out;
}

std::string Request::Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::Query(std::string_view name) const {
    std::optional<std::string> found;
    EachParam(query, [&](const std::string& key, std::string_view value) {
        if (!found && key == name) found = PercentDecode(value);
    });
    return found;
}

std::vector<std::string> Request::QueryAll(std::string_view name) const {
    std::vector<std::string> found;
    EachParam(query, [&](const std::string& key, std::string_view value) {
        if (key == name) found.push_back(PercentDecode(value));
    });
    return found;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
    const std::string header = Header("cookie");
    std::string_view rest(header);
    while (!rest.empty()) {
        size_t end = rest.find(';');
        std::string_view pair = rest.substr(0, end);
        while (!pair.empty() && pair.front() == ' ')
            pair.remove_prefix(1);
        size_t eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return std::string(pair.substr(eq + 1));
        }
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    return std::nullopt;
}

Response Problem(int status, std::string_view title, std::string_view detail) {
    nlohmann::json j{{"type", "about:blank"},
                     {"title", std::string(title)},
                     {"status", status},
                     {"detail", std::string(detail)}};
    return {status, "application/problem+json", JsonText(j)};
}

Response Problem(int status, std::string_view title, std::string_view detail, std::string_view code,
                 const MessageParams& params) {
    nlohmann::json j{{"type", "about:blank"},
                     {"title", std::string(title)},
                     {"status", status},
                     {"detail", std::string(detail)}};
    if (!code.empty()) {
        j["code"] = std::string(code);
        nlohmann::json values = nlohmann::json::object();
        for (const auto& [name, value] : params)
            values[name] = value;
        j["params"] = std::move(values);
    }
    return {status, "application/problem+json", JsonText(j)};
}

Response Problem(int status, std::string_view title, Msg msg, const MessageParams& params) {
    std::string detail = FillPlaceholders(msg.message, params);
    if (!msg.hint.empty()) detail += "; " + FillPlaceholders(msg.hint, params);
    return Problem(status, title, detail, msg.key, params);
}

uint64_t Metrics::NextId() {
    static std::atomic<uint64_t> next{1};
    return next++;
}

Metrics::Shard& Metrics::ThisThreadsShard() {
    // Keyed by the Metrics' id, not its address, which a later one may reuse.
    thread_local std::vector<std::pair<uint64_t, Shard*>> mine;
    for (const auto& [id, shard] : mine)
        if (id == id_) return *shard;
    std::lock_guard lock(shards_mutex_);
    shards_.push_back(std::make_unique<Shard>());
    mine.emplace_back(id_, shards_.back().get());
    return *shards_.back();
}

void Metrics::Record(std::string_view route, int status, double seconds) {
    Shard& shard = ThisThreadsShard();
    std::lock_guard lock(shard.mutex);  // taken by this thread, and by Text() now and then
    auto it = shard.requests.find(std::pair<std::string_view, int>(route, status));
    if (it == shard.requests.end()) {
        it = shard.requests.emplace(std::pair<std::string, int>(route, status), 0).first;
    }
    ++it->second;
    size_t bucket = 0;
    while (bucket < std::size(kBuckets) && seconds > kBuckets[bucket])
        ++bucket;
    ++shard.latency[bucket];
    shard.latency_sum += seconds;
    ++shard.latency_count;
}

std::string Metrics::Text() const {
    std::map<std::pair<std::string, int>, int64_t> requests;
    std::array<int64_t, std::size(kBuckets) + 1> latency{};
    double latency_sum = 0;
    int64_t latency_count = 0;
    {
        std::lock_guard shards(shards_mutex_);
        for (const auto& shard : shards_) {
            std::lock_guard lock(shard->mutex);
            for (const auto& [key, n] : shard->requests)
                requests[key] += n;
            for (size_t i = 0; i < latency.size(); ++i)
                latency[i] += shard->latency[i];
            latency_sum += shard->latency_sum;
            latency_count += shard->latency_count;
        }
    }
    std::string out =
        "# HELP callbase_http_requests_total HTTP requests by route and status.\n"
        "# TYPE callbase_http_requests_total counter\n";
    for (const auto& [key, n] : requests) {
        out += fmt::format("callbase_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                           key.first, key.second, n);
    }
    out +=
        "# HELP callbase_http_request_seconds Time from a request's last byte to its "
        "response.\n"
        "# TYPE callbase_http_request_seconds histogram\n";
    int64_t cumulative = 0;
    for (size_t i = 0; i < std::size(kBuckets); ++i) {
        cumulative += latency[i];
        out += fmt::format("callbase_http_request_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i],
                           cumulative);
    }
    cumulative += latency.back();
    out += fmt::format("callbase_http_request_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
    out += fmt::format("callbase_http_request_seconds_sum {}\n", latency_sum);
    out += fmt::format("callbase_http_request_seconds_count {}\n", latency_count);
    return out;
}

struct HttpServer::Impl {
    // One io_context per thread (concurrency hint 1: no locking inside Asio's
    // scheduler); a connection stays on the context it was accepted onto.
    Impl(HttpServer& owner, int threads)
        : owner(owner), contexts(MakeContexts(threads)), acceptor(*contexts.front()) {}

    static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
        std::vector<std::unique_ptr<asio::io_context>> out;
        for (int i = 0; i < n; ++i)
            out.push_back(std::make_unique<asio::io_context>(1));
        return out;
    }

    // One WebSocket feed. The socket is used on the io thread of the
    // connection only: it reads all the time (so that a close, a ping or a
    // lost peer is seen at once; Beast answers pings and sends its own after
    // half of kFeedIdleTimeout) and writes the queued messages. The feed is
    // called on a thread of its own, which posts each message to the io
    // thread, and ends within one call of the feed (a second or so) once the
    // socket is closed by either side or the server stops.
    template <class Stream>
    class FeedSocket : public std::enable_shared_from_this<FeedSocket<Stream>> {
    public:
        FeedSocket(Impl& impl, Stream stream) : ws_(std::move(stream)), impl_(impl) {}

        void Start(const http::request<http::string_body>& req, Feed feed) {
            websocket::stream_base::timeout timeout{};
            timeout.handshake_timeout = kRequestTimeout;
            timeout.idle_timeout = kFeedIdleTimeout;
            timeout.keep_alive_pings = true;
            ws_.set_option(timeout);
            ws_.set_option(websocket::stream_base::decorator(
                [](websocket::response_type& res) { res.set(http::field::server, "callbase"); }));
            ws_.text(true);
            ws_.read_message_max(64 * 1024);  // a peer has nothing to say to a feed
            ws_.async_accept(req, [self = this->shared_from_this(),
                                   feed = std::move(feed)](beast::error_code ec) mutable {
                if (ec) return self->Gone();
                self->Read();
                self->impl_.StartFeedThread([self, feed = std::move(feed)]() mutable {
                    self->RunFeed(feed);
                    feed = nullptr;  // what the feed holds goes before the thread ends
                });
            });
        }

    private:
        // Reads until the socket closes; what the peer sends is not used.
        void Read() {
            ws_.async_read(in_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
                self->in_.clear();
                if (ec) return self->Gone();
                self->Read();
            });
        }

        // On the feed's thread.
        void RunFeed(Feed& feed) {
            websocket::close_code code = websocket::close_code::normal;
            try {
                while (!gone_ && !impl_.stopping) {
                    auto message = feed();
                    if (!message) break;
                    if (message->empty()) continue;  // nothing new yet
                    asio::post(ws_.get_executor(),
                               [self = this->shared_from_this(),
                                m = std::move(*message)]() mutable { self->Queue(std::move(m)); });
                }
            } catch (const std::exception&) {
                code = websocket::close_code::internal_error;
            }
            if (impl_.stopping) return;  // Stop drops every connection
            asio::post(ws_.get_executor(),
                       [self = this->shared_from_this(), code] { self->Finish(code); });
        }

        void Queue(std::string message) {
            if (gone_ || closing_) return;
            if (out_.size() >= kFeedBacklog) return Drop();
            out_.push_back(std::move(message));
            WriteNext();
        }

        void WriteNext() {
            if (writing_ || gone_) return;
            if (out_.empty()) {
                if (closing_) Close();
                return;
            }
            writing_ = true;
            ws_.async_write(asio::buffer(out_.front()),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                self->writing_ = false;
                                if (ec) return self->Gone();
                                self->out_.pop_front();
                                self->WriteNext();
                            });
        }

        // The feed has nothing more: the queued messages, then a close.
        void Finish(websocket::close_code code) {
            if (gone_ || closing_) return;
            closing_ = true;
            close_code_ = code;
            WriteNext();
        }

        void Close() {
            if (closed_) return;
            closed_ = true;
            ws_.async_close(close_code_,
                            [self = this->shared_from_this()](beast::error_code) { self->Gone(); });
        }

        void Drop() {
            Gone();
            beast::error_code ignored;
            beast::get_lowest_layer(ws_).socket().close(ignored);
        }

        // The peer closed, went away or failed: the feed's thread ends.
        void Gone() { gone_ = true; }

        websocket::stream<Stream> ws_;
        Impl& impl_;
        beast::flat_buffer in_;
        std::deque<std::string> out_;
        bool writing_ = false, closing_ = false, closed_ = false;
        websocket::close_code close_code_ = websocket::close_code::normal;
        std::atomic<bool> gone_{false};  // read by the feed's thread
    };

    // Starts a feed's thread; the threads of feeds that ended are joined
    // first, so that they do not pile up.
    void StartFeedThread(std::function<void()> run) {
        std::lock_guard lock(sockets_mutex);
        std::erase_if(socket_threads, [](FeedThread& t) {
            if (!t.ended->load()) return false;
            t.thread.join();
            return true;
        });
        auto ended = std::make_shared<std::atomic<bool>>(false);
        socket_threads.push_back(FeedThread{std::thread([run = std::move(run), ended]() mutable {
                                                run();
                                                run = nullptr;
                                                ended->store(true);
                                            }),
                                            ended});
    }

    // One connection: read a request's header, find its route, read its body
    // within the route's limit, answer, again while it keeps alive.
    // Stream: beast::tcp_stream, or beast::ssl_stream of one under TLS.
    template <class Stream>
    class Session : public std::enable_shared_from_this<Session<Stream>> {
    public:
        template <class... Args>
        explicit Session(Impl& impl, Args&&... args)
            : stream_(std::forward<Args>(args)...), impl_(impl) {}

        void Start() {
            if constexpr (kTls) {
                Lowest().expires_after(kRequestTimeout);
                stream_.async_handshake(asio::ssl::stream_base::server,
                                        [self = this->shared_from_this()](beast::error_code ec) {
                                            if (ec) return self->Close();
                                            self->Read();
                                        });
            } else {
                Read();
            }
        }

    private:
        static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
        beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

        void Read() {
            parser_.emplace();
            parser_->header_limit(16 * 1024);
            // The route's limit is set once the header names the route.
            parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
            Lowest().expires_after(kRequestTimeout);
            http::async_read_header(stream_, buffer_, *parser_,
                                    [self = this->shared_from_this()](
                                        beast::error_code ec, size_t) { self->OnHeader(ec); });
        }

        static bool Closed(beast::error_code ec) {
            return ec == http::error::end_of_stream || ec == beast::error::timeout ||
                   ec == asio::error::operation_aborted || ec == asio::error::connection_reset;
        }

        void OnHeader(beast::error_code ec) {
            if (Closed(ec)) return Close();
            if (ec == http::error::body_limit) return TooLarge(impl_.owner.options_.body_limit, 11);
            if (ec) return Malformed(ec);
            const auto& req = parser_->get();
            std::string_view target(req.target().data(), req.target().size());
            request_ = Request{};
            request_.method = std::string(req.method_string());
            size_t q = target.find('?');
            request_.path = PercentDecode(target.substr(0, q), /*plus_is_space=*/false);
            if (q != std::string_view::npos) request_.query = std::string(target.substr(q + 1));
            for (const auto& field : req) {
                std::string name(field.name_string());
                for (char& c : name)
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                request_.headers[name] = std::string(field.value());
            }
            if (remote_.empty()) {  // once per connection
                beast::error_code ignored;
                auto endpoint = Lowest().socket().remote_endpoint(ignored);
                remote_ = fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
            }
            request_.remote = remote_;
            route_ =
                impl_.owner.Match(request_.method, request_.path, &request_.params, &path_known_);
            const size_t limit =
                route_ && route_->body_limit ? route_->body_limit : impl_.owner.options_.body_limit;
            if (req.has_content_length() && *parser_->content_length() > limit) {
                return TooLarge(limit, req.version());
            }
            parser_->body_limit(limit);
            http::async_read(stream_, buffer_, *parser_,
                             [self = this->shared_from_this(), limit](
                                 beast::error_code ec, size_t) { self->OnBody(ec, limit); });
        }

        void Malformed(beast::error_code ec) {
            Answer(Problem(400, "Malformed request",
                           "the request is not valid HTTP/1.1: " + ec.message()),
                   "(malformed)", false, 11);
        }

        void TooLarge(size_t limit, unsigned version) {
            Answer(Problem(413, "Request too large",
                           fmt::format("a request body here may hold at most {} bytes; send "
                                       "less, or split the file",
                                       limit)),
                   "(too large)", false, version);
        }

        void OnBody(beast::error_code ec, size_t limit) {
            if (Closed(ec)) return Close();
            if (ec == http::error::body_limit) return TooLarge(limit, 11);
            if (ec) return Malformed(ec);
            auto& req = parser_->get();
            request_.body = std::move(req.body());
            if (route_ && route_->socket) {
                if (websocket::is_upgrade(req)) return Upgrade(req);
                // Asked as plain HTTP: the route's refusal (no session, no
                // permission, no such thing), else a hint to use a socket.
                ::callbase::server::Upgrade probe;
                try {
                    probe = route_->socket(request_);
                } catch (const std::exception&) {
                    probe.refusal = Problem(500, "Internal error", "the server failed to answer");
                }
                return Answer(probe.refusal.value_or(
                                  Problem(426, "Upgrade required",
                                          fmt::format("{} is a WebSocket: open it with a WebSocket "
                                                      "client (ws:// or wss://)",
                                                      request_.path))),
                              route_->path, false, req.version());
            }
            const auto started = std::chrono::steady_clock::now();
            Response response;
            std::string_view label = route_ ? std::string_view(route_->path) : "(unknown)";
            if (route_) {
                response = Call(route_->handler);
            } else if (impl_.owner.fallback_ &&
                       (request_.method == "GET" || request_.method == "HEAD") && !path_known_) {
                label = "(static)";
                response = Call(impl_.owner.fallback_);
            } else {
                response = path_known_
                               ? Problem(405, "Method not allowed",
                                         fmt::format("{} does not take {}", request_.path,
                                                     request_.method))
                               : Problem(404, "Not found",
                                         fmt::format("there is no {}; see /api/v1/openapi.json",
                                                     request_.path));
            }
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            impl_.owner.metrics_.Record(label, response.status, seconds);
            Answer(std::move(response), "", req.keep_alive(), req.version());
        }

        Response Call(const Handler& handler) {
            try {
                return handler(request_);
            } catch (const std::exception&) {
                // Never the exception's text: it may hold SQL or data.
                return Problem(500, "Internal error",
                               "the server failed to answer; the request changed nothing it "
                               "should not, and the log says more");
            }
        }

        // Hands the connection to a FeedSocket: its reads and writes stay on
        // this io thread, and the feed is called on a thread of its own.
        void Upgrade(const http::request<http::string_body>& req) {
            const std::string key(req[http::field::sec_websocket_key]);
            if (!GoodWebSocketKey(key)) {
                impl_.owner.metrics_.Record(route_->path, 400, 0);
                return Answer(Problem(400, "Bad WebSocket upgrade",
                                      "Sec-WebSocket-Key must be 16 random bytes in base64 (24 "
                                      "characters ending in ==); use a WebSocket client"),
                              "", false, req.version());
            }
            ::callbase::server::Upgrade upgrade;
            try {
                upgrade = route_->socket(request_);
            } catch (const std::exception&) {
                upgrade.refusal = Problem(500, "Internal error", "the server failed to answer");
            }
            if (upgrade.refusal || !upgrade.feed) {
                Response refusal =
                    upgrade.refusal.value_or(Problem(404, "Not found", "nothing to follow here"));
                impl_.owner.metrics_.Record(route_->path, refusal.status, 0);
                return Answer(std::move(refusal), "", false, req.version());
            }
            impl_.owner.metrics_.Record(route_->path, 101, 0);
            // The WebSocket's own timeouts (pings) take over.
            Lowest().expires_never();
            auto socket = std::make_shared<FeedSocket<Stream>>(impl_, std::move(stream_));
            socket->Start(req, std::move(upgrade.feed));
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
            res->set("X-Frame-Options", "DENY");
            res->set("Referrer-Policy", "no-referrer");
            if constexpr (kTls)
                res->set(http::field::strict_transport_security, "max-age=31536000");
            for (auto& [name, value] : response.headers)
                res->insert(name, value);
            res->keep_alive(keep_alive);
            const bool head = request_.method == "HEAD";
            res->body() = std::move(response.body);
            res->prepare_payload();
            if (head) res->body().clear();
            http::async_write(stream_, *res,
                              [self = this->shared_from_this(), res](beast::error_code ec, size_t) {
                                  if (ec || !res->keep_alive()) return self->Close();
                                  self->Read();
                              });
        }

        void Close() {
            beast::error_code ignored;
            Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
        }

        Stream stream_;
        beast::flat_buffer buffer_;
        std::optional<http::request_parser<http::string_body>> parser_;
        Request request_;
        std::string remote_;
        const RouteEntry* route_ = nullptr;
        bool path_known_ = false;
        Impl& impl_;
    };

    void Accept() {
        asio::io_context& next = *contexts[next_context++ % contexts.size()];
        acceptor.async_accept(next, [this](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec && tls) {
                std::make_shared<Session<TlsStream>>(*this, std::move(socket), *tls)->Start();
            } else if (!ec) {
                std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket))->Start();
            }
            Accept();
        });
    }

    using TlsStream = beast::ssl_stream<beast::tcp_stream>;

    HttpServer& owner;
    std::optional<asio::ssl::context> tls;  // under TLS: the certificate and key
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    // Every(): a timer per context (destroyed before the contexts).
    std::vector<std::unique_ptr<asio::steady_timer>> ticks;
    void ArmTick(asio::steady_timer& timer) {
        timer.expires_after(owner.tick_period_);
        timer.async_wait([this, &timer](beast::error_code ec) {
            if (ec || stopping) return;
            owner.tick_();
            ArmTick(timer);
        });
    }
    size_t next_context = 0;  // the acceptor's, on the first context's thread
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
    // WebSocket feeds, a thread each while they are open; joined by Stop
    // before the io_context goes, and by StartFeedThread once ended.
    struct FeedThread {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> ended;
    };
    std::mutex sockets_mutex;
    std::vector<FeedThread> socket_threads;
    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::condition_variable stopped_cv;
    bool stopped = false;
};

HttpServer::HttpServer(Options options) : options_(std::move(options)) {}

HttpServer::~HttpServer() {
    Stop();
}

void HttpServer::Route(std::string method, std::string path, Handler handler, size_t body_limit) {
    RouteEntry entry{std::move(method), path, Segments(path), std::move(handler), {}, body_limit};
    routes_.push_back(std::move(entry));
}

void HttpServer::Socket(std::string path, SocketHandler handler) {
    RouteEntry entry{"GET", path, Segments(path), {}, std::move(handler), 0};
    routes_.push_back(std::move(entry));
}

void HttpServer::Fallback(Handler handler) {
    fallback_ = std::move(handler);
}

void HttpServer::Every(std::chrono::milliseconds period, std::function<void()> tick) {
    tick_period_ = period;
    tick_ = std::move(tick);
}

const HttpServer::RouteEntry* HttpServer::Match(std::string_view method, std::string_view path,
                                                std::map<std::string, std::string>* params,
                                                bool* path_known) const {
    const std::vector<std::string> segments = Segments(path);
    const RouteEntry* best = nullptr;
    int best_exact = -1;
    *path_known = false;
    for (const RouteEntry& route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        int exact = 0;
        bool matches = true;
        for (size_t i = 0; i < segments.size() && matches; ++i) {
            const std::string& want = route.segments[i];
            if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
                matches = !segments[i].empty();
            } else {
                matches = want == segments[i];
                ++exact;
            }
        }
        if (!matches) continue;
        const bool same_method =
            route.method == method || (method == "HEAD" && route.method == "GET");
        if (!same_method) {
            *path_known = true;
            continue;
        }
        if (exact > best_exact) {
            best = &route;
            best_exact = exact;
        }
    }
    if (best) {
        params->clear();
        for (size_t i = 0; i < segments.size(); ++i) {
            const std::string& want = best->segments[i];
            if (want.size() > 2 && want.front() == '{') {
                (*params)[want.substr(1, want.size() - 2)] = segments[i];
            }
        }
        *path_known = false;
    }
    return best;
}

Response HttpServer::Respond(Request& request) const {
    const Response failed = Problem(500, "Internal error", "the server failed to answer");
    bool path_known = false;
    const RouteEntry* route = Match(request.method, request.path, &request.params, &path_known);
    try {
        if (route && route->socket) {
            return route->socket(request).refusal.value_or(
                Problem(426, "Upgrade required", request.path + " is a WebSocket"));
        }
        if (route) return route->handler(request);
        if (fallback_ && (request.method == "GET" || request.method == "HEAD") && !path_known)
            return fallback_(request);
    } catch (const std::exception&) {
        return failed;
    }
    return path_known ? Problem(405, "Method not allowed", request.method)
                      : Problem(404, "Not found", request.path);
}

Result<uint16_t> HttpServer::Start() {
    if (options_.catch_signals) {
        // Until Wait(true) handles them, SIGINT and SIGTERM wait (blocked here
        // and in the io threads, which inherit the mask): a signal that comes
        // right after the server says it is up stops it cleanly, not by default.
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    }
    const int n = options_.threads > 0
                      ? options_.threads
                      : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    impl_ = std::make_unique<Impl>(*this, n);
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.address, ec);
    if (ec) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("cannot listen on '{}': not an IP address", options_.address),
                    "give --listen ADDRESS:PORT, e.g. 127.0.0.1:8080");
    }
    if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
        if (options_.tls_cert.empty() || options_.tls_key.empty()) {
            return Fail(ErrorCode::kInvalidInput, "TLS needs both a certificate and its key",
                        "give --tls-cert FILE and --tls-key FILE (PEM)");
        }
        for (const std::string& file : {options_.tls_cert, options_.tls_key}) {
            if (std::FILE* f = std::fopen(file.c_str(), "r")) {
                std::fclose(f);
            } else {
                return Fail(ErrorCode::kNotFound, fmt::format("cannot read {}", file),
                            "check the path of --tls-cert and --tls-key and that this user may "
                            "read them");
            }
        }
        impl_->tls.emplace(asio::ssl::context::tls_server);
        impl_->tls->set_options(asio::ssl::context::default_workarounds |
                                asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                                asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        impl_->tls->use_certificate_chain_file(options_.tls_cert, ec);
        if (ec) {
            return Fail(ErrorCode::kInvalidInput,
                        fmt::format("cannot use {} as the TLS certificate: {}", options_.tls_cert,
                                    ec.message()),
                        "give a PEM certificate chain (the server's certificate first)");
        }
        impl_->tls->use_private_key_file(options_.tls_key, asio::ssl::context::pem, ec);
        if (ec) {
            return Fail(
                ErrorCode::kInvalidInput,
                fmt::format("cannot use {} as the TLS key: {}", options_.tls_key, ec.message()),
                "give the certificate's private key in PEM, readable by this user");
        }
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
    if (tick_) {
        for (auto& context : impl_->contexts) {
            impl_->ticks.push_back(std::make_unique<asio::steady_timer>(*context));
            impl_->ArmTick(*impl_->ticks.back());
        }
    }
    for (auto& context : impl_->contexts) {
        impl_->threads.emplace_back([io = context.get()] {
            auto busy = asio::make_work_guard(*io);  // run until stopped, idle or not
            io->run();
        });
    }
    return port;
}

void HttpServer::Stop() {
    if (!impl_) return;
    std::lock_guard stopping(stop_mutex_);
    impl_->stopping = true;
    for (auto& context : impl_->contexts)
        context->stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    impl_->threads.clear();
    {
        std::lock_guard lock(impl_->sockets_mutex);
        for (auto& t : impl_->socket_threads)
            if (t.thread.joinable()) t.thread.join();
        impl_->socket_threads.clear();
    }
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
        // Blocked since Start (options.catch_signals): one that came early is
        // delivered now, to the handler.
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
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
