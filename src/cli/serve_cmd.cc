// callbase serve: the HTTP server on the address given, until SIGINT or
// SIGTERM: the API under /api/v1 (src/api), the web UI's files (--web),
// /healthz and /metrics.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "api/api.h"
#include "campaigns/runner.h"
#include "campaigns/scenario.h"
#include "cli/app.h"
#include "compliance/registry_catalog.h"
#include "core/clock_text.h"
#include "core/json_text.h"
#include "security/audit_watch.h"
#include "security/encryption.h"
#include "server/http_server.h"
#include "telephony/media/speech.h"
#include "telephony/sip/sip_config.h"

namespace callbase::cli {
namespace {

struct ServeArgs {
    std::string listen = "127.0.0.1:8080";
    int threads = 0;
    std::string web;
    std::string tls_cert, tls_key;
    bool allow_plain_http = false;
    int idle_minutes = 30;
    int absolute_hours = 12;
    int rate_limit = 200;
    std::string telephony = "sim";
    std::string sim_scenario;
    double sim_speed = 1.0;
    double desk_grace = 3.0;
    std::string sip_config;
    std::string speech_cache;
    std::vector<std::string> allowed_origins;
    int feeds_per_session = 4;
    std::string audit_verify_every = "1h";
    ingest::ImportLimits import_limits;
    std::string scripts_dir;
};

// The web UI's files: --web, else web/dist beside the source tree the binary
// was built from, when it is there.
std::string WebDir(const ServeArgs& args) {
    if (!args.web.empty()) return args.web;
#ifdef CALLBASE_SOURCE_WEB_DIR
    if (std::filesystem::is_regular_file(std::filesystem::path(CALLBASE_SOURCE_WEB_DIR) /
                                         "index.html")) {
        return CALLBASE_SOURCE_WEB_DIR;
    }
#endif
    return "";
}

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
    // Passwords, sessions and people's numbers cross the network: plain HTTP
    // only on this machine, unless the admin says the network is theirs.
    const std::string& a = options.address;
    const bool loopback = a.starts_with("127.") || a == "::1" || a == "localhost";
    if (!loopback && args.tls_cert.empty() && !args.allow_plain_http) {
        return Fail(
            ErrorCode::kInvalidInput,
            fmt::format("plain HTTP on {} would carry passwords, sessions and personal data "
                        "unencrypted across the network",
                        args.listen),
            "give --tls-cert and --tls-key (docs/security.md, \"HTTPS\": how to get a "
            "certificate), or listen on 127.0.0.1 behind a TLS proxy, or add "
            "--allow-plain-http on a network you trust");
    }
    options.threads = args.threads;
    options.tls_cert = args.tls_cert;
    options.tls_key = args.tls_key;
    options.catch_signals = true;
    return options;
}

}  // namespace

void RegisterServeCommands(CLI::App& cli, App& app) {
    auto args = std::make_shared<ServeArgs>();
    auto* serve = cli.add_subcommand("serve", "the HTTP server: the API, the web UI, metrics");
    serve->add_option("--listen", args->listen, "ADDRESS:PORT to listen on (127.0.0.1:8080)");
    serve->add_option("--threads", args->threads, "io threads (default: one per core)");
    serve->add_option("--web", args->web, "the web UI's built files (default: web/dist)");
    serve->add_option("--tls-cert", args->tls_cert,
                      "a PEM certificate chain: serve HTTPS (and secure cookies)");
    serve->add_option("--tls-key", args->tls_key, "the certificate's PEM private key");
    serve->add_flag("--allow-plain-http", args->allow_plain_http,
                    "serve plain HTTP on an address other than loopback (refused otherwise)");
    serve->add_option("--session-idle", args->idle_minutes,
                      "minutes without a request that end a session (30)");
    serve->add_option("--session-max", args->absolute_hours,
                      "hours after login that end a session (12)");
    serve->add_option("--rate-limit", args->rate_limit,
                      "API requests a second from one address, twice that in a burst (200; 0: "
                      "no limit)");
    serve->add_option("--allowed-origin", args->allowed_origins,
                      "an origin (https://crm.example.com) besides the server's own whose pages "
                      "may log in and open feeds; repeat for more");
    serve->add_option("--feeds-per-session", args->feeds_per_session,
                      "WebSocket feeds one session may have open at once (4)");
    serve->add_option("--audit-verify-every", args->audit_verify_every,
                      "check the audit log's chain this often, alerting on a break (1h; 30m, "
                      "1d; 0: never)");
    serve
        ->add_option("--telephony", args->telephony,
                     "what campaigns dial: sim (the simulated network, the default), sip (a "
                     "real trunk, --sip-config) or none (campaigns are set up but not run)")
        ->check(CLI::IsMember({"sim", "sip", "none"}));
    serve->add_option("--sip-config", args->sip_config,
                      "the SIP settings file (TOML: trunk, addresses, recordings; "
                      "docs/telephony.md) for --telephony sip");
    serve->add_option("--speech-cache", args->speech_cache,
                      "where robots' prompts rendered by espeak-ng are kept (default: "
                      "callbase-speech in the temporary folder)");
    serve->add_option("--sim-scenario", args->sim_scenario,
                      "the simulated callees: the [network] and seed of a scenario file");
    serve->add_option("--sim-speed", args->sim_speed,
                      "simulated seconds per real second (1: real time, for people to work it)");
    serve
        ->add_option("--desk-grace", args->desk_grace,
                     "seconds an operator's desk may be gone (tab closed; the network lost "
                     "for 10 s) before the operator is paused with the reason desk_gone "
                     "(default 3)")
        ->check(CLI::Range(0.0, 3600.0));
    AddImportLimitOptions(serve, &args->import_limits);
    serve->add_option("--scripts-dir", args->scripts_dir,
                      "the robot scripts campaigns may name (default: beside an SQLite base, "
                      "BASE.scripts; ./scripts for PostgreSQL)");
    serve->callback([&app, args] {
        auto options = ParseListen(*args);
        if (!options) return app.Report(options.error());
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        const std::string url = app.db_url.empty() ? store::DefaultUrl() : app.db_url;
        const std::string registry_dir = RegistryDir(app);
        api::ApiOptions api_options;
        api_options.open_store = [&app] { return app.OpenStore(); };
        api_options.cleaner = tools->cleaner.get();
        api_options.clock = &app.clock;
        api_options.pseudonym_key = [&app] { return ReadKey(app); };
        api_options.registry_dir = registry_dir;
        api_options.web_dir = WebDir(*args);
        api_options.work_dir = std::filesystem::temp_directory_path().string();
        // As `consent request` sends them: the log file stands in for an SMS gateway.
        if (const char* sms = std::getenv("CALLBASE_SMS_LOG"); sms && *sms) {
            api_options.sms_log = sms;
        }
        api_options.session_limits = {args->idle_minutes * 60LL, args->absolute_hours * 3600LL};
        api_options.secure_cookies = !args->tls_cert.empty();
        api_options.requests_per_second = args->rate_limit;
        api_options.allowed_origins = args->allowed_origins;
        if (args->feeds_per_session < 1) {
            return app.Report(
                Error{ErrorCode::kInvalidInput,
                      fmt::format("--feeds-per-session {} is below 1", args->feeds_per_session),
                      "give 1 or more (4 suits a person with a few tabs)"});
        }
        api_options.feeds_per_session = args->feeds_per_session;
        auto verify_every = ParseDuration(args->audit_verify_every);
        if (!verify_every) {
            return app.Report(
                Error{ErrorCode::kInvalidInput,
                      fmt::format("--audit-verify-every: {}", verify_every.error().message),
                      verify_every.error().hint});
        }
        api_options.import_limits = args->import_limits;
        api_options.scripts_dir = ScriptsDir(app, args->scripts_dir);
        // Robots' speech on a real network: espeak-ng, each prompt rendered once.
        telephony::media::EspeakSynth espeak;
        telephony::media::CachedSynth speech(
            espeak, args->speech_cache.empty()
                        ? (std::filesystem::temp_directory_path() / "callbase-speech").string()
                        : args->speech_cache);
        std::unique_ptr<campaigns::CampaignRunner> runner;
        // The runner owns it; /metrics reads its counters (the runner outlives the server).
        const telephony::sip::SipTelephony* sip_network = nullptr;
        if (args->telephony == "sip" && args->sip_config.empty()) {
            return app.Report(Error{ErrorCode::kInvalidInput,
                                    "--telephony sip needs --sip-config FILE",
                                    "write the trunk's settings (docs/telephony.md, "
                                    "examples/sip/) and give the file"});
        }
        if (args->telephony != "none") {
            campaigns::RunnerOptions ro;
            ro.scripts_dir = ScriptsDir(app, args->scripts_dir);  // the menus of incoming calls
            ro.desk_grace =
                std::chrono::milliseconds(static_cast<int64_t>(args->desk_grace * 1000));
            if (args->telephony == "sip") {
                auto sip = telephony::sip::LoadSipConfig(args->sip_config);
                if (!sip) return app.Report(sip.error());
                ro.network_name = "sip";
                ro.announce_monitoring = sip->announce_monitoring;
                ro.real_network = [sip = *sip, &speech, &sip_network](
                                      auto post) -> Result<std::unique_ptr<telephony::Telephony>> {
                    auto net = std::make_unique<telephony::sip::SipTelephony>(sip, speech,
                                                                              std::move(post));
                    if (auto ok = net->Start(); !ok) return std::unexpected(ok.error());
                    std::string more;
                    for (const auto& t : sip.more_trunks)
                        more += fmt::format(", trunk {} ({})", t.name, t.host);
                    fmt::print(
                        stderr, "sip: listening on {}{}, trunk {}{}{}\n", net->local_address(),
                        net->tls_address().empty()
                            ? std::string()
                            : fmt::format(" and {} (TLS)", net->tls_address()),
                        sip.trunk.host,
                        more.empty() ? std::string()
                                     : fmt::format(" (the default, {}){}", sip.trunk.name, more),
                        sip.dids.empty()
                            ? std::string()
                            : fmt::format(", taking calls to {}", fmt::join(sip.dids, ", ")));
                    sip_network = net.get();
                    return net;
                };
            }
            ro.open_store = [&app] { return app.OpenStore(); };
            ro.cleaner = tools->cleaner.get();
            ro.registry_dir = registry_dir;
            ro.speed = args->sim_speed > 0 ? args->sim_speed : 1.0;
            if (!args->sim_scenario.empty() && args->telephony == "sim") {
                auto scenario = campaigns::LoadScenario(args->sim_scenario);
                if (!scenario) return app.Report(scenario.error());
                ro.population = scenario->population;
                ro.seed = scenario->seed;
            }
            runner = std::make_unique<campaigns::CampaignRunner>(std::move(ro));
            if (auto ok = runner->Start(); !ok) return app.Report(ok.error());
            api_options.campaigns = runner.get();
        }
        api::Api api(api_options);
        // The base must open before anyone is told it is up.
        if (auto ok = api.Start(); !ok) return app.Report(ok.error());
        server::HttpServer http(*options);
        const std::string described = api.pool().Acquire().value().store->Describe();
        http.Route("GET", "/healthz",
                   [described, &runner, network = args->telephony](const server::Request&) {
                       nlohmann::json j{{"status", "ok"}, {"version", CALLBASE_VERSION}};
                       // Campaigns that cannot run (the base failed under them) make the
                       // server unhealthy: calls would silently stop.
                       if (runner) {
                           j["telephony"] = network;
                           // Trunks that register, with their state: a monitor alerts on
                           // any that is not "registered" (the server stays up: outbound
                           // calls and other trunks still work).
                           const auto trunks = runner->Trunks();
                           for (const auto& t : trunks) {
                               if (t.registration.empty() && t.up && trunks.size() == 1) continue;
                               j["trunks"][t.name] = {{"up", t.up}};
                               if (!t.down_reason.empty())
                                   j["trunks"][t.name]["down_reason"] = t.down_reason;
                               if (t.registration.empty()) continue;
                               j["trunks"][t.name]["registration"] = t.registration;
                               if (!t.problem.empty()) j["trunks"][t.name]["problem"] = t.detail;
                           }
                           if (auto error = runner->error()) {
                               j["status"] = "degraded";
                               j["telephony_error"] = error->message;
                               return server::Response{503, "application/json", JsonText(j), {}};
                           }
                       }
                       return server::Response{200, "application/json", JsonText(j), {}};
                   });
        http.Route("GET", "/metrics", [&http, &api, &sip_network](const server::Request&) {
            std::string text = http.metrics().Text();
            text += fmt::format(
                "# HELP callbase_sessions Logged-in sessions.\n"
                "# TYPE callbase_sessions gauge\ncallbase_sessions {}\n",
                api.sessions().Count());
            if (sip_network != nullptr) {
                const telephony::sip::SipCounters c = sip_network->counters();
                auto counter = [&text](std::string_view name, std::string_view help, int64_t v,
                                       std::string_view type = "counter") {
                    text += fmt::format(
                        "# HELP callbase_sip_{0} {1}\n# TYPE callbase_sip_{0} {2}\n"
                        "callbase_sip_{0} {3}\n",
                        name, help, type, v);
                };
                counter("invites_total", "INVITEs sent to the trunk.", c.invites);
                counter("incoming_total", "Calls to the center's numbers taken (rung here).",
                        c.incoming);
                counter("early_media_total",
                        "Calls to the center's numbers given a message before the answer (183).",
                        c.early_media);
                counter("early_listened_total",
                        "Calls dialed whose far end sent early media (183 with SDP), listened to.",
                        c.early_listened);
                counter("announced_invalid_total",
                        "Calls dialed the network turned away with special information tones: "
                        "invalid numbers.",
                        c.announced_invalid);
                counter("answered_total", "Calls answered (dialed and incoming).", c.answered);
                counter("failed_total", "Calls that ended unanswered.", c.failed);
                counter("active_calls", "Calls up now.", c.active, "gauge");
                counter("rtp_sent_total", "RTP packets sent.", c.rtp_sent);
                counter("rtp_received_total", "RTP packets received.", c.rtp_received);
                counter("keys_total", "Keys heard (RFC 4733 or in-band).", c.keys);
                counter("bridged_total", "Calls put through to operators' phones.", c.bridged);
                counter("agent_missed_total",
                        "Calls an operator's phone did not take (rang out or refused); the "
                        "caller was offered on.",
                        c.agent_missed);
                counter("moved_total",
                        "Calls an operator passed on (a transfer from the desk): their leg "
                        "ended, the caller's went on to the next.",
                        c.moved);
                counter("monitors_total",
                        "Supervisors' phones that answered to listen in on a call.", c.monitors);
                counter("srtp_calls_total", "Call legs whose voice was SRTP (SDES).", c.srtp_calls);
                counter("srtp_dropped_total",
                        "SRTP packets dropped: failed authentication or replayed.", c.srtp_dropped);
                counter("tls_refused_total",
                        "TLS certificates refused (the trunk's name, CA or pin did not match); "
                        "the call did not go out.",
                        c.tls_refused);
                counter("recordings_total", "Recordings written.", c.recordings);
                // Per trunk: each family's HELP and TYPE once, a line a trunk.
                const std::vector<telephony::TrunkStatus> trunks = sip_network->Trunks();
                auto family = [&text, &trunks](std::string_view name, std::string_view help,
                                               std::string_view type, bool registering_only,
                                               auto value) {
                    text +=
                        fmt::format("# HELP callbase_sip_{0} {1}\n# TYPE callbase_sip_{0} {2}\n",
                                    name, help, type);
                    for (const auto& t : trunks)
                        if (!registering_only || !t.registration.empty())
                            text += fmt::format("callbase_sip_{}{{trunk=\"{}\"}} {}\n", name,
                                                t.name, value(t));
                };
                using Trunk = telephony::TrunkStatus;
                family("trunk_up",
                       "1 while the trunk takes calls (registered if it registers, its INVITEs "
                       "answered).",
                       "gauge", false, [](const Trunk& t) { return t.up ? 1 : 0; });
                family("trunk_active_calls", "Calls up through the trunk now (both ways).", "gauge",
                       false, [](const Trunk& t) { return t.active; });
                family("trunk_calls_total", "INVITEs sent through the trunk.", "counter", false,
                       [](const Trunk& t) { return t.calls; });
                family("trunk_incoming_total",
                       "Calls taken from the trunk (to its numbers or its account).", "counter",
                       false, [](const Trunk& t) { return t.incoming; });
                family("trunk_failed_over_total",
                       "Calls the trunk passed to its failover trunks (down, full, 5xx).",
                       "counter", false, [](const Trunk& t) { return t.failed_over; });
                if (std::any_of(trunks.begin(), trunks.end(),
                                [](const Trunk& t) { return !t.registration.empty(); })) {
                    family("registered",
                           "1 while the trunk's registration holds (refreshed before it lapses).",
                           "gauge", true,
                           [](const Trunk& t) { return t.registration == "registered" ? 1 : 0; });
                    family("registrations_total", "REGISTERs the registrar accepted.", "counter",
                           true, [](const Trunk& t) { return t.registrations; });
                    family("registration_failures_total",
                           "REGISTERs that failed (refused, no answer).", "counter", true,
                           [](const Trunk& t) { return t.failures; });
                }
            }
            return server::Response{200, "text/plain; version=0.0.4", text, {}};
        });
        api.Mount(http);
        // The audit log's chain, checked on a schedule (security/audit_watch.h).
        std::unique_ptr<security::AuditSchedule> audit_schedule;
        if (*verify_every > 0) {
            audit_schedule = std::make_unique<security::AuditSchedule>(
                [&app] { return app.OpenStore(); }, app.clock, std::chrono::seconds(*verify_every),
                [](const Error& error) {
                    fmt::print(stderr, "callbase serve: the scheduled audit verify failed: {}\n",
                               Describe(error));
                });
        }
        auto port = http.Start();
        if (!port) return app.Report(port.error());
        const std::string address =
            fmt::format("{}://{}:{}", http.tls() ? "https" : "http", options->address, *port);
        if (app.json) {
            fmt::print("{}\n", JsonText(nlohmann::json{{"listening", address},
                                                       {"database", described},
                                                       {"web", api_options.web_dir}}));
        } else {
            fmt::print("callbase serve: listening on {} ({}); Ctrl-C stops it\n", address,
                       described);
            if (api_options.web_dir.empty()) {
                fmt::print(
                    "  no web UI found (build it with `make web`, or give --web DIR); the "
                    "API is at {}/api/v1\n",
                    address);
            } else {
                fmt::print("  web UI: {}/  (files from {})\n", address, api_options.web_dir);
            }
            if (runner && args->telephony == "sip") {
                fmt::print("  campaigns: dial for real over SIP ({})\n", args->sip_config);
            } else if (runner) {
                fmt::print(
                    "  campaigns: on the simulated network ({}x real time); nothing is "
                    "really dialed\n",
                    args->sim_speed);
            }
        }
        std::fflush(stdout);
        http.Wait(/*signals=*/true);
        fmt::print(stderr, "callbase serve: stopped\n");
    });
}

}  // namespace callbase::cli
