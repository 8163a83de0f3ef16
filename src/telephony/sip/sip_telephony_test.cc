// SipTelephony against SIPp (Debian's sip-tester) playing the trunk and the
// callee on loopback: the scenarios are tests/sip/*.xml. Each test runs one
// SIPp process for one call and checks both sides: the events callbase's
// campaign would hear, and SIPp's own verdict on the SIP it received (its
// exit status is 0 only when every message it expected came in order and
// every check_it regexp matched).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "telephony/media/dtmf.h"
#include "telephony/media/g711.h"
#include "telephony/media/g722.h"
#include "telephony/media/sit.h"
#include "telephony/media/wav.h"
#include "telephony/sip/registration.h"
#include "telephony/sip/sip_config.h"
#include "telephony/sip/sip_telephony.h"
#include "telephony/sip/srtp.h"
#include "telephony/sip/tls.h"

extern char** environ;

namespace callbase::telephony::sip {
namespace {

// One side of a call's recording: 0 the far end (left), 1 ours (right).
std::vector<int16_t> Side(const media::Audio& wav, size_t channel) {
    std::vector<int16_t> out;
    for (size_t i = channel; i < wav.samples.size(); i += 2)
        out.push_back(wav.samples[i]);
    return out;
}

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A sine of `hz` at 8 kHz: a voice the tests can tell from another.
std::vector<int16_t> Tone(double hz, double seconds, double amplitude = 8000) {
    std::vector<int16_t> pcm(static_cast<size_t>(8000 * seconds));
    for (size_t i = 0; i < pcm.size(); ++i)
        pcm[i] = static_cast<int16_t>(amplitude *
                                      std::sin(2 * M_PI * hz * static_cast<double>(i) / 8000));
    return pcm;
}

int FreeUdpPort() {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

std::string ReadText(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string Fill(std::string text, const std::map<std::string, std::string>& values) {
    for (const auto& [key, value] : values) {
        for (size_t at; (at = text.find(key)) != std::string::npos;)
            text.replace(at, key.size(), value);
    }
    return text;
}

// SIPp's media port: it and the three above it (RTCP, video) must be free;
// above callbase's RTP range (20000-40000).
int FreeMediaPort() {
    static std::mt19937 rng(static_cast<unsigned>(getpid()));
    for (int tries = 0; tries < 200; ++tries) {
        const int base = 41'000 + static_cast<int>(rng() % 4'000) * 4;
        bool free = true;
        std::vector<int> fds;
        for (int port = base; port < base + 4 && free; ++port) {
            int fd = socket(AF_INET, SOCK_DGRAM, 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(static_cast<uint16_t>(port));
            free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
            fds.push_back(fd);
        }
        for (int fd : fds)
            close(fd);
        if (free) return base;
    }
    return 41'000;
}

// One SIPp process playing a scenario of tests/sip for one call.
class Sipp {
public:
    // `remote`: SIPp calls there (a UAC scenario); empty, it waits for calls.
    Sipp(const fs::path& dir, const std::string& scenario,
         const std::map<std::string, std::string>& values, const std::string& remote = "",
         const std::vector<std::string>& extra = {})
        : port_(FreeUdpPort()) {
        fs::path xml = dir / ("scenario-" + std::to_string(port_) + ".xml");
        std::ofstream(xml) << Fill(ReadText(fs::path(CALLBASE_SOURCE_DIR) / "tests/sip" / scenario),
                                   values);
        log_ = (dir / ("sipp-" + std::to_string(port_) + ".log")).string();
        std::vector<std::string> args = {"sipp",
                                         "-sf",
                                         xml.string(),
                                         "-i",
                                         "127.0.0.1",
                                         "-p",
                                         std::to_string(port_),
                                         "-mi",
                                         "127.0.0.1",
                                         "-mp",
                                         std::to_string(FreeMediaPort()),
                                         "-m",
                                         "1",
                                         "-timeout",
                                         "30s",
                                         "-nostdin",
                                         "-trace_err",
                                         "-error_file",
                                         log_};
        args.insert(args.end(), extra.begin(), extra.end());
        if (!remote.empty()) args.push_back(remote);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        int err = posix_spawnp(&pid_, "sipp", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (err != 0) pid_ = -1;
        std::this_thread::sleep_for(300ms);  // until it listens
    }
    ~Sipp() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    bool started() const { return pid_ > 0; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    // SIPp's exit status (0: the call went as the scenario says), -1 while it
    // still runs at `limit` (0s: asks once, without waiting).
    int Wait(std::chrono::seconds limit = 20s) {
        auto until = std::chrono::steady_clock::now() + limit;
        for (;;) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            if (std::chrono::steady_clock::now() >= until) return -1;
            std::this_thread::sleep_for(20ms);
        }
    }
    std::string errors() const { return ReadText(log_); }

private:
    int port_;
    pid_t pid_ = -1;
    std::string log_;
};

// The campaign's thread: events are posted here and run by the test.
class Queue {
public:
    void Post(std::function<void()> fn) {
        std::lock_guard lock(mutex_);
        work_.push_back(std::move(fn));
        wake_.notify_all();
    }
    // Runs posted work until `done` holds or `limit` passes.
    bool RunUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
        auto until = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            std::unique_lock lock(mutex_);
            if (!wake_.wait_until(lock, until, [&] { return !work_.empty(); })) return done();
            auto fn = std::move(work_.front());
            work_.pop_front();
            lock.unlock();
            fn();
        }
        return true;
    }

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> work_;
};

// A pcap of RTP (PCMA, payload type 8; or G.722, 9) carrying `pcm`, for
// SIPp's play_pcap_audio.
void WriteCapture(const fs::path& path, std::vector<int16_t> pcm, int pt = 8) {
    pcm.resize((pcm.size() / 160 + 1) * 160, 0);
    std::vector<uint8_t> alaw =
        pt == media::kG722PayloadType ? media::G722Codec().Encode(pcm) : media::EncodeAlaw(pcm);
    std::ofstream out(path, std::ios::binary);
    auto put = [&](uint64_t v, int bytes, bool big) {
        for (int i = 0; i < bytes; ++i) {
            int shift = big ? 8 * (bytes - 1 - i) : 8 * i;
            out.put(static_cast<char>((v >> shift) & 0xff));
        }
    };
    put(0xa1b2c3d4, 4, false);
    put(2, 2, false);
    put(4, 2, false);
    put(0, 4, false);
    put(0, 4, false);
    put(65535, 4, false);
    put(1, 4, false);  // Ethernet
    const size_t frames = alaw.size() / 160;
    for (size_t i = 0; i < frames; ++i) {
        const int rtp = 12 + 160, udp = 8 + rtp, ip = 20 + udp, frame = 14 + ip;
        put(1'000 + i / 50, 4, false);
        put((i % 50) * 20'000, 4, false);
        put(frame, 4, false);
        put(frame, 4, false);
        for (int b = 0; b < 12; ++b)
            out.put(0);
        put(0x0800, 2, true);
        put(0x45, 1, true);
        put(0, 1, true);
        put(ip, 2, true);
        put(i, 2, true);
        put(0, 2, true);
        put(64, 1, true);
        put(17, 1, true);
        put(0, 2, true);
        put(0x7f000001, 4, true);
        put(0x7f000001, 4, true);
        put(4000, 2, true);
        put(4000, 2, true);
        put(udp, 2, true);
        put(0, 2, true);
        put(0x80, 1, true);
        put((i == 0 ? 0x80 : 0) | pt, 1, true);
        put(i, 2, true);
        put(i * 160, 4, true);
        put(0x1234, 4, true);
        out.write(reinterpret_cast<const char*>(alaw.data() + i * 160), 160);
    }
}

// The same carrying in-band DTMF tones, after 200 ms of silence.
void WriteToneCapture(const fs::path& path, const std::string& keys) {
    std::vector<int16_t> pcm(1600, 0);
    for (char key : keys) {
        auto tone = media::ToneFor(key, 200, 200);
        pcm.insert(pcm.end(), tone.begin(), tone.end());
    }
    WriteCapture(path, std::move(pcm));
}

// The caller scenario (tests/sip/caller.xml) with what follows its INVITE:
// "answered", "refused" or "cancel" (tests/sip/caller-*.part).
std::map<std::string, std::string> Caller(const std::string& then, const std::string& dialed,
                                          std::map<std::string, std::string> values = {}) {
    values["@DIALED@"] = dialed;
    values["@CALLER@"] = "79161234567";
    // The part's own keys are filled in first.
    values["@THEN@"] =
        Fill(ReadText(fs::path(CALLBASE_SOURCE_DIR) / "tests/sip" / ("caller-" + then + ".part")),
             values);
    return values;
}

// A tone of `hz` for 8 s in a file of the test's folder: a WAV, or for SIPp
// an RTP capture of PCMA (a name ending in .pcap).
std::string ToneFile(const fs::path& dir, double hz, const std::string& name) {
    const std::vector<int16_t> pcm = Tone(hz, 8, 6000);
    const fs::path path = dir / name;
    if (name.ends_with(".pcap")) {
        WriteCapture(path, pcm, 8);
    } else {
        EXPECT_TRUE(media::WriteWav(path.string(), media::Audio{.samples = pcm}));
    }
    return path.string();
}

// Operators' and supervisors' phones: a second SipTelephony answers the
// numbers it is given, plays each its tone (a WAV) and records what it heard.
class Phones {
public:
    Phones(media::SpeechSynth& speech, const fs::path& dir,
           std::map<std::string, std::string> tones)
        : tones_(std::move(tones)) {
        SipOptions o;
        o.listen = "127.0.0.1:0";
        o.trunk.host = "127.0.0.1:9";
        o.trunk.number_format = NumberFormat::kDigits;
        for (const auto& [did, tone] : tones_)
            o.dids.push_back(did);
        o.recordings_dir = dir.string();
        sip_ = std::make_unique<SipTelephony>(o, speech, [](std::function<void()> fn) { fn(); });
        sip_->OnEvent([this](const Event& e) {
            std::lock_guard lock(mutex_);
            if (e.kind == EventKind::kIncoming) {
                calls_[e.call].did = e.to;
                sip_->Answer(e.call);
            } else if (e.kind == EventKind::kAnswered) {
                calls_[e.call].recording = e.recording;
                sip_->Play(e.call, "[" + tones_.at(calls_[e.call].did) + "]");
            }
        });
        started_ = static_cast<bool>(sip_->Start());
    }
    bool started() const { return started_; }
    // The URI that rings the phone of `did`.
    std::string Uri(const std::string& did) const {
        return "sip:" + did.substr(1) + "@" + sip_->local_address();
    }
    // What the phone of `did` heard on its last call (its recording's far end).
    std::vector<int16_t> Heard(const std::string& did) {
        std::lock_guard lock(mutex_);
        std::vector<int16_t> out;
        for (const auto& [id, p] : calls_) {
            if (p.did != did || p.recording.empty()) continue;
            auto wav = media::ReadWav(p.recording);
            if (wav) out = Side(*wav, 0);
        }
        return out;
    }
    void Clear() {
        std::lock_guard lock(mutex_);
        calls_.clear();
    }

private:
    struct Call {
        std::string did, recording;
    };
    std::map<std::string, std::string> tones_;
    std::unique_ptr<SipTelephony> sip_;
    bool started_ = false;
    std::mutex mutex_;
    std::map<CallId, Call> calls_;
};

class SipTelephonyTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("callbase-sip-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        cached_ = std::make_unique<media::CachedSynth>(espeak_, (dir_ / "speech").string());
    }
    void TearDown() override {
        telephony_.reset();
        if (!HasFailure()) fs::remove_all(dir_);
    }

    SipTelephony& Connect(const std::string& trunk, SipOptions options = {}) {
        options.trunk.host = trunk;
        options.listen = "127.0.0.1:0";
        options.recordings_dir = (dir_ / "recordings").string();
        options.log = [this](const std::string& line) {
            std::lock_guard lock(log_mutex_);
            log_ += line + "\n";
        };
        telephony_ = std::make_unique<SipTelephony>(
            options, *cached_, [this](auto fn) { queue_.Post(std::move(fn)); });
        auto started = telephony_->Start();
        EXPECT_TRUE(started) << started.error().message;
        telephony_->OnEvent([this](const Event& e) { events_.push_back(e); });
        return *telephony_;
    }

    const Event* Seen(EventKind kind) const {
        for (const auto& e : events_)
            if (e.kind == kind) return &e;
        return nullptr;
    }
    bool WaitFor(EventKind kind, std::chrono::milliseconds limit = 10s) {
        return queue_.RunUntil([&] { return Seen(kind) != nullptr; }, limit);
    }
    std::string Kinds() const {
        std::string out;
        for (const auto& e : events_)
            out += std::string(EventKindId(e.kind)) +
                   (e.cause ? "(" + std::to_string(e.cause) + ")" : "") + " ";
        return out;
    }
    std::string Log() {
        std::lock_guard lock(log_mutex_);
        return log_;
    }

    // One call to a trunk that ends it with a final response.
    const Event* CallEndedWith(const std::string& status) {
        Sipp sipp(dir_, "final.xml", {{"@STATUS@", status}});
        EXPECT_TRUE(sipp.started());
        SipTelephony& sip = Connect(sipp.address());
        events_.clear();
        sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
        queue_.RunUntil([&] { return !events_.empty() && IsFinalFailure(events_.back().kind); },
                        10s);
        EXPECT_EQ(sipp.Wait(), 0) << status << ": " << sipp.errors();
        telephony_.reset();
        return events_.empty() ? nullptr : &events_.back();
    }

    // A call to `callee` answered and put through to operator olga's phone
    // `agent` until the callee hangs up, both SIPps' verdicts checked; the
    // call's recording, and the counters at the end.
    std::string PutThrough(Sipp& callee, Sipp& agent, SipCounters* counters = nullptr) {
        SipOptions options;
        options.agents["olga"] = "sip:olga@" + agent.address();
        SipTelephony& sip = Connect(callee.address(), options);
        const CallId id =
            sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
        if (!WaitFor(EventKind::kAnswered)) {
            ADD_FAILURE() << "not answered: " << Kinds() << Log();
            return {};
        }
        const std::string recording = Seen(EventKind::kAnswered)->recording;
        sip.Bridge(id, "olga");
        EXPECT_TRUE(WaitFor(EventKind::kHungUp, 15s)) << Kinds() << Log();
        EXPECT_EQ(callee.Wait(), 0) << "the callee's BYE was answered: " << callee.errors();
        EXPECT_EQ(agent.Wait(), 0)
            << "the operator's phone took our offer, then our BYE: " << agent.errors();
        if (counters != nullptr) *counters = sip.counters();
        telephony_.reset();
        return recording;
    }

    // SIPp answering as the callee, saying `tone` (a capture) and hanging up
    // `after_ms` after its answer.
    Sipp TalkingCallee(const std::string& tone, int after_ms) {
        return Sipp(
            dir_, "answer-hangup.xml",
            {{"@AFTER@", std::to_string(after_ms)},
             {"@PAYLOADS@", "8 101"},
             {"@TALK@", "<nop><action><exec play_pcap_audio=\"" + tone + "\"/></action></nop>"}});
    }

    // A call to `callee` answered and put through to olga's phone (the
    // options name the phones): its id and recording; 0 when not answered.
    std::pair<CallId, std::string> AtOlgas(Sipp& callee, const SipOptions& options) {
        events_.clear();
        SipTelephony& sip = Connect(callee.address(), options);
        const CallId id =
            sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
        if (!WaitFor(EventKind::kAnswered)) {
            ADD_FAILURE() << "not answered: " << Kinds() << Log();
            return {0, ""};
        }
        const std::string recording = Seen(EventKind::kAnswered)->recording;
        sip.Bridge(id, "olga");
        queue_.RunUntil([] { return false; }, 800ms);
        return {id, recording};
    }

    fs::path dir_;
    media::EspeakSynth espeak_;
    std::unique_ptr<media::CachedSynth> cached_;
    Queue queue_;
    std::unique_ptr<SipTelephony> telephony_;
    std::vector<Event> events_;
    std::mutex log_mutex_;
    std::string log_;
};

// Issue 20, item 5: the network's announcement in a 183 is listened to and
// kept; special information tones before it make the call an invalid number
// whatever the final response; other early audio leaves the outcome alone.
TEST_F(SipTelephonyTest, TheNetworksEarlyAnnouncementIsKeptAndItsToneMakesTheNumberInvalid) {
    // The tones, then a voice-like buzz for the announcement.
    std::vector<int16_t> announcement(1600, 0);
    const std::vector<int16_t> sit = media::SitTone();
    announcement.insert(announcement.end(), sit.begin(), sit.end());
    for (int i = 0; i < 8000; ++i) {
        double v = 0;
        for (int h = 1; h < 12; ++h)
            v += std::sin(2 * M_PI * 140 * h * i / 8000.0) / h;
        announcement.push_back(static_cast<int16_t>(3000 * v));
    }
    WriteCapture(dir_ / "announcement.pcap", announcement);
    WriteCapture(dir_ / "ringback.pcap", std::vector<int16_t>(8000 * 2, 0));
    struct Case {
        std::string pcap, status;
        EventKind kind;
    };
    for (const Case& c :
         {Case{"announcement.pcap", "480 Temporarily Unavailable", EventKind::kInvalid},
          Case{"ringback.pcap", "480 Temporarily Unavailable", EventKind::kNoAnswer},
          Case{"announcement.pcap", "486 Busy Here", EventKind::kBusy}}) {
        Sipp sipp(
            dir_, "early-announce.xml",
            {{"@PCAP@", (dir_ / c.pcap).string()}, {"@LISTEN@", "2500"}, {"@STATUS@", c.status}});
        SipTelephony& sip = Connect(sipp.address());
        events_.clear();
        sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
        queue_.RunUntil([&] { return !events_.empty() && IsFinalFailure(events_.back().kind); },
                        10s);
        ASSERT_FALSE(events_.empty()) << c.pcap;
        const Event& end = events_.back();
        EXPECT_EQ(end.kind, c.kind) << c.pcap << " then " << c.status << ": " << Kinds() << Log();
        EXPECT_EQ(end.cause, std::stoi(c.status)) << "the final response stays the cause";
        EXPECT_EQ(sipp.Wait(), 0) << sipp.errors();
        ASSERT_FALSE(end.recording.empty()) << "what the network said is kept";
        auto wav = media::ReadWav(end.recording);
        ASSERT_TRUE(wav) << wav.error().message;
        EXPECT_EQ(wav->channels, 1);
        EXPECT_GT(wav->Seconds(), 1.5) << "the early media as it came";
        EXPECT_EQ(sip.counters().early_listened, 1);
        EXPECT_EQ(sip.counters().announced_invalid, c.kind == EventKind::kInvalid ? 1 : 0);
        const bool said = Log().find(
                              "sip: the network announced that +79161234567 cannot be "
                              "reached") != std::string::npos;
        EXPECT_EQ(said, c.kind == EventKind::kInvalid) << Log();
        telephony_.reset();
        std::lock_guard lock(log_mutex_);
        log_.clear();
    }
}

TEST_F(SipTelephonyTest, ARobotCallPlaysItsPromptHearsKeyOneAndIsRecordedBothWays) {
    Sipp sipp(dir_, "answer-keys.xml",
              {{"@PAYLOADS@", "8 101"}, {"@PCAP@", "/usr/share/sip-tester/dtmf_2833_1.pcap"}});
    ASSERT_TRUE(sipp.started());
    SipTelephony& sip = Connect(sipp.address());
    const CallId id = sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});

    ASSERT_TRUE(WaitFor(EventKind::kAnswered)) << Kinds() << Log();
    EXPECT_TRUE(Seen(EventKind::kRinging)) << "180 Ringing came first";
    const std::string recording = Seen(EventKind::kAnswered)->recording;
    EXPECT_NE(recording.find(".wav"), std::string::npos);

    sip.Play(id, "Здравствуйте! С вами говорит робот. Чтобы подтвердить запись, нажмите 1.");
    ASSERT_TRUE(WaitFor(EventKind::kPromptDone, 20s)) << Kinds();
    sip.Collect(id, 1, 5'000);
    ASSERT_TRUE(WaitFor(EventKind::kDigits)) << Kinds();
    EXPECT_EQ(Seen(EventKind::kDigits)->digits, "1") << "the key SIPp sent as RFC 4733 events";
    sip.Hangup(id);
    EXPECT_EQ(sipp.Wait(), 0) << "SIPp got our BYE: " << sipp.errors();
    EXPECT_FALSE(Seen(EventKind::kHungUp)) << "no event follows our own hang-up";

    SipCounters counters = sip.counters();
    EXPECT_EQ(counters.answered, 1);
    EXPECT_GT(counters.rtp_sent, 100) << "the prompt went out as RTP (over 2 s of it)";
    EXPECT_GE(counters.keys, 1);
    telephony_.reset();  // the recording is written as the call ends

    auto wav = media::ReadWav(recording);
    ASSERT_TRUE(wav) << wav.error().message;
    EXPECT_EQ(wav->channels, 2);
    const std::vector<int16_t> ours = Side(*wav, 1);
    EXPECT_GT(wav->Seconds(), 2.0) << "the whole prompt is in the recording";
    EXPECT_GT(media::Rms(ours), 0.01) << "the robot's side holds speech";
}

TEST_F(SipTelephonyTest, InBandTonesAreHeardWhenTheFarEndSendsNoTelephoneEvents) {
    const fs::path pcap = dir_ / "tones-7.pcap";
    WriteToneCapture(pcap, "7");
    Sipp sipp(dir_, "answer-keys.xml", {{"@PAYLOADS@", "8"}, {"@PCAP@", pcap.string()}});
    ASSERT_TRUE(sipp.started());
    SipTelephony& sip = Connect(sipp.address());
    const CallId id = sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
    ASSERT_TRUE(WaitFor(EventKind::kAnswered)) << Kinds() << Log();
    sip.Collect(id, 1, 5'000);
    ASSERT_TRUE(WaitFor(EventKind::kDigits)) << Kinds();
    EXPECT_EQ(Seen(EventKind::kDigits)->digits, "7");
    const std::string recording = Seen(EventKind::kAnswered)->recording;
    sip.Hangup(id);
    EXPECT_EQ(sipp.Wait(), 0) << sipp.errors();
    telephony_.reset();

    auto wav = media::ReadWav(recording);
    ASSERT_TRUE(wav) << wav.error().message;
    EXPECT_GT(media::Rms(Side(*wav, 0)), 0.01) << "the callee's side holds the tones";
}

TEST_F(SipTelephonyTest, FinalResponsesBecomeOutcomesThroughTheTable) {
    struct Case {
        std::string status;
        EventKind kind;
        int cause;
    };
    for (const Case& c : {Case{"486 Busy Here", EventKind::kBusy, 486},
                          Case{"404 Not Found", EventKind::kInvalid, 404},
                          Case{"480 Temporarily Unavailable", EventKind::kNoAnswer, 480},
                          Case{"603 Decline", EventKind::kRejected, 603},
                          Case{"503 Service Unavailable", EventKind::kFailed, 503}}) {
        const Event* e = CallEndedWith(c.status);
        ASSERT_NE(e, nullptr) << c.status;
        EXPECT_EQ(e->kind, c.kind) << c.status << ": " << Kinds();
        EXPECT_EQ(e->cause, c.cause) << c.status;
    }
}

TEST_F(SipTelephonyTest, ACallUnansweredAtTheRingTimeoutIsCancelled) {
    Sipp sipp(dir_, "ring-cancel.xml",
              {{"@PROVISIONAL@", "180 Ringing"}, {"@EXTRA@", "Allow: INVITE, ACK, CANCEL, BYE"}});
    ASSERT_TRUE(sipp.started());
    SipTelephony& sip = Connect(sipp.address());
    auto start = std::chrono::steady_clock::now();
    sip.Originate(
        Dial{.caller_id = "+74950000001", .number = "+79161234567", .ring_timeout = 1'500});
    ASSERT_TRUE(WaitFor(EventKind::kNoAnswer)) << Kinds() << Log();
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, 1'400ms);
    EXPECT_LT(took, 3'000ms);
    EXPECT_TRUE(Seen(EventKind::kRinging));
    EXPECT_EQ(Seen(EventKind::kNoAnswer)->cause, 487);
    EXPECT_EQ(sipp.Wait(), 0) << "SIPp got CANCEL and the ACK of its 487: " << sipp.errors();
}

TEST_F(SipTelephonyTest, ACalleeHangingUpInTheMiddleOfAPromptEndsTheCall) {
    Sipp sipp(dir_, "answer-hangup.xml",
              {{"@AFTER@", "800"}, {"@PAYLOADS@", "0 101"}, {"@TALK@", ""}});
    ASSERT_TRUE(sipp.started());
    SipTelephony& sip = Connect(sipp.address());
    const CallId id = sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
    ASSERT_TRUE(WaitFor(EventKind::kAnswered)) << Kinds() << Log();
    sip.Play(id,
             "Здравствуйте! С вами говорит робот. Напоминаем о записи на завтра, на десять утра.");
    ASSERT_TRUE(WaitFor(EventKind::kHungUp)) << Kinds();
    EXPECT_FALSE(Seen(EventKind::kPromptDone)) << "the prompt was cut short";
    EXPECT_EQ(sipp.Wait(), 0) << "our 200 for SIPp's BYE: " << sipp.errors();
}

TEST_F(SipTelephonyTest, ATrunkRequiring100relFailsTheCallWithCause421AndSaysWhy) {
    {
        Sipp sipp(
            dir_, "ring-cancel.xml",
            {{"@PROVISIONAL@", "183 Session Progress"}, {"@EXTRA@", "Require: 100rel\nRSeq: 1"}});
        ASSERT_TRUE(sipp.started());
        SipTelephony& sip = Connect(sipp.address());
        sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
        ASSERT_TRUE(WaitFor(EventKind::kFailed, 5s)) << Kinds() << Log();
        EXPECT_EQ(Seen(EventKind::kFailed)->cause, 421);
        EXPECT_EQ(sipp.Wait(), 0) << "the reliable 183 was answered with CANCEL: " << sipp.errors();
        EXPECT_NE(Log().find("requires 100rel"), std::string::npos) << Log();
    }
    {
        log_.clear();
        const Event* e = CallEndedWith("421 Extension Required\nRequire: 100rel");
        ASSERT_NE(e, nullptr);
        EXPECT_EQ(e->kind, EventKind::kFailed);
        EXPECT_EQ(e->cause, 421);
        EXPECT_NE(Log().find("requires 100rel"), std::string::npos) << Log();
    }
}

TEST_F(SipTelephonyTest, DigestAuthenticationAndTheCallerIdReachTheTrunk) {
    Sipp sipp(dir_, "auth.xml", {});
    ASSERT_TRUE(sipp.started());
    SipOptions options;
    options.trunk.username = "callbase";
    options.trunk.password = "s3cret";
    options.trunk.assert_identity = true;
    SipTelephony& sip = Connect(sipp.address(), options);
    sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
    ASSERT_TRUE(queue_.RunUntil(
        [&] { return !events_.empty() && IsFinalFailure(events_.back().kind); }, 10s))
        << Kinds() << Log();
    EXPECT_EQ(events_.back().kind, EventKind::kBusy)
        << "the trunk answers busy only to a valid password; 403 otherwise: " << Kinds();
    EXPECT_EQ(sipp.Wait(), 0) << "From and P-Asserted-Identity carry the caller ID: "
                              << sipp.errors();
}

TEST_F(SipTelephonyTest, AnAnsweredCallIsPutThroughToTheOperatorsPhoneWithAudioBothWays) {
    // The callee talks (SIPp's G.711 capture) and hangs up after 4 s; the
    // operator's softphone answers, talks too, and gets our BYE.
    const std::string talk =
        "<nop><action><exec play_pcap_audio=\"/usr/share/sip-tester/g711a.pcap\"/></action></nop>";
    Sipp callee(dir_, "answer-hangup.xml",
                {{"@AFTER@", "4000"}, {"@PAYLOADS@", "8 101"}, {"@TALK@", talk}});
    Sipp agent(dir_, "answer-keys.xml",
               {{"@PAYLOADS@", "8 101"}, {"@PCAP@", "/usr/share/sip-tester/g711a.pcap"}});
    ASSERT_TRUE(callee.started() && agent.started());
    SipCounters counters;
    const std::string recording = PutThrough(callee, agent, &counters);
    EXPECT_EQ(counters.bridged, 1);
    EXPECT_GT(counters.relayed, 150) << "about 3 s of audio each way was relayed";

    auto wav = media::ReadWav(recording);
    ASSERT_TRUE(wav) << wav.error().message;
    const std::vector<int16_t> left = Side(*wav, 0), right = Side(*wav, 1);
    EXPECT_GT(media::Rms(left), 0.01) << "the callee's voice";
    EXPECT_GT(media::Rms(right), 0.01) << "the operator's voice";
}

// Issue 20, item 8: an operator's phone that speaks G.722 only gets it (the
// offer to it puts G.722 first); its wideband voice is turned into the
// trunk's G.711 and recorded, a 1 kHz tone still a 1 kHz tone.
TEST_F(SipTelephonyTest, AnOperatorsG722PhoneIsHeardThroughTheTrunksG711) {
    const fs::path pcap = dir_ / "g722-tone.pcap";
    WriteCapture(pcap, Tone(1000, 2), media::kG722PayloadType);
    Sipp callee(dir_, "answer-hangup.xml",
                {{"@AFTER@", "4000"}, {"@PAYLOADS@", "8 101"}, {"@TALK@", ""}});
    Sipp agent(dir_, "answer-g722.xml", {{"@PCAP@", pcap.string()}});
    ASSERT_TRUE(callee.started() && agent.started());
    const std::string recording = PutThrough(callee, agent);

    auto wav = media::ReadWav(recording);
    ASSERT_TRUE(wav) << wav.error().message;
    const std::vector<int16_t> right = Side(*wav, 1);
    ASSERT_GT(media::Rms(right), 0.05) << "the operator's tone, decoded from G.722";
    auto power = [&](double hz) { return media::TonePower(right, hz); };
    EXPECT_GT(power(1000), 100 * power(1300)) << "a 1 kHz tone, not noise";
    EXPECT_GT(power(1000), 100 * power(2000)) << "and not its image";
}

// Issue 20, item 6: the desk's hold and blind transfer in the B2BUA. While
// held the caller hears the music on hold, sample for sample, and nothing is
// relayed either way; moved to boris, olga's phone gets our BYE, the caller
// hears music while boris's rings and then boris (a 1 kHz tone), recorded on
// the call's one recording.
TEST_F(SipTelephonyTest, AHeldCallerHearsMusicAndABlindTransferMovesThemToTheNextOperator) {
    // Each operator's phone talks a tone of its own, without a pause: olga
    // 600 Hz, boris 1 kHz.
    auto tone = [&](double hz, double seconds, const char* name) {
        const fs::path pcap = dir_ / name;
        WriteCapture(pcap, Tone(hz, seconds), 8);
        return pcap.string();
    };
    Sipp callee(dir_, "answer-hangup.xml",
                {{"@AFTER@", "9000"}, {"@PAYLOADS@", "8 101"}, {"@TALK@", ""}});
    Sipp olga(dir_, "answer-keys.xml",
              {{"@PAYLOADS@", "8 101"}, {"@PCAP@", tone(600, 6, "olga.pcap")}});
    Sipp boris(dir_, "answer-keys.xml",
               {{"@PAYLOADS@", "8 101"}, {"@PCAP@", tone(1000, 3, "boris.pcap")}});
    ASSERT_TRUE(callee.started() && olga.started() && boris.started());
    SipOptions options;
    options.agents["olga"] = "sip:olga@" + olga.address();
    options.agents["boris"] = "sip:boris@" + boris.address();
    SipTelephony& sip = Connect(callee.address(), options);
    auto wait = [&](std::chrono::milliseconds ms) { queue_.RunUntil([] { return false; }, ms); };
    const CallId id = sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
    ASSERT_TRUE(WaitFor(EventKind::kAnswered)) << Kinds() << Log();
    const std::string recording = Seen(EventKind::kAnswered)->recording;
    sip.Bridge(id, "olga");
    wait(2'000ms);  // olga answers after 0.3 s and talks from 1.3 s
    sip.Hold(id, true);
    wait(300ms);
    const int64_t relayed_held = sip.counters().relayed;
    wait(1'500ms);
    EXPECT_EQ(sip.counters().relayed, relayed_held) << "nothing crosses while held";
    sip.Hold(id, false);
    wait(500ms);
    EXPECT_GT(sip.counters().relayed, relayed_held + 15) << "taken back: the voices cross again";
    sip.Bridge(id, "boris");
    EXPECT_EQ(olga.Wait(5s), 0) << "olga's phone got our BYE: " << olga.errors();
    ASSERT_TRUE(WaitFor(EventKind::kHungUp, 15s)) << Kinds() << Log();
    EXPECT_EQ(callee.Wait(), 0) << callee.errors();
    EXPECT_EQ(boris.Wait(), 0) << "boris's phone took the call, then our BYE: " << boris.errors();
    EXPECT_EQ(Seen(EventKind::kAgentMissed), nullptr) << Kinds();
    const SipCounters counters = sip.counters();
    EXPECT_EQ(counters.bridged, 2);
    EXPECT_EQ(counters.moved, 1);
    telephony_.reset();

    // What the caller heard (the recording's right side, in the order sent):
    // olga, the music on hold sample for sample (nothing of olga's mixed in),
    // olga again, the music while boris's phone rang, boris.
    auto wav = media::ReadWav(recording);
    ASSERT_TRUE(wav) << wav.error().message;
    const std::vector<int16_t> heard = Side(*wav, 1);
    auto music = media::ReadWav(options.music_on_hold);
    ASSERT_TRUE(music) << music.error().message;
    const std::vector<int16_t> first(music->samples.begin(), music->samples.begin() + 8000);
    const auto at = std::search(heard.begin(), heard.end(), first.begin(), first.end());
    ASSERT_NE(at, heard.end()) << "the music on hold is not what the caller heard";
    auto power = [](std::span<const int16_t> pcm, double hz) {
        return media::TonePower(std::vector<int16_t>(pcm.begin(), pcm.end()), hz);
    };
    const size_t start = static_cast<size_t>(at - heard.begin());
    ASSERT_GE(start, 1600u) << "olga was heard before the hold";
    const std::span<const int16_t> before(heard.data() + start - 1600, 1600);
    EXPECT_GT(power(before, 600), 100 * power(before, 1000)) << "olga's 600 Hz before the hold";
    ASSERT_GT(heard.size(), start + 8000 * 4u);
    const std::span<const int16_t> last(heard.data() + heard.size() - 4000, 4000);
    EXPECT_GT(power(last, 1000), 100 * power(last, 600)) << "boris's tone after the transfer";
}

// Issue 20, item 7: a supervisor on a live call, one call per mode. The
// operator's and the supervisor's phones are a second SipTelephony taking
// their calls as two numbers, each playing a tone of its own (operator 1 kHz,
// supervisor 1.5 kHz; the caller talks 600 Hz) and recording what it heard:
// listen — the supervisor hears both sides, nobody hears them; whisper — the
// operator hears the supervisor, the caller does not; barge — everyone hears
// everyone.
// Attended transfer and conference (issue 20, item 6), heard: olga consults
// pavel with the caller on hold — the caller hears neither of them, pavel
// never hears the caller, and olga and pavel hear each other; she goes back.
// On a second call she consults him again, makes it a conference — each of
// the three hears the other two — and leaves them talking: her phone is hung
// up and the caller and pavel go on.
TEST_F(SipTelephonyTest, AConsultationIsHeardByTheTwoOperatorsOnlyAndAConferenceByAllThree) {
    const std::string caller_tone = ToneFile(dir_, 600, "caller.pcap");
    Phones phones(*cached_, dir_ / "phones",
                  {{"+74950000008", ToneFile(dir_, 1000, "olga.wav")},
                   {"+74950000009", ToneFile(dir_, 1500, "pavel.wav")}});
    ASSERT_TRUE(phones.started());
    struct Heard {
        std::vector<int16_t> caller, olga, pavel;
        SipCounters counters;
    };
    auto call = [&](const std::function<void(SipTelephony&, CallId)>& desk) -> Heard {
        Sipp callee = TalkingCallee(caller_tone, 7000);
        EXPECT_TRUE(callee.started());
        SipOptions options;
        options.agents["olga"] = phones.Uri("+74950000008");
        options.agents["pavel"] = phones.Uri("+74950000009");
        phones.Clear();
        const auto [id, recording] = AtOlgas(callee, options);
        if (id == 0) return {};
        SipTelephony& sip = *telephony_;
        EXPECT_FALSE(sip.Consult(id, "zoya")) << "zoya has no phone";
        EXPECT_TRUE(sip.Consult(id, "pavel"));
        EXPECT_TRUE(WaitFor(EventKind::kConsultAnswered)) << Kinds() << Log();
        desk(sip, id);
        EXPECT_TRUE(WaitFor(EventKind::kHungUp, 15s)) << Kinds() << Log();
        EXPECT_EQ(callee.Wait(), 0) << callee.errors();
        Heard heard;
        heard.counters = sip.counters();
        telephony_.reset();
        std::this_thread::sleep_for(300ms);  // the phones write their recordings
        auto wav = media::ReadWav(recording);
        EXPECT_TRUE(wav) << recording;
        if (wav) heard.caller = Side(*wav, 1);
        heard.olga = phones.Heard("+74950000008");
        heard.pavel = phones.Heard("+74950000009");
        return heard;
    };
    auto has = [](const std::vector<int16_t>& pcm, double hz) {
        return pcm.size() > 8000 && media::TonePower(pcm, hz) > 100 * media::TonePower(pcm, 1300);
    };
    auto lacks = [](const std::vector<int16_t>& pcm, double hz, double loud) {
        return pcm.size() > 8000 && media::TonePower(pcm, hz) * 1000 < media::TonePower(pcm, loud);
    };

    // Consult for 2 s, then back to the caller.
    const Heard back = call([&](SipTelephony& sip, CallId id) {
        queue_.RunUntil([] { return false; }, 2s);
        sip.EndConsult(id, ConsultStep::kCancel);
    });
    EXPECT_TRUE(has(back.olga, 1500)) << "olga heard pavel";
    EXPECT_TRUE(has(back.olga, 600)) << "and the caller, before and after";
    EXPECT_TRUE(has(back.pavel, 1000)) << "pavel heard olga";
    EXPECT_TRUE(lacks(back.pavel, 600, 1000)) << "pavel never heard the caller";
    EXPECT_TRUE(lacks(back.caller, 1500, 1000)) << "the caller never heard pavel";
    EXPECT_EQ(back.counters.moved, 0);

    // Consult, conference for 2 s, then olga leaves them talking.
    const Heard joined = call([&](SipTelephony& sip, CallId id) {
        queue_.RunUntil([] { return false; }, 1s);
        sip.EndConsult(id, ConsultStep::kConference);
        queue_.RunUntil([] { return false; }, 2s);
        sip.EndConsult(id, ConsultStep::kComplete);
    });
    EXPECT_TRUE(has(joined.caller, 1000) && has(joined.caller, 1500))
        << "the caller heard olga and pavel";
    EXPECT_TRUE(has(joined.olga, 600) && has(joined.olga, 1500)) << "olga heard both";
    EXPECT_TRUE(has(joined.pavel, 600) && has(joined.pavel, 1000)) << "pavel heard both";
    EXPECT_EQ(joined.counters.moved, 1) << "the call went on with pavel";
    EXPECT_EQ(joined.counters.bridged, 1) << "one operator leg rung by Bridge";
}

TEST_F(SipTelephonyTest, ASupervisorListensWhispersAndBargesEachHeardOnlyByWhomTheModeSays) {
    const std::string caller_tone = ToneFile(dir_, 600, "caller.pcap");
    const std::string agent_tone = ToneFile(dir_, 1000, "olga.wav");
    const std::string sup_tone = ToneFile(dir_, 1500, "anna.wav");
    // The phones: +74950000008 is olga's, +74950000009 anna's.
    Phones phones(*cached_, dir_ / "phones",
                  {{"+74950000008", agent_tone}, {"+74950000009", sup_tone}});
    ASSERT_TRUE(phones.started());
    auto phone_heard = [&](const std::string& did) { return phones.Heard(did); };

    struct Heard {
        std::vector<int16_t> caller, agent, supervisor;
    };
    auto call_with = [&](MonitorMode mode) -> Heard {
        Sipp callee = TalkingCallee(caller_tone, 5000);
        EXPECT_TRUE(callee.started());
        SipOptions options;
        options.agents["olga"] = phones.Uri("+74950000008");
        options.agents["anna"] = phones.Uri("+74950000009");
        phones.Clear();
        const auto [id, recording] = AtOlgas(callee, options);
        if (id == 0) return {};
        SipTelephony& sip = *telephony_;
        EXPECT_FALSE(sip.Monitor(id, "zoya", MonitorMode::kListen)) << "zoya has no phone";
        EXPECT_TRUE(sip.Monitor(id, "anna", mode));
        EXPECT_TRUE(WaitFor(EventKind::kHungUp, 15s)) << Kinds() << Log();
        EXPECT_EQ(callee.Wait(), 0) << callee.errors();
        EXPECT_EQ(sip.counters().monitors, 1) << Log();
        // On a call that is over: said, nothing else happens.
        EXPECT_TRUE(sip.Monitor(id, "anna", MonitorMode::kBarge));
        queue_.RunUntil([&] { return Log().find("the call is over") != std::string::npos; }, 2s);
        EXPECT_NE(
            Log().find("sip: barge of call " + std::to_string(id) + " not done: the call is over"),
            std::string::npos)
            << Log();
        telephony_.reset();
        std::this_thread::sleep_for(300ms);  // the phones write their recordings
        Heard heard;
        auto wav = media::ReadWav(recording);
        EXPECT_TRUE(wav) << recording;
        if (wav) heard.caller = Side(*wav, 1);
        heard.agent = phone_heard("+74950000008");
        heard.supervisor = phone_heard("+74950000009");
        return heard;
    };
    // Present: the tone stands 100 times above a frequency nobody plays;
    // absent: it is 1000 times below the loudest tone heard.
    auto has = [](const std::vector<int16_t>& pcm, double hz) {
        return pcm.size() > 8000 && media::TonePower(pcm, hz) > 100 * media::TonePower(pcm, 1300);
    };
    auto lacks = [](const std::vector<int16_t>& pcm, double hz, double loud) {
        return pcm.size() > 8000 && media::TonePower(pcm, hz) * 1000 < media::TonePower(pcm, loud);
    };

    const Heard listen = call_with(MonitorMode::kListen);
    EXPECT_TRUE(has(listen.supervisor, 600)) << "the supervisor hears the caller";
    EXPECT_TRUE(has(listen.supervisor, 1000)) << "and the operator";
    EXPECT_TRUE(lacks(listen.agent, 1500, 600)) << "the operator does not hear the supervisor";
    EXPECT_TRUE(lacks(listen.caller, 1500, 1000)) << "nor does the caller";

    const Heard whisper = call_with(MonitorMode::kWhisper);
    EXPECT_TRUE(has(whisper.supervisor, 600) && has(whisper.supervisor, 1000));
    EXPECT_TRUE(has(whisper.agent, 1500)) << "the operator hears the whisper";
    EXPECT_TRUE(has(whisper.agent, 600)) << "and the caller still";
    EXPECT_TRUE(lacks(whisper.caller, 1500, 1000)) << "the caller does not hear the whisper";

    const Heard barge = call_with(MonitorMode::kBarge);
    EXPECT_TRUE(has(barge.supervisor, 600) && has(barge.supervisor, 1000));
    EXPECT_TRUE(has(barge.agent, 1500) && has(barge.agent, 600));
    EXPECT_TRUE(has(barge.caller, 1500)) << "the caller hears the supervisor";
    EXPECT_TRUE(has(barge.caller, 1000)) << "and the operator";
}

// Issue 20, item 4: a trunk over TLS with SRTP. The provider is a second
// SipTelephony taking TLS with the test PKI's certificate (tests/sip/tls)
// and SRTP only; it answers and plays 1 kHz, callbase plays 600 Hz, and each
// recording holds the other's tone — decrypted, so the keys of both a=crypto
// lines were used. Then what must not pass: a name the certificate does not
// carry, a CA that did not sign it, a self-signed certificate without its
// pin or with a wrong one (with the right pin it passes), and a plain RTP
// offer to a trunk that takes SRTP only (488): each a log line saying what.
TEST_F(SipTelephonyTest, ATrunkOverTlsWithSrtpCarriesTheVoiceAndWhatShouldNotPassDoesNot) {
    const fs::path pki = fs::path(CALLBASE_SOURCE_DIR) / "tests/sip/tls";
    const fs::path far_tone = dir_ / "far.wav", near_tone = dir_ / "near.wav";
    ASSERT_TRUE(media::WriteWav(far_tone.string(), media::Audio{.samples = Tone(1000, 6, 6000)}));
    ASSERT_TRUE(media::WriteWav(near_tone.string(), media::Audio{.samples = Tone(600, 6, 6000)}));

    std::mutex mutex;
    std::string provider_log, provider_recording;
    SipCounters provider_counters;
    std::unique_ptr<SipTelephony> provider;
    auto start_provider = [&](const std::string& certificate) {
        provider.reset();
        SipOptions p;
        p.listen = "127.0.0.1:0";
        p.trunk.host = "127.0.0.1:9";
        p.trunk.srtp = true;  // calls in must be SRTP
        p.dids = {"+74951110000"};
        p.tls_certificate = (pki / certificate).string();
        p.recordings_dir = (dir_ / "provider").string();
        p.log = [&](const std::string& line) {
            std::lock_guard lock(mutex);
            provider_log += line + "\n";
        };
        provider =
            std::make_unique<SipTelephony>(p, *cached_, [](std::function<void()> fn) { fn(); });
        provider->OnEvent([&](const Event& e) {
            if (e.kind == EventKind::kIncoming) provider->Answer(e.call);
            if (e.kind == EventKind::kAnswered) {
                std::lock_guard lock(mutex);
                provider_recording = e.recording;
                provider->Play(e.call, "[" + far_tone.string() + "]");
            }
        });
        auto started = provider->Start();
        EXPECT_TRUE(started) << started.error().message;
        EXPECT_FALSE(provider->tls_address().empty());
    };
    auto dial = [&](Trunk trunk) -> const Event* {
        SipOptions options;
        options.trunk = trunk;
        options.trunk.transport = "tls";
        events_.clear();
        {
            std::lock_guard lock(log_mutex_);
            log_.clear();
        }
        SipTelephony& sip = Connect(provider->tls_address(), options);
        sip.Originate(Dial{.caller_id = "+74950000001", .number = "+74951110000"});
        queue_.RunUntil(
            [&] {
                return Seen(EventKind::kAnswered) != nullptr ||
                       (!events_.empty() && IsFinalFailure(events_.back().kind));
            },
            10s);
        return events_.empty() ? nullptr : &events_.back();
    };
    auto has = [](const std::vector<int16_t>& pcm, double hz) {
        return pcm.size() > 8000 && media::TonePower(pcm, hz) > 100 * media::TonePower(pcm, 1300);
    };

    start_provider("server-combined.pem");
    Trunk good;
    good.tls_ca = (pki / "ca.pem").string();
    good.srtp = true;
    const Event* answered = dial(good);
    ASSERT_TRUE(answered && answered->kind == EventKind::kAnswered) << Kinds() << Log();
    const std::string recording = answered->recording;
    const CallId id = answered->call;
    telephony_->Play(id, "[" + near_tone.string() + "]");
    queue_.RunUntil([] { return false; }, 3s);
    telephony_->Hangup(id);
    queue_.RunUntil([] { return false; }, 500ms);
    const SipCounters ours = telephony_->counters();
    EXPECT_EQ(ours.srtp_calls, 1) << Log();
    EXPECT_EQ(ours.srtp_dropped, 0) << "every packet authenticated";
    EXPECT_EQ(ours.tls_refused, 0) << Log();
    telephony_.reset();
    provider_counters = provider->counters();
    EXPECT_EQ(provider_counters.srtp_calls, 1);
    EXPECT_EQ(provider_counters.srtp_dropped, 0);
    std::this_thread::sleep_for(300ms);
    auto near = media::ReadWav(recording);
    ASSERT_TRUE(near) << recording;
    EXPECT_TRUE(has(Side(*near, 0), 1000)) << "callbase heard the provider's tone through SRTP";
    std::string far_recording;
    {
        std::lock_guard lock(mutex);
        far_recording = provider_recording;
    }
    auto far = media::ReadWav(far_recording);
    ASSERT_TRUE(far) << far_recording;
    EXPECT_TRUE(has(Side(*far, 0), 600)) << "and the provider heard callbase's";

    // A name the certificate does not carry.
    Trunk other_name = good;
    other_name.tls_host = "other.test";
    const Event* refused = dial(other_name);
    ASSERT_TRUE(refused && refused->kind == EventKind::kFailed) << Kinds() << Log();
    EXPECT_NE(Log().find("TLS certificate refused for trunk main"), std::string::npos) << Log();
    EXPECT_NE(Log().find("is not made out to other.test"), std::string::npos) << Log();
    EXPECT_EQ(telephony_->counters().tls_refused, 1);
    EXPECT_EQ(telephony_->counters().srtp_calls, 0);

    // A CA that did not sign it; and the system's CAs, which did not either.
    Trunk other_ca = good;
    other_ca.tls_ca = (pki / "other-ca.pem").string();
    refused = dial(other_ca);
    ASSERT_TRUE(refused && refused->kind == EventKind::kFailed) << Kinds() << Log();
    EXPECT_NE(Log().find("is not signed by a CA callbase trusts"), std::string::npos) << Log();
    EXPECT_NE(Log().find("other-ca.pem"), std::string::npos) << Log();
    Trunk system_cas = good;
    system_cas.tls_ca.clear();
    refused = dial(system_cas);
    ASSERT_TRUE(refused && refused->kind == EventKind::kFailed) << Kinds() << Log();
    EXPECT_NE(Log().find("the system's CAs"), std::string::npos) << Log();

    // A plain offer to a provider that takes SRTP only.
    Trunk plain = good;
    plain.srtp = false;
    refused = dial(plain);
    ASSERT_TRUE(refused && IsFinalFailure(refused->kind)) << Kinds() << Log();
    EXPECT_EQ(refused->cause, 488) << Kinds();
    {
        std::lock_guard lock(mutex);
        EXPECT_NE(provider_log.find("is refused (488): its offer is plain RTP, and SRTP is "
                                    "required"),
                  std::string::npos)
            << provider_log;
    }

    // A provider's self-signed certificate: refused against CAs, taken by its pin.
    start_provider("rogue-combined.pem");
    std::string fingerprint;
    {
        const std::string command =
            "openssl x509 -noout -fingerprint -sha256 -in " + (pki / "rogue-combined.pem").string();
        FILE* out = popen(command.c_str(), "r");
        ASSERT_NE(out, nullptr);
        char line[256] = "";
        if (fgets(line, sizeof line, out) != nullptr) fingerprint = line;
        pclose(out);
        fingerprint = fingerprint.substr(fingerprint.find('=') + 1);
        while (!fingerprint.empty() && std::isspace(static_cast<unsigned char>(fingerprint.back())))
            fingerprint.pop_back();
    }
    auto pin = ParsePin(fingerprint);
    ASSERT_TRUE(pin) << fingerprint;
    refused = dial(good);
    ASSERT_TRUE(refused && refused->kind == EventKind::kFailed) << Kinds() << Log();
    Trunk pinned = good;
    pinned.tls_ca.clear();
    pinned.tls_pin = *pin;
    answered = dial(pinned);
    ASSERT_TRUE(answered && answered->kind == EventKind::kAnswered) << Kinds() << Log();
    telephony_->Hangup(answered->call);
    Trunk wrong_pin = pinned;
    wrong_pin.tls_pin[0] = wrong_pin.tls_pin[0] == 'A' ? 'B' : 'A';
    refused = dial(wrong_pin);
    ASSERT_TRUE(refused && refused->kind == EventKind::kFailed) << Kinds() << Log();
    EXPECT_NE(Log().find("the pin (tls_pin) says " + wrong_pin.tls_pin), std::string::npos)
        << Log();
    telephony_.reset();
    provider.reset();
}

TEST(Sdes, TheFarEndsKeysAreTakenOnlyWhenCallbaseCanUseThem) {
    const SdesKey ours = NewSdesKey();
    const std::string line = CryptoLine(ours);
    EXPECT_TRUE(line.starts_with("1 AES_CM_128_HMAC_SHA1_80 inline:")) << line;
    auto back = ParseCrypto(line);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->key, ours.key);
    // What baresip and Asterisk send: a lifetime after the key is fine; _32 too.
    const std::string b64 = line.substr(line.find(':') + 1);
    auto with_lifetime = ParseCrypto("2 AES_CM_128_HMAC_SHA1_32 inline:" + b64 + "|2^31");
    ASSERT_TRUE(with_lifetime) << with_lifetime.error().message;
    EXPECT_EQ(with_lifetime->tag, 2);
    EXPECT_FALSE(with_lifetime->tag80);
    const std::vector<std::pair<std::string, std::string>> unusable = {
        {"1 AES_256_CM_HMAC_SHA1_80 inline:" + b64, "is not one callbase does"},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:" + b64 + "|2^20|1:4", "an MKI is not taken"},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:" + b64 + " UNENCRYPTED_SRTP", "session parameters"},
        {"1 AES_CM_128_HMAC_SHA1_80 inline:QUJDRA==", "the key is 4 bytes, not 30"},
        {"x AES_CM_128_HMAC_SHA1_80 inline:" + b64, "the tag is not a number"},
        {"1 AES_CM_128_HMAC_SHA1_80", "not TAG SUITE inline:KEY"},
    };
    for (const auto& [value, why] : unusable) {
        auto parsed = ParseCrypto(value);
        ASSERT_FALSE(parsed) << value;
        EXPECT_NE(parsed.error().message.find(why), std::string::npos) << parsed.error().message;
    }
    // The first usable line of several wins; none usable says each.
    auto picked = PickCrypto({unusable[0].first, "3 AES_CM_128_HMAC_SHA1_80 inline:" + b64});
    ASSERT_TRUE(picked);
    EXPECT_EQ(picked->tag, 3);
    auto none = PickCrypto({unusable[0].first, unusable[1].first});
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("; "), std::string::npos) << none.error().message;
    EXPECT_FALSE(PickCrypto({})) << "no a=crypto at all";
    // Pins are written as OpenSSL prints them, or without the colons.
    EXPECT_TRUE(
        ParsePin("43:5b:1E:A4:1E:2C:B9:20:FA:2F:0E:66:E8:01:88:05:C9:78:2C:B1:D4:22:86:2E:"
                 "D8:94:48:24:7A:0F:1D:5B"));
    EXPECT_FALSE(ParsePin("43:5B:1E")) << "too short";
    EXPECT_FALSE(ParsePin(std::string(64, 'G'))) << "not hex";
}

TEST(SipConfig, G722IsOfferedToPhonesUnlessTurnedOff) {
    EXPECT_TRUE(SipOptions{}.g722);
    const fs::path file =
        fs::temp_directory_path() / ("callbase-g722-" + std::to_string(getpid()) + ".toml");
    std::ofstream(file) << "g722 = false\n[trunk]\nhost = \"h\"\n";
    auto off = LoadSipConfig(file.string());
    ASSERT_TRUE(off) << off.error().message;
    EXPECT_FALSE(off->g722);
    std::ofstream(file) << "g722 = \"yes\"\n[trunk]\nhost = \"h\"\n";
    auto bad = LoadSipConfig(file.string());
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find(":1: g722: must be true or false"), std::string::npos)
        << bad.error().message;
    fs::remove(file);
}

TEST(SipConfig, TlsAndSrtpSettingsAreReadAndTheirMistakesNamedByLine) {
    const fs::path dir =
        fs::temp_directory_path() / ("callbase-sipconf-tls-" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "ca.pem") << ReadText(fs::path(CALLBASE_SOURCE_DIR) /
                                              "tests/sip/tls/ca.pem");
    std::ofstream(dir / "me.pem") << "certificate and key";
    const fs::path file = dir / "sip.toml";
    std::ofstream(file)
        << "phones_srtp = true\n"
           "[tls]\n"
           "listen = \"0.0.0.0:5061\"\n"
           "certificate = \"me.pem\"\n"
           "[trunk]\n"
           "host = \"sip.example.ru\"\n"
           "transport = \"tls\"\n"
           "tls_ca = \"ca.pem\"\n"
           "tls_pin = \"43:5b:1E:A4:1E:2C:B9:20:FA:2F:0E:66:E8:01:88:05:C9:78:2C:B1:"
           "D4:22:86:2E:D8:94:48:24:7A:0F:1D:5B\"\n"
           "srtp = true\n";
    auto ok = LoadSipConfig(file.string());
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_TRUE(ok->phones_srtp);
    EXPECT_EQ(ok->tls_listen, "0.0.0.0:5061");
    EXPECT_EQ(ok->tls_certificate, (dir / "me.pem").string()) << "beside the file";
    EXPECT_EQ(ok->trunk.transport, "tls");
    EXPECT_EQ(ok->trunk.tls_ca, (dir / "ca.pem").string());
    EXPECT_EQ(ok->trunk.tls_pin,
              "435B1EA41E2CB920FA2F0E66E8018805C9782CB1D422862ED89448247A0F1D5B");
    EXPECT_TRUE(ok->trunk.srtp);

    const std::vector<std::pair<std::string, std::string>> mistakes = {
        {"[trunk]\nhost = \"h\"\ntransport = \"sips\"\n", ":3: [trunk] transport: udp, tcp or tls"},
        {"[trunk]\nhost = \"h\"\ntransport = \"tls\"\ntls_pin = \"AB:CD\"\n",
         ":4: [trunk] tls_pin: write the 64 hex digits"},
        {"[trunk]\nhost = \"h\"\ntransport = \"tls\"\ntls_ca = \"nowhere.pem\"\n",
         ":4: [trunk] tls_ca: cannot read"},
        {"[trunk]\nhost = \"h\"\ntls_ca = \"ca.pem\"\n",
         ":3: [trunk] transport: the tls_ settings are for a trunk over TLS"},
        {"[tls]\nkey = \"me.pem\"\n[trunk]\nhost = \"h\"\n", ":2: [tls] certificate: missing"},
        {"[tls]\ncertificate = \"gone.pem\"\n[trunk]\nhost = \"h\"\n",
         ":2: [tls] certificate: cannot read"},
        {"[tls]\nport = 5061\n[trunk]\nhost = \"h\"\n", ":2: [tls] port: unknown key"},
        {"phones_srtp = \"yes\"\n[trunk]\nhost = \"h\"\n",
         ":1: phones_srtp: must be true or false"},
    };
    for (const auto& [text, said] : mistakes) {
        std::ofstream(file) << text;
        auto bad = LoadSipConfig(file.string());
        ASSERT_FALSE(bad) << text;
        EXPECT_NE(bad.error().message.find(said), std::string::npos)
            << text << "\n → " << bad.error().message;
    }
    fs::remove_all(dir);
}

TEST_F(SipTelephonyTest, AnOperatorWithoutAPhoneEndsTheCallWithALogLine) {
    Sipp callee(dir_, "answer-keys.xml",
                {{"@PAYLOADS@", "8 101"}, {"@PCAP@", "/usr/share/sip-tester/dtmf_2833_1.pcap"}});
    ASSERT_TRUE(callee.started());
    SipTelephony& sip = Connect(callee.address());
    const CallId id = sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
    ASSERT_TRUE(WaitFor(EventKind::kAnswered)) << Kinds() << Log();
    queue_.RunUntil([] { return false; }, 1'500ms);  // the callee's scenario waits a second
    sip.Bridge(id, "ivan");
    ASSERT_TRUE(WaitFor(EventKind::kHungUp)) << Kinds();
    EXPECT_NE(Log().find("operator ivan has no SIP address"), std::string::npos) << Log();
    EXPECT_EQ(callee.Wait(), 0) << "the callee got our BYE: " << callee.errors();
}

TEST_F(SipTelephonyTest, WhereAPbxQueuesCallsTheyAreTransferredByRefer) {
    Sipp trunk(dir_, "refer.xml", {{"@QUEUE@", "sip:queue@pbx.example"}});
    ASSERT_TRUE(trunk.started());
    SipOptions options;
    options.transfer = "sip:queue@pbx.example";
    SipTelephony& sip = Connect(trunk.address(), options);
    const CallId id = sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
    ASSERT_TRUE(WaitFor(EventKind::kAnswered)) << Kinds() << Log();
    sip.Bridge(id, "olga");
    ASSERT_TRUE(WaitFor(EventKind::kHungUp)) << Kinds() << Log();
    EXPECT_EQ(trunk.Wait(), 0) << "REFER with the queue's URI, then BYE: " << trunk.errors();
    EXPECT_EQ(sip.counters().transferred, 1);
    EXPECT_EQ(sip.counters().bridged, 0) << "no operator's phone was rung";
}

TEST_F(SipTelephonyTest, RecordingsOlderThanTheRetentionAreDeleted) {
    // Day folders: one far older than 30 days, and today's.
    const fs::path recordings = dir_ / "recordings";
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const std::chrono::year_month_day ymd(today);
    char recent[16];
    std::snprintf(recent, sizeof recent, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    fs::create_directories(recordings / "2020-01-01");
    fs::create_directories(recordings / recent);
    std::ofstream(recordings / "2020-01-01" / "old.wav") << "RIFF";
    std::ofstream(recordings / recent / "new.wav") << "RIFF";
    SipOptions options;
    options.recordings_keep_days = 30;
    Connect("127.0.0.1:9", options);
    EXPECT_FALSE(fs::exists(recordings / "2020-01-01")) << "older than 30 days";
    EXPECT_TRUE(fs::exists(recordings / recent / "new.wav")) << "today's is kept";
    EXPECT_NE(Log().find("recordings of 2020-01-01 deleted (kept 30 days)"), std::string::npos)
        << Log();
}

TEST(SipConfig, TheExamplesLoadAndMistakesAreNamedByFileAndLine) {
    const fs::path examples = fs::path(CALLBASE_SOURCE_DIR) / "examples/sip";
    auto loopback = LoadSipConfig((examples / "loopback-sipp.toml").string());
    ASSERT_TRUE(loopback) << loopback.error().message;
    EXPECT_EQ(loopback->trunk.host, "127.0.0.1:5080");
    EXPECT_EQ(loopback->rtp_min_port, 20000);
    EXPECT_TRUE(loopback->trunk.assert_identity);

    // The provider's example reads its password from a file the admin makes.
    auto russian = LoadSipConfig((examples / "russian-trunk.toml").string());
    ASSERT_FALSE(russian);
    EXPECT_NE(russian.error().message.find("password_file"), std::string::npos)
        << russian.error().message;
    auto account = LoadSipConfig((examples / "registered-account.toml").string());
    ASSERT_FALSE(account) << "its password file is the admin's to make";
    EXPECT_NE(account.error().message.find("password_file"), std::string::npos)
        << account.error().message;
    {
        // Two providers: with the admin's password file in place, it loads as
        // docs/telephony.md says.
        const fs::path dir =
            fs::temp_directory_path() / ("callbase-sipconf-two-" + std::to_string(getpid()));
        fs::create_directories(dir);
        std::ofstream(dir / "main-password") << "s3cret\n";
        std::string text = ReadText(examples / "two-providers.toml");
        const std::string from = "/etc/callbase/main-password";
        text.replace(text.find(from), from.size(), (dir / "main-password").string());
        std::ofstream(dir / "two.toml") << text;
        auto two = LoadSipConfig((dir / "two.toml").string());
        ASSERT_TRUE(two) << two.error().message;
        EXPECT_EQ(two->trunk.name, "main");
        EXPECT_TRUE(two->trunk.registers);
        EXPECT_EQ(two->trunk.password, "s3cret");
        EXPECT_EQ(two->trunk.failover, std::vector<std::string>{"backup"});
        ASSERT_EQ(two->more_trunks.size(), 1u);
        EXPECT_EQ(two->more_trunks[0].number_format, NumberFormat::kNational);
        EXPECT_EQ(two->public_address, "203.0.113.10");
        EXPECT_EQ(two->dids, (std::vector<std::string>{"+74951234567", "+78001234567"}));
        fs::remove_all(dir);
    }

    const fs::path dir =
        fs::temp_directory_path() / ("callbase-sipconf-" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "secret") << "s3cret\n";
    std::ofstream(dir / "ok.toml") << "dids = [\"+74951234567\", \"+78001234567\"]\n"
                                      "[trunk]\nhost = \"sip.example.ru\"\nusername = \"u\"\n"
                                      "password_file = \"secret\"\nnumber_format = \"national\"\n"
                                      "[agents]\nolga = \"sip:olga@10.0.0.5\"\n";
    auto ok = LoadSipConfig((dir / "ok.toml").string());
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->trunk.password, "s3cret") << "read from the file beside the settings";
    EXPECT_EQ(ok->trunk.number_format, NumberFormat::kNational);
    EXPECT_EQ(ok->agents.at("olga"), "sip:olga@10.0.0.5");
    EXPECT_EQ(ok->dids, (std::vector<std::string>{"+74951234567", "+78001234567"}));

    std::ofstream(dir / "did.toml") << "dids = [\"+74951234567\",\n  \"84951234567\"]\n"
                                       "[trunk]\nhost = \"h\"\n";
    auto did = LoadSipConfig((dir / "did.toml").string());
    ASSERT_FALSE(did);
    EXPECT_NE(did.error().message.find("did.toml:2: dids"), std::string::npos)
        << did.error().message;

    std::ofstream(dir / "typo.toml")
        << "[trunk]\nhost = \"sip.example.ru\"\nnumber_fromat = \"plus\"\n";
    auto typo = LoadSipConfig((dir / "typo.toml").string());
    ASSERT_FALSE(typo);
    EXPECT_NE(typo.error().message.find("typo.toml:3: [trunk] number_fromat: unknown key"),
              std::string::npos)
        << typo.error().message;
    std::ofstream(dir / "agent.toml")
        << "[trunk]\nhost = \"h\"\n[agents]\nolga = \"olga@10.0.0.5\"\n";
    auto agent = LoadSipConfig((dir / "agent.toml").string());
    ASSERT_FALSE(agent);
    EXPECT_NE(agent.error().message.find("[agents] olga"), std::string::npos)
        << agent.error().message;

    // Issue 17, item 17: a key given twice names both lines; nan is no number.
    std::ofstream(dir / "twice.toml")
        << "[trunk]\nhost = \"a.example.ru\"\nusername = \"u\"\nhost = \"b.example.ru\"\n";
    auto twice = LoadSipConfig((dir / "twice.toml").string());
    ASSERT_FALSE(twice);
    EXPECT_NE(twice.error().message.find(
                  "twice.toml:4: key host is given twice, on line 2 and on line 4"),
              std::string::npos)
        << twice.error().message;
    for (const char* value : {"nan", "inf", "-inf"}) {
        std::ofstream(dir / "nan.toml") << "max_calls = " << value << "\n[trunk]\nhost = \"h\"\n";
        auto nan = LoadSipConfig((dir / "nan.toml").string());
        ASSERT_FALSE(nan) << value;
        EXPECT_NE(nan.error().message.find("nan.toml:1: max_calls: must be a number"),
                  std::string::npos)
            << nan.error().message;
    }
    // Found by fuzz/fuzz_sip_config: a port of 1e300 was converted to an
    // integer (undefined; UBSan stops at it). It is refused, by name.
    std::ofstream(dir / "ports.toml") << "rtp_ports = [1e300, 20999]\n[trunk]\nhost = \"h\"\n";
    auto ports = LoadSipConfig((dir / "ports.toml").string());
    ASSERT_FALSE(ports);
    EXPECT_NE(ports.error().message.find("ports.toml:1: rtp_ports"), std::string::npos)
        << ports.error().message;
    // Early media is on unless turned off, and only by true or false.
    EXPECT_TRUE(loopback->early_media);
    std::ofstream(dir / "early.toml") << "early_media = false\n[trunk]\nhost = \"h\"\n";
    auto early = LoadSipConfig((dir / "early.toml").string());
    ASSERT_TRUE(early) << early.error().message;
    EXPECT_FALSE(early->early_media);
    std::ofstream(dir / "early.toml") << "early_media = \"no\"\n[trunk]\nhost = \"h\"\n";
    auto word = LoadSipConfig((dir / "early.toml").string());
    ASSERT_FALSE(word);
    EXPECT_NE(word.error().message.find("early.toml:1: early_media"), std::string::npos)
        << word.error().message;

    // NAT: a public address, symmetric RTP (on unless turned off), keep-alives.
    EXPECT_TRUE(loopback->symmetric_rtp);
    EXPECT_EQ(loopback->public_address, "");
    std::ofstream(dir / "nat.toml") << "public_address = \"203.0.113.10\"\nsymmetric_rtp = false\n"
                                       "[trunk]\nhost = \"h\"\nkeepalive_seconds = 25\n";
    auto nat = LoadSipConfig((dir / "nat.toml").string());
    ASSERT_TRUE(nat) << nat.error().message;
    EXPECT_EQ(nat->public_address, "203.0.113.10");
    EXPECT_FALSE(nat->symmetric_rtp);
    EXPECT_EQ(nat->trunk.keepalive_seconds, 25);
    for (const char* bad :
         {"sip.example.ru", "203.0.113.10:", "203.0.113:5060", "1.2.3.4:99999x"}) {
        std::ofstream(dir / "nat.toml")
            << "public_address = \"" << bad << "\"\n[trunk]\nhost = \"h\"\n";
        auto wrong = LoadSipConfig((dir / "nat.toml").string());
        ASSERT_FALSE(wrong) << bad;
        EXPECT_NE(wrong.error().message.find("nat.toml:1: public_address"), std::string::npos)
            << wrong.error().message;
    }

    // Registration: the account's number joins the DIDs; a trunk that
    // registers without an account, a registrar that is no SIP URI and a
    // number not in E.164 are named.
    std::ofstream(dir / "reg.toml") << "dids = [\"+74951234567\"]\n[trunk]\nhost = \"h\"\n"
                                       "name = \"mts\"\nregister = true\nusername = \"1001\"\n"
                                       "register_expires = 120\ndid = \"+74957654321\"\n";
    auto reg = LoadSipConfig((dir / "reg.toml").string());
    ASSERT_TRUE(reg) << reg.error().message;
    EXPECT_TRUE(reg->trunk.registers);
    EXPECT_EQ(reg->trunk.name, "mts");
    EXPECT_EQ(reg->trunk.register_expires, 120);
    EXPECT_EQ(reg->trunk.register_retry_seconds, 30);
    EXPECT_EQ(reg->dids, (std::vector<std::string>{"+74951234567", "+74957654321"}));
    std::ofstream(dir / "reg.toml") << "[trunk]\nhost = \"h\"\nregister = true\n";
    auto anonymous = LoadSipConfig((dir / "reg.toml").string());
    ASSERT_FALSE(anonymous);
    EXPECT_NE(anonymous.error().message.find("reg.toml:3: [trunk] register"), std::string::npos)
        << anonymous.error().message;
    for (const auto& [line, named] : std::vector<std::pair<std::string, std::string>>{
             {"registrar = \"h:5060\"", "reg.toml:5: [trunk] registrar"},
             {"did = \"84951234567\"", "reg.toml:5: [trunk] did"},
             {"register_expires = 5", "reg.toml:5: [trunk] register_expires"}}) {
        std::ofstream(dir / "reg.toml")
            << "[trunk]\nhost = \"h\"\nregister = true\nusername = \"u\"\n"
            << line << "\n";
        auto wrong = LoadSipConfig((dir / "reg.toml").string());
        ASSERT_FALSE(wrong) << line;
        EXPECT_NE(wrong.error().message.find(named), std::string::npos)
            << named << " in " << wrong.error().message;
    }
    fs::remove_all(dir);
}

// --- Registration ------------------------------------------------------------

SipOptions Registering(const std::string& password) {
    SipOptions options;
    options.trunk.registers = true;
    options.trunk.username = "1001";
    options.trunk.password = password;
    options.trunk.register_domain = "provider.test";
    options.trunk.register_expires = 60;
    options.trunk.register_retry_seconds = 1;
    options.trunk.did = "+74951112233";
    options.dids = {"+74951112233"};
    return options;
}

std::map<std::string, std::string> Registrar(const std::string& password) {
    return {{"@USER@", "1001"},      {"@PASSWORD@", password}, {"@EXPIRES@", "2"},
            {"@LAST_EXPIRES@", "2"}, {"@ASKED@", "60"},        {"@DOMAIN@", "provider\\.test"}};
}

Millis Now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST_F(SipTelephonyTest, ATrunkRegistersRefreshesRetriesAfterA503AndTakesItsAccountsCalls) {
    Sipp registrar(dir_, "registrar.xml", Registrar("s3cret"));
    ASSERT_TRUE(registrar.started());
    SipTelephony& sip = Connect(registrar.address(), Registering("s3cret"));
    // 401 answered, 200 for 2 s, the refresh at 1.7 s refused 503 (Retry-After: 1),
    // the retry challenged anew and taken, the next refresh taken.
    EXPECT_EQ(registrar.Wait(30s), 0) << registrar.errors() << Log();
    const TrunkStatus t = sip.Trunks().at(0);
    EXPECT_EQ(t.name, "main");
    EXPECT_EQ(t.account, "sip:1001@provider.test");
    EXPECT_EQ(t.registration, "registered") << t.detail;
    EXPECT_EQ(t.registrations, 3);
    EXPECT_EQ(t.failures, 1);
    EXPECT_EQ(t.granted, 2) << "the expiry the registrar granted, not the one asked";
    EXPECT_GT(t.registered_until, Now());
    EXPECT_LE(t.registered_until, Now() + 2'100);
    EXPECT_GT(t.next_attempt, Now()) << "the next refresh is due before the binding lapses";
    EXPECT_LT(t.next_attempt, t.registered_until);
    const std::string log = Log();
    EXPECT_NE(log.find("sip: trunk main: registered at sip:" + registrar.address() +
                       " as sip:1001@provider.test for 2 s"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("failed: 503 Service Unavailable; the provider's side is down or busy; "
                       "nothing to change; next try in 1 s"),
              std::string::npos)
        << log;

    // The provider sends the account's calls to our Contact, naming the account.
    Sipp caller(dir_, "caller.xml", Caller("refused", "1001", {{"@STATUS@", "480"}}),
                sip.local_address());
    ASSERT_TRUE(WaitFor(EventKind::kIncoming)) << Kinds() << Log();
    EXPECT_EQ(Seen(EventKind::kIncoming)->to, "+74951112233") << "the trunk's did";
    EXPECT_EQ(Seen(EventKind::kIncoming)->from, "79161234567");
    sip.Hangup(Seen(EventKind::kIncoming)->call);
    EXPECT_EQ(caller.Wait(), 0) << caller.errors();
}

TEST_F(SipTelephonyTest, StoppingRemovesTheBindingWithExpiresZero) {
    std::map<std::string, std::string> values = Registrar("s3cret");
    values["@LAST_EXPIRES@"] = "60";
    Sipp registrar(dir_, "registrar.xml", values);
    SipTelephony& sip = Connect(registrar.address(), Registering("s3cret"));
    ASSERT_EQ(registrar.Wait(30s), 0) << registrar.errors() << Log();
    ASSERT_EQ(sip.Trunks().at(0).registration, "registered");
    // The registrar's port, listened to here: what comes when the server stops.
    const int port = std::stoi(registrar.address().substr(registrar.address().rfind(':') + 1));
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval limit{.tv_sec = 3, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    telephony_.reset();
    char buffer[4096];
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    close(fd);
    ASSERT_GT(n, 0) << "no REGISTER came when the server stopped";
    const std::string message(buffer, static_cast<size_t>(n));
    EXPECT_TRUE(message.starts_with("REGISTER sip:")) << message;
    EXPECT_NE(message.find("\r\nExpires: 0\r\n"), std::string::npos) << message;
    EXPECT_NE(message.find(";expires=0"), std::string::npos) << message;
}

// Issue 20, item 3: behind NAT the public address is what the provider sees
// in our Contact and SDP, and a registration's binding is kept open.
TEST_F(SipTelephonyTest, BehindNatThePublicAddressIsInContactAndSdpAndKeepAlivesFollow) {
    {
        Sipp trunk(dir_, "nat-check.xml",
                   {{"@PUBLIC@", "203\\.0\\.113\\.10"}, {"@PUBLIC_PORT@", "5062"}});
        SipOptions options;
        options.public_address = "203.0.113.10:5062";
        SipTelephony& sip = Connect(trunk.address(), options);
        sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
        ASSERT_TRUE(WaitFor(EventKind::kBusy)) << Kinds() << Log();
        EXPECT_EQ(trunk.Wait(), 0) << "Contact and SDP name 203.0.113.10: " << trunk.errors();
        telephony_.reset();
    }
    {
        Sipp registrar(dir_, "keepalive.xml",
                       {{"@PUBLIC@", "203\\.0\\.113\\.10"}, {"@PUBLIC_PORT@", "5062"}});
        SipOptions options = Registering("s3cret");
        options.public_address = "203.0.113.10:5062";
        options.trunk.keepalive_seconds = 1;
        SipTelephony& sip = Connect(registrar.address(), options);
        EXPECT_EQ(registrar.Wait(10s), 0)
            << "the REGISTER's Contact, then two OPTIONS a second apart: " << registrar.errors()
            << Log();
        EXPECT_EQ(sip.Trunks().at(0).registration, "registered");
    }
}

// A callee behind NAT whose SDP names one port (9, where nothing listens)
// while its audio comes from another (a socket of the test's): with
// symmetric RTP (the default) our audio goes where theirs comes from; without,
// it goes to the SDP's port and the callee hears nothing.
TEST_F(SipTelephonyTest, SymmetricRtpSendsWhereTheFarEndsAudioComesFrom) {
    for (bool symmetric : {true, false}) {
        Sipp callee(dir_, "answer-elsewhere.xml", {{"@SDP_PORT@", "9"}});
        SipOptions options;
        options.symmetric_rtp = symmetric;
        // One RTP port, so that the test knows where to send.
        const int rtp = FreeMediaPort();
        options.rtp_min_port = static_cast<uint16_t>(rtp);
        options.rtp_max_port = static_cast<uint16_t>(rtp + 1);
        SipTelephony& sip = Connect(callee.address(), options);
        const CallId id =
            sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
        ASSERT_TRUE(WaitFor(EventKind::kAnswered)) << Kinds() << Log();
        // The callee's audio, from a port its SDP does not name.
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in self{}, to{};
        self.sin_family = to.sin_family = AF_INET;
        self.sin_addr.s_addr = to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(static_cast<uint16_t>(rtp));
        ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&self), sizeof self), 0);
        timeval limit{.tv_sec = 0, .tv_usec = 200'000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        std::vector<uint8_t> packet(12 + 160, 0xd5);  // PCMA silence
        packet[0] = 0x80;
        packet[1] = 8;
        int heard = 0;
        for (int i = 0; i < 50; ++i) {
            packet[3] = static_cast<uint8_t>(i);
            sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to),
                   sizeof to);
            char buffer[512];
            while (recv(fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0)
                ++heard;
            std::this_thread::sleep_for(20ms);
        }
        close(fd);
        sip.Hangup(id);
        EXPECT_EQ(callee.Wait(), 0) << callee.errors();
        EXPECT_GT(sip.counters().rtp_received, 40) << "the callee's audio reached us";
        if (symmetric) {
            EXPECT_GT(heard, 30) << "our frames went where the callee's come from";
        } else {
            EXPECT_EQ(heard, 0) << "without it, our frames go to the SDP's port";
        }
        telephony_.reset();
        events_.clear();
    }
}

TEST_F(SipTelephonyTest, ARegistrarRefusingTheLoginIsSaidWithWhatToCheckAndTriedAgainLater) {
    Sipp registrar(dir_, "registrar.xml", Registrar("the-providers-password"));
    ASSERT_TRUE(registrar.started());
    SipOptions options = Registering("a-wrong-one");
    options.trunk.register_retry_seconds = 30;
    SipTelephony& sip = Connect(registrar.address(), options);
    EXPECT_EQ(registrar.Wait(20s), 0) << "401, the answer checked, 403: " << registrar.errors();
    queue_.RunUntil([&] { return sip.Trunks().at(0).registration == "failed"; }, 5s);
    const TrunkStatus t = sip.Trunks().at(0);
    EXPECT_EQ(t.registration, "failed");
    EXPECT_EQ(t.problem, "forbidden");
    EXPECT_EQ(t.status, 403);
    EXPECT_EQ(t.detail, "403 Forbidden");
    EXPECT_EQ(t.registrations, 0);
    EXPECT_EQ(t.registered_until, 0);
    EXPECT_GT(t.next_attempt, Now() + 20'000) << "30 s, less a fifth at most";
    EXPECT_LE(t.next_attempt, Now() + 30'000);
    EXPECT_NE(Log().find("registration at sip:" + registrar.address() +
                         " failed: 403 Forbidden; check [trunk] username and password"),
              std::string::npos)
        << Log();
}

TEST(Registration, RetriesBackOffFromTheFirstWaitDoublingToHalfAnHour) {
    EXPECT_EQ(RegistrationBackoffMs(30, 1, 0), 30'000);
    EXPECT_EQ(RegistrationBackoffMs(30, 2, 0), 60'000);
    EXPECT_EQ(RegistrationBackoffMs(30, 3, 0), 120'000);
    EXPECT_EQ(RegistrationBackoffMs(30, 7, 0), 1'800'000);
    EXPECT_EQ(RegistrationBackoffMs(30, 1'000'000, 0), 1'800'000);
    EXPECT_EQ(RegistrationBackoffMs(1, 1, 5), 5'000) << "never before the Retry-After";
    EXPECT_EQ(RegistrationBackoffMs(0, 1, 0), 1'000);
}

// --- Inbound ---------------------------------------------------------------

SipOptions WithDid() {
    SipOptions options;
    options.dids = {"+74950000001"};
    options.trunk.number_format = NumberFormat::kDigits;
    return options;
}

TEST_F(SipTelephonyTest, ACallToADidRingsUntilAnsweredAndThenCarriesAudioBothWays) {
    SipTelephony& sip = Connect("127.0.0.1:9", WithDid());
    Sipp caller(dir_, "caller.xml",
                Caller("answered", "74950000001",
                       {{"@PCAP@", "/usr/share/sip-tester/g711a.pcap"}, {"@TALK@", "3000"}}),
                sip.local_address());
    ASSERT_TRUE(caller.started());
    ASSERT_TRUE(WaitFor(EventKind::kIncoming)) << Kinds() << Log();
    const Event offered = *Seen(EventKind::kIncoming);
    EXPECT_EQ(offered.from, "79161234567") << "the caller as the network gave it";
    EXPECT_EQ(offered.to, "+74950000001") << "the DID, as configured";

    // It rings until callbase answers: nothing is answered in a second.
    queue_.RunUntil([] { return false; }, 1'000ms);
    EXPECT_FALSE(Seen(EventKind::kAnswered)) << Kinds();
    EXPECT_EQ(caller.Wait(0s), -1) << "the caller is still ringing: " << caller.errors();

    sip.Answer(offered.call);
    ASSERT_TRUE(WaitFor(EventKind::kAnswered)) << Kinds() << Log();
    const std::string recording = Seen(EventKind::kAnswered)->recording;
    sip.Play(offered.call, "Здравствуйте! Оператор слушает.");
    ASSERT_TRUE(WaitFor(EventKind::kHungUp, 15s)) << "the caller hangs up after 3 s: " << Kinds();
    EXPECT_EQ(caller.Wait(), 0) << "SIPp saw 180, then 200 with PCMA, and our 200 to its BYE: "
                                << caller.errors();
    SipCounters counters = sip.counters();
    EXPECT_EQ(counters.incoming, 1);
    EXPECT_EQ(counters.answered, 1);
    EXPECT_GT(counters.rtp_received, 50);
    telephony_.reset();

    auto wav = media::ReadWav(recording);
    ASSERT_TRUE(wav) << wav.error().message;
    const std::vector<int16_t> theirs = Side(*wav, 0), ours = Side(*wav, 1);
    EXPECT_GT(media::Rms(theirs), 0.01) << "the caller's voice is recorded";
    EXPECT_GT(media::Rms(ours), 0.01) << "so is ours";
}

// Early media (issue 20, item 5): a caller not answered hears a message
// before the answer — 183 Session Progress with an SDP answer in PCMA, then
// our RTP — and is refused after it (the black list's 603 here): the call is
// never answered, so the caller is not charged. With early_media off the
// network says it does not do it, and the router answers for the message.
TEST_F(SipTelephonyTest, AMessageBeforeTheAnswerIsEarlyMediaAndTheCallIsRefusedAfterIt) {
    SipTelephony& sip = Connect("127.0.0.1:9", WithDid());
    Sipp caller(dir_, "caller.xml", Caller("early", "74950000001", {{"@STATUS@", "603"}}),
                sip.local_address());
    ASSERT_TRUE(caller.started());
    ASSERT_TRUE(WaitFor(EventKind::kIncoming)) << Kinds() << Log();
    const CallId id = Seen(EventKind::kIncoming)->call;
    ASSERT_TRUE(sip.EarlyMedia(id));
    sip.Play(id, "Ваш звонок не может быть принят. До свидания.");
    ASSERT_TRUE(WaitFor(EventKind::kPromptDone, 15s)) << Kinds() << Log();
    EXPECT_FALSE(Seen(EventKind::kAnswered)) << Kinds();
    const SipCounters heard = sip.counters();
    EXPECT_EQ(heard.early_media, 1);
    EXPECT_EQ(heard.answered, 0);
    EXPECT_GT(heard.rtp_sent, 50) << "over a second of the message went out before any answer";
    sip.Reject(id, 603);
    EXPECT_EQ(caller.Wait(), 0) << "SIPp saw 183 with PCMA, then 603: " << caller.errors();

    // A key pressed while the early media plays is heard (a queue's «press 1»).
    Sipp keys(dir_, "caller.xml",
              Caller("early-keys", "74950000001",
                     {{"@STATUS@", "480"}, {"@PCAP@", "/usr/share/sip-tester/dtmf_2833_1.pcap"}}),
              sip.local_address());
    ASSERT_TRUE(keys.started());
    auto incoming = [&] {
        return std::count_if(events_.begin(), events_.end(),
                             [](const Event& e) { return e.kind == EventKind::kIncoming; });
    };
    ASSERT_TRUE(queue_.RunUntil([&] { return incoming() == 2; }, 10s)) << Kinds() << Log();
    const CallId second = events_.back().call;
    ASSERT_TRUE(sip.EarlyMedia(second));
    sip.Hold(second, true);
    sip.Collect(second, 1, 8000);
    ASSERT_TRUE(WaitFor(EventKind::kDigits, 10s)) << Kinds() << Log();
    EXPECT_EQ(Seen(EventKind::kDigits)->digits, "1");
    EXPECT_FALSE(Seen(EventKind::kAnswered)) << Kinds();
    sip.Reject(second, 480);
    // SIPp's own verdict is not asked: SIPp 3.6.1 dies (SIGSEGV) ending an
    // unanswered call it played a capture into. What counts is above: the key
    // came in over the early media, and no answer went out.
    (void)keys.Wait();

    SipOptions off = WithDid();
    off.early_media = false;
    SipTelephony plain(off, *cached_, [](auto) {});
    EXPECT_FALSE(plain.EarlyMedia(1));
}

// A caller waiting for an operator hears Debian's music on hold (a WAV file
// Asterisk's package ships), a prompt over it, then the music again from
// where it stopped; a file that cannot be read is said at start.
TEST_F(SipTelephonyTest, AWaitingCallerHearsMusicOnHoldBetweenPrompts) {
    SipOptions options = WithDid();
    ASSERT_TRUE(std::filesystem::exists(options.music_on_hold))
        << options.music_on_hold << ": scripts/install-deps installs asterisk-moh-opsound-wav";
    SipTelephony& sip = Connect("127.0.0.1:9", options);
    EXPECT_EQ(Log().find("music on hold"), std::string::npos) << Log();
    Sipp caller(dir_, "caller.xml",
                Caller("answered", "74950000001",
                       {{"@PCAP@", "/usr/share/sip-tester/g711a.pcap"}, {"@TALK@", "4000"}}),
                sip.local_address());
    ASSERT_TRUE(caller.started());
    ASSERT_TRUE(WaitFor(EventKind::kIncoming)) << Kinds() << Log();
    const CallId id = Seen(EventKind::kIncoming)->call;
    sip.Answer(id);
    ASSERT_TRUE(WaitFor(EventKind::kAnswered)) << Kinds() << Log();
    const std::string recording = Seen(EventKind::kAnswered)->recording;
    sip.Hold(id, true);
    queue_.RunUntil([] { return false; }, 1'000ms);
    sip.Play(id, "Ваш номер в очереди — 1.");
    ASSERT_TRUE(WaitFor(EventKind::kPromptDone, 10s)) << Kinds();
    ASSERT_TRUE(WaitFor(EventKind::kHungUp, 15s)) << Kinds();
    EXPECT_EQ(caller.Wait(), 0) << caller.errors();
    telephony_.reset();

    auto wav = media::ReadWav(recording);
    ASSERT_TRUE(wav) << wav.error().message;
    const std::vector<int16_t> ours = Side(*wav, 1);
    auto music = media::ReadWav(options.music_on_hold);
    ASSERT_TRUE(music) << music.error().message;
    ASSERT_EQ(music->rate, 8000);
    // The music's first second is in what the caller heard, sample for sample.
    const std::vector<int16_t> first(music->samples.begin(), music->samples.begin() + 8000);
    const auto at = std::search(ours.begin(), ours.end(), first.begin(), first.end());
    ASSERT_NE(at, ours.end()) << "the music's beginning is not in the recording";
    // The music runs until the prompt, then goes on from where it stopped.
    size_t heard = 0;
    while (at + static_cast<std::ptrdiff_t>(heard) != ours.end() && heard < music->samples.size() &&
           at[static_cast<std::ptrdiff_t>(heard)] == music->samples[heard])
        ++heard;
    ASSERT_LT(heard, music->samples.size() - 800);
    const auto next = music->samples.begin() + static_cast<std::ptrdiff_t>(heard);
    const std::vector<int16_t> then(next, next + 800);
    EXPECT_NE(
        std::search(at + static_cast<std::ptrdiff_t>(heard), ours.end(), then.begin(), then.end()),
        ours.end())
        << "the music did not go on after the prompt from sample " << heard;
    EXPECT_EQ(std::search(at + static_cast<std::ptrdiff_t>(heard), ours.end(), first.begin(),
                          first.begin() + 800),
              ours.end())
        << "the music began again after the prompt";

    // A file that is not there: said when the server starts.
    SipOptions missing = WithDid();
    missing.music_on_hold = (dir_ / "no-such.wav").string();
    Connect("127.0.0.1:9", missing);
    EXPECT_NE(Log().find("the music on hold " + missing.music_on_hold + " cannot be played"),
              std::string::npos)
        << Log();
}

TEST_F(SipTelephonyTest, CallsToOtherNumbersGet404AndAnOfferedCallCanBeRefusedOrGivenUp) {
    SipTelephony& sip = Connect("127.0.0.1:9", WithDid());
    {
        Sipp caller(dir_, "caller.xml", Caller("refused", "74950000002", {{"@STATUS@", "404"}}),
                    sip.local_address());
        EXPECT_EQ(caller.Wait(), 0) << "a number that is not ours: 404. " << caller.errors();
        EXPECT_TRUE(events_.empty()) << Kinds();
    }
    {
        Sipp caller(dir_, "caller.xml", Caller("refused", "+74950000001", {{"@STATUS@", "480"}}),
                    sip.local_address());
        ASSERT_TRUE(WaitFor(EventKind::kIncoming)) << Kinds() << Log();
        sip.Hangup(Seen(EventKind::kIncoming)->call);
        EXPECT_EQ(caller.Wait(), 0) << "refused with 480 and ACKed: " << caller.errors();
        EXPECT_FALSE(Seen(EventKind::kHungUp)) << "no event follows our own refusal";
    }
    events_.clear();
    {
        Sipp caller(dir_, "caller.xml", Caller("cancel", "74950000001", {{"@WAIT@", "500"}}),
                    sip.local_address());
        ASSERT_TRUE(WaitFor(EventKind::kIncoming)) << Kinds() << Log();
        ASSERT_TRUE(WaitFor(EventKind::kHungUp)) << "the caller gave up ringing: " << Kinds();
        EXPECT_EQ(Seen(EventKind::kHungUp)->call, Seen(EventKind::kIncoming)->call);
        EXPECT_EQ(caller.Wait(), 0) << "CANCEL answered 200, the INVITE 487: " << caller.errors();
    }
    EXPECT_EQ(sip.counters().incoming, 2);
    EXPECT_EQ(sip.counters().active, 0);
}

// Issue 20, item 2: several trunks. Two SIPp trunks, "a" and "b".
Trunk Named(const std::string& name, const std::string& host,
            std::vector<std::string> failover = {}) {
    Trunk t;
    t.name = name;
    t.host = host;
    t.failover = std::move(failover);
    return t;
}

const TrunkStatus& StatusOf(const std::vector<TrunkStatus>& all, const std::string& name) {
    for (const auto& t : all)
        if (t.name == name) return t;
    static const TrunkStatus kNone;
    ADD_FAILURE() << "no trunk " << name;
    return kNone;
}

TEST_F(SipTelephonyTest, ACallGoesThroughItsCampaignsTrunkAndA503PassesItToTheFailover) {
    Sipp a(dir_, "final.xml", {{"@STATUS@", "503 Service Unavailable"}});
    Sipp b(dir_, "final.xml", {{"@STATUS@", "486 Busy Here"}}, "", {"-m", "2"});
    ASSERT_TRUE(a.started() && b.started());
    SipOptions options;
    options.trunk = Named("a", a.address(), {"b"});
    options.more_trunks = {Named("b", b.address())};
    SipTelephony& sip = Connect(a.address(), options);
    // The default trunk refuses 503 before ringing: the call goes on
    // through b, and b's answer is the call's.
    sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234567"});
    ASSERT_TRUE(WaitFor(EventKind::kBusy)) << Kinds() << Log();
    EXPECT_EQ(Seen(EventKind::kBusy)->cause, 486);
    EXPECT_FALSE(Seen(EventKind::kFailed)) << Kinds();
    EXPECT_NE(Log().find("the call to +79161234567 goes through trunk b"), std::string::npos)
        << Log();
    EXPECT_EQ(a.Wait(), 0) << a.errors();
    // A campaign that names b dials b only.
    events_.clear();
    sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234568", .trunk = "b"});
    ASSERT_TRUE(WaitFor(EventKind::kBusy)) << Kinds() << Log();
    EXPECT_EQ(b.Wait(), 0) << b.errors();
    // (The SIP thread leaves the trunk just after it tells the outcome.)
    auto trunks = sip.Trunks();
    for (int i = 0; i < 100 && trunks.size() == 2 && trunks[0].active + trunks[1].active != 0;
         ++i) {
        std::this_thread::sleep_for(20ms);
        trunks = sip.Trunks();
    }
    ASSERT_EQ(trunks.size(), 2u);
    EXPECT_EQ(trunks[0].name, "a");
    EXPECT_TRUE(trunks[0].is_default);
    EXPECT_EQ(trunks[0].failover, std::vector<std::string>{"b"});
    EXPECT_EQ(StatusOf(trunks, "a").calls, 1);
    EXPECT_EQ(StatusOf(trunks, "a").failed_over, 1);
    EXPECT_EQ(StatusOf(trunks, "b").calls, 2);
    EXPECT_EQ(StatusOf(trunks, "a").active + StatusOf(trunks, "b").active, 0);
    EXPECT_TRUE(StatusOf(trunks, "a").up) << "a 5xx passes the call on, it does not take a out";
    // A trunk the settings do not have: the call fails at once, saying so.
    events_.clear();
    sip.Originate(Dial{.caller_id = "+74950000001", .number = "+79161234569", .trunk = "c"});
    ASSERT_TRUE(WaitFor(EventKind::kFailed)) << Kinds();
    EXPECT_EQ(Seen(EventKind::kFailed)->cause, 503);
    EXPECT_NE(Log().find("the SIP settings have no trunk \"c\""), std::string::npos) << Log();
}

TEST_F(SipTelephonyTest, ATrunksCallsAtOnceAreNeverMoreThanItsCapAndItsCallsASecondAreSpaced) {
    Sipp a(dir_, "ring-cancel.xml",
           {{"@PROVISIONAL@", "180 Ringing"}, {"@EXTRA@", "Allow: INVITE, ACK, CANCEL, BYE"}});
    Sipp b(dir_, "final.xml", {{"@STATUS@", "486 Busy Here"}}, "", {"-m", "4"});
    ASSERT_TRUE(a.started() && b.started());
    SipOptions options;
    options.trunk = Named("a", a.address(), {"b"});
    options.trunk.max_calls = 1;
    options.more_trunks = {Named("b", b.address())};
    options.more_trunks[0].calls_per_second = 2;
    SipTelephony& sip = Connect(a.address(), options);
    const CallId ringing = sip.Originate(
        Dial{.caller_id = "+74950000001", .number = "+79161234567", .ring_timeout = 6'000});
    ASSERT_TRUE(WaitFor(EventKind::kRinging)) << Kinds() << Log();
    EXPECT_EQ(StatusOf(sip.Trunks(), "a").active, 1);
    // a is full: four more calls go through b, at most two a second.
    events_.clear();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 4; ++i)
        sip.Originate(
            Dial{.caller_id = "+74950000001", .number = "+7916123450" + std::to_string(i)});
    auto busy = [&] {
        return std::count_if(events_.begin(), events_.end(),
                             [](const Event& e) { return e.kind == EventKind::kBusy; });
    };
    queue_.RunUntil([&] { return busy() == 4; }, 10s);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(busy(), 4) << Kinds() << Log();
    EXPECT_GE(took, 1'400ms) << "4 INVITEs at 2 a second: the last one 1.5 s after the first";
    EXPECT_LT(took, 4'000ms);
    EXPECT_NE(Log().find("a full: 1 calls up, its max_calls"), std::string::npos) << Log();
    auto trunks = sip.Trunks();
    EXPECT_EQ(StatusOf(trunks, "a").calls, 1) << "never two calls at once on a";
    EXPECT_EQ(StatusOf(trunks, "a").failed_over, 4);
    EXPECT_EQ(StatusOf(trunks, "b").calls, 4);
    EXPECT_EQ(b.Wait(), 0) << b.errors();
    sip.Hangup(ringing);
    EXPECT_EQ(a.Wait(), 0) << a.errors();
    queue_.RunUntil([&] { return StatusOf(sip.Trunks(), "a").active == 0; }, 2s);
    EXPECT_EQ(StatusOf(sip.Trunks(), "a").active, 0) << "the place is given back";
}

TEST_F(SipTelephonyTest, ATrunkThatDoesNotAnswerIsTakenOutAndWithoutFailoverTheCallsFailAtOnce) {
    // Nothing listens on a's TCP port: every INVITE fails before an answer.
    const int closed = FreeUdpPort();
    Sipp b(dir_, "final.xml", {{"@STATUS@", "486 Busy Here"}}, "", {"-m", "4"});
    ASSERT_TRUE(b.started());
    SipOptions options;
    options.trunk = Named("a", "127.0.0.1:" + std::to_string(closed), {"b"});
    options.trunk.transport = "tcp";
    options.more_trunks = {Named("b", b.address())};
    SipTelephony& sip = Connect(options.trunk.host, options);
    for (int i = 0; i < 4; ++i) {
        events_.clear();
        sip.Originate(
            Dial{.caller_id = "+74950000001", .number = "+7916123450" + std::to_string(i)});
        ASSERT_TRUE(WaitFor(EventKind::kBusy)) << i << ": " << Kinds() << Log();
    }
    EXPECT_EQ(b.Wait(), 0) << b.errors();
    auto trunks = sip.Trunks();
    const TrunkStatus& a = StatusOf(trunks, "a");
    EXPECT_FALSE(a.up);
    EXPECT_EQ(a.down_reason, "no_answer");
    EXPECT_GT(a.down_until, Now() + 20'000);
    EXPECT_EQ(a.calls, 3) << "the fourth call did not try a trunk that is down";
    EXPECT_EQ(a.failed_over, 4);
    EXPECT_NE(Log().find("sip: trunk a (127.0.0.1:"), std::string::npos) << Log();
    EXPECT_NE(Log().find("is down for 30 s"), std::string::npos) << Log();
    telephony_.reset();

    // One trunk, no failover: once it is out, calls fail at once with 503.
    events_.clear();
    SipOptions alone;
    alone.trunk = Named("a", "127.0.0.1:" + std::to_string(closed));
    alone.trunk.transport = "tcp";
    SipTelephony& only = Connect(alone.trunk.host, alone);
    for (size_t i = 0; i < 4; ++i) {
        only.Originate(
            Dial{.caller_id = "+74950000001", .number = "+7916123450" + std::to_string(i)});
        queue_.RunUntil([&] { return events_.size() == i + 1; }, 10s);
        ASSERT_EQ(events_.size(), i + 1) << Kinds();
        EXPECT_EQ(events_.back().kind, EventKind::kFailed);
        EXPECT_EQ(events_.back().cause, i < 3 ? 0 : 503)
            << "no answer from the trunk: cause 0, as before; then it is out: 503";
    }
    EXPECT_NE(Log().find("cannot go out: a down"), std::string::npos) << Log();
    EXPECT_EQ(StatusOf(only.Trunks(), "a").calls, 3);
}

TEST(SipConfig, SeveralTrunksNameTheirDefaultFailoverCapsAndNumbers) {
    const fs::path dir =
        fs::temp_directory_path() / ("callbase-sipconf-trunks-" + std::to_string(getpid()));
    fs::create_directories(dir);
    auto load = [&](const std::string& text) {
        std::ofstream(dir / "t.toml") << text;
        return LoadSipConfig((dir / "t.toml").string());
    };
    auto ok = load(
        "default_trunk = \"main\"\ndids = [\"+74950000001\"]\n"
        "[trunks.backup]\nhost = \"b.example.ru\"\ndids = [\"+74950000003\"]\n"
        "[trunks.main]\nhost = \"a.example.ru\"\nmax_calls = 30\ncalls_per_second = 5\n"
        "failover = [\"backup\"]\ndids = [\"+74950000002\"]\n");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->trunk.name, "main") << "the default first";
    EXPECT_EQ(ok->trunk.max_calls, 30);
    EXPECT_EQ(ok->trunk.calls_per_second, 5);
    EXPECT_EQ(ok->trunk.failover, std::vector<std::string>{"backup"});
    ASSERT_EQ(ok->more_trunks.size(), 1u);
    EXPECT_EQ(ok->more_trunks[0].name, "backup");
    EXPECT_EQ(ok->dids, (std::vector<std::string>{"+74950000001", "+74950000002", "+74950000003"}));

    struct Case {
        std::string text, said;
    };
    for (const Case& c : {
             Case{"[trunks.a]\nhost = \"a\"\n[trunks.b]\nhost = \"b\"\n",
                  "default_trunk: missing: with several trunks"},
             Case{"default_trunk = \"c\"\n[trunks.a]\nhost = \"a\"\n[trunks.b]\nhost = \"b\"\n",
                  "t.toml:1: default_trunk: no trunk is named \"c\""},
             Case{"default_trunk = \"a\"\n[trunks.a]\nhost = \"a\"\nfailover = [\"z\"]\n"
                  "[trunks.b]\nhost = \"b\"\n",
                  "[trunks.a] failover: \"z\" is not another trunk's name"},
             Case{"[trunk]\nhost = \"a\"\n[trunks.b]\nhost = \"b\"\n",
                  "either one [trunk] or several [trunks.NAME]"},
             Case{"default_trunk = \"a\"\n[trunks.a]\nhost = \"a\"\ndids = [\"+74950000001\"]\n"
                  "[trunks.b]\nhost = \"b\"\ndids = [\"+74950000001\"]\n",
                  "+74950000001 is also trunk"},
             Case{"default_trunk = \"a\"\n[trunks.a]\nhost = \"a\"\nmax_calls = -1\n",
                  "t.toml:4: [trunks.a] max_calls: -1 is out of range"},
             Case{"[trunks.A]\nhost = \"a\"\n", "name trunks with lowercase latin letters"},
         }) {
        auto bad = load(c.text);
        ASSERT_FALSE(bad) << c.text;
        EXPECT_NE(bad.error().message.find(c.said), std::string::npos)
            << c.text << " said: " << bad.error().message;
    }
    fs::remove_all(dir);
}

TEST(DialString, WritesNumbersAsTheTrunkWants) {
    EXPECT_EQ(DialString("+79161234567", NumberFormat::kPlus), "+79161234567");
    EXPECT_EQ(DialString("+79161234567", NumberFormat::kDigits), "79161234567");
    EXPECT_EQ(DialString("+79161234567", NumberFormat::kNational), "89161234567");
    EXPECT_EQ(DialString("+375291234567", NumberFormat::kNational), "810375291234567");
    EXPECT_FALSE(ParseNumberFormat("8xx"));
}

TEST(VoiceLanguage, RussianTextIsReadInRussianAndLatinInEnglish) {
    EXPECT_EQ(VoiceLanguage("Здравствуйте! Нажмите 1.", "en"), "ru");
    EXPECT_EQ(VoiceLanguage("Sorry, I did not get that.", "ru"), "en");
    EXPECT_EQ(VoiceLanguage("Press 1, или нажмите 2", "en"), "ru");
    EXPECT_EQ(VoiceLanguage("1 2 3", "ru"), "ru");
    EXPECT_EQ(VoiceLanguage("1 2 3", "en"), "en");
}

}  // namespace
}  // namespace callbase::telephony::sip
