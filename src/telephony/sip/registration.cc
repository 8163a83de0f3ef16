#include "telephony/sip/registration.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

#include <fmt/format.h>

extern "C" {
#include <re.h>
}

namespace callbase::telephony::sip {

namespace {

constexpr int64_t kMaxBackoffSeconds = 1800;

Millis NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string Text(const struct pl& p) {
    return std::string(p.p ? p.p : "", p.l);
}

// What a final failure means for the person reading the log and the page.
std::string ProblemOf(int status) {
    if (status == 401 || status == 407) return "auth";
    if (status == 403) return "forbidden";
    if (status == 404) return "not_found";
    if (status >= 500) return "unavailable";
    return "refused";
}

std::string Advice(const std::string& problem) {
    if (problem == "auth" || problem == "forbidden")
        return "check [trunk] username and password (or password_file) against the provider's "
               "personal cabinet";
    if (problem == "not_found")
        return "the registrar does not know the account: check [trunk] username and "
               "register_domain";
    if (problem == "timeout" || problem == "network")
        return "check [trunk] host (or registrar), the firewall and the transport";
    if (problem == "unavailable") return "the provider's side is down or busy; nothing to change";
    return "see the provider's answer above";
}

}  // namespace

std::string_view RegistrationStateId(RegistrationState state) {
    switch (state) {
        case RegistrationState::kRegistering:
            return "registering";
        case RegistrationState::kRegistered:
            return "registered";
        case RegistrationState::kFailed:
            return "failed";
    }
    return "failed";
}

int64_t RegistrationBackoffMs(int first, int64_t n, int retry_after) {
    int64_t seconds = std::max(first, 1);
    for (int64_t i = 1; i < n && seconds < kMaxBackoffSeconds; ++i)
        seconds *= 2;
    seconds = std::min(seconds, kMaxBackoffSeconds);
    return 1000 * std::max<int64_t>(seconds, retry_after);
}

struct Registration::Impl {
    Registration* owner = nullptr;
    struct ::sip* stack = nullptr;
    std::function<void(const std::string&)> log;
    struct sip_dialog* dialog = nullptr;
    struct sip_auth* auth = nullptr;
    struct sip_request* request = nullptr;
    struct tmr timer {
    }, keepalive{};
    struct sip_request* ping = nullptr;
    int expires = 600;      // asked for now (a 423 raises it)
    bool answered = false;  // this attempt has answered a challenge already
    bool stopping = false;  // Unregister: no more refreshes
    std::mt19937 jitter{std::random_device{}()};

    mutable std::mutex mutex;
    RegistrationStatus status;  // GUARDED_BY(mutex)

    const RegistrationSettings& s() const { return owner->settings_; }

    template <typename F>
    void Update(F f) {
        std::lock_guard lock(mutex);
        f(status);
    }

    static int OnAuth(char** user, char** password, const char* /*realm*/, void* arg) {
        auto* self = static_cast<Impl*>(arg);
        if (self->s().auth_user.empty()) return EAUTH;
        int err = str_dup(user, self->s().auth_user.c_str());
        if (!err) err = str_dup(password, self->s().password.c_str());
        return err;
    }

    // Our Contact, where the registrar sends the account's calls.
    static int OnSend(enum sip_transp tp, const struct sa* src, const struct sa* /*dst*/,
                      struct mbuf* mb, void* arg) {
        auto* self = static_cast<Impl*>(arg);
        const int expires = self->stopping ? 0 : self->expires;
        if (!self->s().contact_host.empty())
            return mbuf_printf(mb, "Contact: <sip:%s@%s%s>;expires=%d\r\n",
                               self->s().contact_user.c_str(), self->s().contact_host.c_str(),
                               sip_transp_param(tp), expires);
        return mbuf_printf(mb, "Contact: <sip:%s@%J%s>;expires=%d\r\n",
                           self->s().contact_user.c_str(), src, sip_transp_param(tp), expires);
    }

    void Send() {
        int err = sip_drequestf(&request, stack, true, "REGISTER", dialog, 0, auth, OnSend,
                                OnResponse, this,
                                "Expires: %d\r\n"
                                "Content-Length: 0\r\n\r\n",
                                stopping ? 0 : expires);
        if (err && !stopping) Failed(0, "network", std::strerror(err), 0);
    }

    static void OnTimer(void* arg) {
        auto* self = static_cast<Impl*>(arg);
        self->answered = false;
        self->Send();
    }

    // The seconds the registrar granted our binding: the expires of our own
    // Contact in its answer, else its Expires header, else what we asked.
    int Granted(const struct sip_msg* msg) const {
        struct Find {
            const Impl* self;
            int seconds = -1;
        } find{this};
        sip_msg_hdr_apply(
            msg, true, SIP_HDR_CONTACT,
            [](const struct sip_hdr* hdr, const struct sip_msg* /*msg*/, void* arg) -> bool {
                auto* f = static_cast<Find*>(arg);
                struct sip_addr addr {};
                if (sip_addr_decode(&addr, &hdr->val) != 0) return false;
                if (pl_strcmp(&addr.uri.user, f->self->s().contact_user.c_str()) != 0) return false;
                struct pl value {};
                if (msg_param_decode(&addr.params, "expires", &value) != 0) return false;
                f->seconds = static_cast<int>(pl_u32(&value));
                return true;
            },
            &find);
        if (find.seconds >= 0) return find.seconds;
        if (pl_isset(&msg->expires)) return static_cast<int>(pl_u32(&msg->expires));
        return expires;
    }

    static void OnResponse(int err, const struct sip_msg* msg, void* arg) {
        static_cast<Impl*>(arg)->Response(err, msg);
    }

    void Response(int err, const struct sip_msg* msg) {
        if (stopping) return;
        if (msg != nullptr && msg->scode < 200) return;
        if (err != 0 || msg == nullptr) {
            const bool timeout = err == ETIMEDOUT;
            Failed(0, timeout ? "timeout" : "network",
                   timeout ? std::string("no answer") : std::string(std::strerror(err)), 0);
            return;
        }
        const std::string line = fmt::format("{} {}", msg->scode, Text(msg->reason));
        if (msg->scode < 300) {
            Registered(Granted(msg), line);
            return;
        }
        if ((msg->scode == 401 || msg->scode == 407) && !answered && !s().auth_user.empty()) {
            // Answer the challenge once per attempt; a second one means the
            // credentials are wrong.
            answered = true;
            sip_auth_reset(auth);
            if (sip_auth_authenticate(auth, msg) == 0) {
                Send();
                return;
            }
        }
        if (msg->scode == 423) {
            const struct sip_hdr* min = sip_msg_hdr(msg, SIP_HDR_MIN_EXPIRES);
            const int wanted = min ? static_cast<int>(pl_u32(&min->val)) : 0;
            if (wanted > expires) {
                log(fmt::format(
                    "sip: trunk {}: the registrar wants a registration of at least {} s "
                    "(423); asking for that",
                    s().trunk, wanted));
                expires = wanted;
                Send();
                return;
            }
        }
        int retry_after = 0;
        if (const struct sip_hdr* h = sip_msg_hdr(msg, SIP_HDR_RETRY_AFTER))
            retry_after = static_cast<int>(std::min<uint32_t>(pl_u32(&h->val), 86'400));
        std::string problem = ProblemOf(msg->scode);
        if ((msg->scode == 401 || msg->scode == 407) && s().auth_user.empty())
            problem = "auth";  // no login to answer with
        Failed(msg->scode, problem, line, retry_after);
    }

    void Registered(int granted, const std::string& line) {
        if (granted <= 0) {
            Failed(0, "refused", line + " without a binding for us", 0);
            return;
        }
        const Millis now = NowMs();
        // Refresh at 85 % of the time granted (at least half a second ahead).
        const int64_t refresh = std::max<int64_t>(granted * 850LL, 500);
        bool first = false;
        Update([&](RegistrationStatus& st) {
            first = st.state != RegistrationState::kRegistered;
            st.state = RegistrationState::kRegistered;
            st.problem.clear();
            st.status = 200;
            st.detail = line;
            st.granted = granted;
            st.registered_until = now + Millis{1000} * granted;
            st.next_attempt = now + refresh;
            ++st.registrations;
            st.failures_in_row = 0;
        });
        if (first)
            log(fmt::format("sip: trunk {}: registered at {} as {} for {} s", s().trunk,
                            s().registrar, s().aor, granted));
        tmr_start(&timer, static_cast<uint64_t>(refresh), OnTimer, this);
        if (s().keepalive_seconds > 0 && !tmr_isrunning(&keepalive))
            tmr_start(&keepalive, 1000ULL * static_cast<uint64_t>(s().keepalive_seconds),
                      OnKeepalive, this);
    }

    // The NAT's binding kept open: an OPTIONS in the registration's dialog.
    // Any answer will do; none means the way back may be gone, so the
    // registration is renewed at once.
    static void OnKeepalive(void* arg) {
        auto* self = static_cast<Impl*>(arg);
        if (self->stopping) return;
        if (self->ping == nullptr)
            (void)sip_drequestf(
                &self->ping, self->stack, true, "OPTIONS", self->dialog, 0, nullptr, nullptr,
                [](int err, const struct sip_msg* msg, void* a) {
                    auto* me = static_cast<Impl*>(a);
                    // Any answer will do; none: register again at once.
                    if (me->stopping || (err == 0 && msg != nullptr)) return;
                    me->log(
                        fmt::format("sip: trunk {}: the registrar did not answer the keep-alive "
                                    "(OPTIONS); registering again",
                                    me->s().trunk));
                    tmr_cancel(&me->timer);
                    me->answered = false;
                    if (me->request == nullptr) me->Send();
                },
                self, "Content-Length: 0\r\n\r\n");
        tmr_start(&self->keepalive, 1000ULL * static_cast<uint64_t>(self->s().keepalive_seconds),
                  OnKeepalive, self);
    }

    void Failed(int code, const std::string& problem, const std::string& detail, int retry_after) {
        const Millis now = NowMs();
        int64_t n = 0;
        Update([&](RegistrationStatus& st) { n = ++st.failures_in_row; });
        int64_t wait = RegistrationBackoffMs(s().retry_seconds, n, retry_after);
        // A little jitter (up to a fifth less) so that many trunks do not retry in step;
        // never under what the registrar asked for.
        wait = std::max<int64_t>(wait - static_cast<int64_t>(jitter() % (wait / 5 + 1)),
                                 1000LL * retry_after);
        wait = std::max<int64_t>(wait, 200);
        Update([&](RegistrationStatus& st) {
            st.state = RegistrationState::kFailed;
            st.problem = problem;
            st.status = code;
            st.detail = detail;
            st.next_attempt = now + wait;
            ++st.failures;
            if (st.registered_until <= now) st.registered_until = 0;
        });
        log(fmt::format("sip: trunk {}: registration at {} failed: {}; {}; next try in {} s",
                        s().trunk, s().registrar, detail, Advice(problem), (wait + 999) / 1000));
        tmr_start(&timer, static_cast<uint64_t>(wait), OnTimer, this);
    }
};

Registration::Registration(struct ::sip* stack, RegistrationSettings settings,
                           std::function<void(const std::string&)> log)
    : impl_(std::make_unique<Impl>()), settings_(std::move(settings)) {
    impl_->owner = this;
    impl_->stack = stack;
    impl_->log = std::move(log);
    impl_->expires = settings_.expires;
    tmr_init(&impl_->timer);
    tmr_init(&impl_->keepalive);
}

Registration::~Registration() {
    tmr_cancel(&impl_->timer);
    tmr_cancel(&impl_->keepalive);
    impl_->ping = static_cast<struct sip_request*>(mem_deref(impl_->ping));
    impl_->request = static_cast<struct sip_request*>(mem_deref(impl_->request));
    mem_deref(impl_->auth);
    mem_deref(impl_->dialog);
}

void Registration::Start() {
    Impl& i = *impl_;
    const char* route = settings_.outbound_proxy.c_str();
    int err =
        sip_dialog_alloc(&i.dialog, settings_.registrar.c_str(), settings_.aor.c_str(), nullptr,
                         settings_.aor.c_str(), settings_.outbound_proxy.empty() ? nullptr : &route,
                         settings_.outbound_proxy.empty() ? 0 : 1);
    if (!err) err = sip_auth_alloc(&i.auth, Impl::OnAuth, &i, false);
    if (err) {
        i.Failed(0, "network",
                 fmt::format("the registrar {} or the account {} is not a SIP URI ({})",
                             settings_.registrar, settings_.aor, std::strerror(err)),
                 0);
        tmr_cancel(&i.timer);  // a malformed URI will not mend itself
        return;
    }
    i.Update([](RegistrationStatus& st) { st.next_attempt = NowMs(); });
    i.Send();
}

void Registration::Unregister() {
    Impl& i = *impl_;
    tmr_cancel(&i.timer);
    tmr_cancel(&i.keepalive);
    i.ping = static_cast<struct sip_request*>(mem_deref(i.ping));
    const bool bound = status().registered_until > NowMs();
    i.stopping = true;
    i.request = static_cast<struct sip_request*>(mem_deref(i.request));
    if (bound && i.dialog != nullptr) i.Send();
}

RegistrationStatus Registration::status() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->status;
}

}  // namespace callbase::telephony::sip
