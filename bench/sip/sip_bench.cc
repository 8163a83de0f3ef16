// SIP load: a robot campaign driving SipTelephony against a trunk (SIPp
// playing bench/sip/uas.xml on loopback, RTP echoed back by its -rtp_echo).
// Calls are originated at --rate a second, --calls in all, at most
// --max-active in flight; each answered call hears one prompt (a fixed Russian
// sentence from espeak-ng through the prompt cache) and is held --hold seconds
// from the answer (prompt, then silence; RTP flows both ways all along), then
// hung up. Events reach the campaign's thread through `post`, as in a real
// campaign. The run stops by itself: when every call has ended, or at the
// global deadline (--deadline seconds; by default the dialing time plus the
// hold plus the ring timeout plus 5 s), which hangs up what is left and counts
// it as failed.
//
// Printed: attempts, answered, failed calls by kind and cause (a failed call is
// one that was not answered, was hung up by the far end before its time, or
// had not ended by the deadline), the attempts per second achieved, the peak of
// simultaneous answered calls, RTP packets sent and received (SipCounters) and
// their rate per second of answered call (over the run, and at the peak), the
// answer delay, wall time and the CPU time of this process (over the run and at
// the peak) and of its two threads (the campaign's, and the SIP thread that
// also carries all RTP). With --srtp the trunk's calls are SRTP (SDES):
// every packet is encrypted out and authenticated and decrypted in (the
// far end, bench/sip/uas-srtp.xml, answers with our own key, so SIPp's echo
// is heard as its SRTP). --json prints one JSON object instead
// (bench/sip/run.sh reads it). Exit status: 0 when under 1 % of the calls
// failed, 1 otherwise, 2 when the SIP side could not start.
//
// Usage: bench_sip --trunk 127.0.0.1:5090 [--rate 100] [--calls 1000]
//                  [--hold 1] [--max-active CALLS] [--deadline S] [--json]
//                  [--listen 127.0.0.1:0] [--ring-timeout 8000] [--cache DIR] [--srtp]
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "telephony/media/speech.h"
#include "telephony/sip/sip_telephony.h"

using namespace callbase::telephony;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kPrompt =
    "Здравствуйте! С вами говорит робот поликлиники. Напоминаем, что вы записаны к врачу "
    "на завтра, на десять часов утра. Всего доброго.";
constexpr double kFramesPerSecond = 50;  // RTP packets a second each way, 20 ms frames
constexpr double kFailedGoal = 0.01;

struct Options {
    std::string trunk;
    std::string listen = "127.0.0.1:0";
    std::string cache = "/tmp/callbase-sip-bench-speech";
    double rate = 100;   // attempts a second
    int calls = 1000;    // attempts in all
    double hold = 1;     // seconds from the answer to our hang-up
    int max_active = 0;  // calls in flight at most (0: no cap)
    double deadline = 0;
    Millis ring_timeout = 8'000;  // the UAS answers at once: later is a failure
    bool json = false;
    bool srtp = false;
};

void Usage() {
    fmt::print(stderr,
               "usage: bench_sip --trunk IP:PORT [--rate N] [--calls N] [--hold S] "
               "[--max-active N] [--deadline S] [--json] [--listen IP:PORT] "
               "[--ring-timeout MS] [--cache DIR] [--srtp]\n");
}

bool Parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--json") {
            o.json = true;
            continue;
        }
        if (arg == "--srtp") {
            o.srtp = true;
            continue;
        }
        if (i + 1 >= argc) return false;
        const char* value = argv[++i];
        if (arg == "--trunk") {
            o.trunk = value;
        } else if (arg == "--listen") {
            o.listen = value;
        } else if (arg == "--cache") {
            o.cache = value;
        } else if (arg == "--rate") {
            o.rate = std::atof(value);
        } else if (arg == "--calls") {
            o.calls = std::atoi(value);
        } else if (arg == "--hold") {
            o.hold = std::atof(value);
        } else if (arg == "--max-active") {
            o.max_active = std::atoi(value);
        } else if (arg == "--deadline") {
            o.deadline = std::atof(value);
        } else if (arg == "--ring-timeout") {
            o.ring_timeout = std::atoll(value);
        } else {
            return false;
        }
    }
    return !o.trunk.empty() && o.rate > 0 && o.calls > 0 && o.hold >= 0;
}

// The campaign's thread: SipTelephony posts its events here.
class Queue {
public:
    void Post(std::function<void()> fn) {
        std::lock_guard lock(mutex_);
        work_.push_back(std::move(fn));
        wake_.notify_one();
    }
    // Runs posted work until `until`, or until the queue has been drained
    // once `until` is past.
    void RunUntil(Clock::time_point until) {
        std::deque<std::function<void()>> batch;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                if (!wake_.wait_until(lock, until, [&] { return !work_.empty(); })) return;
                batch.swap(work_);
            }
            for (auto& fn : batch)
                fn();
            batch.clear();
            if (Clock::now() >= until) return;
        }
    }

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> work_;
};

// CPU time of the process (RUSAGE_SELF) or of the calling thread (RUSAGE_THREAD).
double CpuSeconds(int who) {
    rusage usage{};
    getrusage(who, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double Since(Clock::time_point start, Clock::time_point at) {
    return std::chrono::duration<double>(at - start).count();
}

double Percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto at = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(at, values.size() - 1)];
}

struct Sample {
    double at = 0;  // seconds from the start
    int answered_up = 0;
    int64_t rtp_sent = 0, rtp_received = 0;
    double cpu = 0;  // of the process so far
};

struct CallState {
    Clock::time_point dialed, answered_at;
    bool answered = false;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!Parse(argc, argv, options)) {
        Usage();
        return 2;
    }
    const int max_active = options.max_active > 0 ? options.max_active : options.calls;

    // The prompt is rendered (or found in the cache) before the clock starts.
    media::EspeakSynth espeak;
    media::CachedSynth speech(espeak, options.cache);
    auto rendered = speech.Render(kPrompt, "ru");
    if (!rendered) {
        fmt::print(stderr, "bench_sip: the prompt could not be rendered: {}\n",
                   rendered.error().message);
        return 2;
    }
    const double prompt_seconds = rendered->Seconds();

    Queue queue;
    sip::SipOptions sip_options;
    sip_options.trunk.host = options.trunk;
    sip_options.trunk.srtp = options.srtp;
    sip_options.listen = options.listen;
    sip_options.max_calls = std::max(sip_options.max_calls, max_active + 100);
    std::vector<std::string> log_lines;
    std::mutex log_mutex;
    sip_options.log = [&](const std::string& line) {
        std::lock_guard lock(log_mutex);
        if (log_lines.size() < 20) log_lines.push_back(line);
    };
    sip::SipTelephony sip(sip_options, speech, [&](auto fn) { queue.Post(std::move(fn)); });
    if (auto started = sip.Start(); !started) {
        fmt::print(stderr, "bench_sip: {}\n", started.error().message);
        return 2;
    }

    // The campaign's state, on this thread only.
    std::unordered_map<CallId, CallState> calls;
    using Due = std::pair<Clock::time_point, CallId>;
    std::priority_queue<Due, std::vector<Due>, std::greater<>> hangups;
    std::map<std::string, int> failed;  // by kind(cause)
    int attempts = 0, ringing = 0, answered = 0, completed = 0, prompts_done = 0;
    int answered_up = 0, peak_answered_up = 0;
    double answered_seconds = 0;  // the time answered calls were up, summed
    std::vector<double> answer_ms;
    const auto hold =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.hold));

    sip.OnEvent([&](const Event& e) {
        auto it = calls.find(e.call);
        if (it == calls.end()) return;  // ended on our side already
        CallState& call = it->second;
        switch (e.kind) {
            case EventKind::kRinging:
                ++ringing;
                break;
            case EventKind::kAnswered: {
                const auto now = Clock::now();
                call.answered = true;
                call.answered_at = now;
                ++answered;
                peak_answered_up = std::max(peak_answered_up, ++answered_up);
                answer_ms.push_back(Since(call.dialed, now) * 1000);
                sip.Play(e.call, kPrompt);
                hangups.emplace(now + hold, e.call);
                break;
            }
            case EventKind::kPromptDone:
                ++prompts_done;
                break;
            case EventKind::kDigits:
                break;
            case EventKind::kHungUp:  // the far end hung up before our time
                ++failed["hung_up_early"];
                answered_seconds += Since(call.answered_at, Clock::now());
                --answered_up;
                calls.erase(it);
                break;
            default:  // a final failure of an unanswered call
                ++failed[fmt::format("{}({})", EventKindId(e.kind), e.cause)];
                calls.erase(it);
                break;
        }
    });

    const double cpu_start = CpuSeconds(RUSAGE_SELF);
    const double main_cpu_start = CpuSeconds(RUSAGE_THREAD);
    const auto start = Clock::now();
    const double deadline_s = options.deadline > 0
                                  ? options.deadline
                                  : options.calls / options.rate + options.hold +
                                        static_cast<double>(options.ring_timeout) / 1000 + 5;
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(deadline_s));
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1 / options.rate));
    auto next_dial = start;
    auto next_sample = start;
    auto last_dial = start;
    std::vector<Sample> samples;
    bool timed_out = false;

    for (;;) {
        auto now = Clock::now();
        // Hang up the calls whose time is up.
        while (!hangups.empty() && hangups.top().first <= now) {
            const CallId id = hangups.top().second;
            hangups.pop();
            auto it = calls.find(id);
            if (it == calls.end()) continue;  // the far end hung up first
            answered_seconds += Since(it->second.answered_at, now);
            calls.erase(it);
            sip.Hangup(id);
            --answered_up;
            ++completed;
        }
        // Dial what is due, within the cap on calls in flight; stalled at the
        // cap, dialing goes on at the rate from the moment a call ends
        // instead of catching up in a burst.
        bool capped = false;
        while (attempts < options.calls && next_dial <= now) {
            if (static_cast<int>(calls.size()) >= max_active) {
                next_dial = now;
                capped = true;  // until an event or a hang-up frees a place
                break;
            }
            const std::string number = fmt::format("+7916{:07}", attempts);
            const CallId id = sip.Originate(Dial{.caller_id = "+74950000001",
                                                 .number = number,
                                                 .ring_timeout = options.ring_timeout});
            calls[id] = CallState{.dialed = now};
            ++attempts;
            last_dial = now;
            next_dial += interval;
        }
        if (now >= next_sample) {
            const sip::SipCounters c = sip.counters();
            samples.push_back(Sample{.at = Since(start, now),
                                     .answered_up = answered_up,
                                     .rtp_sent = c.rtp_sent,
                                     .rtp_received = c.rtp_received,
                                     .cpu = CpuSeconds(RUSAGE_SELF)});
            next_sample += std::chrono::seconds(1);
        }
        if (attempts == options.calls && calls.empty()) break;
        if (now >= deadline) {
            timed_out = true;
            break;
        }
        auto wake = std::min({next_sample, deadline});
        if (attempts < options.calls && !capped) wake = std::min(wake, next_dial);
        if (!hangups.empty()) wake = std::min(wake, hangups.top().first);
        queue.RunUntil(wake);
    }

    // At the deadline: whatever is still up or still ringing failed.
    const auto end = Clock::now();
    for (const auto& [id, call] : calls) {
        ++failed[call.answered ? "unfinished(answered)" : "unfinished(unanswered)"];
        if (call.answered) answered_seconds += Since(call.answered_at, end);
        sip.Hangup(id);
    }
    const double wall = Since(start, end);
    const sip::SipCounters counters = sip.counters();
    sip.Stop();
    // Two threads: this one (the campaign's) and the SIP thread.
    const double cpu = CpuSeconds(RUSAGE_SELF) - cpu_start;
    const double main_cpu = CpuSeconds(RUSAGE_THREAD) - main_cpu_start;

    // RTP at the peak: the one-second windows whose both ends had at least
    // 95 % of the peak of answered calls up.
    double peak_sent = 0, peak_received = 0, peak_calls = 0, peak_cpu = 0, peak_seconds = 0;
    int peak_windows = 0;
    for (size_t i = 1; i < samples.size(); ++i) {
        const Sample& a = samples[i - 1];
        const Sample& b = samples[i];
        if (std::min(a.answered_up, b.answered_up) < 0.95 * peak_answered_up) continue;
        const double dt = b.at - a.at;
        peak_sent += static_cast<double>(b.rtp_sent - a.rtp_sent) / dt;
        peak_received += static_cast<double>(b.rtp_received - a.rtp_received) / dt;
        peak_calls += (a.answered_up + b.answered_up) / 2.0;
        peak_cpu += b.cpu - a.cpu;
        peak_seconds += dt;
        ++peak_windows;
    }
    const double sent_per_call = peak_calls > 0 ? peak_sent / peak_calls : 0;
    const double received_per_call = peak_calls > 0 ? peak_received / peak_calls : 0;
    const double cpu_share_at_peak = peak_seconds > 0 ? peak_cpu / peak_seconds : 0;

    int failed_total = 0;
    std::string failed_json, failed_text;
    for (const auto& [kind, n] : failed) {
        failed_total += n;
        failed_json += fmt::format("{}\"{}\":{}", failed_json.empty() ? "" : ",", kind, n);
        failed_text += fmt::format("{}{} {}", failed_text.empty() ? "" : ", ", n, kind);
    }
    const double failed_share = attempts > 0 ? static_cast<double>(failed_total) / attempts : 1;
    const double dial_span =
        attempts > 1 ? Since(start, last_dial) + 1 / options.rate : 1 / options.rate;
    const double attempts_per_s = attempts / dial_span;
    const double p50 = Percentile(answer_ms, 0.5), p99 = Percentile(answer_ms, 0.99);
    const double max_ms =
        answer_ms.empty() ? 0 : *std::max_element(answer_ms.begin(), answer_ms.end());
    // RTP over the whole run, per second of answered call.
    const double sent_per_call_s =
        answered_seconds > 0 ? static_cast<double>(counters.rtp_sent) / answered_seconds : 0;
    const double received_per_call_s =
        answered_seconds > 0 ? static_cast<double>(counters.rtp_received) / answered_seconds : 0;
    const double rtp_ratio =
        counters.rtp_sent > 0 ? static_cast<double>(counters.rtp_received) / counters.rtp_sent : 0;

    if (options.json) {
        fmt::print(
            "{{\"rate\":{},\"calls\":{},\"hold\":{},\"max_active\":{},\"prompt_seconds\":{:.2f},"
            "\"sip_address\":\"{}\",\"attempts\":{},\"ringing\":{},\"answered\":{},"
            "\"completed\":{},\"prompts_done\":{},\"failed\":{},\"failed_share\":{:.5f},"
            "\"failed_by\":{{{}}},\"attempts_per_s\":{:.2f},\"peak_answered\":{},"
            "\"peak_windows\":{},\"answered_call_s\":{:.1f},\"rtp_sent\":{},\"rtp_received\":{},"
            "\"rtp_received_ratio\":{:.4f},\"rtp_sent_per_call_s\":{:.2f},"
            "\"rtp_received_per_call_s\":{:.2f},\"rtp_sent_per_call_s_at_peak\":{:.2f},"
            "\"rtp_received_per_call_s_at_peak\":{:.2f},\"sip_invites\":{},"
            "\"sip_answered\":{},\"sip_failed\":{},\"sip_peak_active\":{},"
            "\"answer_ms_p50\":{:.1f},\"answer_ms_p99\":{:.1f},\"answer_ms_max\":{:.1f},"
            "\"wall_s\":{:.2f},\"cpu_s\":{:.2f},\"cpu_share\":{:.3f},\"cpu_sip_thread_s\":{:.2f},"
            "\"cpu_campaign_thread_s\":{:.2f},\"cpu_share_at_peak\":{:.3f},\"timed_out\":{},"
            "\"srtp\":{},\"srtp_calls\":{},\"srtp_dropped\":{}}}\n",
            options.rate, options.calls, options.hold, max_active, prompt_seconds,
            sip.local_address(), attempts, ringing, answered, completed, prompts_done, failed_total,
            failed_share, failed_json, attempts_per_s, peak_answered_up, peak_windows,
            answered_seconds, counters.rtp_sent, counters.rtp_received, rtp_ratio, sent_per_call_s,
            received_per_call_s, sent_per_call, received_per_call, counters.invites,
            counters.answered, counters.failed, counters.peak_active, p50, p99, max_ms, wall, cpu,
            cpu / wall, cpu - main_cpu, main_cpu, cpu_share_at_peak, timed_out, options.srtp,
            counters.srtp_calls, counters.srtp_dropped);
    } else {
        fmt::print(
            "sip: {} attempts at {} a second to {} from {} (hold {} s, prompt {:.1f} s, at most "
            "{} in flight)\n",
            attempts, options.rate, options.trunk, sip.local_address(), options.hold,
            prompt_seconds, max_active);
        fmt::print("  answered {} (ringing first {}), held to the end {}, prompts finished {}\n",
                   answered, ringing, completed, prompts_done);
        fmt::print("  failed {} ({:.2f} %){}{}{}\n", failed_total, failed_share * 100,
                   failed_text.empty() ? "" : ": ", failed_text, timed_out ? " (deadline)" : "");
        fmt::print(
            "  attempts per second achieved {:.1f}; answer delay p50 {:.1f} ms, p99 {:.1f} ms, "
            "max {:.1f} ms\n",
            attempts_per_s, p50, p99, max_ms);
        fmt::print("  peak simultaneous answered calls {} (SIP calls in flight {})\n",
                   peak_answered_up, counters.peak_active);
        fmt::print(
            "  RTP sent {}, received {} ({:.2f} %); per answered call and second: sent {:.1f}, "
            "received {:.1f} over the run, {:.1f} and {:.1f} at the peak (expected {:.0f})\n",
            counters.rtp_sent, counters.rtp_received, rtp_ratio * 100, sent_per_call_s,
            received_per_call_s, sent_per_call, received_per_call, kFramesPerSecond);
        fmt::print(
            "  wall {:.2f} s, CPU {:.2f} s ({:.0f} % of one core; {:.0f} % at the peak): SIP "
            "thread {:.2f} s, campaign thread {:.2f} s\n",
            wall, cpu, cpu / wall * 100, cpu_share_at_peak * 100, cpu - main_cpu, main_cpu);
        if (options.srtp)
            fmt::print("  SRTP calls {}, packets that failed authentication {}\n",
                       counters.srtp_calls, counters.srtp_dropped);
    }
    for (const auto& line : log_lines)
        fmt::print(stderr, "{}\n", line);
    return failed_share < kFailedGoal ? 0 : 1;
}
