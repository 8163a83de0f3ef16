// Registration load: N trunks' REGISTER clients with keep-alives on one SIP
// stack (one libre thread, as in `serve`), against a registrar on loopback —
// and, in the same run, the same number of libre's own sipreg clients (what
// baresip uses), the best existing alternative. The registrar is a thread of
// this program: it challenges each client's first REGISTER (401, digest) and
// answers every later REGISTER and OPTIONS 200, granting --expires seconds.
//
// The schedule is accelerated so that a short run carries many requests:
// --expires 10 (a refresh every 8.5 s) and --keepalive 1 (an OPTIONS a
// second) is 25 to 30 times the realistic load of expires 300 and a keep-alive
// every 25 s. Printed for each side: requests answered a second, CPU of the SIP
// thread (share of one core, and microseconds per request), and that CPU
// scaled to the realistic schedule for N trunks — the figure the goal holds
// ("registration and keep-alives for 50 trunks cost under 1 % of a core").
// --json prints one JSON object. Exit status 0 when ours is under the goal, 1
// when not, 2 when something could not start.
//
// Usage: bench_registration [--trunks 50] [--seconds 20] [--expires 10]
//                           [--keepalive 1] [--json]
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "telephony/sip/registration.h"

extern "C" {
#include <re.h>
}

using namespace callbase::telephony::sip;

namespace {

struct Options {
    int trunks = 50;
    int seconds = 20;
    int expires = 10;
    int keepalive = 1;
    bool json = false;
};

double ThreadCpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_THREAD, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// A header line of a request ("Via: …"), "" when absent.
std::string Header(const std::string& msg, const std::string& name) {
    const size_t at = msg.find("\r\n" + name + ":");
    if (at == std::string::npos) return {};
    const size_t end = msg.find("\r\n", at + 2);
    return msg.substr(at + 2, end - at - 2);
}

// The registrar: 401 for a client's first REGISTER, 200 for the rest.
class Registrar {
public:
    explicit Registrar(int expires) : expires_(expires) {
        fd_ = socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        timeval limit{.tv_sec = 0, .tv_usec = 100'000};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        thread_ = std::thread([this] { Run(); });
    }
    ~Registrar() {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    int port() const { return port_; }
    int64_t answered() const { return answered_; }

private:
    void Run() {
        std::set<std::string> challenged;
        char buffer[4096];
        while (!stop_) {
            sockaddr_in from{};
            socklen_t len = sizeof from;
            const ssize_t n =
                recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &len);
            if (n <= 0) continue;
            const std::string msg(buffer, static_cast<size_t>(n));
            if (!msg.starts_with("REGISTER") && !msg.starts_with("OPTIONS")) continue;
            const std::string call = Header(msg, "Call-ID");
            std::string head = "SIP/2.0 200 OK", extra;
            if (msg.starts_with("REGISTER")) {
                if (Header(msg, "Authorization").empty() && challenged.insert(call).second) {
                    head = "SIP/2.0 401 Unauthorized";
                    extra = "WWW-Authenticate: Digest realm=\"bench\", nonce=\"" +
                            std::to_string(challenged.size()) + "n0nce\", algorithm=MD5\r\n";
                } else {
                    extra = fmt::format("Expires: {}\r\n", expires_);
                }
            }
            const std::string reply = fmt::format(
                "{}\r\n{}\r\n{}\r\n{};tag=reg\r\n{}\r\n{}\r\n{}Content-Length: 0\r\n\r\n", head,
                Header(msg, "Via"), Header(msg, "From"), Header(msg, "To"), call,
                Header(msg, "CSeq"), extra);
            sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
            ++answered_;
        }
    }
    int expires_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int64_t> answered_{0};
    std::thread thread_;
};

struct Side {
    std::string name;
    int64_t requests = 0;
    double cpu = 0, seconds = 0;
    int registered = 0;
};

int Auth(char** user, char** password, const char* /*realm*/, void* /*arg*/) {
    int err = str_dup(user, "bench");
    if (!err) err = str_dup(password, "secret");
    return err;
}

// One side's run on a fresh SIP stack of this thread: `ours` is callbase's
// Registration (with keep-alives), else libre's sipreg.
Side RunSide(bool ours, const Options& o) {
    Side side{ours ? "callbase Registration (REGISTER + OPTIONS keep-alives)"
                   : "libre sipreg (REGISTER only)"};
    Registrar registrar(o.expires);
    struct sip* stack = nullptr;
    struct sa laddr {};
    sa_set_str(&laddr, "127.0.0.1", 0);
    if (sip_alloc(&stack, nullptr, 64, 64, 64, "bench", nullptr, nullptr) != 0 ||
        sip_transp_add(stack, SIP_TRANSP_UDP, &laddr) != 0) {
        fmt::print(stderr, "bench_registration: no SIP stack\n");
        std::exit(2);
    }
    const std::string registrar_uri = fmt::format("sip:127.0.0.1:{}", registrar.port());
    std::vector<std::unique_ptr<Registration>> clients;
    std::vector<struct sipreg*> libre;
    for (int i = 0; i < o.trunks; ++i) {
        const std::string user = fmt::format("100{}", i);
        const std::string aor = fmt::format("sip:{}@bench.test", user);
        if (ours) {
            RegistrationSettings s;
            s.trunk = fmt::format("t{}", i);
            s.registrar = registrar_uri;
            s.aor = aor;
            s.contact_user = user;
            s.auth_user = "bench";
            s.password = "secret";
            s.expires = o.expires;
            s.keepalive_seconds = o.keepalive;
            clients.push_back(std::make_unique<Registration>(stack, s, [](const std::string&) {}));
            clients.back()->Start();
        } else {
            struct sipreg* reg = nullptr;
            sipreg_register(&reg, stack, registrar_uri.c_str(), aor.c_str(), nullptr, aor.c_str(),
                            static_cast<uint32_t>(o.expires), user.c_str(), nullptr, 0, 0, Auth,
                            nullptr, false, nullptr, nullptr, nullptr, nullptr);
            sipreg_set_rwait(reg, 85);
            libre.push_back(reg);
        }
    }
    // Settle (the first REGISTERs and their challenges), then measure.
    struct tmr stop {};
    tmr_init(&stop);
    tmr_start(
        &stop, 1000, [](void*) { re_cancel(); }, nullptr);
    re_main(nullptr);
    const int64_t before = registrar.answered();
    const double cpu0 = ThreadCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    tmr_start(
        &stop, 1000ULL * static_cast<uint64_t>(o.seconds), [](void*) { re_cancel(); }, nullptr);
    re_main(nullptr);
    side.cpu = ThreadCpuSeconds() - cpu0;
    side.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    side.requests = registrar.answered() - before;
    for (const auto& c : clients)
        side.registered += c->status().state == RegistrationState::kRegistered ? 1 : 0;
    for (struct sipreg* r : libre)
        side.registered += sipreg_registered(r) ? 1 : 0;
    clients.clear();
    for (struct sipreg* r : libre)
        mem_deref(r);
    sip_close(stack, true);
    mem_deref(stack);
    return side;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
        if (a == "--trunks")
            o.trunks = next();
        else if (a == "--seconds")
            o.seconds = next();
        else if (a == "--expires")
            o.expires = next();
        else if (a == "--keepalive")
            o.keepalive = next();
        else if (a == "--json")
            o.json = true;
        else {
            fmt::print(stderr,
                       "usage: bench_registration [--trunks N] [--seconds S] "
                       "[--expires S] [--keepalive S] [--json]\n");
            return 2;
        }
    }
    if (libre_init() != 0) return 2;
    const Side ours = RunSide(true, o);
    const Side theirs = RunSide(false, o);
    libre_close();
    // The realistic schedule: expires 300 (a refresh at 255 s) and an OPTIONS
    // every 25 s, per trunk; what the accelerated one cost per request, scaled.
    const double real_per_trunk = 1.0 / 25.0 + 1.0 / (300.0 * 0.85);
    auto scaled = [&](const Side& s) {
        const double per_request = s.requests ? s.cpu / static_cast<double>(s.requests) : 0;
        return 100.0 * per_request * real_per_trunk * o.trunks;
    };
    const double goal = 1.0;
    if (o.json) {
        auto side = [&](const Side& s) {
            return fmt::format(
                "{{\"name\": \"{}\", \"registered\": {}, \"requests_per_second\": {:.1f}, "
                "\"cpu_percent\": {:.3f}, \"us_per_request\": {:.1f}, "
                "\"realistic_cpu_percent\": {:.4f}}}",
                s.name, s.registered, static_cast<double>(s.requests) / s.seconds,
                100.0 * s.cpu / s.seconds,
                s.requests ? 1e6 * s.cpu / static_cast<double>(s.requests) : 0.0, scaled(s));
        };
        fmt::print(
            "{{\"trunks\": {}, \"seconds\": {}, \"ours\": {}, \"libre_sipreg\": {}, "
            "\"goal_percent\": {}}}\n",
            o.trunks, o.seconds, side(ours), side(theirs), goal);
    } else {
        fmt::print("{} trunks, {} s, expires {} s, keep-alive every {} s (accelerated)\n", o.trunks,
                   o.seconds, o.expires, o.keepalive);
        for (const Side* s : {&ours, &theirs}) {
            fmt::print(
                "  {}: {}/{} registered, {:.1f} requests/s, SIP thread {:.3f} % of a core, "
                "{:.1f} µs a request; at expires 300 and a keep-alive every 25 s: {:.4f} % of a "
                "core\n",
                s->name, s->registered, o.trunks, static_cast<double>(s->requests) / s->seconds,
                100.0 * s->cpu / s->seconds,
                s->requests ? 1e6 * s->cpu / static_cast<double>(s->requests) : 0.0, scaled(*s));
        }
        fmt::print("  goal: under {} % of a core for {} trunks\n", goal, o.trunks);
    }
    return ours.registered == o.trunks && scaled(ours) < goal ? 0 : 1;
}
