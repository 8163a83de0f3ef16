#include "compliance/registry_source.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "compliance/registry.h"
#include "core/sha256.h"
#include "phone/clean.h"

namespace callbase::compliance {
namespace {

constexpr size_t kReadBytes = size_t{1} << 20;  // one read() of the file
constexpr size_t kMaxNumberBytes = 200;         // a longer line is not one number

constexpr std::string_view kNothingLoaded = "nothing was loaded";

// Whole lines of the text, in file order.
struct Block {
    uint64_t seq = 0;
    int64_t first_line = 1;
    std::string text;
};

// A bounded queue of blocks from the reading thread to the cleaning threads.
class BlockQueue {
public:
    explicit BlockQueue(size_t capacity) : capacity_(capacity) {}

    // False when the queue was closed for an error (the block is dropped).
    bool Push(Block block) {
        std::unique_lock lock(mu_);
        not_full_.wait(lock, [&] { return blocks_.size() < capacity_ || aborted_; });
        if (aborted_) return false;
        blocks_.push_back(std::move(block));
        not_empty_.notify_one();
        return true;
    }
    // Nothing when the input is done or aborted.
    std::optional<Block> Pop() {
        std::unique_lock lock(mu_);
        not_empty_.wait(lock, [&] { return !blocks_.empty() || done_ || aborted_; });
        if (aborted_ || blocks_.empty()) return std::nullopt;
        Block block = std::move(blocks_.front());
        blocks_.pop_front();
        not_full_.notify_one();
        return block;
    }
    void Done() {
        std::lock_guard lock(mu_);
        done_ = true;
        not_empty_.notify_all();
    }
    void Abort() {
        std::lock_guard lock(mu_);
        aborted_ = true;
        not_empty_.notify_all();
        not_full_.notify_all();
    }

private:
    std::mutex mu_;
    std::condition_variable not_empty_;
    std::condition_variable not_full_;
    std::deque<Block> blocks_;
    size_t capacity_;
    bool done_ = false;
    bool aborted_ = false;
};

// What one cleaning thread found.
struct Tally {
    std::vector<uint64_t> keys;
    uint64_t lines = 0;
    uint64_t rejected = 0;
    std::vector<RejectedLine> first_rejected;  // its first kReportedRejects, by line
    bool header = false;
};

bool IsSpace(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view Trim(std::string_view s) {
    constexpr std::string_view kNoBreakSpace = "\xC2\xA0";
    for (;;) {
        if (!s.empty() && IsSpace(s.front()))
            s.remove_prefix(1);
        else if (s.starts_with(kNoBreakSpace))
            s.remove_prefix(2);
        else
            break;
    }
    for (;;) {
        if (!s.empty() && IsSpace(s.back()))
            s.remove_suffix(1);
        else if (s.ends_with(kNoBreakSpace))
            s.remove_suffix(2);
        else
            break;
    }
    return s;
}

// At most n bytes of s, not cutting a UTF-8 character in two.
std::string Cut(std::string_view s, size_t n) {
    if (s.size() <= n) return std::string(s);
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    return std::string(s.substr(0, n)) + "…";
}

int64_t LineOf(const Block& block, size_t offset) {
    return block.first_line + std::count(block.text.begin(),
                                         block.text.begin() + static_cast<ptrdiff_t>(offset), '\n');
}

class SourceReader {
public:
    SourceReader(const std::string& path, const phone::Cleaner& cleaner,
                 const SourceOptions& options)
        : path_(path),
          cleaner_(cleaner),
          options_(options),
          block_bytes_(std::max<size_t>(options.block_bytes, 1024)),
          queue_(2 * static_cast<size_t>(std::max(options.threads, 1)) + 2) {}

    Result<SourceNumbers> Run() {
        if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to start");
        fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) {
            return Fail(
                ErrorCode::kNotFound,
                fmt::format("cannot read {}: {}", path_, std::strerror(errno)),
                fmt::format("check the path and the file's permissions; {}", kNothingLoaded));
        }
        struct stat st {};
        if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd_);
            return Fail(ErrorCode::kNotFound, fmt::format("cannot read {}: not a file", path_),
                        "give the path of a list of phone numbers, one a line (plain or gzip)");
        }
        file_bytes_ = static_cast<uint64_t>(st.st_size);

        std::thread reader([this] { Read(); });
        std::vector<std::thread> cleaners;
        std::vector<Tally> tallies(static_cast<size_t>(std::max(options_.threads, 1)));
        for (size_t t = 1; t < tallies.size(); ++t)
            cleaners.emplace_back([this, &tallies, t] { Clean(&tallies[t], false); });
        Clean(&tallies[0], true);
        for (auto& t : cleaners)
            t.join();
        reader.join();
        ::close(fd_);
        if (error_) return std::unexpected(*error_);
        if (options_.on_progress) options_.on_progress(file_bytes_, file_bytes_);
        return Merge(std::move(tallies));
    }

private:
    // Records the first error and stops every thread.
    void Stop(Error error) {
        {
            std::lock_guard lock(error_mu_);
            if (!error_) error_ = std::move(error);
        }
        queue_.Abort();
    }
    bool stopped() {
        std::lock_guard lock(error_mu_);
        return error_.has_value();
    }

    // The reading thread: the file's bytes -> SHA-256, inflated when gzip,
    // cut into blocks of whole lines.
    void Read() {
        std::vector<char> raw(kReadBytes);
        buffer_.resize(block_bytes_ + kReadBytes);
        z_stream zs{};
        bool gzip = false;
        bool stream_ended = false;
        bool first = true;
        for (;;) {
            // A plain file is read straight into the block buffer; gzip (and
            // the first read, which tells which it is) through `raw`.
            const bool direct = !first && !gzip;
            if (direct && used_ >= block_bytes_ && !EmitLines()) break;
            char* into = direct ? buffer_.data() + used_ : raw.data();
            const size_t room = direct ? std::min(kReadBytes, buffer_.size() - used_) : raw.size();
            ssize_t n = ::read(fd_, into, room);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                Stop(Error{ErrorCode::kIo,
                           fmt::format("cannot read {}: {}", path_, std::strerror(errno)),
                           std::string(kNothingLoaded)});
                break;
            }
            if (n == 0) break;
            sha_.Update(into, static_cast<size_t>(n));
            read_bytes_.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
            if (direct) {
                used_ += static_cast<size_t>(n);
                continue;
            }
            if (first) {
                first = false;
                gzip = n >= 2 && static_cast<unsigned char>(raw[0]) == 0x1f &&
                       static_cast<unsigned char>(raw[1]) == 0x8b;
                gzip_ = gzip;
                if (gzip && inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
                    Stop(Error{ErrorCode::kInternal, "zlib failed to start"});
                    break;
                }
            }
            if (!gzip) {
                if (!Append(raw.data(), static_cast<size_t>(n))) break;
                continue;
            }
            if (!Inflate(&zs, raw.data(), static_cast<size_t>(n), &stream_ended)) break;
        }
        if (gzip) {
            if (!stopped() && !stream_ended) {
                Stop(Coded(ErrorCode::kInvalidInput,
                           Msg{"registry.gzip_truncated",
                               "{file}: the gzip data ends early: the file is truncated",
                               "download or copy the file again (gzip -t checks it); nothing was "
                               "loaded"},
                           {{"file", path_}}));
            }
            inflateEnd(&zs);
        }
        if (!stopped() && used_ > 0) {
            // The last line may lack its '\n'; it may not be longer than a block either.
            const char* nl = static_cast<const char*>(::memrchr(buffer_.data(), '\n', used_));
            size_t tail =
                nl == nullptr ? used_ : used_ - static_cast<size_t>(nl - buffer_.data()) - 1;
            if (tail > block_bytes_) {
                LineTooLong(next_line_ + std::count(buffer_.data(), buffer_.data() + used_, '\n'));
            } else {
                Emit(used_);
            }
        }
        digest_ = sha_.Final();
        queue_.Done();
    }

    bool Inflate(z_stream* zs, char* data, size_t n, bool* stream_ended) {
        zs->next_in = reinterpret_cast<Bytef*>(data);
        zs->avail_in = static_cast<uInt>(n);
        while (zs->avail_in > 0) {
            if (*stream_ended) {  // another gzip member follows (gzip a b > c)
                inflateReset(zs);
                *stream_ended = false;
            }
            if (used_ >= block_bytes_ && !EmitLines()) return false;
            zs->next_out = reinterpret_cast<Bytef*>(buffer_.data() + used_);
            zs->avail_out = static_cast<uInt>(buffer_.size() - used_);
            int rc = inflate(zs, Z_NO_FLUSH);
            used_ = buffer_.size() - zs->avail_out;
            if (rc == Z_STREAM_END) {
                *stream_ended = true;
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                Stop(Coded(ErrorCode::kInvalidInput,
                           Msg{"registry.gzip_damaged",
                               "{file}: damaged gzip data after {bytes} bytes of the file ({why})",
                               "download or copy the file again (gzip -t checks it); nothing was "
                               "loaded"},
                           {{"file", path_},
                            {"bytes", std::to_string(zs->total_in)},
                            {"why", zs->msg ? zs->msg : "zlib error"}}));
                return false;
            }
        }
        return true;
    }

    bool Append(const char* data, size_t n) {
        while (n > 0) {
            size_t take = std::min(n, buffer_.size() - used_);
            std::memcpy(buffer_.data() + used_, data, take);
            used_ += take;
            data += take;
            n -= take;
            if (used_ >= block_bytes_ && !EmitLines()) return false;
        }
        return true;
    }

    // Hands out the buffer's whole lines as a block; keeps the unfinished one.
    bool EmitLines() {
        const char* start = buffer_.data();
        const char* nl = static_cast<const char*>(::memrchr(start, '\n', used_));
        if (nl == nullptr) {
            LineTooLong(next_line_);
            return false;
        }
        return Emit(static_cast<size_t>(nl - start) + 1);
    }

    void LineTooLong(int64_t line) {
        Stop(Coded(ErrorCode::kInvalidInput,
                   Msg{"registry.line_too_long",
                       "{file}:{line}: a line longer than {kib} KiB: this is not a list of phone "
                       "numbers",
                       "give a text file with one number a line; nothing was loaded"},
                   {{"file", path_},
                    {"line", std::to_string(line)},
                    {"kib", std::to_string(block_bytes_ >> 10)}}));
    }

    bool Emit(size_t bytes) {
        Block block;
        block.seq = next_seq_++;
        block.first_line = next_line_;
        block.text.assign(buffer_.data(), bytes);
        next_line_ += std::count(block.text.begin(), block.text.end(), '\n');
        std::memmove(buffer_.data(), buffer_.data() + bytes, used_ - bytes);
        used_ -= bytes;
        return queue_.Push(std::move(block));
    }

    // A cleaning thread: takes blocks until the input ends. The calling
    // thread (report_progress) also reports progress.
    void Clean(Tally* tally, bool report_progress) {
        std::string e164;
        while (auto block = queue_.Pop()) {
            if (!CleanBlock(*block, tally, &e164)) return;
            if (report_progress && options_.on_progress) {
                options_.on_progress(read_bytes_.load(std::memory_order_relaxed), file_bytes_);
            }
        }
    }

    bool CleanBlock(const Block& block, Tally* tally, std::string* e164) {
        if (const void* nul = std::memchr(block.text.data(), '\0', block.text.size())) {
            const auto offset =
                static_cast<size_t>(static_cast<const char*>(nul) - block.text.data());
            Stop(Coded(ErrorCode::kInvalidInput,
                       Msg{"registry.binary",
                           "{file}:{line}: a NUL byte: this is a binary file, not a list of phone "
                           "numbers",
                           "give a text file with one number a line, plain or gzip; nothing was "
                           "loaded"},
                       {{"file", path_}, {"line", std::to_string(LineOf(block, offset))}}));
            return false;
        }
        std::string_view text = block.text;
        if (block.seq == 0 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // BOM
        const uint64_t lines_before = tally->lines;
        const uint64_t rejected_before = tally->rejected;
        int64_t line = block.first_line;
        while (!text.empty()) {
            size_t nl = text.find('\n');
            std::string_view raw = text.substr(0, nl);
            text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
            std::string_view s = Trim(raw);
            if (s.empty() || s.front() == '#') {
                ++line;
                continue;
            }
            if (line == 1 &&
                std::none_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                tally->header = true;
                ++line;
                continue;
            }
            ++tally->lines;
            // No spelling of one number is this long; libphonenumber would
            // take its time to say so.
            const bool too_long = s.size() > kMaxNumberBytes;
            uint64_t key = !too_long && cleaner_.ToE164(s, e164) ? E164Key(*e164) : 0;
            if (key != 0) {
                tally->keys.push_back(key);
            } else {
                ++tally->rejected;
                if (tally->first_rejected.size() < kReportedRejects) {
                    std::string reason = too_long ? fmt::format(
                                                        "longer than {} bytes: not one "
                                                        "phone number",
                                                        kMaxNumberBytes)
                                                  : cleaner_.Clean(s).reason;
                    tally->first_rejected.push_back(
                        {line, Cut(s, 80), reason.empty() ? "not a phone number" : reason});
                }
            }
            ++line;
        }
        // A file that starts mostly with lines that are not numbers is refused
        // at once rather than after cleaning all of it.
        const uint64_t lines = tally->lines - lines_before;
        const uint64_t rejected = tally->rejected - rejected_before;
        if (block.seq == 0 && lines >= 100 && rejected * 2 > lines) {
            std::vector<RejectedLine> shown(tally->first_rejected.begin(),
                                            tally->first_rejected.end());
            Stop(Coded(ErrorCode::kInvalidInput,
                       Msg{"registry.not_a_list",
                           "{file} does not look like a list of phone numbers: {rejected} of its "
                           "first {lines} lines are not numbers{listing}",
                           "give a file with one phone number a line (lines starting with # are "
                           "comments, a first line without digits is a header); nothing was "
                           "loaded"},
                       {{"file", path_},
                        {"rejected", std::to_string(rejected)},
                        {"lines", std::to_string(lines)},
                        {"listing", Listing(shown)}}));
            return false;
        }
        return true;
    }

    std::string Listing(const std::vector<RejectedLine>& rejects) const {
        std::string out;
        for (const auto& r : rejects)
            out += fmt::format("\n  {}:{}: \"{}\": {}", path_, r.line, r.text, r.reason);
        return out;
    }

    Result<SourceNumbers> Merge(std::vector<Tally> tallies) {
        SourceNumbers out;
        out.gzip = gzip_;
        out.file_bytes = file_bytes_;
        size_t keys = 0;
        for (const auto& t : tallies) {
            out.lines += t.lines;
            out.rejected += t.rejected;
            out.header = out.header || t.header;
            keys += t.keys.size();
            out.first_rejected.insert(out.first_rejected.end(), t.first_rejected.begin(),
                                      t.first_rejected.end());
        }
        std::sort(out.first_rejected.begin(), out.first_rejected.end(),
                  [](const RejectedLine& a, const RejectedLine& b) { return a.line < b.line; });
        if (out.first_rejected.size() > kReportedRejects)
            out.first_rejected.resize(kReportedRejects);
        if (out.lines == 0) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"registry.no_numbers", "{file} holds no phone numbers",
                            "give a file with one phone number a line; nothing was loaded"},
                        {{"file", path_}});
        }
        if (static_cast<double>(out.rejected) >
            options_.max_rejected_share * static_cast<double>(out.lines)) {
            return Fail(
                ErrorCode::kInvalidInput,
                Msg{"registry.too_many_rejected",
                    "{file}: {rejected} of {lines} lines ({share} %) are not phone numbers; at "
                    "most {most} % may be{listing}",
                    "correct or delete those lines and load again (lines starting with # are "
                    "comments, a first line without digits is a header); nothing was loaded"},
                {{"file", path_},
                 {"rejected", std::to_string(out.rejected)},
                 {"lines", std::to_string(out.lines)},
                 {"share", fmt::format("{:.2f}", 100.0 * static_cast<double>(out.rejected) /
                                                     static_cast<double>(out.lines))},
                 {"most", fmt::format("{:g}", 100 * options_.max_rejected_share)},
                 {"listing", Listing(out.first_rejected)}});
        }
        // The largest tally takes the others, so the keys are copied once at most.
        auto largest = std::max_element(
            tallies.begin(), tallies.end(),
            [](const Tally& a, const Tally& b) { return a.keys.size() < b.keys.size(); });
        out.keys = std::move(largest->keys);
        out.keys.reserve(keys);
        for (auto& t : tallies) {
            if (&t == &*largest) continue;
            out.keys.insert(out.keys.end(), t.keys.begin(), t.keys.end());
            std::vector<uint64_t>().swap(t.keys);
        }
        out.sha256 = Sha256::Hex(digest_);
        return out;
    }

    const std::string& path_;
    const phone::Cleaner& cleaner_;
    const SourceOptions& options_;
    const size_t block_bytes_;
    BlockQueue queue_;
    int fd_ = -1;
    uint64_t file_bytes_ = 0;
    std::atomic<uint64_t> read_bytes_{0};

    // Reading thread only, until it ends (then read by Merge after the join).
    Sha256 sha_;
    Sha256::Digest digest_{};
    bool gzip_ = false;
    std::vector<char> buffer_;
    size_t used_ = 0;
    uint64_t next_seq_ = 0;
    int64_t next_line_ = 1;

    std::mutex error_mu_;
    std::optional<Error> error_;  // GUARDED_BY(error_mu_) while threads run
};

}  // namespace

Result<SourceNumbers> ReadRegistrySource(const std::string& path, const phone::Cleaner& cleaner,
                                         const SourceOptions& options) {
    SourceReader reader(path, cleaner, options);
    return reader.Run();
}

}  // namespace callbase::compliance
