// SipTelephony: the Telephony port over real SIP and RTP (libre): campaigns
// dial a trunk; robots talk to the callee, operators' phones are bridged.
//
// libre lives in sip_telephony.cc only, on a thread of its own running libre's
// event loop. The campaign's thread reaches it through a queue (every call of
// the Telephony port is posted there), and it reaches the campaign's thread
// through `post`: events are handed to the handler on that thread only, as
// the port promises.
//
// A call is an INVITE through the trunk (outbound proxy, digest
// authentication, From = the caller ID, optional P-Asserted-Identity) with an
// SDP offer of G.711 A-law and µ-law and RFC 4733 telephone-events. A final
// response becomes an outcome through OutcomeOfStatus (causes.h); the ring
// timeout sends CANCEL. Once answered, the call sends RTP every 20 ms: the
// prompt's audio (text rendered by the speech synthesizer, or a WAV file
// given as "[path]"), silence otherwise. Keys come as RFC 4733 events, or from
// in-band tones when the far end sends none; keys pressed during a prompt are
// kept for the next Collect. Both sides of an answered call can be recorded to
// a stereo WAV file (left: the callee, right: callbase or the operator); its
// path comes with the answered event.
//
// Bridge(call, agent) rings the agent's phone (SipOptions::agents) and, once
// it answers, relays RTP between the two legs (a B2BUA); either side hanging
// up ends both, and the campaign hears kHungUp. The phone is offered G.722
// first (SipOptions::g722): its wideband audio is turned to and from the
// trunk's G.711 here (media/g722.h). With SipOptions::transfer the
// call is sent to that URI by REFER instead (a PBX queues it).
//
// Calls to the center's numbers (SipOptions::dids) ring on our side (180)
// and are offered to the campaign (kIncoming, with the caller's number and
// the number dialed); Answer sends 200 with our SDP answer, Hangup refuses
// the call (480). A caller who gives up first is heard as kHungUp.
//
// Behind NAT, SipOptions::public_address is written into our Contact and SDP,
// and symmetric RTP (on by default) sends a call's audio to where the far
// end's comes from.
//
// Several trunks (SipOptions::more_trunks): a call goes out through the
// trunk its Dial names, or the default; each trunk's caps (calls at once,
// calls a second) hold, and a trunk that is down, full or answers 5xx hands
// the call to the next of its failover list. Calls in come through any of
// them; a DID knows its trunk.
//
// With Trunk::registers the trunk's account is registered with the provider
// (registration.h) and calls for it are taken as calls to Trunk::did;
// Trunks() reports the registration's state, and Stop removes the binding.
//
// libre 1.1.0 has no 100rel (PRACK). A trunk that requires it (421, or a
// provisional response with Require: 100rel) ends the call as failed with
// cause 421 and a log line that says what to change.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "telephony/media/speech.h"
#include "telephony/telephony.h"

namespace callbase::telephony::sip {

// How numbers are written in the request URI.
enum class NumberFormat {
    kPlus,      // +79161234567
    kDigits,    // 79161234567
    kNational,  // 89161234567 (Russian trunks that want the trunk prefix 8)
};

struct Trunk {
    std::string name = "main";  // for log lines, /metrics and the admin page
    // Where INVITEs go: the provider's host[:port], e.g. "sip.example.ru" or
    // "127.0.0.1:5080". Request URIs are sip:NUMBER@host.
    std::string host;
    // An outbound proxy ("sip:10.0.0.1:5060;lr"), empty for none.
    std::string outbound_proxy;
    std::string username;  // digest authentication; empty for IP-authenticated trunks
    std::string password;
    // The domain of the From URI (the caller ID's); empty = host.
    std::string from_domain;
    bool assert_identity = false;  // add P-Asserted-Identity with the caller ID
    NumberFormat number_format = NumberFormat::kPlus;
    std::string transport = "udp";  // udp, tcp or tls (port 5061 when host names none)
    // With tls (docs/telephony.md, "Encryption: TLS and SRTP"): the
    // provider's certificate must be signed by a CA of `tls_ca` (a PEM file;
    // empty: the system's) and made out to `tls_host` (empty: host's name
    // part); `tls_pin`, the SHA-256 of the provider's certificate (upper-case
    // hex), must match too, and with no tls_ca it is trusted alone (a
    // self-signed certificate).
    std::string tls_ca;
    std::string tls_host;
    std::string tls_pin;
    // SRTP (SDES): calls through this trunk offer RTP/SAVP with our key and
    // take only an answer with a usable key; calls in must offer one (else
    // 488). Off: offers are plain RTP, and SRTP offered by the far end is taken.
    bool srtp = false;
    // Registration (docs/telephony.md, "Registration"): REGISTER the account
    // `username` at `registrar` (default sip:host) so that the provider
    // sends its calls here; digest with `auth_username` (default username).
    bool registers = false;
    std::string registrar;            // "sip:host[:port]"; empty = sip:host
    std::string register_domain;      // the account's domain; empty = from_domain, else host
    std::string auth_username;        // empty = username
    int register_expires = 600;       // seconds asked for
    int register_retry_seconds = 30;  // the first retry after a failure, doubled up to 1800
    // While registered, an OPTIONS to the registrar this often keeps the NAT's
    // binding open (0: none); one left unanswered registers again at once.
    int keepalive_seconds = 0;
    // The center's number calls for the registered account stand for, when
    // the provider's INVITE names only the account (also one of `dids`).
    std::string did;
    // The center's numbers whose calls come through this trunk (they join
    // SipOptions::dids); a DID no trunk names belongs to the default trunk.
    std::vector<std::string> dids;
    // The provider's limits, never exceeded: calls up at once through the
    // trunk, both ways (0: no cap; calls the provider sends in are counted,
    // never refused), and new calls a second (0: no cap; INVITEs are spaced,
    // a call that would wait more than 5 s goes to the next trunk).
    int max_calls = 0;
    double calls_per_second = 0;
    // Where a call goes when this trunk is down (its registration failed, or
    // its last 3 INVITEs went unanswered: down for 30 s) or full, in order;
    // a call whose INVITE gets no answer or a 500, 502, 503 or 504 before
    // ringing is sent through the next one.
    std::vector<std::string> failover;
};

struct SipOptions {
    // The default trunk (what a campaign naming no trunk dials through), and
    // the others by name ([trunks.NAME] in the settings file).
    Trunk trunk;
    std::vector<Trunk> more_trunks;
    std::string listen = "127.0.0.1:5060";  // our SIP address (ip:port)
    // SIP over TLS: where we take TLS connections ("ip:port"; empty: the
    // listen address's ip and its port + 1, 5061), with our certificate and
    // its key (PEM files; without them TLS calls go out but none come in).
    // The TLS transport runs when a trunk or a phone uses it, or a
    // certificate is given.
    std::string tls_listen;
    std::string tls_certificate;
    std::string tls_key;
    // Operators' phones on ";transport=tls" URIs: their certificates are
    // checked against these CAs when given (else taken as they are: phones
    // are the center's own), and with phones_srtp their legs are SRTP.
    std::string phones_tls_ca;
    bool phones_srtp = false;
    std::string rtp_ip = "127.0.0.1";  // the address RTP is sent from and offered in SDP
    // Behind NAT: the address the provider reaches us at ("IP" or "IP:PORT",
    // the port of SIP; the listening port when left out). It is written into
    // our Contact (INVITE, answers, REGISTER) and SDP (c= and o=); we still
    // bind to `listen` and `rtp_ip`. Empty: those as they are.
    std::string public_address;
    // Send a call's RTP to where the far end's packets come from (the first
    // source heard), not only to its SDP's address: what NAT needs.
    bool symmetric_rtp = true;
    uint16_t rtp_min_port = 20000;
    uint16_t rtp_max_port = 40000;
    // The voice of prompts without letters; text in Cyrillic is read in
    // Russian, text in Latin letters in English, whatever this says.
    std::string language = "ru";
    std::string codec = "PCMA";  // preferred: PCMA or PCMU
    // Offer G.722 (wideband) first to operators' phones; their audio is
    // turned to and from the trunk's G.711 here.
    bool g722 = true;
    // A supervisor listening in (Monitor) is shown on the operator's desk;
    // false where the site's rules let supervisors listen unannounced
    // (whisper and barge are heard, so always shown). The campaign runner's.
    bool announce_monitoring = true;
    // Record both sides of answered calls here (one WAV per call, under a
    // folder per day); empty for no recording.
    std::string recordings_dir;
    int recordings_keep_days = 90;  // older recordings are deleted (0 = keep all)
    int max_calls = 4000;           // simultaneous calls; more are refused as failed
    // Operators' phones: agent name (the user's name) -> SIP URI, e.g.
    // "olga" -> "sip:olga@192.0.2.15:5060". An answered call bridged to an
    // agent rings that URI; callbase relays the RTP of the two legs.
    std::map<std::string, std::string> agents;
    // How long an operator's phone rings before the call is offered to
    // another operator and they are paused (kAgentMissed).
    int agent_ring_seconds = 20;
    // What a caller waiting for an operator hears (a WAV file, any rate;
    // "" for silence): Debian's asterisk-moh-opsound-wav by default.
    std::string music_on_hold = "/usr/share/asterisk/moh/macroform-cold_day.wav";
    // A message to a caller not answered (the black list's, "no operators")
    // plays before the answer, as early media (183 with SDP), and the call is
    // refused after it: the caller is not charged for it. Off: the call is
    // answered for the message, for providers that drop early media.
    bool early_media = true;
    // Where a PBX queues calls for operators: an answered call put through to
    // any agent is transferred there by REFER instead ("sip:queue@pbx").
    std::string transfer;
    // The center's numbers (DIDs, E.164) callers dial to reach the operators.
    // An INVITE from the trunk to one of them rings (180) and is offered to
    // the campaign (kIncoming); INVITEs to other numbers are refused 404.
    std::vector<std::string> dids;
    // For log lines (one line each, no newline); stderr when unset.
    std::function<void(const std::string&)> log;
};

struct SipCounters {
    int64_t invites = 0, answered = 0, failed = 0, active = 0, peak_active = 0;
    int64_t rtp_sent = 0, rtp_received = 0, keys = 0, recordings = 0;
    int64_t bridged = 0, relayed = 0;  // calls put through to operators, frames relayed
    int64_t transferred = 0;           // calls the far end took to the transfer URI
    int64_t moved = 0;                 // calls an operator passed on (Bridge again, Unbridge)
    int64_t monitors = 0;              // supervisors' phones that answered to listen in
    int64_t agent_missed = 0;          // operator legs that rang out or were refused
    int64_t incoming = 0;              // calls to our numbers taken (ringing here)
    int64_t early_media = 0;           // ... given early media (183 with SDP)
    int64_t early_listened = 0;        // our calls whose far end sent early media
    int64_t announced_invalid = 0;     // ... with special information tones: invalid
    int64_t srtp_calls = 0;            // legs whose voice was SRTP
    int64_t srtp_dropped = 0;          // SRTP packets that failed authentication or replay
    int64_t tls_refused = 0;           // TLS certificates refused (the call did not go out)
};

class SipTelephony final : public Telephony {
public:
    // `post` runs a function on the campaign's loop thread; `speech` renders
    // prompts (it must outlive this and be safe to call from the loop thread).
    SipTelephony(SipOptions options, media::SpeechSynth& speech,
                 std::function<void(std::function<void()>)> post);
    ~SipTelephony() override;
    SipTelephony(const SipTelephony&) = delete;
    SipTelephony& operator=(const SipTelephony&) = delete;

    // Starts the SIP thread and binds the listening address; an error says
    // what could not be set up.
    Result<void> Start();
    // Hangs up every call and stops the thread. No events follow.
    void Stop();

    void OnEvent(Handler handler) override;
    CallId Originate(const Dial& dial) override;
    void Bridge(CallId call, std::string_view agent) override;
    void Hold(CallId call, bool music) override;
    void Unbridge(CallId call) override;
    bool Monitor(CallId call, std::string_view supervisor, MonitorMode mode) override;
    bool Consult(CallId call, std::string_view agent) override;
    void EndConsult(CallId call, ConsultStep step) override;
    void Play(CallId call, std::string_view prompt) override;
    void Collect(CallId call, int max_digits, Millis timeout) override;
    void Answer(CallId call) override;
    bool EarlyMedia(CallId call) override;
    std::vector<TrunkStatus> Trunks() const override;
    void Hangup(CallId call) override;
    void Reject(CallId call, int status) override;

    SipCounters counters() const;
    // The address the SIP socket is bound to (after Start), "ip:port".
    std::string local_address() const;
    // The TLS transport's (after Start), "" when there is none.
    std::string tls_address() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The request-URI user part of an E.164 number in a trunk's format.
std::string DialString(const std::string& e164, NumberFormat format);
Result<NumberFormat> ParseNumberFormat(std::string_view text);
// The voice a prompt is read in: "ru" for Cyrillic text, "en" for Latin
// letters, `fallback` when it has neither.
std::string_view VoiceLanguage(std::string_view text, std::string_view fallback);

}  // namespace callbase::telephony::sip
