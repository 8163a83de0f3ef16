#include "telephony/sip/sip_telephony.h"

#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "telephony/media/dtmf.h"
#include "telephony/media/g711.h"
#include "telephony/media/g722.h"
#include "telephony/media/rfc4733.h"
#include "telephony/media/sit.h"
#include "telephony/media/wav.h"
#include "telephony/sip/causes.h"
#include "telephony/sip/registration.h"
#include "telephony/sip/srtp.h"
#include "telephony/sip/tls.h"

extern "C" {
#include <re.h>
}

namespace callbase::telephony::sip {

namespace {

constexpr int kFrame = 160;  // samples in 20 ms at 8 kHz
constexpr int kFrameMs = 20;
// A trunk whose last 3 INVITEs went unanswered is out this long; a call
// that would wait more than kMaxSlotWaitMs for its trunk's calls-a-second
// slot goes to the next trunk.
constexpr uint64_t kDownMs = 30'000;
constexpr uint64_t kMaxSlotWaitMs = 5'000;
constexpr int kCauseExtensionRequired = 421;
constexpr int kCauseNotAcceptable = 488;       // an SDP we cannot take (SRTP keys)
constexpr CallId kAgentLeg = CallId{1} << 62;  // agents' legs have ids of their own

// The reason phrase of a status we refuse an incoming call with.
const char* ReasonPhrase(int status) {
    switch (status) {
        case 403:
            return "Forbidden";
        case 486:
            return "Busy Here";
        case 503:
            return "Service Unavailable";
        case 603:
            return "Decline";
        default:
            return "Temporarily Unavailable";
    }
}

Millis WallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A prompt ready to send: its samples and both G.711 encodings.
struct Prompt {
    std::vector<int16_t> pcm;
    std::vector<uint8_t> alaw, ulaw;
};

std::string Day(Millis at) {
    auto days = std::chrono::floor<std::chrono::days>(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(at)));
    std::chrono::year_month_day ymd(days);
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// The REGISTER client's settings for a trunk that registers.
RegistrationSettings RegistrationOf(const Trunk& trunk) {
    RegistrationSettings r;
    r.trunk = trunk.name;
    const std::string domain = !trunk.register_domain.empty() ? trunk.register_domain
                               : !trunk.from_domain.empty()   ? trunk.from_domain
                                                              : trunk.host;
    r.registrar = !trunk.registrar.empty() ? trunk.registrar : "sip:" + trunk.host;
    if (trunk.registrar.empty() && trunk.transport != "udp")
        r.registrar += ";transport=" + trunk.transport;
    r.aor = fmt::format("sip:{}@{}", trunk.username, domain);
    r.contact_user = trunk.username;
    r.outbound_proxy = trunk.outbound_proxy;
    r.auth_user = trunk.auth_username.empty() ? trunk.username : trunk.auth_username;
    r.password = trunk.password;
    r.expires = trunk.register_expires;
    r.retry_seconds = trunk.register_retry_seconds;
    r.keepalive_seconds = trunk.keepalive_seconds;
    return r;
}

}  // namespace

std::string DialString(const std::string& e164, NumberFormat format) {
    std::string digits = e164.starts_with('+') ? e164.substr(1) : e164;
    switch (format) {
        case NumberFormat::kPlus:
            return "+" + digits;
        case NumberFormat::kDigits:
            return digits;
        case NumberFormat::kNational:
            if (digits.size() == 11 && digits.front() == '7') return "8" + digits.substr(1);
            return "810" + digits;  // international from Russia
    }
    return digits;
}

std::string_view VoiceLanguage(std::string_view text, std::string_view fallback) {
    bool latin = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c == 0xD0 || c == 0xD1) && i + 1 < text.size()) return "ru";  // U+0400..U+047F
        latin = latin || (c < 0x80 && std::isalpha(c));
    }
    return latin ? "en" : fallback;
}

Result<NumberFormat> ParseNumberFormat(std::string_view text) {
    if (text == "plus" || text == "e164") return NumberFormat::kPlus;
    if (text == "digits") return NumberFormat::kDigits;
    if (text == "national") return NumberFormat::kNational;
    return Fail(ErrorCode::kInvalidInput, fmt::format("unknown number format '{}'", text),
                "use plus (+79161234567), digits (79161234567) or national (89161234567)");
}

struct SipTelephony::Impl {
    // A call, owned by the SIP thread.
    struct Call {
        Impl* impl = nullptr;
        CallId id = 0;
        Dial dial;
        struct sipsess* sess = nullptr;
        struct sdp_session* sdp = nullptr;
        struct sdp_media* media = nullptr;
        struct rtp_sock* rtp = nullptr;
        struct sa remote {};
        // SRTP (SDES): this leg offers it (its trunk's srtp, phones_srtp) or
        // must have it (a call in through such a trunk); our key and, once the
        // far end's is known, the cipher under the RTP socket.
        bool want_srtp = false;
        std::string media_refused;  // the answer's SDP could not be taken: why
        SdesKey local_key = NewSdesKey();
        SdesKey remote_key;
        std::unique_ptr<SrtpMedia> srtp;
        bool ringing = false, answered = false, ended = false;
        bool early = false;  // 183 with SDP sent: media flows before the answer
        // Our call's far end sent SDP in a 18x: its early media (the network's
        // ringback or announcement) is listened to and kept until the answer.
        bool listening = false;
        bool latched = false;  // symmetric RTP: the far end's source heard and used
        std::vector<int16_t> early_rx;
        media::SitDetector sit;
        bool inbound = false;  // the far end called us (a DID); dial.number is the caller
        // The trunk the call is on (an index of Impl::trunks; -1: none, e.g.
        // an operator's leg), and those its INVITE was sent through so far.
        int trunk = -1;
        std::vector<int> tried;
        struct tmr send_timer {};  // an INVITE waiting for its trunk's calls-a-second slot
        int pt = 8;                // PCMA, 0 for PCMU, 9 for G.722 (operators' phones)
        std::unique_ptr<media::G722Codec> g722;  // with pt 9
        int tev_pt = -1;                         // the far end's telephone-event payload type
        struct tmr ring_timer {
        }, collect_timer{};
        uint32_t ts = 0;
        bool marker = true;
        std::shared_ptr<const Prompt> prompt;
        size_t play_pos = 0;
        // Waiting for an operator: music on hold when no prompt plays, from
        // where it stopped (until bridged or Hold(false)).
        std::shared_ptr<const Prompt> music;
        size_t music_pos = 0;
        bool collecting = false;
        int max_digits = 1;
        std::string keys;  // pressed and not yet collected
        media::DtmfDetector inband;
        media::EventReceiver events;
        bool saw_events = false;  // RFC 4733 seen: in-band detection is off
        std::string recording;
        std::vector<int16_t> rx, tx;  // the two sides, from the answer on
        // Operators: a callee's call is bridged to an agent's leg (peer); an
        // agent's leg is a call of its own, never reported to the campaign.
        bool agent_leg = false;
        std::string agent;
        CallId peer = 0;
        bool bridged = false;  // RTP is relayed between the two legs
        // The desk's hold (both legs): the caller hears music, the operator
        // silence, and nothing is relayed.
        bool held = false;
        // A supervisor's leg (Monitor): the call it is on and how; a call's
        // supervisor's leg (one at a time), ended with it.
        CallId monitor_of = 0;
        MonitorMode monitor_mode = MonitorMode::kOff;
        CallId monitor = 0;
        // The desk's consultation: the colleague's leg on a caller's call
        // (consult), the call a colleague's leg consults on (consult_of), and
        // whether all three talk together (the caller's conference).
        CallId consult = 0;
        CallId consult_of = 0;
        bool conference = false;
        // The mixer (a supervisor on the call): the legs whose frames this
        // one hears, summed, instead of the plain relay; a leg some mixed leg
        // hears keeps its frames (inbox) and gives one each tick (current).
        std::vector<CallId> hears;
        bool tapped = false;
        std::deque<std::vector<int16_t>> inbox;
        std::vector<int16_t> current;
        uint32_t relay_ts = 0;
    };

    SipOptions options;
    media::SpeechSynth& speech;
    std::function<void(std::function<void()>)> post;
    std::shared_ptr<Handler> handler = std::make_shared<Handler>();

    // The way in from the campaign's thread.
    std::mutex queue_mutex;
    std::vector<std::function<void()>> queue;  // GUARDED_BY(queue_mutex)
    int wake_fd = -1;
    std::atomic<CallId> next_id{1};
    CallId next_leg = 1;  // the SIP thread's
    std::atomic<bool> running{false};
    std::thread thread;
    std::string bound;  // the SIP address after Start
    // Our Contact: "callbase" (libre writes the local address), or a whole
    // URI with the public address behind NAT; and the address our SDP offers.
    std::string contact = "callbase";
    std::string sdp_ip;
    std::string public_contact_host;  // "ip:port" for the REGISTER's Contact
    std::unique_ptr<SipTls> tls;      // the TLS transport's context and checks
    std::string tls_bound;            // its address after Start, "" for none

    // Prompts rendered so far (the campaign's thread).
    std::mutex prompts_mutex;
    std::map<std::string, std::shared_ptr<const Prompt>> prompts;

    // The SIP thread's own.
    struct sip* stack = nullptr;
    struct sipsess_sock* sock = nullptr;
    struct dnsc* dns = nullptr;
    struct tmr media_timer {
    }, stop_timer{};
    uint64_t media_next = 0;  // jiffies of the next frame
    uint64_t next_sweep = 0;  // jiffies of the next retention sweep (hourly)
    std::unordered_map<CallId, std::unique_ptr<Call>> calls;
    std::vector<CallId> dead;
    bool told_100rel = false, told_unreachable = false;
    std::string run_token;  // makes recording names unique across restarts

    mutable std::mutex counters_mutex;
    SipCounters counters;  // GUARDED_BY(counters_mutex)
    // A trunk and how it is doing; trunks[0] is the default. Made with the
    // Impl and never resized.
    struct TrunkState {
        Trunk cfg;
        // Its REGISTER client (made and ended on the SIP thread, read by
        // Trunks under counters_mutex); its last state once it is gone.
        std::unique_ptr<Registration> registration;  // GUARDED_BY(counters_mutex) for reads
        std::optional<RegistrationStatus> registration_final;
        // The SIP thread's: INVITEs in a row unanswered, the end of its time
        // out and its next calls-a-second slot (jiffies), when a call that
        // could not go out was last said.
        int failures_in_row = 0;
        uint64_t down_until = 0;
        uint64_t next_slot = 0;
        uint64_t told_stuck = 0;
        // GUARDED_BY(counters_mutex): what Trunks reports.
        int active = 0;
        int64_t calls = 0, failed_over = 0, incoming = 0;
        Millis down_until_wall = 0;
    };
    std::vector<TrunkState> trunks;
    bool told_account_without_did = false;

    Impl(SipOptions o, media::SpeechSynth& s, std::function<void(std::function<void()>)> p)
        : options(std::move(o)), speech(s), post(std::move(p)) {
        trunks.resize(1 + options.more_trunks.size());
        trunks[0].cfg = options.trunk;
        for (size_t i = 0; i < options.more_trunks.size(); ++i)
            trunks[i + 1].cfg = options.more_trunks[i];
    }

    int TrunkIndex(std::string_view name) const {
        if (name.empty()) return 0;
        for (size_t i = 0; i < trunks.size(); ++i)
            if (trunks[i].cfg.name == name) return static_cast<int>(i);
        return -1;
    }

    void Log(const std::string& line) {
        if (options.log) {
            options.log(line);
        } else {
            fmt::print(stderr, "{}\n", line);
        }
    }

    template <typename F>
    void Count(F f) {
        std::lock_guard lock(counters_mutex);
        f(counters);
    }

    // --- the campaign's side ---

    void Send(std::function<void()> fn) {
        {
            std::lock_guard lock(queue_mutex);
            queue.push_back(std::move(fn));
        }
        uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
    }

    void Emit(Event event) {
        event.at = WallMs();
        std::weak_ptr<Handler> weak = handler;
        post([weak, event = std::move(event)] {
            if (auto h = weak.lock(); h && *h) (*h)(event);
        });
    }

    std::shared_ptr<const Prompt> PromptFor(std::string_view text) {
        std::string key(text);
        {
            std::lock_guard lock(prompts_mutex);
            if (auto it = prompts.find(key); it != prompts.end()) return it->second;
        }
        auto prompt = std::make_shared<Prompt>();
        Result<media::Audio> audio =
            key.size() > 2 && key.front() == '[' && key.back() == ']'
                ? media::ReadWav(key.substr(1, key.size() - 2))
                : speech.Render(text, VoiceLanguage(text, options.language));
        if (!audio) {
            Log(fmt::format("sip: prompt not played: {}", audio.error().message));
        } else {
            *audio = media::ToMono(std::move(*audio));
            prompt->pcm = audio->rate == 8000 ? std::move(audio->samples)
                                              : media::Resample(audio->samples, audio->rate, 8000);
            prompt->alaw = media::EncodeAlaw(prompt->pcm);
            prompt->ulaw = media::EncodeUlaw(prompt->pcm);
        }
        std::lock_guard lock(prompts_mutex);
        return prompts.emplace(key, std::move(prompt)).first->second;
    }

    // The music on hold, read once (PromptFor keeps it); none when unset.
    std::shared_ptr<const Prompt> MusicPrompt() {
        if (options.music_on_hold.empty()) return nullptr;
        return PromptFor("[" + options.music_on_hold + "]");
    }

    // --- the SIP thread ---

    static void OnWake(int /*flags*/, void* arg) {
        auto* self = static_cast<Impl*>(arg);
        uint64_t n = 0;
        [[maybe_unused]] auto r = ::read(self->wake_fd, &n, sizeof n);
        std::vector<std::function<void()>> work;
        {
            std::lock_guard lock(self->queue_mutex);
            work.swap(self->queue);
        }
        for (auto& fn : work)
            fn();
    }

    Call* Find(CallId id) {
        auto it = calls.find(id);
        return it == calls.end() || it->second->ended ? nullptr : it->second.get();
    }

    // Ends a call on our side: CANCEL or BYE goes out as the session is freed;
    // an incoming call not yet answered is refused with `refuse`.
    void End(Call& call, int refuse = 480) {
        if (call.ended) return;
        call.ended = true;
        tmr_cancel(&call.ring_timer);
        tmr_cancel(&call.collect_timer);
        tmr_cancel(&call.send_timer);
        LeaveTrunk(call);
        // An incoming call we never answered is refused (the caller hears
        // 480 unless told otherwise); after the caller's CANCEL this does nothing.
        if (call.inbound && !call.answered && call.sess != nullptr)
            (void)sipsess_reject(call.sess, static_cast<uint16_t>(refuse), ReasonPhrase(refuse),
                                 "%s", "");
        call.sess = static_cast<struct sipsess*>(mem_deref(call.sess));
        if (call.answered) SaveRecording(call);
        dead.push_back(call.id);
        if (!call.agent_leg) Count([](SipCounters& c) { --c.active; });
        EndMonitor(call);
        if (Call* third = call.consult != 0 ? Find(call.consult) : nullptr) {
            call.consult = 0;
            third->consult_of = 0;
            End(*third);
        }
        // The other leg of a bridged call ends with it (BYE or CANCEL).
        if (Call* peer = call.peer ? Find(call.peer) : nullptr) End(*peer);
    }

    // --- operators: the agent's leg of a bridged call ---

    // --- supervisors: listen, whisper, barge (the mixer) ---

    // Who hears whom on a call with a supervisor whose phone answered:
    // listen — the supervisor hears both sides; whisper — the operator hears
    // the caller and the supervisor; barge — each hears the other two. The
    // rest is the plain relay; on hold the caller keeps the music.
    //
    // A consultation whose colleague answered: the operator and the
    // colleague hear each other, the caller (on hold) the music; in a
    // conference each of the three hears the other two. A supervisor hears
    // whom the operator hears, and the operator, and is heard as the mode says.
    void Mix(Call& callee) {
        Call* agent = callee.peer != 0 ? Find(callee.peer) : nullptr;
        Call* sup = callee.monitor != 0 ? Find(callee.monitor) : nullptr;
        Call* third = callee.consult != 0 ? Find(callee.consult) : nullptr;
        if (third != nullptr && !third->answered) third = nullptr;
        const std::array<Call*, 4> legs{&callee, agent, sup, third};
        for (Call* leg : legs)
            if (leg != nullptr) leg->hears.clear();
        const bool talking = agent != nullptr && agent->bridged;
        auto add = [](Call* to, Call* from) {
            if (to != nullptr && from != nullptr) to->hears.push_back(from->id);
        };
        if (talking && third != nullptr) {
            add(agent, third);
            add(third, agent);
            if (callee.conference) {
                add(agent, &callee);
                add(third, &callee);
                add(&callee, agent);
                add(&callee, third);
            }
        }
        if (sup != nullptr && sup->answered && talking) {
            // The supervisor hears the operator and whom the operator hears.
            const bool plain = agent->hears.empty();
            add(sup, agent);
            if (plain) add(sup, &callee);
            for (CallId h : agent->hears)
                if (h != sup->id) sup->hears.push_back(h);
            const MonitorMode mode = sup->monitor_mode;
            if (mode == MonitorMode::kWhisper || mode == MonitorMode::kBarge) {
                if (plain) add(agent, &callee);
                add(agent, sup);
            }
            if (mode == MonitorMode::kBarge && !callee.held) {
                if (callee.hears.empty()) add(&callee, agent);
                add(&callee, sup);
            }
        }
        for (Call* leg : legs)
            if (leg != nullptr) leg->tapped = false;
        for (Call* leg : legs) {
            if (leg == nullptr) continue;
            for (CallId h : leg->hears)
                if (Call* src = Find(h)) src->tapped = true;
        }
        for (Call* leg : legs) {
            if (leg != nullptr && !leg->tapped) leg->inbox.clear();
        }
    }

    // --- the desk's consultation: attended transfer and conference ---

    void DoConsult(CallId id, const std::string& agent, std::shared_ptr<const Prompt> music) {
        Call* call = Find(id);
        Call* leg = call != nullptr && call->peer != 0 ? Find(call->peer) : nullptr;
        if (call == nullptr || call->agent_leg || leg == nullptr || !leg->bridged ||
            call->consult != 0) {
            Log(
                fmt::format("sip: consultation with {} on call {} not done: the call is over or "
                            "not put through",
                            agent, id));
            if (call != nullptr && !call->agent_leg)
                Emit(Event{.call = id, .kind = EventKind::kConsultEnded});
            return;
        }
        auto uri = options.agents.find(agent);
        if (uri == options.agents.end()) return;  // Consult said so
        // The caller hears music, the operator silence while the phone rings.
        call->held = leg->held = true;
        call->conference = false;
        call->music = std::move(music);
        call->music_pos = 0;
        RingPhone(*call, agent, uri->second, [&](Call& third) {
            third.consult_of = id;
            call->consult = third.id;
        });
    }

    // The colleague's leg is over by itself: they hung up, or their phone
    // did not take the call (`cause`); the operator is back with the caller.
    void ConsultOver(Call& leg, int cause) {
        Call* callee = Find(leg.consult_of);
        if (!leg.answered) {
            Log(fmt::format("sip: {}'s phone did not take the consultation ({})", leg.agent,
                            cause == 408 ? std::string("it rang out") : fmt::format("{}", cause)));
        }
        leg.consult_of = 0;
        End(leg);
        if (callee == nullptr || callee->consult != leg.id) return;
        callee->consult = 0;
        Together(*callee);
        Emit(Event{.call = callee->id, .kind = EventKind::kConsultEnded, .cause = cause});
    }

    // The caller and the operator hear each other again, nobody else.
    void Together(Call& callee) {
        callee.conference = false;
        callee.held = false;
        if (Call* agent = callee.peer != 0 ? Find(callee.peer) : nullptr) agent->held = false;
        Mix(callee);
    }

    void DoEndConsult(CallId id, ConsultStep step) {
        Call* call = Find(id);
        Call* third = call != nullptr && call->consult != 0 ? Find(call->consult) : nullptr;
        if (call == nullptr || third == nullptr) return;
        if (step == ConsultStep::kConference) {
            call->conference = true;
            call->held = false;
            if (Call* agent = Find(call->peer)) agent->held = false;
            Mix(*call);
            return;
        }
        call->consult = 0;
        third->consult_of = 0;
        if (step == ConsultStep::kCancel || !third->answered) {
            End(*third);
            Together(*call);
            return;
        }
        // Complete: the colleague's leg becomes the call's operator leg and
        // the operator's ends (BYE to their phone).
        if (Call* agent = call->peer != 0 ? Find(call->peer) : nullptr) {
            agent->peer = 0;
            End(*agent);
        }
        call->peer = third->id;
        third->peer = id;
        third->bridged = true;
        call->bridged = true;
        Count([](SipCounters& c) { ++c.moved; });
        Together(*call);
    }

    // The call's supervisor hangs up (or the call ends: `call` is the caller's leg).
    void EndMonitor(Call& call) {
        Call* sup = call.monitor != 0 ? Find(call.monitor) : nullptr;
        call.monitor = 0;
        if (sup == nullptr) return;
        sup->monitor_of = 0;
        End(*sup);
        if (!call.ended) Mix(call);
    }

    // The supervisor's leg is over: they hung up, or their phone did not
    // take the call (`cause`, as an operator's phone).
    void MonitorOver(Call& leg, int cause) {
        Call* callee = Find(leg.monitor_of);
        if (!leg.answered) {
            Log(fmt::format("sip: supervisor {}'s phone did not take the call to listen in on ({})",
                            leg.agent,
                            cause == 408 ? std::string("it rang out") : fmt::format("{}", cause)));
        }
        leg.monitor_of = 0;
        End(leg);
        if (callee != nullptr && callee->monitor == leg.id) {
            callee->monitor = 0;
            Mix(*callee);
        }
    }

    void DoMonitor(CallId id, const std::string& supervisor, MonitorMode mode) {
        Call* call = Find(id);
        if (call == nullptr || call->agent_leg || call->ended) {
            Log(fmt::format("sip: {} of call {} not done: the call is over", MonitorModeId(mode),
                            id));
            return;
        }
        Call* sup = call->monitor != 0 ? Find(call->monitor) : nullptr;
        if (mode == MonitorMode::kOff || (sup != nullptr && sup->agent != supervisor)) {
            EndMonitor(*call);
            sup = nullptr;
            if (mode == MonitorMode::kOff) return;
        }
        if (sup != nullptr) {  // the same supervisor: another mode
            sup->monitor_mode = mode;
            Mix(*call);
            return;
        }
        auto uri = options.agents.find(supervisor);
        if (uri == options.agents.end()) return;  // CanMonitor said so
        RingPhone(*call, supervisor, uri->second, [&](Call& leg) {
            leg.monitor_of = id;
            leg.monitor_mode = mode;
            call->monitor = leg.id;
        });
    }

    // A frame of audio to a leg, in its codec.
    void SendPcm(Call& call, const std::vector<int16_t>& pcm, struct mbuf* mb) {
        std::vector<uint8_t> coded = call.g722 && call.pt == media::kG722PayloadType
                                         ? call.g722->Encode(pcm)
                                     : call.pt == 0 ? media::EncodeUlaw(pcm)
                                                    : media::EncodeAlaw(pcm);
        mb->pos = RTP_HEADER_SIZE;
        mb->end = RTP_HEADER_SIZE;
        mbuf_write_mem(mb, coded.data(), coded.size());
        mb->pos = RTP_HEADER_SIZE;
        rtp_send(call.rtp, &call.remote, false, false, static_cast<uint8_t>(call.pt), call.ts, mb);
        call.ts += static_cast<uint32_t>(pcm.size());
    }

    // A bridged call's operator leaves it (a transfer): their leg ends, the
    // caller stays, to `music` until the next operator answers.
    void Detach(Call& call, std::shared_ptr<const Prompt> music) {
        EndMonitor(call);
        if (Call* leg = call.peer ? Find(call.peer) : nullptr) {
            leg->peer = 0;
            End(*leg);
        }
        call.peer = 0;
        call.bridged = false;
        call.held = false;
        call.prompt.reset();
        call.music = std::move(music);
        call.music_pos = 0;
    }

    void DoBridge(CallId id, const std::string& agent, std::shared_ptr<const Prompt> music) {
        Call* call = Find(id);
        if (call == nullptr || !call->answered) return;
        if (!options.transfer.empty()) {
            Transfer(*call);
            return;
        }
        if (call->peer != 0) {
            Count([](SipCounters& c) { ++c.moved; });
            Detach(*call, std::move(music));
        }
        auto uri = options.agents.find(agent);
        if (uri == options.agents.end()) {
            Log(
                fmt::format("sip: operator {} has no SIP address ([agents] in the SIP settings); "
                            "the call to {} ends",
                            agent, call->dial.number));
            Emit(Event{.call = id, .kind = EventKind::kHungUp});
            End(*call);
            return;
        }
        call->prompt.reset();
        RingPhone(*call, agent, uri->second, [&](Call& leg) {
            leg.peer = id;
            call->peer = leg.id;
        });
    }

    // Rings `who`'s phone (`uri`: an operator's, a supervisor's) from `call`,
    // its caller's number shown; `link` ties the new leg to the call before
    // the INVITE. A phone that cannot be reached is over at once.
    void RingPhone(Call& call, const std::string& who, const std::string& uri,
                   const std::function<void(Call&)>& link) {
        auto owned = NewCall(kAgentLeg | next_leg++);
        Call& leg = *owned;
        leg.agent_leg = true;
        leg.agent = who;
        leg.dial.number = uri;
        leg.dial.ring_timeout = Millis{1000} * options.agent_ring_seconds;
        leg.want_srtp = options.phones_srtp;
        link(leg);
        calls.emplace(leg.id, std::move(owned));
        const std::string from = fmt::format("sip:{}@{}", call.dial.number,
                                             options.listen.substr(0, options.listen.rfind(':')));
        if (!Invite(leg, uri, from, "", "", contact)) {
            AgentLegOver(leg, 0);
            return;
        }
        tmr_start(&leg.ring_timer, static_cast<uint64_t>(leg.dial.ring_timeout), OnRingTimeout,
                  &leg);
    }

    // Sites where a PBX queues the calls: the callee is sent there by REFER
    // (RFC 3515) and our leg ends once the far end accepts it.
    void Transfer(Call& call) {
        struct Pending {
            Impl* impl;
            CallId id;
        };
        auto* pending = new Pending{this, call.id};
        call.prompt.reset();
        int err = sip_drequestf(
            nullptr, stack, true, "REFER", sipsess_dialog(call.sess), 0, nullptr, nullptr,
            [](int err, const struct sip_msg* msg, void* arg) {
                std::unique_ptr<Pending> p(static_cast<Pending*>(arg));
                if (msg != nullptr && msg->scode < 200) return static_cast<void>(p.release());
                Call* c = p->impl->Find(p->id);
                if (c == nullptr) return;
                if (msg == nullptr || msg->scode >= 300) {
                    p->impl->Log(fmt::format(
                        "sip: the transfer of the call to {} to {} was refused: {}", c->dial.number,
                        p->impl->options.transfer,
                        msg ? fmt::format("{}", msg->scode) : std::string(std::strerror(err))));
                } else {
                    p->impl->Count([](SipCounters& k) { ++k.transferred; });
                }
                p->impl->Emit(Event{.call = c->id, .kind = EventKind::kHungUp});
                p->impl->End(*c);
            },
            pending,
            "Contact: <sip:callbase@%s>\r\n"
            "Refer-To: <%s>\r\n"
            "Content-Length: 0\r\n\r\n",
            public_contact_host.empty() ? bound.c_str() : public_contact_host.c_str(),
            options.transfer.c_str());
        if (err) {
            delete pending;
            Log(fmt::format("sip: REFER for the call to {} not sent: {}", call.dial.number,
                            std::strerror(err)));
            Emit(Event{.call = call.id, .kind = EventKind::kHungUp});
            End(call);
        }
    }

    // The operator answered: audio now goes straight between the two legs.
    void Bridged(Call& leg) {
        if (leg.consult_of != 0) {
            Call* callee = Find(leg.consult_of);
            if (callee == nullptr || callee->consult != leg.id) {
                End(leg);
                return;
            }
            if (Call* agent = Find(callee->peer)) agent->held = false;
            Mix(*callee);
            Emit(Event{.call = callee->id, .kind = EventKind::kConsultAnswered});
            return;
        }
        if (leg.monitor_of != 0) {
            Call* callee = Find(leg.monitor_of);
            if (callee == nullptr || callee->monitor != leg.id) {
                End(leg);
                return;
            }
            Count([](SipCounters& c) { ++c.monitors; });
            Mix(*callee);
            return;
        }
        Call* callee = Find(leg.peer);
        if (callee == nullptr) {
            End(leg);
            return;
        }
        leg.bridged = true;
        callee->bridged = true;
        callee->music.reset();
        Count([](SipCounters& c) { ++c.bridged; });
    }

    // The operator's leg is over. Hung up after answering: the call is over
    // for the campaign too. Never answered (rang out, refused, failed:
    // `cause`): the callee stays on the line, answered and unbridged, and the
    // campaign hears kAgentMissed to offer them to someone else.
    void AgentLegOver(Call& leg, int cause) {
        if (leg.monitor_of != 0) {
            MonitorOver(leg, cause);
            return;
        }
        if (leg.consult_of != 0) {
            ConsultOver(leg, cause);
            return;
        }
        Call* callee = Find(leg.peer);
        const bool missed = !leg.answered;
        leg.peer = 0;
        End(leg);
        if (callee == nullptr) return;
        callee->peer = 0;
        if (missed && !callee->ended) {
            callee->bridged = false;
            Count([](SipCounters& c) { ++c.agent_missed; });
            Emit(Event{.call = callee->id, .kind = EventKind::kAgentMissed, .cause = cause});
            return;
        }
        Emit(Event{.call = callee->id, .kind = EventKind::kHungUp});
        End(*callee);
    }

    // One received frame goes on to the other leg, in its codec.
    void Relay(Call& from, const std::vector<int16_t>& pcm) {
        Call* to = Find(from.peer);
        if (to == nullptr || !to->bridged || to->held || !to->hears.empty() ||
            !sa_isset(&to->remote, SA_ALL))
            return;
        std::vector<uint8_t> coded = to->g722 && to->pt == media::kG722PayloadType
                                         ? to->g722->Encode(pcm)
                                     : to->pt == 0 ? media::EncodeUlaw(pcm)
                                                   : media::EncodeAlaw(pcm);
        struct mbuf* mb = mbuf_alloc(RTP_HEADER_SIZE + coded.size());
        if (mb == nullptr) return;
        mb->pos = RTP_HEADER_SIZE;
        mb->end = RTP_HEADER_SIZE;
        mbuf_write_mem(mb, coded.data(), coded.size());
        mb->pos = RTP_HEADER_SIZE;
        rtp_send(to->rtp, &to->remote, false, false, static_cast<uint8_t>(to->pt), to->ts, mb);
        mem_deref(mb);
        to->ts += static_cast<uint32_t>(pcm.size());
        // The callee's recording: their side (left) as it came, the operator (right).
        if (from.agent_leg && !to->recording.empty())
            to->tx.insert(to->tx.end(), pcm.begin(), pcm.end());
        Count([](SipCounters& c) { ++c.relayed; });
    }

    void Reap() {
        for (CallId id : dead) {
            auto it = calls.find(id);
            if (it == calls.end()) continue;
            Drop(*it->second);
            calls.erase(it);
        }
        dead.clear();
    }

    void Failed(Call& call, EventKind kind, int cause) {
        if (call.agent_leg) {
            AgentLegOver(call, cause);
            return;
        }
        // The network said in its early media that the number cannot be
        // reached (special information tones), whatever its vague final
        // response (our CANCEL's 487, 480, 408, a 5xx) says: an invalid number.
        if (call.sit.heard() && (kind == EventKind::kNoAnswer || kind == EventKind::kFailed)) {
            Log(fmt::format(
                "sip: the network announced that {} cannot be reached (special information "
                "tones in its early media, then {}): the call counts as an invalid number",
                call.dial.number, cause));
            kind = EventKind::kInvalid;
            Count([](SipCounters& c) { ++c.announced_invalid; });
        }
        Emit(Event{.call = call.id, .kind = kind, .cause = cause, .recording = SaveEarly(call)});
        Count([](SipCounters& c) { ++c.failed; });
        End(call);
    }

    // A call of ours, not yet in `calls`, with its timers ready.
    std::unique_ptr<Call> NewCall(CallId id) {
        auto call = std::make_unique<Call>();
        call->impl = this;
        call->id = id;
        tmr_init(&call->ring_timer);
        tmr_init(&call->collect_timer);
        tmr_init(&call->send_timer);
        return call;
    }

    // A call takes a place on a trunk, and gives it back.
    void JoinTrunk(Call& call, int trunk) {
        call.trunk = trunk;
        Count([&](SipCounters&) { ++trunks[static_cast<size_t>(trunk)].active; });
    }
    void LeaveTrunk(Call& call) {
        if (call.trunk < 0) return;
        Count([&](SipCounters&) { --trunks[static_cast<size_t>(call.trunk)].active; });
        call.trunk = -1;
    }

    // Why a trunk cannot take a call now ("" when it can): down or full.
    std::string Unavailable(const TrunkState& t) {
        // While the first REGISTER is out the trunk is taken as up.
        if (t.registration && t.registration->status().state == RegistrationState::kFailed)
            return "not registered";
        if (t.down_until > tmr_jiffies()) return "down: its last INVITEs went unanswered";
        int active = 0;
        Count([&](SipCounters&) { active = t.active; });
        if (t.cfg.max_calls > 0 && active >= t.cfg.max_calls)
            return fmt::format("full: {} calls up, its max_calls", active);
        if (t.cfg.calls_per_second > 0 && t.next_slot > tmr_jiffies() + kMaxSlotWaitMs)
            return fmt::format("full: {} calls a second, its calls_per_second",
                               t.cfg.calls_per_second);
        return {};
    }

    // Whether max_calls calls are up: a new one, either way, is refused.
    bool Full() {
        int active = 0;
        Count([&](SipCounters& c) { active = static_cast<int>(c.active); });
        return active >= options.max_calls;
    }

    void DoOriginate(CallId id, Dial dial) {
        Count([](SipCounters& c) { ++c.invites; });
        if (Full()) {
            Log(fmt::format("sip: call to {} refused: {} calls are up, the most allowed",
                            dial.number, options.max_calls));
            Emit(Event{.call = id, .kind = EventKind::kFailed, .cause = 503});
            return;
        }
        if (TrunkIndex(dial.trunk) < 0) {
            Log(
                fmt::format("sip: call to {} refused: the SIP settings have no trunk \"{}\" "
                            "(add [trunks.{}], or name one of the trunks in the campaign)",
                            dial.number, dial.trunk, dial.trunk));
            Emit(Event{.call = id, .kind = EventKind::kFailed, .cause = 503});
            return;
        }
        auto owned = NewCall(id);
        Call& call = *owned;
        call.dial = std::move(dial);
        calls.emplace(id, std::move(owned));
        Count([](SipCounters& c) { c.peak_active = std::max(c.peak_active, ++c.active); });
        tmr_start(&call.ring_timer,
                  static_cast<uint64_t>(std::max<Millis>(call.dial.ring_timeout, 1)), OnRingTimeout,
                  &call);
        Route(call, EventKind::kFailed, 503);
    }

    // Sends the call through the first trunk of its own and its failover
    // list that is up and has room and has not been tried; when none can,
    // the call ends with `kind` and `cause` (the last trunk's answer, or
    // failed 503).
    void Route(Call& call, EventKind kind, int cause) {
        const int first = TrunkIndex(call.dial.trunk);
        std::vector<int> order = {first};
        for (const std::string& name : trunks[static_cast<size_t>(first)].cfg.failover)
            if (int i = TrunkIndex(name); i >= 0) order.push_back(i);
        std::string why;
        for (int i : order) {
            if (std::find(call.tried.begin(), call.tried.end(), i) != call.tried.end()) continue;
            TrunkState& t = trunks[static_cast<size_t>(i)];
            if (std::string no = Unavailable(t); !no.empty()) {
                why += fmt::format("{}{} {}", why.empty() ? "" : "; ", t.cfg.name, no);
                continue;
            }
            if (!call.tried.empty() || !why.empty()) {
                // The call leaves its own trunk for this one.
                const int from = call.tried.empty() ? first : call.tried.back();
                Count([&](SipCounters&) { ++trunks[static_cast<size_t>(from)].failed_over; });
                Log(fmt::format("sip: the call to {} goes through trunk {} ({})", call.dial.number,
                                t.cfg.name, why.empty() ? "the last one refused it" : why));
            }
            call.tried.push_back(i);
            JoinTrunk(call, i);
            uint64_t now = tmr_jiffies();
            uint64_t at = now;
            if (t.cfg.calls_per_second > 0) {
                at = std::max(now, t.next_slot);
                t.next_slot = at + static_cast<uint64_t>(1000.0 / t.cfg.calls_per_second);
            }
            if (at > now) {
                tmr_start(&call.send_timer, at - now, OnSendSlot, &call);
            } else {
                SendInvite(call);
            }
            return;
        }
        TrunkState& own = trunks[static_cast<size_t>(first)];
        if (!why.empty() && (own.told_stuck == 0 || tmr_jiffies() >= own.told_stuck + 60'000)) {
            own.told_stuck = tmr_jiffies();  // once a minute: a busy hour would fill the log
            Log(
                fmt::format("sip: the call to {} cannot go out: {} (said at most once a minute; "
                            "see the Telephony page)",
                            call.dial.number, why));
        }
        Failed(call, kind, cause);
    }

    static void OnSendSlot(void* arg) {
        auto* call = static_cast<Call*>(arg);
        if (!call->ended) call->impl->SendInvite(*call);
    }

    void SendInvite(Call& call) {
        TrunkState& state = trunks[static_cast<size_t>(call.trunk)];
        const Trunk& trunk = state.cfg;
        Count([&](SipCounters&) { ++state.calls; });
        const std::string to =
            fmt::format("sip:{}@{}{}", DialString(call.dial.number, trunk.number_format),
                        trunk.host, TransportParam(trunk.transport));
        const std::string from_host = trunk.from_domain.empty() ? trunk.host : trunk.from_domain;
        const std::string from_user = DialString(call.dial.caller_id, trunk.number_format);
        std::string headers;
        if (trunk.assert_identity)
            headers = fmt::format("P-Asserted-Identity: <sip:{}@{}>\r\n", from_user, from_host);
        call.want_srtp = trunk.srtp;
        if (!Invite(call, to, fmt::format("sip:{}@{}", from_user, from_host), trunk.outbound_proxy,
                    headers, ContactFor(trunk))) {
            Failed(call, EventKind::kFailed, 503);
        }
    }

    // A trunk's INVITE went unanswered (`unanswered`: three in a row take
    // the trunk out for kDownMs) or was refused 5xx before ringing: the call
    // tries the next trunk, or ends with `kind` and `cause`.
    void TrunkFailed(Call& call, EventKind kind, int cause, bool unanswered) {
        TrunkState& t = trunks[static_cast<size_t>(call.trunk)];
        if (unanswered && ++t.failures_in_row >= 3 && t.down_until <= tmr_jiffies()) {
            t.down_until = tmr_jiffies() + kDownMs;
            Count([&](SipCounters&) { t.down_until_wall = WallMs() + kDownMs; });
            Log(
                fmt::format("sip: trunk {} ({}) is down for {} s: its last {} INVITEs went "
                            "unanswered; calls go through its failover trunks meanwhile, or fail",
                            t.cfg.name, t.cfg.host, kDownMs / 1000, t.failures_in_row));
        }
        LeaveTrunk(call);
        call.sess = static_cast<struct sipsess*>(mem_deref(call.sess));
        Drop(call);
        call.media = nullptr;
        call.latched = false;
        Route(call, kind, cause);
    }

    void TrunkAnswered(const Call& call) {
        if (call.trunk < 0 || call.inbound) return;
        TrunkState& t = trunks[static_cast<size_t>(call.trunk)];
        t.failures_in_row = 0;
        if (t.down_until != 0) {
            t.down_until = 0;
            Count([&](SipCounters&) { t.down_until_wall = 0; });
        }
    }

    // The URI parameter that makes libre use a trunk's transport.
    static std::string_view TransportParam(const std::string& transport) {
        if (transport == "tcp") return ";transport=tcp";
        if (transport == "tls") return ";transport=tls";
        return "";
    }

    // Our Contact for a trunk: "callbase" (libre writes the local address),
    // or the public address behind NAT, with the trunk's transport.
    std::string ContactFor(const Trunk& trunk) const {
        if (public_contact_host.empty()) return contact;
        return fmt::format("sip:callbase@{}{}", public_contact_host,
                           TransportParam(trunk.transport));
    }

    // Sends the INVITE of a leg with our SDP offer; false (logged) when it
    // could not go out.
    bool Invite(Call& call, const std::string& to, const std::string& from,
                const std::string& proxy, const std::string& headers, const std::string& contact) {
        if (!Media(call, to)) return false;
        struct mbuf* offer = nullptr;
        int err = sdp_encode(&offer, call.sdp, true);
        const char* route = proxy.c_str();
        if (!err)
            err = sipsess_connect(&call.sess, sock, to.c_str(), nullptr, from.c_str(),
                                  contact.c_str(), proxy.empty() ? nullptr : &route,
                                  proxy.empty() ? 0 : 1, "application/sdp", offer, OnAuth, &call,
                                  false, OnOffer, OnAnswer, OnProgress, OnEstablished, nullptr,
                                  nullptr, OnClose, &call, "%s", headers.c_str());
        mem_deref(offer);
        if (err) {
            Log(fmt::format("sip: INVITE to {} not sent: {}", to, std::strerror(err)));
            return false;
        }
        return true;
    }

    // A call's RTP socket and SDP session with our formats (G.711 both laws,
    // the preferred first, and telephone-events); false (logged) when none.
    bool Media(Call& call, const std::string& who) {
        struct sa rtp_ip {};
        int err = sa_set_str(&rtp_ip, options.rtp_ip.c_str(), 0);
        if (!err)
            err = rtp_listen(&call.rtp, IPPROTO_UDP, &rtp_ip, options.rtp_min_port,
                             options.rtp_max_port, false, OnRtp, nullptr, &call);
        if (err) {
            Log(fmt::format("sip: no RTP port for the call with {} on {} ports {}-{}: {}", who,
                            options.rtp_ip, options.rtp_min_port, options.rtp_max_port,
                            std::strerror(err)));
            return false;
        }
        struct sa local {};
        udp_local_get(static_cast<struct udp_sock*>(rtp_sock(call.rtp)), &local);
        struct sa offered = rtp_ip;
        if (!sdp_ip.empty()) (void)sa_set_str(&offered, sdp_ip.c_str(), 0);
        err = sdp_session_alloc(&call.sdp, &offered);
        if (!err)
            err = sdp_media_add(&call.media, call.sdp, "audio", sa_port(&local),
                                call.want_srtp ? "RTP/SAVP" : "RTP/AVP");
        // Either is matched in the far end's SDP; SecureMedia judges it.
        if (!err) err = sdp_media_set_alt_protos(call.media, 2, "RTP/AVP", "RTP/SAVP");
        if (!err && call.want_srtp)
            err = sdp_media_set_lattr(call.media, true, "crypto", "%s",
                                      CryptoLine(call.local_key).c_str());
        const bool ulaw_first = options.codec == "PCMU";
        // Operators' phones may take G.722 (wideband; the trunk's side stays G.711).
        if (!err && call.agent_leg && options.g722)
            err = sdp_format_add(nullptr, call.media, false, "9", "G722", 8000, 1, nullptr, nullptr,
                                 nullptr, false, nullptr);
        if (!err)
            err = sdp_format_add(nullptr, call.media, false, ulaw_first ? "0" : "8",
                                 ulaw_first ? "PCMU" : "PCMA", 8000, 1, nullptr, nullptr, nullptr,
                                 false, nullptr);
        if (!err)
            err = sdp_format_add(nullptr, call.media, false, ulaw_first ? "8" : "0",
                                 ulaw_first ? "PCMA" : "PCMU", 8000, 1, nullptr, nullptr, nullptr,
                                 false, nullptr);
        if (!err)
            err = sdp_format_add(nullptr, call.media, false, "101", "telephone-event", 8000, 1,
                                 nullptr, nullptr, nullptr, false, "0-15");
        if (err) {
            Log(fmt::format("sip: no SDP for the call with {}: {}", who, std::strerror(err)));
            return false;
        }
        return true;
    }

    // The far end's SDP has been read (`offer`: it offers, we answer): the
    // voice is SRTP when this leg or the offer says so. Empty when the call
    // may go on; else why not, for a log line (the call is refused 488).
    std::string SecureMedia(Call& call, bool offer) {
        std::vector<std::string> lines;
        (void)sdp_media_rattr_apply(
            call.media, "crypto",
            [](const char* /*name*/, const char* value, void* arg) -> bool {
                static_cast<std::vector<std::string>*>(arg)->emplace_back(value);
                return false;
            },
            &lines);
        const char* proto = sdp_media_proto(call.media);
        const bool savp =
            offer ? proto != nullptr && str_casecmp(proto, "RTP/SAVP") == 0 : call.want_srtp;
        if (!savp) {
            if (offer && call.want_srtp)
                return "its offer is plain RTP, and SRTP is required (srtp = true)";
            return "";
        }
        auto key = PickCrypto(lines);
        if (!key) return fmt::format("SRTP keys callbase cannot use: {}", key.error().message);
        if (!offer && key->tag != call.local_key.tag)
            return fmt::format("its SRTP key answers tag {}, callbase offered tag {}", key->tag,
                               call.local_key.tag);
        if (offer) {
            // The answer names the offer's tag and suite, with our own key.
            call.local_key.tag = key->tag;
            call.local_key.tag80 = key->tag80;
            (void)sdp_media_set_lattr(call.media, true, "crypto", "%s",
                                      CryptoLine(call.local_key).c_str());
        }
        if (call.srtp && key->key == call.remote_key.key) return "";
        call.remote_key = *key;
        auto media = SrtpMedia::Start(static_cast<struct udp_sock*>(rtp_sock(call.rtp)),
                                      call.local_key, call.remote_key);
        if (!media) return media.error().message;
        if (!call.srtp) Count([](SipCounters& c) { ++c.srtp_calls; });
        if (call.srtp) {
            const int64_t dropped = call.srtp->dropped();
            Count([&](SipCounters& c) { c.srtp_dropped += dropped; });
        }
        call.srtp = std::move(*media);
        return "";
    }

    static int OnAuth(char** user, char** password, const char* /*realm*/, void* arg) {
        auto* call = static_cast<Call*>(arg);
        Impl* self = call->impl;
        // A trunk's password goes to that trunk only, never to a softphone.
        if (call->agent_leg || call->trunk < 0) return EAUTH;
        const Trunk& trunk = self->trunks[static_cast<size_t>(call->trunk)].cfg;
        if (trunk.username.empty()) return EAUTH;
        int err = str_dup(user, trunk.username.c_str());
        return err ? err : str_dup(password, trunk.password.c_str());
    }

    static int OnOffer(struct mbuf** answer, const struct sip_msg* msg, void* arg) {
        // A re-INVITE from the far end: answer with what we have.
        auto* call = static_cast<Call*>(arg);
        int err = sdp_decode(call->sdp, msg->mb, true);
        if (err) return err;
        if (std::string why = call->impl->SecureMedia(*call, true); !why.empty())
            call->impl->Log(fmt::format("sip: a new offer on the call with {} is not taken: {}",
                                        call->dial.number, why));
        return sdp_encode(answer, call->sdp, false);
    }

    static int OnAnswer(const struct sip_msg* msg, void* arg) {
        auto* call = static_cast<Call*>(arg);
        int err = sdp_decode(call->sdp, msg->mb, false);
        if (err) return err;
        call->impl->UseAnswer(*call);
        // Answered without the SRTP it needs: hung up once established.
        call->media_refused = call->impl->SecureMedia(*call, false);
        return 0;
    }

    void UseAnswer(Call& call) {
        const struct sdp_format* audio = sdp_media_rformat(call.media, nullptr);
        if (call.agent_leg && options.g722 && audio != nullptr && audio->name != nullptr &&
            str_casecmp(audio->name, "G722") == 0) {
            call.pt = media::kG722PayloadType;
            if (!call.g722) call.g722 = std::make_unique<media::G722Codec>();
        } else if (audio != nullptr && audio->name != nullptr &&
                   str_casecmp(audio->name, "PCMU") == 0) {
            call.pt = 0;
        } else if (audio != nullptr && audio->name != nullptr &&
                   str_casecmp(audio->name, "PCMA") == 0) {
            call.pt = 8;
        } else if (sdp_media_rformat(call.media, "PCMA") != nullptr) {
            call.pt = 8;
        } else if (sdp_media_rformat(call.media, "PCMU") != nullptr) {
            call.pt = 0;
        }
        const struct sdp_format* tev = sdp_media_rformat(call.media, "telephone-event");
        call.tev_pt = tev != nullptr ? tev->pt : -1;
        if (!call.latched) call.remote = *sdp_media_raddr(call.media);
    }

    static bool Requires100rel(const struct sip_msg* msg) {
        return msg != nullptr && sip_msg_hdr_has_value(msg, SIP_HDR_REQUIRE, "100rel");
    }

    void Tell100rel(const Call& call) {
        if (told_100rel) return;
        told_100rel = true;
        Log(fmt::format(
            "sip: the trunk {} requires 100rel (reliable provisional responses, PRACK), which "
            "callbase's SIP stack (libre 1.1.0) does not do; the call to {} ends as failed with "
            "cause 421. Turn 100rel off for this trunk at the provider or in its settings "
            "(docs/telephony.md, \"Known limits\").",
            trunks[static_cast<size_t>(std::max(call.trunk, 0))].cfg.host, call.dial.number));
    }

    static void OnProgress(const struct sip_msg* msg, void* arg) {
        auto* call = static_cast<Call*>(arg);
        Impl* self = call->impl;
        if (Requires100rel(msg)) {
            self->Tell100rel(*call);
            self->Failed(*call, EventKind::kFailed, kCauseExtensionRequired);
            return;
        }
        if (call->agent_leg) return;
        self->TrunkAnswered(*call);
        // Early media on our own calls: the network's announcement («абонент
        // недоступен», «номер набран неверно») is heard and kept.
        if (!call->inbound && !call->listening && !call->answered && mbuf_get_left(msg->mb) > 0 &&
            sdp_decode(call->sdp, msg->mb, false) == 0 && self->SecureMedia(*call, false).empty()) {
            self->UseAnswer(*call);
            call->listening = true;
            self->Count([](SipCounters& c) { ++c.early_listened; });
        }
        if (!call->ringing && msg->scode >= 180) {
            call->ringing = true;
            self->Emit(Event{.call = call->id, .kind = EventKind::kRinging});
        }
    }

    static void OnEstablished(const struct sip_msg* /*msg*/, void* arg) {
        auto* call = static_cast<Call*>(arg);
        Impl* self = call->impl;
        if (call->ended) return;
        tmr_cancel(&call->ring_timer);
        if (!call->media_refused.empty()) {
            self->Log(fmt::format("sip: the call with {} is hung up at its answer: {} ({})",
                                  call->agent_leg ? call->agent : call->dial.number,
                                  call->media_refused,
                                  "docs/telephony.md, \"Encryption: TLS and SRTP\""));
            self->Failed(*call, EventKind::kFailed, kCauseNotAcceptable);
            return;
        }
        call->answered = true;
        call->early_rx = {};  // the ringback before the answer is not kept
        call->ts = static_cast<uint32_t>(rand_u32());
        if (call->agent_leg) {
            self->Bridged(*call);
            return;
        }
        if (!self->options.recordings_dir.empty()) {
            const Millis now = WallMs();
            call->recording = fmt::format("{}/{}/{}-{}.wav", self->options.recordings_dir, Day(now),
                                          self->run_token, call->id);
        }
        self->Count([](SipCounters& c) { ++c.answered; });
        Event event{.call = call->id, .kind = EventKind::kAnswered};
        event.recording = call->recording;
        self->Emit(std::move(event));
    }

    static void OnClose(int err, const struct sip_msg* msg, void* arg) {
        auto* call = static_cast<Call*>(arg);
        Impl* self = call->impl;
        if (call->ended) return;
        if (call->agent_leg) {
            if (!call->answered) {
                self->Log(fmt::format(
                    "sip: operator {}'s phone did not take the call: {}", call->agent,
                    msg != nullptr ? fmt::format("{}", msg->scode)
                                   : std::string(std::strerror(err ? err : ETIMEDOUT))));
            }
            self->AgentLegOver(*call, msg != nullptr ? msg->scode : 0);
            return;
        }
        if (call->answered || call->inbound) {
            // Hung up; or, for a call to us, the caller gave up ringing (CANCEL).
            self->Emit(Event{.call = call->id, .kind = EventKind::kHungUp});
            self->End(*call);
            return;
        }
        // Before ringing, a 5xx or no answer at all is the trunk's trouble,
        // not the number's: the call tries the next trunk of its list.
        const bool before_ringing = !call->ringing && !call->listening && call->trunk >= 0;
        if (msg != nullptr && msg->scode >= 300) {
            if (msg->scode == kCauseExtensionRequired || Requires100rel(msg))
                self->Tell100rel(*call);
            Outcome outcome = OutcomeOfStatus(msg->scode);
            self->TrunkAnswered(*call);
            if (before_ringing && msg->scode >= 500 && msg->scode <= 504 && msg->scode != 501) {
                self->TrunkFailed(*call, outcome.kind, msg->scode, false);
                return;
            }
            self->Failed(*call, outcome.kind, msg->scode);
            return;
        }
        if (!self->told_unreachable) {
            self->told_unreachable = true;
            const Trunk& trunk = self->trunks[static_cast<size_t>(std::max(call->trunk, 0))].cfg;
            if (err == EPROTO && trunk.transport == "tls") {
                self->Log(fmt::format(
                    "sip: no TLS connection to the trunk {} ({}) for the INVITE to {}: its "
                    "certificate was refused (the line above says why) or it does not speak TLS "
                    "there",
                    trunk.name, trunk.host, call->dial.number));
            } else {
                self->Log(fmt::format("sip: the trunk {} ({}) did not answer the INVITE to {}: {}",
                                      trunk.name, trunk.host, call->dial.number,
                                      std::strerror(err ? err : ETIMEDOUT)));
            }
        }
        if (before_ringing) {
            self->TrunkFailed(*call, EventKind::kFailed, 0, true);
            return;
        }
        self->Failed(*call, EventKind::kFailed, 0);
    }

    static void OnRingTimeout(void* arg) {
        auto* call = static_cast<Call*>(arg);
        if (call->ended || call->answered) return;
        if (call->agent_leg) {
            call->impl->Log(fmt::format("sip: operator {}'s phone did not answer in {} s",
                                        call->agent, call->dial.ring_timeout / 1000));
            call->impl->AgentLegOver(*call, 408);
            return;
        }
        // Freeing the session sends CANCEL; the trunk answers 487.
        call->impl->Failed(*call, EventKind::kNoAnswer, 487);
    }

    static void OnRtp(const struct sa* src, const struct rtp_header* hdr, struct mbuf* mb,
                      void* arg) {
        auto* call = static_cast<Call*>(arg);
        Impl* self = call->impl;
        // Before the answer only with early media (keys pressed while the
        // queue's announcements play).
        if (call->ended || !(call->answered || call->early || call->listening)) return;
        // Symmetric RTP: the first source heard is where our audio goes (a
        // far end behind NAT sends from another address than its SDP says);
        // latched once, so a stray packet later cannot take the call's audio.
        if (self->options.symmetric_rtp && !call->latched && src != nullptr) {
            call->latched = true;
            call->remote = *src;
        }
        self->Count([](SipCounters& c) { ++c.rtp_received; });
        std::span<const uint8_t> payload(mbuf_buf(mb), mbuf_get_left(mb));
        if (call->tev_pt >= 0 && hdr->pt == call->tev_pt) {
            call->saw_events = true;
            if (auto key = call->events.Packet(hdr->ts, payload)) self->Key(*call, *key);
            return;
        }
        const bool wideband = hdr->pt == media::kG722PayloadType && call->g722;
        if (hdr->pt != 0 && hdr->pt != 8 && !wideband) return;
        std::vector<int16_t> pcm = wideband       ? call->g722->Decode(payload)
                                   : hdr->pt == 0 ? media::DecodeUlaw(payload)
                                                  : media::DecodeAlaw(payload);
        if (call->listening && !call->answered) {
            // At most a minute of it; special information tones tell an
            // announcement that the call cannot be completed.
            const size_t room = std::min<size_t>(pcm.size(), 60 * 8000 - call->early_rx.size());
            call->early_rx.insert(call->early_rx.end(), pcm.begin(),
                                  pcm.begin() + static_cast<std::ptrdiff_t>(room));
            call->sit.Feed(pcm);
            return;
        }
        if (call->tapped) {
            call->inbox.push_back(pcm);
            if (call->inbox.size() > 5) call->inbox.pop_front();  // at most 100 ms behind
        }
        if (call->bridged) self->Relay(*call, pcm);
        if (call->agent_leg) return;
        if (!call->recording.empty()) call->rx.insert(call->rx.end(), pcm.begin(), pcm.end());
        if (!call->saw_events) {
            for (char key : call->inband.Feed(pcm))
                self->Key(*call, key);
        }
    }

    void Key(Call& call, char key) {
        if (call.agent_leg) return;
        Count([](SipCounters& c) { ++c.keys; });
        call.keys.push_back(key);
        if (call.collecting) TryCollect(call, false);
    }

    // Hands collected keys to the campaign: when enough came, at '#', or at
    // the timeout (whatever came, maybe nothing).
    void TryCollect(Call& call, bool timed_out) {
        size_t hash = call.keys.find('#');
        std::string got;
        if (call.max_digits > 1 && hash != std::string::npos &&
            hash <= static_cast<size_t>(call.max_digits)) {
            got = call.keys.substr(0, hash);
            call.keys.erase(0, hash + 1);
        } else if (call.keys.size() >= static_cast<size_t>(call.max_digits)) {
            got = call.keys.substr(0, static_cast<size_t>(call.max_digits));
            call.keys.erase(0, static_cast<size_t>(call.max_digits));
        } else if (timed_out) {
            got.swap(call.keys);
        } else {
            return;
        }
        call.collecting = false;
        tmr_cancel(&call.collect_timer);
        Emit(Event{.call = call.id, .kind = EventKind::kDigits, .digits = std::move(got)});
    }

    static void OnCollectTimeout(void* arg) {
        auto* call = static_cast<Call*>(arg);
        if (call->ended || !call->collecting) return;
        call->impl->TryCollect(*call, true);
    }

    void DoCollect(CallId id, int max_digits, Millis timeout) {
        Call* call = Find(id);
        if (call == nullptr || !(call->answered || call->early)) return;
        call->collecting = true;
        call->max_digits = std::max(1, max_digits);
        tmr_start(&call->collect_timer, static_cast<uint64_t>(std::max<Millis>(timeout, 1)),
                  OnCollectTimeout, call);
        TryCollect(*call, false);
    }

    void DoHold(CallId id, bool on, std::shared_ptr<const Prompt> music) {
        Call* call = Find(id);
        if (call == nullptr || call->agent_leg) return;
        // The desk's hold of a bridged call: both legs stop hearing each other
        // (the caller hears the music, or silence when none is set).
        if (call->bridged) {
            call->held = on;
            if (Call* leg = Find(call->peer)) leg->held = call->held;
        }
        // Held again (another operator's phone rings): the music goes on.
        if (call->music == music) return;
        call->music = std::move(music);
        call->music_pos = 0;
    }

    void DoPlay(CallId id, std::shared_ptr<const Prompt> prompt) {
        Call* call = Find(id);
        if (call == nullptr || !(call->answered || call->early)) return;
        call->prompt = std::move(prompt);
        call->play_pos = 0;
        if (call->prompt->pcm.empty()) {
            call->prompt.reset();
            Emit(Event{.call = id, .kind = EventKind::kPromptDone});
        }
    }

    // Every 20 ms: one frame to every answered call, the prompt's or silence.
    static void OnMediaTick(void* arg) {
        auto* self = static_cast<Impl*>(arg);
        self->Reap();
        const uint64_t now = tmr_jiffies();
        if (now >= self->next_sweep) {
            self->next_sweep = now + 3'600'000;
            self->SweepRecordings();
        }
        int frames = 0;
        while (self->media_next <= now && frames < 5) {
            self->SendFrame();
            self->media_next += kFrameMs;
            ++frames;
        }
        if (self->media_next <= now) self->media_next = now + kFrameMs;  // too far behind: skip
        tmr_start(&self->media_timer, self->media_next - now, OnMediaTick, self);
    }

    void SendFrame() {
        uint8_t silence_a[kFrame], silence_u[kFrame];
        std::memset(silence_a, media::LinearToAlaw(0), kFrame);
        std::memset(silence_u, media::LinearToUlaw(0), kFrame);
        struct mbuf* mb = mbuf_alloc(RTP_HEADER_SIZE + kFrame);
        if (mb == nullptr) return;
        int64_t sent = 0;
        // The mixer's tick: each leg some mixed leg hears gives its frame.
        for (auto& [id, owned] : calls) {
            Call& call = *owned;
            if (!call.tapped) continue;
            if (call.inbox.empty()) {
                call.current.assign(kFrame, 0);
            } else {
                call.current = std::move(call.inbox.front());
                call.inbox.pop_front();
                call.current.resize(kFrame, 0);
            }
        }
        for (auto& [id, owned] : calls) {
            Call& call = *owned;
            const bool mixed = !call.hears.empty() && !call.held;
            // A bridged call's audio is relayed, except on the desk's hold
            // and where a supervisor is mixed in.
            if (call.ended || !(call.answered || call.early) ||
                (call.bridged && !call.held && !mixed) || !sa_isset(&call.remote, SA_ALL))
                continue;
            if (mixed) {
                std::vector<int32_t> sum(kFrame, 0);
                for (CallId h : call.hears) {
                    const Call* src = Find(h);
                    if (src == nullptr || src->current.size() != kFrame) continue;
                    for (size_t i = 0; i < kFrame; ++i)
                        sum[i] += src->current[i];
                }
                std::vector<int16_t> pcm(kFrame);
                for (size_t i = 0; i < kFrame; ++i)
                    pcm[i] = static_cast<int16_t>(std::clamp(sum[i], -32768, 32767));
                SendPcm(call, pcm, mb);
                if (!call.recording.empty()) call.tx.insert(call.tx.end(), pcm.begin(), pcm.end());
                ++sent;
                continue;
            }
            if (call.agent_leg) {
                // An operator on hold (or a supervisor ringing in) hears
                // silence, in their phone's codec (G.722 too).
                SendPcm(call, std::vector<int16_t>(kFrame, 0), mb);
                ++sent;
                continue;
            }
            const uint8_t* bytes = call.pt == 0 ? silence_u : silence_a;
            const int16_t* pcm = nullptr;
            bool finished = false;
            if (call.prompt) {
                const auto& coded = call.pt == 0 ? call.prompt->ulaw : call.prompt->alaw;
                size_t left = coded.size() - call.play_pos;
                if (left >= kFrame) {
                    bytes = coded.data() + call.play_pos;
                    pcm = call.prompt->pcm.data() + call.play_pos;
                    call.play_pos += kFrame;
                    finished = call.play_pos == coded.size();
                } else {
                    finished = true;  // the short tail is dropped (under 20 ms)
                }
            } else if (call.music && call.music->pcm.size() >= kFrame) {
                // Round and round; the tail under a frame is skipped.
                if (call.music_pos + kFrame > call.music->pcm.size()) call.music_pos = 0;
                const auto& coded = call.pt == 0 ? call.music->ulaw : call.music->alaw;
                bytes = coded.data() + call.music_pos;
                pcm = call.music->pcm.data() + call.music_pos;
                call.music_pos += kFrame;
            }
            mb->pos = RTP_HEADER_SIZE;
            mb->end = RTP_HEADER_SIZE;
            mbuf_write_mem(mb, bytes, kFrame);
            mb->pos = RTP_HEADER_SIZE;
            rtp_send(call.rtp, &call.remote, false, call.marker, static_cast<uint8_t>(call.pt),
                     call.ts, mb);
            call.marker = false;
            call.ts += kFrame;
            ++sent;
            if (!call.recording.empty()) {
                if (pcm != nullptr) {
                    call.tx.insert(call.tx.end(), pcm, pcm + kFrame);
                } else {
                    call.tx.resize(call.tx.size() + kFrame, 0);
                }
            }
            if (finished) {
                call.prompt.reset();
                Emit(Event{.call = call.id, .kind = EventKind::kPromptDone});
            }
        }
        mem_deref(mb);
        Count([sent](SipCounters& c) { c.rtp_sent += sent; });
    }

    void SaveRecording(Call& call) {
        if (call.recording.empty()) return;
        media::Audio audio;
        audio.channels = 2;
        const size_t n = std::max(call.rx.size(), call.tx.size());
        audio.samples.resize(n * 2, 0);
        for (size_t i = 0; i < call.rx.size(); ++i)
            audio.samples[2 * i] = call.rx[i];
        for (size_t i = 0; i < call.tx.size(); ++i)
            audio.samples[2 * i + 1] = call.tx[i];
        WritePrivate(call.recording, audio);
        call.rx = {};
        call.tx = {};
    }

    // Writes a recording, its day folder and the recordings' folder readable
    // by the service's user only (recordings are personal data); false
    // (logged) when it could not be written.
    bool WritePrivate(const std::string& path, const media::Audio& audio) {
        namespace fs = std::filesystem;
        std::error_code ec;
        const fs::path day = fs::path(path).parent_path();
        fs::create_directories(day, ec);
        fs::permissions(day, fs::perms::owner_all, fs::perm_options::replace, ec);
        fs::permissions(day.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
        if (auto ok = media::WriteWav(path, audio); !ok) {
            Log(fmt::format("sip: recording lost: {}", ok.error().message));
            return false;
        }
        fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write,
                        fs::perm_options::replace, ec);
        Count([](SipCounters& c) { ++c.recordings; });
        return true;
    }

    // What a call not answered heard before its end (the network's
    // announcement), as a mono WAV beside the recordings; its path, or "".
    std::string SaveEarly(Call& call) {
        if (options.recordings_dir.empty() || call.early_rx.empty()) return {};
        const Millis now = WallMs();
        const std::string path = fmt::format("{}/{}/{}-{}-early.wav", options.recordings_dir,
                                             Day(now), run_token, call.id);
        media::Audio audio;
        audio.samples = std::move(call.early_rx);
        call.early_rx = {};
        return WritePrivate(path, audio) ? path : std::string();
    }

    // Deletes recordings older than the retention (folders are days): at
    // start, then every hour.
    void SweepRecordings() {
        if (options.recordings_dir.empty() || options.recordings_keep_days <= 0) return;
        const std::string oldest =
            Day(WallMs() - Millis{options.recordings_keep_days} * 86'400'000);
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(options.recordings_dir, ec)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_directory() && name.size() == 10 && name < oldest) {
                std::filesystem::remove_all(entry.path(), ec);
                Log(fmt::format("sip: recordings of {} deleted (kept {} days)", name,
                                options.recordings_keep_days));
            }
        }
    }

    static void CloseLibre() {
        libre_close();
        re_thread_close();
    }

    void Run(std::promise<Result<void>> started) {
        auto fail = [&](std::string what, int err) {
            started.set_value(callbase::Fail(ErrorCode::kIo,
                                             fmt::format("SIP: {}: {}", what, std::strerror(err)),
                                             "check the sip settings (docs/telephony.md)"));
        };
        // Signals are the process's business (serve waits for SIGTERM): none here.
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, nullptr);
        int err = libre_init();
        if (err) return fail("libre_init", err);
        // This thread's own event loop, timers and descriptors (libre keeps
        // one per thread that asks): a second SipTelephony in the process —
        // the tests' phones — runs beside this one.
        err = re_thread_init();
        if (err) {
            libre_close();
            return fail("re_thread_init", err);
        }
        // libre_init sets a one-shot SIGPIPE handler (SA_RESETHAND): a second
        // broken pipe anywhere in the process would then kill it. Ignore them:
        // every writer here checks its errors.
        std::signal(SIGPIPE, SIG_IGN);
        // Room for thousands of calls: every call has an RTP socket.
        struct rlimit limit {};
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
            limit.rlim_cur = limit.rlim_max;
            setrlimit(RLIMIT_NOFILE, &limit);
        }
        fd_setsize(static_cast<int>(std::min<rlim_t>(limit.rlim_cur, 65536)));

        struct sa servers[4];
        uint32_t count = 4;
        char domain[64] = "";
        if (dns_srv_get(domain, sizeof domain, servers, &count) == 0 && count > 0)
            dnsc_alloc(&dns, nullptr, servers, count);

        struct sa laddr {};
        err = sa_decode(&laddr, options.listen.c_str(), options.listen.size());
        if (err) {
            started.set_value(callbase::Fail(
                ErrorCode::kInvalidInput,
                fmt::format("SIP listen address '{}' is not ip:port", options.listen),
                "give it like 127.0.0.1:5060"));
            CloseLibre();
            return;
        }
        const sip_transp tp = options.trunk.transport == "tcp" ? SIP_TRANSP_TCP : SIP_TRANSP_UDP;
        err = sip_alloc(&stack, dns, 64, 64, 64, "callbase", nullptr, nullptr);
        if (!err) err = sip_transp_add(stack, tp, &laddr);
        // Trunks on the other transport listen on the same port.
        const sip_transp other = tp == SIP_TRANSP_TCP ? SIP_TRANSP_UDP : SIP_TRANSP_TCP;
        const bool both = std::any_of(trunks.begin(), trunks.end(), [&](const TrunkState& t) {
            return t.cfg.transport != "tls" &&
                   (t.cfg.transport == "tcp" ? SIP_TRANSP_TCP : SIP_TRANSP_UDP) == other;
        });
        if (!err && both) {
            struct sa same {};
            sip_transp_laddr(stack, &same, tp, nullptr);
            err = sip_transp_add(stack, other, &same);
        }
        if (err) {
            fail(fmt::format("cannot listen on {}", options.listen), err);
            mem_deref(stack);
            mem_deref(dns);
            CloseLibre();
            return;
        }
        if (auto problem = StartTls(laddr, tp); !problem.empty()) {
            started.set_value(
                callbase::Fail(ErrorCode::kInvalidInput, problem,
                               "see docs/telephony.md, \"Encryption: TLS and SRTP\""));
            mem_deref(stack);
            mem_deref(dns);
            tls.reset();
            CloseLibre();
            return;
        }
        struct sa bound_addr {};
        sip_transp_laddr(stack, &bound_addr, tp, nullptr);
        bound = fmt::format("{}:{}", options.listen.substr(0, options.listen.rfind(':')),
                            sa_port(&bound_addr));
        if (!options.public_address.empty()) {
            const std::string& p = options.public_address;
            const bool has_port = p.find(':') != std::string::npos;
            sdp_ip = has_port ? p.substr(0, p.rfind(':')) : p;
            const std::string at = has_port ? p : fmt::format("{}:{}", p, sa_port(&bound_addr));
            contact = fmt::format("sip:callbase@{}{}", at, TransportParam(options.trunk.transport));
            public_contact_host = at;
        }
        err = sipsess_listen(&sock, stack, 64, OnIncoming, this);
        if (!err) err = fd_listen(wake_fd, FD_READ, OnWake, this);
        if (err) {
            fail("cannot start the SIP session layer", err);
            mem_deref(sock);
            mem_deref(stack);
            mem_deref(dns);
            CloseLibre();
            return;
        }
        for (TrunkState& t : trunks) {
            if (!t.cfg.registers) continue;
            RegistrationSettings settings = RegistrationOf(t.cfg);
            settings.contact_host = public_contact_host;
            auto reg = std::make_unique<Registration>(stack, std::move(settings),
                                                      [this](const std::string& l) { Log(l); });
            reg->Start();
            std::lock_guard lock(counters_mutex);
            t.registration = std::move(reg);
        }
        run_token = fmt::format("{:x}", WallMs());
        SweepRecordings();
        tmr_init(&media_timer);
        media_next = tmr_jiffies() + kFrameMs;
        next_sweep = tmr_jiffies() + 3'600'000;  // swept just above, then every hour
        tmr_start(&media_timer, kFrameMs, OnMediaTick, this);
        running = true;
        started.set_value({});

        re_main(nullptr);

        tmr_cancel(&media_timer);
        for (auto& [id, call] : calls)
            if (!call->ended) End(*call);
        Reap();
        for (TrunkState& t : trunks) {
            if (!t.registration) continue;
            std::lock_guard lock(counters_mutex);
            t.registration_final = t.registration->status();
            t.registration.reset();
        }
        fd_close(wake_fd);
        sipsess_close_all(sock);
        mem_deref(sock);
        sip_close(stack, true);
        mem_deref(stack);
        mem_deref(dns);
        CloseLibre();
    }

    static void OnIncoming(const struct sip_msg* msg, void* arg) {
        static_cast<Impl*>(arg)->Incoming(msg);
    }

    // The TLS transport, when a trunk or phone uses it or a certificate is
    // given: at tls_listen, else the SIP address's port + 1. "" or a problem.
    std::string StartTls(const struct sa& sip_addr, sip_transp sip_tp) {
        std::vector<TlsPeer> peers;
        for (const TrunkState& t : trunks) {
            if (t.cfg.transport != "tls") continue;
            const std::string& host = t.cfg.host;
            std::string name = host.substr(
                0, host.rfind(':') == std::string::npos || host.find(']') != std::string::npos
                       ? std::string::npos
                       : host.rfind(':'));
            peers.push_back(TlsPeer{.what = fmt::format("trunk {}", t.cfg.name),
                                    .address = host,
                                    .host = t.cfg.tls_host.empty() ? name : t.cfg.tls_host,
                                    .ca_file = t.cfg.tls_ca,
                                    .pin = t.cfg.tls_pin});
        }
        for (const auto& [agent, uri] : options.agents) {
            if (uri.find(";transport=tls") == std::string::npos) continue;
            // sip:user@host[:port];params → host[:port]
            const size_t at = uri.find('@');
            const size_t start = at == std::string::npos ? 4 : at + 1;
            const std::string address = uri.substr(start, uri.find(';', start) - start);
            peers.push_back(TlsPeer{.what = fmt::format("operator {}'s phone", agent),
                                    .address = address,
                                    .host = "",
                                    .ca_file = options.phones_tls_ca,
                                    .pin = "",
                                    .verify = !options.phones_tls_ca.empty(),
                                    .phone = true});
        }
        if (peers.empty() && options.tls_certificate.empty()) return "";
        auto made = SipTls::Make(options.tls_certificate, options.tls_key, std::move(peers),
                                 [this](const std::string& l) {  // a refused certificate
                                     Count([](SipCounters& c) { ++c.tls_refused; });
                                     Log(l);
                                 });
        if (!made) return made.error().message;
        tls = std::move(*made);
        struct sa addr = sip_addr;
        if (!options.tls_listen.empty()) {
            if (sa_decode(&addr, options.tls_listen.c_str(), options.tls_listen.size()) != 0)
                return fmt::format("the TLS listen address '{}' is not ip:port",
                                   options.tls_listen);
        } else if (sa_port(&sip_addr) != 0) {
            struct sa real {};
            sip_transp_laddr(stack, &real, sip_tp, nullptr);
            sa_set_port(&addr, static_cast<uint16_t>(sa_port(&real) + 1));
        }
        if (int err = sip_transp_add(stack, SIP_TRANSP_TLS, &addr, tls->context()); err != 0) {
            char where[64] = "";
            (void)re_snprintf(where, sizeof where, "%J", &addr);
            return fmt::format("SIP over TLS cannot listen on {}: {}", where, std::strerror(err));
        }
        struct sa real {};
        sip_transp_laddr(stack, &real, SIP_TRANSP_TLS, nullptr);
        char where[64] = "";
        (void)re_snprintf(where, sizeof where, "%J", &real);
        tls_bound = where;
        return "";
    }

    // The DID an INVITE is for (its request URI's user, else its To's), as
    // configured, and the trunk it belongs to; "" when it is none of ours.
    // The trunk may write it in its number format or with or without the plus.
    std::pair<std::string, int> DidOf(const struct sip_msg* msg) {
        // A DID no trunk names is the default trunk's.
        auto owner = [&](const std::string& did) {
            for (size_t i = 0; i < trunks.size(); ++i) {
                const Trunk& t = trunks[i].cfg;
                if (t.did == did || std::find(t.dids.begin(), t.dids.end(), did) != t.dids.end())
                    return static_cast<int>(i);
            }
            return 0;
        };
        auto digits = [](std::string_view text) {
            std::string out;
            for (char c : text)
                if (c >= '0' && c <= '9') out.push_back(c);
            return out;
        };
        for (const struct pl* user : {&msg->uri.user, &msg->to.uri.user}) {
            const std::string dialed = digits(std::string_view(user->p, user->l));
            if (dialed.empty()) continue;
            for (const std::string& did : options.dids) {
                const int trunk = owner(did);
                if (dialed == digits(did) ||
                    dialed == digits(DialString(
                                  did, trunks[static_cast<size_t>(trunk)].cfg.number_format)))
                    return {did, trunk};
            }
        }
        // A registered account's calls: the provider names the account (our
        // Contact), not the number dialed.
        for (size_t i = 0; i < trunks.size(); ++i) {
            const Trunk& trunk = trunks[i].cfg;
            if (!trunk.registers || trunk.username.empty() ||
                pl_strcmp(&msg->uri.user, trunk.username.c_str()) != 0)
                continue;
            if (!trunk.did.empty()) return {trunk.did, static_cast<int>(i)};
            if (!told_account_without_did) {
                told_account_without_did = true;
                Log(fmt::format(
                    "sip: a call for the registered account {} of trunk {} is refused (404): "
                    "set did in the trunk's settings to the number its calls stand for",
                    trunk.username, trunk.name));
            }
        }
        return {};
    }

    // An INVITE: a call to one of our numbers rings here (180) and is offered
    // to the campaign; it is answered or refused from there.
    void Incoming(const struct sip_msg* msg) {
        const auto [did, trunk] = DidOf(msg);
        if (did.empty()) {
            (void)sip_treply(nullptr, stack, msg, 404, "Not Found");
            return;
        }
        const std::string caller(msg->from.uri.user.p, msg->from.uri.user.l);
        if (Full()) {
            Log(
                fmt::format("sip: the call from {} to {} is refused: {} calls are up, the most "
                            "allowed",
                            caller, did, options.max_calls));
            (void)sip_treply(nullptr, stack, msg, 503, "Service Unavailable");
            return;
        }
        auto owned = NewCall(next_id++);
        Call& call = *owned;
        call.inbound = true;
        call.dial.number = caller;
        call.dial.caller_id = did;
        if (!Media(call, caller)) {
            (void)sip_treply(nullptr, stack, msg, 503, "Service Unavailable");
            Drop(call);
            return;
        }
        // The caller's offer (a call without one, a late offer, is not taken).
        int err = mbuf_get_left(msg->mb) > 0 ? sdp_decode(call.sdp, msg->mb, true) : EPROTO;
        if (!err) {
            UseAnswer(call);
            if (sdp_media_rformat(call.media, "PCMA") == nullptr &&
                sdp_media_rformat(call.media, "PCMU") == nullptr)
                err = ENOTSUP;
        }
        call.want_srtp = trunks[static_cast<size_t>(trunk)].cfg.srtp;
        if (std::string why = err ? "" : SecureMedia(call, true); !why.empty()) {
            Log(fmt::format("sip: the call from {} to {} is refused (488): {} ({})", caller, did,
                            why, "docs/telephony.md, \"Encryption: TLS and SRTP\""));
            (void)sip_treply(nullptr, stack, msg, 488, "Not Acceptable Here");
            Drop(call);
            return;
        }
        if (err) {
            Log(
                fmt::format("sip: the call from {} to {} is refused: its SDP offer has no G.711 "
                            "audio, or there is none",
                            caller, did));
            (void)sip_treply(nullptr, stack, msg, 488, "Not Acceptable Here");
            Drop(call);
            return;
        }
        const std::string our_contact = ContactFor(trunks[static_cast<size_t>(trunk)].cfg);
        err = sipsess_accept(&call.sess, sock, msg, 180, "Ringing", our_contact.c_str(),
                             "application/sdp", nullptr, OnAuth, &call, false, OnOffer, OnAnswer,
                             OnEstablished, nullptr, nullptr, OnClose, &call, "%s", "");
        if (err) {
            Log(fmt::format("sip: the call from {} to {} could not be taken: {}", caller, did,
                            std::strerror(err)));
            (void)sip_treply(nullptr, stack, msg, 500, "Server Internal Error");
            Drop(call);
            return;
        }
        call.ringing = true;
        JoinTrunk(call, trunk);  // counted on its trunk, never refused by its cap
        Count([&](SipCounters&) { ++trunks[static_cast<size_t>(trunk)].incoming; });
        const CallId id = call.id;
        calls.emplace(id, std::move(owned));
        Count([](SipCounters& c) {
            ++c.incoming;
            c.peak_active = std::max(c.peak_active, ++c.active);
        });
        Emit(Event{.call = id, .kind = EventKind::kIncoming, .from = caller, .to = did});
    }

    // A call's media goes (an ended call's, or one that never got into `calls`).
    void Drop(Call& call) {
        if (call.srtp) {
            const int64_t dropped = call.srtp->dropped();
            Count([&](SipCounters& c) { c.srtp_dropped += dropped; });
            call.srtp.reset();  // before its socket
        }
        call.rtp = static_cast<struct rtp_sock*>(mem_deref(call.rtp));
        call.sdp = static_cast<struct sdp_session*>(mem_deref(call.sdp));
    }

    void DoAnswer(CallId id) {
        Call* call = Find(id);
        if (call == nullptr || !call->inbound || call->answered) return;
        struct mbuf* answer = nullptr;
        int err = sdp_encode(&answer, call->sdp, false);
        if (!err) err = sipsess_answer(call->sess, 200, "OK", answer, "%s", "");
        mem_deref(answer);
        if (err) {
            Log(fmt::format("sip: the call from {} could not be answered: {}", call->dial.number,
                            std::strerror(err)));
            Emit(Event{.call = id, .kind = EventKind::kHungUp});
            End(*call);
        }
    }

    void DoEarlyMedia(CallId id) {
        Call* call = Find(id);
        if (call == nullptr || !call->inbound || call->answered || call->early) return;
        struct mbuf* offer = nullptr;
        int err = sdp_encode(&offer, call->sdp, false);
        if (!err) err = sipsess_progress(call->sess, 183, "Session Progress", offer, "%s", "");
        mem_deref(offer);
        if (err) {
            Log(fmt::format("sip: the call from {} could not be given early media (183): {}",
                            call->dial.number, std::strerror(err)));
            Emit(Event{.call = id, .kind = EventKind::kHungUp});
            End(*call);
            return;
        }
        call->early = true;
        call->marker = true;
        Count([](SipCounters& c) { ++c.early_media; });
    }

    void Shutdown() {
        // Hang up what is up, remove our registration, give BYE, CANCEL and
        // REGISTER a moment to go out, then stop.
        for (auto& [id, call] : calls)
            if (!call->ended) End(*call);
        for (TrunkState& t : trunks)
            if (t.registration) t.registration->Unregister();
        tmr_init(&stop_timer);
        tmr_start(
            &stop_timer, 200, [](void*) { re_cancel(); }, nullptr);
    }
};

SipTelephony::SipTelephony(SipOptions options, media::SpeechSynth& speech,
                           std::function<void(std::function<void()>)> post)
    : impl_(std::make_unique<Impl>(std::move(options), speech, std::move(post))) {}

SipTelephony::~SipTelephony() {
    Stop();
    impl_->handler.reset();  // events still queued on the loop are dropped
}

Result<void> SipTelephony::Start() {
    if (impl_->thread.joinable()) return {};
    impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (impl_->wake_fd < 0)
        return Fail(ErrorCode::kIo, fmt::format("SIP: eventfd: {}", std::strerror(errno)));
    std::promise<Result<void>> started;
    auto result = started.get_future();
    impl_->thread =
        std::thread([this, p = std::move(started)]() mutable { impl_->Run(std::move(p)); });
    Result<void> r = result.get();
    if (!r) {
        impl_->thread.join();
        ::close(impl_->wake_fd);
        impl_->wake_fd = -1;
        return r;
    }
    // The music is read once, now, so that a file that cannot be played is
    // said when the server starts (the call goes on in silence).
    if (auto music = impl_->MusicPrompt(); music && music->pcm.empty()) {
        impl_->Log(fmt::format(
            "sip: the music on hold {} cannot be played: callers waiting for an operator hear "
            "silence (set music_on_hold to a WAV file, or \"\" for silence on purpose)",
            impl_->options.music_on_hold));
    }
    return r;
}

void SipTelephony::Stop() {
    if (!impl_->thread.joinable()) return;
    if (impl_->running.exchange(false)) impl_->Send([impl = impl_.get()] { impl->Shutdown(); });
    impl_->thread.join();
    ::close(impl_->wake_fd);
    impl_->wake_fd = -1;
}

void SipTelephony::OnEvent(Handler handler) {
    *impl_->handler = std::move(handler);
}

CallId SipTelephony::Originate(const Dial& dial) {
    CallId id = impl_->next_id++;
    if (!impl_->running) {
        impl_->Emit(Event{.call = id, .kind = EventKind::kFailed, .cause = 503});
        return id;
    }
    impl_->Send([impl = impl_.get(), id, dial] { impl->DoOriginate(id, dial); });
    return id;
}

void SipTelephony::Bridge(CallId call, std::string_view agent) {
    // Music for a caller moved from one operator to another, made here (the
    // campaign's thread renders prompts, never the SIP thread).
    impl_->Send([impl = impl_.get(), call, agent = std::string(agent),
                 music = impl_->MusicPrompt()] { impl->DoBridge(call, agent, music); });
}

bool SipTelephony::Consult(CallId call, std::string_view agent) {
    if (!impl_->running || !impl_->options.agents.contains(std::string(agent))) return false;
    impl_->Send([impl = impl_.get(), call, agent = std::string(agent),
                 music = impl_->MusicPrompt()] { impl->DoConsult(call, agent, music); });
    return true;
}

void SipTelephony::EndConsult(CallId call, ConsultStep step) {
    impl_->Send([impl = impl_.get(), call, step] { impl->DoEndConsult(call, step); });
}

bool SipTelephony::Monitor(CallId call, std::string_view supervisor, MonitorMode mode) {
    if (!impl_->running) return false;
    if (mode != MonitorMode::kOff && !impl_->options.agents.contains(std::string(supervisor)))
        return false;
    impl_->Send([impl = impl_.get(), call, supervisor = std::string(supervisor), mode] {
        impl->DoMonitor(call, supervisor, mode);
    });
    return true;
}

void SipTelephony::Unbridge(CallId call) {
    impl_->Send([impl = impl_.get(), call, music = impl_->MusicPrompt()] {
        Impl::Call* c = impl->Find(call);
        if (c == nullptr || c->agent_leg || c->peer == 0) return;
        impl->Count([](SipCounters& k) { ++k.moved; });
        impl->Detach(*c, music);
    });
}

void SipTelephony::Play(CallId call, std::string_view prompt) {
    auto audio = impl_->PromptFor(prompt);
    impl_->Send([impl = impl_.get(), call, audio] { impl->DoPlay(call, audio); });
}

void SipTelephony::Hold(CallId call, bool music) {
    std::shared_ptr<const Prompt> audio = music ? impl_->MusicPrompt() : nullptr;
    impl_->Send([impl = impl_.get(), call, music, audio] { impl->DoHold(call, music, audio); });
}

void SipTelephony::Collect(CallId call, int max_digits, Millis timeout) {
    impl_->Send([impl = impl_.get(), call, max_digits, timeout] {
        impl->DoCollect(call, max_digits, timeout);
    });
}

void SipTelephony::Answer(CallId call) {
    impl_->Send([impl = impl_.get(), call] { impl->DoAnswer(call); });
}

bool SipTelephony::EarlyMedia(CallId call) {
    if (!impl_->options.early_media) return false;
    impl_->Send([impl = impl_.get(), call] { impl->DoEarlyMedia(call); });
    return true;
}

void SipTelephony::Hangup(CallId call) {
    impl_->Send([impl = impl_.get(), call] {
        if (Impl::Call* c = impl->Find(call)) impl->End(*c);
    });
}

void SipTelephony::Reject(CallId call, int status) {
    impl_->Send([impl = impl_.get(), call, status] {
        if (Impl::Call* c = impl->Find(call)) impl->End(*c, status);
    });
}

std::vector<TrunkStatus> SipTelephony::Trunks() const {
    std::vector<TrunkStatus> out;
    std::lock_guard lock(impl_->counters_mutex);
    for (const Impl::TrunkState& state : impl_->trunks) {
        const Trunk& trunk = state.cfg;
        TrunkStatus t;
        t.name = trunk.name;
        t.host = trunk.host;
        t.transport = trunk.transport;
        t.did = trunk.did;
        t.is_default = out.empty();
        t.dids = trunk.dids;
        if (!trunk.did.empty() &&
            std::find(t.dids.begin(), t.dids.end(), trunk.did) == t.dids.end())
            t.dids.push_back(trunk.did);
        t.max_calls = trunk.max_calls;
        t.calls_per_second = trunk.calls_per_second;
        t.failover = trunk.failover;
        t.active = state.active;
        t.calls = state.calls;
        t.failed_over = state.failed_over;
        t.incoming = state.incoming;
        if (state.down_until_wall > WallMs()) {
            t.up = false;
            t.down_reason = "no_answer";
            t.down_until = state.down_until_wall;
        }
        if (trunk.registers) {
            t.account = RegistrationOf(trunk).aor;
            RegistrationStatus r;
            if (state.registration) {
                r = state.registration->status();
            } else if (state.registration_final) {
                r = *state.registration_final;
            }
            t.registration = RegistrationStateId(r.state);
            t.problem = r.problem;
            t.status = r.status;
            t.detail = r.detail;
            t.registered_until = r.registered_until;
            t.next_attempt = r.next_attempt;
            t.granted = r.granted;
            t.registrations = r.registrations;
            t.failures = r.failures;
            if (r.state == RegistrationState::kFailed) {
                t.up = false;
                t.down_reason = "not_registered";
                t.down_until = 0;
            }
        }
        out.push_back(std::move(t));
    }
    return out;
}

SipCounters SipTelephony::counters() const {
    std::lock_guard lock(impl_->counters_mutex);
    return impl_->counters;
}

std::string SipTelephony::local_address() const {
    return impl_->bound;
}

std::string SipTelephony::tls_address() const {
    return impl_->tls_bound;
}

}  // namespace callbase::telephony::sip
