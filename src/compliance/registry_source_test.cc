// Reading a registry's source as a user relies on it: every common spelling
// read as the Cleaner reads it, header/comments/blank lines skipped, plain and
// gzip giving the same numbers, rejected lines counted and the first ten named
// with their line numbers (also across the blocks the reader splits a large
// file into), and every kind of bad file refused with file:line.
#include "compliance/registry_source.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

#include "compliance/registry.h"
#include "phone/clean.h"
#include "phone/spelling.h"
#include "support/test_phone.h"

namespace callbase::compliance {
namespace {

namespace fs = std::filesystem;

class RegistrySourceTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("registry-source-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string Write(const std::string& name, const std::string& bytes) {
        auto path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
        return path;
    }
    // gzip in `members` members, as `gzip a b > c` or pigz may write.
    std::string WriteGzip(const std::string& name, const std::string& bytes, int members = 1) {
        auto path = (dir_ / name).string();
        fs::remove(path);
        size_t per = bytes.size() / static_cast<size_t>(members) + 1;
        for (int m = 0; m < members; ++m) {
            gzFile gz = gzopen(path.c_str(), "ab");
            size_t from = std::min(bytes.size(), per * static_cast<size_t>(m));
            size_t n = std::min(per, bytes.size() - from);
            if (n > 0) gzwrite(gz, bytes.data() + from, static_cast<unsigned>(n));
            gzclose(gz);
        }
        return path;
    }
    static std::string ReadAll(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    Result<SourceNumbers> Read(const std::string& path, SourceOptions options = {}) {
        return ReadRegistrySource(path, cleaner_, options);
    }
    static std::set<uint64_t> KeySet(const SourceNumbers& s) {
        return {s.keys.begin(), s.keys.end()};
    }

    const phone::Cleaner& cleaner_ = testing::TestCleaner();
    fs::path dir_;
};

// A list in mixed spellings with a header, comments, blank lines, CRLF, a
// no-break space, a BOM and one junk line among 150 numbers (under 1 %).
struct MixedList {
    std::string text;
    std::set<uint64_t> keys;
    uint64_t lines = 0;
};

MixedList MakeMixedList(std::mt19937_64& rng, int numbers) {
    MixedList list;
    list.text = "\xEF\xBB\xBFТелефон\r\n# выгрузка реестра\n\n";
    for (int i = 0; i < numbers; ++i) {
        uint64_t national = 9000000000 + rng() % 1000000000;
        list.keys.insert(70000000000 + national);
        std::string line = phone::SpellRussian(national, i % phone::kRussianSpellings);
        if (i % 7 == 0) line = "  " + line + "\t";
        if (i % 11 == 0) line += "\xC2\xA0";
        list.text += line + (i % 2 ? "\r\n" : "\n");
        ++list.lines;
        if (i == 100) {
            list.text += "не звонить\n";
            ++list.lines;
        }
    }
    return list;
}

TEST_F(RegistrySourceTest, MixedSpellingsHeaderCommentsAndJunk) {
    std::mt19937_64 rng(1);
    auto list = MakeMixedList(rng, 150);
    auto s = Read(Write("list.txt", list.text));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(KeySet(*s), list.keys);
    EXPECT_TRUE(s->header);
    EXPECT_FALSE(s->gzip);
    EXPECT_EQ(s->lines, list.lines);
    EXPECT_EQ(s->rejected, 1u);
    ASSERT_EQ(s->first_rejected.size(), 1u);
    EXPECT_EQ(s->first_rejected[0].line, 3 + 101 + 1);  // header, comment, blank, 101 numbers
    EXPECT_EQ(s->first_rejected[0].text, "не звонить");
    EXPECT_FALSE(s->first_rejected[0].reason.empty());
}

TEST_F(RegistrySourceTest, GzipAndPlainGiveTheSameNumbers) {
    std::mt19937_64 rng(2);
    auto list = MakeMixedList(rng, 3000);
    auto plain_path = Write("list.txt", list.text);
    auto plain = Read(plain_path);
    ASSERT_TRUE(plain) << plain.error().message;
    for (int members : {1, 3}) {
        auto gz_path = WriteGzip("list.txt.gz", list.text, members);
        auto gz = Read(gz_path);
        ASSERT_TRUE(gz) << gz.error().message;
        EXPECT_TRUE(gz->gzip);
        EXPECT_EQ(KeySet(*gz), KeySet(*plain)) << members << " gzip members";
        EXPECT_EQ(gz->keys.size(), plain->keys.size());
        EXPECT_EQ(gz->lines, plain->lines);
        EXPECT_EQ(gz->rejected, plain->rejected);
        EXPECT_EQ(gz->first_rejected[0].line, plain->first_rejected[0].line);
        // The hash is of the file as stored, so a re-compressed list is another file.
        std::string bytes = ReadAll(gz_path);
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()),
                           bytes.size());
        std::string hex;
        for (unsigned char b : digest)
            hex += "0123456789abcdef"[b >> 4], hex += "0123456789abcdef"[b & 15];
        EXPECT_EQ(gz->sha256, hex);
        EXPECT_NE(gz->sha256, plain->sha256);
    }
    EXPECT_EQ(KeySet(*plain), list.keys);
}

// A file of many blocks (the reader hands out lines in blocks, here of 64 KiB),
// read by one and by three cleaning threads: the same numbers, counts and line numbers,
// and every line answered as Cleaner::Clean answers it, including random
// digit strings of the lengths a fast path for digits would look at.
TEST_F(RegistrySourceTest, AgreesWithTheCleanerAcrossBlocks) {
    std::mt19937_64 rng(3);
    std::string text;
    std::set<uint64_t> expected;
    std::vector<int64_t> junk_lines;
    std::string e164;
    constexpr int kLines = 200000;
    for (int line = 1; line <= kLines; ++line) {
        uint64_t roll = rng() % 1000;
        if (roll >= 25) {  // a valid mobile number in one of the 14 spellings
            uint64_t national = 9000000000 + rng() % 1000000000;
            expected.insert(70000000000 + national);
            text += phone::SpellRussian(national, rng) + "\n";
            continue;
        }
        std::string s;
        if (roll < 5) {
            s = "x" + std::to_string(rng() % 1000);  // junk, 0.5 %
        } else {
            // Digits only, 10 or 11 of them starting 7, 8 or 9, any prefix:
            // valid, invalid, landlines, Kazakhstan.
            s = std::string(1, "789"[rng() % 3]);
            int n = rng() % 2 ? 9 : 10;
            for (int d = 0; d < n; ++d)
                s += static_cast<char>('0' + rng() % 10);
        }
        auto clean = cleaner_.Clean(s);
        if (clean.valid()) {
            expected.insert(E164Key(clean.e164));
        } else {
            junk_lines.push_back(line);
        }
        text += s + "\n";
    }
    SourceOptions options;
    options.max_rejected_share = 0.05;  // random digits are often no number at all
    options.block_bytes = 64 << 10;
    ASSERT_GT(text.size(), 20 * options.block_bytes) << "the file should span many blocks";
    auto path = Write("big.txt", text);
    auto gz_path = WriteGzip("big.txt.gz", text);
    for (int threads : {1, 3}) {
        for (const auto& p : {path, gz_path}) {
            options.threads = threads;
            uint64_t last_progress = 0;
            options.on_progress = [&](uint64_t done, uint64_t total) {
                EXPECT_GE(done, last_progress);
                EXPECT_LE(done, total);
                last_progress = done;
            };
            auto s = Read(p, options);
            ASSERT_TRUE(s) << s.error().message;
            EXPECT_EQ(KeySet(*s), expected) << p << ", " << threads << " threads";
            EXPECT_EQ(s->lines, static_cast<uint64_t>(kLines));
            EXPECT_EQ(s->rejected, junk_lines.size());
            EXPECT_EQ(s->keys.size(), kLines - junk_lines.size());
            ASSERT_EQ(s->first_rejected.size(), kReportedRejects);
            for (size_t i = 0; i < kReportedRejects; ++i)
                EXPECT_EQ(s->first_rejected[i].line, junk_lines[i]);
            EXPECT_EQ(last_progress, fs::file_size(p));
        }
    }
}

TEST_F(RegistrySourceTest, TooMuchJunkRefusesTheFileWithTheFirstTenLines) {
    std::string text = "phone\n";
    for (int i = 0; i < 200; ++i) {
        text += "8916" + std::to_string(1000000 + i) + "\n";
        if (i % 50 == 49) text += "нет номера\n";  // lines 52, 103, 154, 205: 4 of 204
    }
    auto s = Read(Write("junk.txt", text));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
    const std::string& m = s.error().message;
    EXPECT_NE(m.find("4 of 204 lines"), std::string::npos) << m;
    EXPECT_NE(m.find("junk.txt:52: \"нет номера\""), std::string::npos) << m;
    EXPECT_NE(m.find("junk.txt:205:"), std::string::npos) << m;
    EXPECT_NE(s.error().hint.find("nothing was loaded"), std::string::npos);
    EXPECT_EQ(s.error().key, "registry.too_many_rejected");
    ASSERT_EQ(s.error().params.size(), 6u);
    EXPECT_EQ(s.error().params[1], (std::pair<std::string, std::string>{"rejected", "4"}));
    EXPECT_EQ(s.error().params[2], (std::pair<std::string, std::string>{"lines", "204"}));
    EXPECT_EQ(s.error().params[3], (std::pair<std::string, std::string>{"share", "1.96"}));
    EXPECT_EQ(s.error().params[4], (std::pair<std::string, std::string>{"most", "1"}));
    EXPECT_NE(s.error().params[5].second.find("junk.txt:52: \"нет номера\""), std::string::npos);
    // Two junk lines in 204 (under 1 %) pass.
    std::string fewer = text;
    for (int k = 0; k < 2; ++k)
        fewer.erase(fewer.find("нет номера\n"), sizeof("нет номера\n") - 1);
    auto ok = Read(Write("fewer.txt", fewer));
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->rejected, 2u);
    EXPECT_EQ(ok->keys.size(), 200u);
}

TEST_F(RegistrySourceTest, ManyRejectsNameOnlyTheFirstTen) {
    std::string text;
    for (int i = 0; i < 30; ++i)
        text += "abc" + std::to_string(i) + "\n";
    for (int i = 0; i < 3000; ++i)
        text += "+7 903 " + std::to_string(1000000 + i) + "\n";
    auto s = Read(Write("list.txt", text));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->rejected, 30u);
    EXPECT_FALSE(s->header);  // "abc0" has a digit
    ASSERT_EQ(s->first_rejected.size(), 10u);
    EXPECT_EQ(s->first_rejected.front().line, 1);
    EXPECT_EQ(s->first_rejected.back().line, 10);
}

TEST_F(RegistrySourceTest, BadFilesAreRefused) {
    struct Case {
        std::string name;
        std::string bytes;
        std::string message;  // a part of the error message
        std::string key;      // its code for screens
    };
    std::string numbers;
    for (int i = 0; i < 1000; ++i)
        numbers += "8903" + std::to_string(1000000 + i) + "\n";
    std::string csv = "ФИО;Телефон;Город\n";
    for (int i = 0; i < 300; ++i)
        csv += "Иванов Иван " + std::to_string(i) + ";ул. Ленина, д. 5;Москва\n";
    std::string gz = ReadAll(WriteGzip("n.gz", numbers));
    std::vector<Case> cases = {
        {"binary.bin", numbers.substr(0, 500) + std::string("\0\x01\x02", 3) + numbers,
         "binary.bin:42: a NUL byte", "registry.binary"},
        {"empty.txt", "", "holds no phone numbers", "registry.no_numbers"},
        {"header-only.txt", "телефон\n# nothing\n\n", "holds no phone numbers",
         "registry.no_numbers"},
        {"contacts.csv", csv, "does not look like a list of phone numbers", "registry.not_a_list"},
        {"truncated.gz", gz.substr(0, gz.size() / 2), "truncated", "registry.gzip_truncated"},
        {"damaged.gz", gz.substr(0, 20) + std::string(40, 'x') + gz.substr(60), "damaged gzip data",
         "registry.gzip_damaged"},
        {"long-line.txt", "89031234567\n" + std::string(5 << 20, '7'), "long-line.txt:2: a line",
         "registry.line_too_long"},
        {"long-line.gz", ReadAll(WriteGzip("l.gz", "89031234567\n" + std::string(5 << 20, '7'))),
         "long-line.gz:2: a line longer than 4096 KiB", "registry.line_too_long"},
        {"last-line.txt", numbers + std::string(4 << 20, '7') + "7",
         "last-line.txt:1001: a line longer", "registry.line_too_long"},
    };
    for (const auto& c : cases) {
        auto s = Read(Write(c.name, c.bytes));
        ASSERT_FALSE(s) << c.name << " was accepted";
        EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput) << c.name;
        EXPECT_NE(s.error().message.find(c.message), std::string::npos)
            << c.name << ": " << s.error().message;
        EXPECT_NE(s.error().message.find(c.name), std::string::npos) << s.error().message;
        EXPECT_FALSE(s.error().hint.empty()) << c.name;
        EXPECT_EQ(s.error().key, c.key) << c.name;
        ASSERT_FALSE(s.error().params.empty()) << c.name;
        EXPECT_EQ(s.error().params[0].first, "file") << c.name;
        EXPECT_TRUE(s.error().params[0].second.ends_with(c.name)) << s.error().params[0].second;
    }
    auto missing = Read((dir_ / "missing.txt").string());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace callbase::compliance
