// The HTTP server against a real client over loopback: routes answer, an
// unknown path and a wrong method get RFC 9457 problems, an oversized body is
// refused with 413 before it is read whole, malformed HTTP gets 400, a
// handler's exception never reaches the client, and /metrics counts it all;
// WebSocket feeds end with their peers, and a bad upgrade key is refused.
#include "server/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>

namespace callbase::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::asio::ip::tcp;

class HttpServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = std::make_unique<HttpServer>(HttpServer::Options{"127.0.0.1", 0, 2, 1024});
        server_->Route("GET", "/healthz", [](const Request&) {
            return Response{200, "application/json", R"({"status":"ok"})"};
        });
        server_->Route("POST", "/echo", [](const Request& r) {
            return Response{200, "text/plain", r.body + "|" + r.query};
        });
        server_->Route("GET", "/boom", [](const Request&) -> Response {
            throw std::runtime_error("SELECT secret FROM users");
        });
        server_->Route("GET", "/metrics", [this](const Request&) {
            return Response{200, "text/plain; version=0.0.4", server_->metrics().Text()};
        });
        auto port = server_->Start();
        ASSERT_TRUE(port) << port.error().message;
        port_ = *port;
    }
    void TearDown() override { server_->Stop(); }

    http::response<http::string_body> Call(http::verb verb, const std::string& target,
                                           const std::string& body = "") {
        asio::io_context io;
        beast::tcp_stream stream(io);
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        http::request<http::string_body> req(verb, target, 11);
        req.set(http::field::host, "127.0.0.1");
        req.body() = body;
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        return res;
    }

    std::unique_ptr<HttpServer> server_;
    uint16_t port_ = 0;
};

TEST_F(HttpServerTest, RoutesAnswerAndUnknownOnesGetProblems) {
    auto ok = Call(http::verb::get, "/healthz");
    EXPECT_EQ(ok.result_int(), 200);
    EXPECT_EQ(ok.body(), R"({"status":"ok"})");
    EXPECT_EQ(ok[http::field::cache_control], "no-store");

    auto echo = Call(http::verb::post, "/echo?x=1", "hello");
    EXPECT_EQ(echo.body(), "hello|x=1");

    auto missing = Call(http::verb::get, "/nowhere");
    EXPECT_EQ(missing.result_int(), 404);
    EXPECT_EQ(missing[http::field::content_type], "application/problem+json");
    EXPECT_NE(missing.body().find(R"("title":"Not found")"), std::string::npos);
    EXPECT_NE(missing.body().find("/nowhere"), std::string::npos);

    auto wrong = Call(http::verb::delete_, "/healthz");
    EXPECT_EQ(wrong.result_int(), 405);

    auto boom = Call(http::verb::get, "/boom");
    EXPECT_EQ(boom.result_int(), 500);
    EXPECT_EQ(boom.body().find("SELECT"), std::string::npos);  // nothing of the exception
}

// Found by fuzz/fuzz_http (input in fuzz/corpus/fuzz_http/invalid-utf8-path.txt):
// the 404 for a path of invalid UTF-8 quoted it in JSON, whose writer threw
// out of the io thread and ended the whole server.
TEST_F(HttpServerTest, APathOfInvalidUtf8GetsA404AndTheServerStaysUp) {
    auto bad = Call(http::verb::get, "/%FF%8E");
    EXPECT_EQ(bad.result_int(), 404);
    EXPECT_NE(bad.body().find("\xEF\xBF\xBD"), std::string::npos) << "U+FFFD for each bad byte";
    auto after = Call(http::verb::get, "/healthz");
    EXPECT_EQ(after.result_int(), 200) << "the server still answers";
}

TEST_F(HttpServerTest, AnOversizedBodyAndMalformedHttpAreRefused) {
    auto big = Call(http::verb::post, "/echo", std::string(5000, 'x'));
    EXPECT_EQ(big.result_int(), 413);
    EXPECT_NE(big.body().find("at most 1024 bytes"), std::string::npos);

    asio::io_context io;
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    asio::write(socket, asio::buffer(std::string("NOT HTTP AT ALL\r\n\r\n")));
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_EQ(res[http::field::content_type], "application/problem+json");
}

TEST_F(HttpServerTest, MetricsCountRequestsByRouteAndStatus) {
    Call(http::verb::get, "/healthz");
    Call(http::verb::get, "/healthz");
    Call(http::verb::get, "/nowhere");
    auto metrics = Call(http::verb::get, "/metrics").body();
    const std::string healthz = R"(callbase_http_requests_total{route="/healthz",status="200"} 2)";
    const std::string unknown =
        R"m(callbase_http_requests_total{route="(unknown)",status="404"} 1)m";
    EXPECT_NE(metrics.find(healthz), std::string::npos) << metrics;
    EXPECT_NE(metrics.find(unknown), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("callbase_http_request_seconds_count 3"), std::string::npos);
}

// Threads of this process (the server runs in it).
int Threads() {
    int n = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/task"))
        ++n;
    return n;
}

// Issue 17, item 15: 500 feeds opened and closed left 500 threads, and enough
// of them made /healthz time out. A feed that has nothing to say (as a
// campaign's live figures at night) must still end when its peer goes,
// politely (a close frame) or not (the connection dropped).
TEST(HttpServerFeeds, FeedsOpenedAndClosedLeaveNoThreadBehind) {
    HttpServer server(HttpServer::Options{"127.0.0.1", 0, 2, 1024});
    server.Route("GET", "/healthz", [](const Request&) {
        return Response{200, "application/json", R"({"status":"ok"})"};
    });
    std::atomic<int> alive{0};  // feeds not yet destroyed
    server.Socket("/feed", [&alive](const Request&) {
        Upgrade upgrade;
        ++alive;
        auto counted = std::shared_ptr<void>(new int(0), [&alive](void* p) {
            delete static_cast<int*>(p);
            --alive;
        });
        upgrade.feed = [counted]() -> std::optional<std::string> {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            return std::string();  // nothing new, ever
        };
        return upgrade;
    });
    auto port = server.Start();
    ASSERT_TRUE(port) << port.error().message;
    const int before = Threads();

    constexpr int kFeeds = 500;
    for (int i = 0; i < kFeeds; ++i) {
        asio::io_context io;
        websocket::stream<tcp::socket> ws(io);
        ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), *port));
        beast::error_code ec;
        ws.handshake("127.0.0.1", "/feed", ec);
        ASSERT_FALSE(ec) << i << ": " << ec.message();
        if (i % 2 == 0) ws.close(websocket::close_code::normal, ec);  // else just dropped
    }
    // The feeds end within a call or two of theirs: wait for it (20 s at
    // most, for a loaded machine), not for a fixed time.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((alive > 0 || Threads() > before + 2) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(alive, 0) << "feeds still running after their peers left";
    EXPECT_LE(Threads(), before + 2) << "threads before: " << before;

    const auto asked = std::chrono::steady_clock::now();
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), *port));
    http::request<http::string_body> req(http::verb::get, "/healthz", 11);
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(2));
    server.Stop();
}

// A feed that has nothing more closes its socket normally, after its last
// messages (the import's feed ends so when the import is done).
TEST(HttpServerFeeds, AFeedThatEndsClosesItsSocketNormally) {
    HttpServer server(HttpServer::Options{"127.0.0.1", 0, 2, 1024});
    server.Socket("/count", [](const Request&) {
        Upgrade upgrade;
        auto n = std::make_shared<int>(0);
        upgrade.feed = [n]() -> std::optional<std::string> {
            if (*n == 3) return std::nullopt;
            return std::to_string(++*n);
        };
        return upgrade;
    });
    auto port = server.Start();
    ASSERT_TRUE(port);
    asio::io_context io;
    websocket::stream<tcp::socket> ws(io);
    ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), *port));
    ws.handshake("127.0.0.1", "/count");
    std::string got;
    for (;;) {
        beast::flat_buffer buffer;
        beast::error_code ec;
        ws.read(buffer, ec);
        if (ec == websocket::error::closed) break;
        ASSERT_FALSE(ec) << ec.message();
        got += beast::buffers_to_string(buffer.data());
    }
    EXPECT_EQ(got, "123");
    EXPECT_EQ(ws.reason().code, websocket::close_code::normal);
    server.Stop();
}

// The upgrade's key must be 16 bytes in base64 (RFC 6455 4.1); anything else
// is refused with 400 before the route is asked.
TEST(HttpServerFeeds, ABadUpgradeKeyIsRefused) {
    HttpServer server(HttpServer::Options{"127.0.0.1", 0, 2, 1024});
    std::atomic<int> asked{0};
    server.Socket("/feed", [&asked](const Request&) {
        ++asked;
        Upgrade upgrade;
        upgrade.feed = []() -> std::optional<std::string> { return std::nullopt; };
        return upgrade;
    });
    auto port = server.Start();
    ASSERT_TRUE(port);
    auto upgrade = [&](const std::string& key) {
        asio::io_context io;
        beast::tcp_stream stream(io);
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), *port));
        http::request<http::string_body> req(http::verb::get, "/feed", 11);
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::connection, "Upgrade");
        req.set(http::field::upgrade, "websocket");
        req.set(http::field::sec_websocket_version, "13");
        if (!key.empty()) req.set(http::field::sec_websocket_key, key);
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        return res.result_int();
    };
    EXPECT_EQ(upgrade("dGhlIHNhbXBsZSBub25jZQ=="), 101) << "RFC 6455's own example";
    EXPECT_EQ(asked, 1);
    for (const std::string bad : {"short", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ!=",
                                  "dGhlIHNhbXBsZSBub25jZR==", "dGhlIHNhbXBsZSBub25jZQ==xx"}) {
        EXPECT_EQ(upgrade(bad), 400) << bad;
    }
    EXPECT_EQ(asked, 1) << "a bad key never reaches the route";
    server.Stop();
}

// Respond answers without a socket as a connection does (fuzz/fuzz_http.cc
// feeds the request path through it): the route with its {params}, 405 for a
// known path with another method, 404, and a throwing handler's 500.
TEST(HttpServerRespond, RoutesLikeAConnectionWithoutASocket) {
    HttpServer server(HttpServer::Options{});
    server.Route("GET", "/items/{id}", [](const Request& r) {
        return Response{200, "text/plain", r.params.at("id") + "|" + r.Query("q").value_or("-")};
    });
    server.Route("GET", "/items/all", [](const Request&) {
        return Response{200, "text/plain", "all"};
    });
    server.Route("POST", "/boom",
                 [](const Request&) -> Response { throw std::runtime_error("x"); });
    Request get{.method = "GET", .path = "/items/42", .query = "q=a%20b"};
    Response r = server.Respond(get);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "42|a b");
    Request exact{.method = "GET", .path = "/items/all"};
    EXPECT_EQ(server.Respond(exact).body, "all") << "an exact segment wins over {id}";
    Request wrong{.method = "DELETE", .path = "/items/42"};
    EXPECT_EQ(server.Respond(wrong).status, 405);
    Request none{.method = "GET", .path = "/nothing"};
    EXPECT_EQ(server.Respond(none).status, 404);
    Request boom{.method = "POST", .path = "/boom"};
    Response failed = server.Respond(boom);
    EXPECT_EQ(failed.status, 500);
    EXPECT_EQ(failed.body.find("x\""), std::string::npos) << "never the exception's text";
}

}  // namespace
}  // namespace callbase::server
