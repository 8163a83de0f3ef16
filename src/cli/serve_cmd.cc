// callbase serve: the HTTP server (issue 4, first part): /healthz and
// /metrics on the address given, until SIGINT or SIGTERM.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "server/http_server.h"

namespace callbase::cli {
namespace {

struct ServeArgs {
    std::string listen = "127.0.0.1:8080";
    int threads = 0;
};

// "ADDRESS:PORT" (an IPv6 address in brackets).
Result<server::HttpServer::Options> ParseListen(const ServeArgs& args) {
    size_t colon = args.listen.rfind(':');
    auto bad = [&] {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("--listen '{}' is not ADDRESS:PORT", args.listen),
                    "e.g. --listen 127.0.0.1:8080 (0 as the port picks a free one)");
    };
    if (colon == std::string::npos || colon == 0) return bad();
    server::HttpServer::Options options;
    options.address = args.listen.substr(0, colon);
    if (options.address.front() == '[' && options.address.back() == ']') {
        options.address = options.address.substr(1, options.address.size() - 2);
    }
    const std::string port = args.listen.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
        return bad();
    }
    options.port = static_cast<uint16_t>(std::stoi(port));
    options.threads = args.threads;
    return options;
}

}  // namespace

void RegisterServeCommands(CLI::App& cli, App& app) {
    auto args = std::make_shared<ServeArgs>();
    auto* serve = cli.add_subcommand("serve", "the HTTP server: /healthz and /metrics so far");
    serve->add_option("--listen", args->listen, "ADDRESS:PORT to listen on (127.0.0.1:8080)");
    serve->add_option("--threads", args->threads, "io threads (default: one per core)");
    serve->callback([&app, args] {
        auto options = ParseListen(*args);
        if (!options) return app.Report(options.error());
        auto db = app.OpenStore();  // the base must open before anyone is told it is up
        if (!db) return app.Report(db.error());
        server::HttpServer http(*options);
        const std::string described = (*db)->Describe();
        http.Route("GET", "/healthz", [described](const server::Request&) {
            nlohmann::json j{{"status", "ok"}, {"version", CALLBASE_VERSION}};
            return server::Response{200, "application/json", j.dump()};
        });
        http.Route("GET", "/metrics", [&http](const server::Request&) {
            return server::Response{200, "text/plain; version=0.0.4", http.metrics().Text()};
        });
        auto port = http.Start();
        if (!port) return app.Report(port.error());
        if (app.json) {
            fmt::print(
                "{}\n",
                nlohmann::json{{"listening", fmt::format("http://{}:{}", options->address, *port)},
                               {"database", described}}
                    .dump());
        } else {
            fmt::print("callbase serve: listening on http://{}:{} ({}); Ctrl-C stops it\n",
                       options->address, *port, described);
        }
        std::fflush(stdout);
        http.Wait(/*signals=*/true);
        fmt::print(stderr, "callbase serve: stopped\n");
    });
}

}  // namespace callbase::cli
