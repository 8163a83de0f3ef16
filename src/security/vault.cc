#include "security/vault.h"

#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace callbase::security {
namespace {

constexpr std::string_view kSealed = "enc1:";    // a 24-byte nonce stored
constexpr std::string_view kFindable = "encd:";  // a 16-byte synthetic nonce stored
constexpr size_t kFindableNonce = 16;
constexpr int kBase64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

std::string Base64(const uint8_t* bytes, size_t n) {
    std::string out(sodium_base64_ENCODED_LEN(n, kBase64), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes, n, kBase64);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

std::string Hex(const Vault::Key& key) {
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, key.data(), key.size());
    return hex;
}

Vault::Key NewKey() {
    Vault::Key key;
    randombytes_buf(key.data(), key.size());
    return key;
}

// The key file's lines: the pseudonym key, then "data|index ID HEX".
struct KeyFile {
    std::string pseudonym_key;
    std::map<uint32_t, Vault::Key> data, index;
};

Result<KeyFile> ReadKeyFile(const std::string& path) {
    if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to start");
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
        return Fail(ErrorCode::kNotFound, fmt::format("no key file at {}", path),
                    "restore it from the backup, or give its place with CALLBASE_KEY_FILE");
    }
    if ((st.st_mode & 077) != 0) {
        return Fail(ErrorCode::kConflict,
                    fmt::format("the key file {} can be read by others", path),
                    fmt::format("chmod 600 {}", path));
    }
    std::ifstream in(path);
    KeyFile file;
    std::string line;
    int number = 0;
    auto bad = [&](std::string_view what) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{}:{}: {}; this is not a callbase key file", path, number, what),
                    "restore the key file from the backup");
    };
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        if (number == 1) {
            if (line.size() != 64) return bad("the first line must be the 64-digit pseudonym key");
            file.pseudonym_key = line;
            continue;
        }
        std::istringstream words(line);
        std::string kind, hex;
        uint32_t id = 0;
        if (!(words >> kind >> id >> hex) || (kind != "data" && kind != "index") || id == 0) {
            return bad("expected 'data ID KEY' or 'index ID KEY'");
        }
        Vault::Key key{};
        size_t length = 0;
        if (hex.size() != 64 ||
            sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &length,
                           nullptr) != 0 ||
            length != key.size()) {
            return bad("a key must be 64 hex digits");
        }
        auto& keys = kind == "data" ? file.data : file.index;
        if (!keys.emplace(id, key).second) return bad(fmt::format("{} key {} twice", kind, id));
    }
    if (file.pseudonym_key.empty()) return bad("the file is empty");
    return file;
}

// Writes the whole file beside itself and renames it over the old one, so a
// crash leaves either the old file or the new one.
Result<void> WriteKeyFile(const std::string& path, const KeyFile& file) {
    std::string text = file.pseudonym_key + "\n";
    for (const auto& [id, key] : file.data)
        text += fmt::format("data {} {}\n", id, Hex(key));
    for (const auto& [id, key] : file.index)
        text += fmt::format("index {} {}\n", id, Hex(key));
    const std::string tmp = path + ".new";
    {
        std::ofstream out(tmp, std::ios::trunc);
        std::filesystem::permissions(
            tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        if (!out || !(out << text) || !out.flush()) {
            std::remove(tmp.c_str());
            return Fail(ErrorCode::kIo, fmt::format("cannot write the key file {}", tmp),
                        "check the free space and the folder's permissions");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return Fail(ErrorCode::kIo, fmt::format("cannot replace the key file {}", path),
                    "check the folder's permissions");
    }
    return {};
}

}  // namespace

struct Vault::Hot {
    std::array<uint8_t, 16> nonce_prefix{};
    std::atomic<uint64_t> counter{0};
    // XChaCha20 derives a subkey from the key and the first 16 bytes of the
    // nonce (HChaCha20); Seal's are the same for the life of the vault, so
    // the subkey is derived once and each seal is the IETF ChaCha20-Poly1305
    // of it, byte for byte what crypto_aead_xchacha20poly1305_ietf_encrypt
    // writes (Open uses that function's decrypt).
    std::array<uint8_t, 32> seal_subkey{};
    // SipHash keys derived from the newest index key (BLAKE2b of it and a
    // label): the PRF of the findable nonce (SipHash-2-4 with 128-bit output)
    // and of the name-word keys (64-bit); both inputs are a few bytes, where
    // SipHash is several times faster than BLAKE2b.
    std::array<uint8_t, crypto_shorthash_siphashx24_KEYBYTES> siv_key{};
    std::array<uint8_t, crypto_shorthash_siphash24_KEYBYTES> word_key{};
    // The BLAKE2b key of blind indexes (e-mails): longer inputs than a
    // number, written once a contact, so the stronger hash costs nothing.
    std::array<uint8_t, crypto_generichash_KEYBYTES> blind_key{};
};

void Vault::Prepare() {
    hot_ = std::make_shared<Hot>();
    randombytes_buf(hot_->nonce_prefix.data(), hot_->nonce_prefix.size());
    if (!data_keys_.empty()) {
        crypto_core_hchacha20(hot_->seal_subkey.data(), hot_->nonce_prefix.data(),
                              data_keys_.rbegin()->second.data(), nullptr);
    }
    if (!index_keys_.empty()) {
        const Key& key = index_keys_.rbegin()->second;
        auto derive = [&](std::string_view label, uint8_t* out, size_t size) {
            crypto_generichash(out, size, reinterpret_cast<const uint8_t*>(label.data()),
                               label.size(), key.data(), key.size());
        };
        derive("callbase.siv", hot_->siv_key.data(), hot_->siv_key.size());
        derive("callbase.word", hot_->word_key.data(), hot_->word_key.size());
        derive("callbase.blind", hot_->blind_key.data(), hot_->blind_key.size());
    }
}

Result<Vault> Vault::FromKeyFile(const std::string& path) {
    auto file = ReadKeyFile(path);
    if (!file) return std::unexpected(file.error());
    Vault v;
    v.data_keys_ = std::move(file->data);
    v.index_keys_ = std::move(file->index);
    v.Prepare();
    return v;
}

namespace {

// The key file, made with a new pseudonym key when there is none yet.
Result<KeyFile> ReadOrCreateKeyFile(const std::string& path) {
    auto read = ReadKeyFile(path);
    if (read || read.error().code != ErrorCode::kNotFound) return read;
    KeyFile file;
    file.pseudonym_key = Hex(NewKey());
    if (auto ok = WriteKeyFile(path, file); !ok) return std::unexpected(ok.error());
    return file;
}

}  // namespace

Result<std::string> Vault::PseudonymKey(const std::string& path) {
    auto file = ReadOrCreateKeyFile(path);
    if (!file) return std::unexpected(file.error());
    return std::move(file->pseudonym_key);
}

Result<Vault> Vault::AddKeys(const std::string& path) {
    auto read = ReadOrCreateKeyFile(path);
    if (!read) return std::unexpected(read.error());
    KeyFile& file = *read;
    file.data.emplace(file.data.empty() ? 1 : file.data.rbegin()->first + 1, NewKey());
    file.index.emplace(file.index.empty() ? 1 : file.index.rbegin()->first + 1, NewKey());
    if (auto ok = WriteKeyFile(path, file); !ok) return std::unexpected(ok.error());
    return FromKeyFile(path);
}

Result<void> Vault::KeepOnly(const std::string& path, uint32_t data_key, uint32_t index_key) {
    auto file = ReadKeyFile(path);
    if (!file) return std::unexpected(file.error());
    if (!file->data.contains(data_key) || !file->index.contains(index_key)) {
        return Fail(
            ErrorCode::kNotFound,
            fmt::format("{} has no data key {} or no index key {}", path, data_key, index_key),
            "nothing was removed; check which keys the base uses");
    }
    std::erase_if(file->data, [&](const auto& kv) { return kv.first != data_key; });
    std::erase_if(file->index, [&](const auto& kv) { return kv.first != index_key; });
    return WriteKeyFile(path, *file);
}

Result<void> Vault::DropNewest(const std::string& path) {
    auto file = ReadKeyFile(path);
    if (!file) return std::unexpected(file.error());
    if (file->data.size() < 2 || file->index.size() < 2) {
        return Fail(ErrorCode::kConflict,
                    fmt::format("{} has only one data or index key; none was removed", path),
                    "the base needs the key it is sealed with");
    }
    file->data.erase(std::prev(file->data.end()));
    file->index.erase(std::prev(file->index.end()));
    return WriteKeyFile(path, *file);
}

namespace {

// nonce | ciphertext | tag, on the stack for the short values of a base.
class BoxBuffer {
public:
    explicit BoxBuffer(size_t size) : size_(size) {
        if (size > small_.size()) large_.resize(size);
    }
    uint8_t* data() { return large_.empty() ? small_.data() : large_.data(); }
    // "<prefix><key id>:<base64url of the box>"
    std::string Written(std::string_view prefix, uint32_t id) {
        std::string out(prefix);
        out += std::to_string(id);
        out += ':';
        out += Base64(data(), size_);
        return out;
    }

private:
    size_t size_;
    std::array<uint8_t, 256> small_;
    std::vector<uint8_t> large_;
};

}  // namespace

std::string Vault::SealWithNonce(std::string_view plaintext, std::string_view ad,
                                 const uint8_t* nonce, size_t stored_nonce,
                                 std::string_view prefix) const {
    const auto& [id, key] = *data_keys_.rbegin();
    static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);
    BoxBuffer box(stored_nonce + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    std::memcpy(box.data(), nonce, stored_nonce);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        box.data() + stored_nonce, &length, reinterpret_cast<const uint8_t*>(plaintext.data()),
        plaintext.size(), reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), nullptr, nonce,
        key.data());
    return box.Written(prefix, id);
}

std::string Vault::Seal(std::string_view plaintext, std::string_view column) const {
    BoxBuffer box(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                  crypto_aead_xchacha20poly1305_ietf_ABYTES);
    // The stored nonce: the vault's 16-byte prefix and a counter.
    const uint64_t n = hot_->counter.fetch_add(1, std::memory_order_relaxed);
    std::memcpy(box.data(), hot_->nonce_prefix.data(), 16);
    std::memcpy(box.data() + 16, &n, 8);
    std::array<uint8_t, crypto_aead_chacha20poly1305_ietf_NPUBBYTES> inner{};  // 0000 | counter
    std::memcpy(inner.data() + 4, &n, 8);
    unsigned long long length = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(
        box.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &length,
        reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(),
        reinterpret_cast<const uint8_t*>(column.data()), column.size(), nullptr, inner.data(),
        hot_->seal_subkey.data());
    return box.Written(kSealed, data_keys_.rbegin()->first);
}

std::string Vault::SealFindable(std::string_view plaintext, std::string_view domain) const {
    // The synthetic nonce: SipHash-2-4 (128-bit output, its own key) over the
    // domain, a zero byte and the value, then 8 zero bytes; only the 16 are
    // stored. Two different numbers share a nonce with a chance of about
    // 2^-128 per pair.
    std::array<uint8_t, 128> input;
    std::string joined;
    const size_t length = domain.size() + 1 + plaintext.size();
    uint8_t* in = input.data();
    if (length > input.size()) {
        joined.resize(length);
        in = reinterpret_cast<uint8_t*>(joined.data());
    }
    std::memcpy(in, domain.data(), domain.size());
    in[domain.size()] = 0;
    std::memcpy(in + domain.size() + 1, plaintext.data(), plaintext.size());
    std::array<uint8_t, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES> nonce{};
    static_assert(crypto_shorthash_siphashx24_BYTES == kFindableNonce);
    crypto_shorthash_siphashx24(nonce.data(), in, length, hot_->siv_key.data());
    return SealWithNonce(plaintext, domain, nonce.data(), kFindableNonce, kFindable);
}

Result<std::string> Vault::Open(std::string_view sealed, std::string_view column) const {
    auto not_sealed = [&](std::string_view why) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("a value of {} cannot be opened: {}", column, why),
                    "the database was changed outside callbase, or the key file is not the one "
                    "it was sealed with; restore both from the same backup");
    };
    if (!IsSealed(sealed)) return not_sealed("it is not a sealed value");
    const size_t stored_nonce = sealed.starts_with(kFindable)
                                    ? kFindableNonce
                                    : crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    sealed.remove_prefix(kSealed.size());
    size_t colon = sealed.find(':');
    uint32_t id = 0;
    if (colon == std::string_view::npos ||
        std::sscanf(std::string(sealed.substr(0, colon)).c_str(), "%u", &id) != 1) {
        return not_sealed("it names no key");
    }
    auto key = data_keys_.find(id);
    if (key == data_keys_.end()) {
        return Fail(ErrorCode::kNotFound,
                    fmt::format("a value of {} is sealed with data key {}, which the key file "
                                "does not hold",
                                column, id),
                    "use the key file of this base (CALLBASE_KEY_FILE), restored from the backup");
    }
    std::string_view text = sealed.substr(colon + 1);
    std::vector<uint8_t> box(text.size());
    size_t length = 0;
    if (sodium_base642bin(box.data(), box.size(), text.data(), text.size(), nullptr, &length,
                          nullptr, kBase64) != 0 ||
        length < stored_nonce + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
        return not_sealed("it is damaged");
    }
    std::array<uint8_t, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES> nonce{};  // zero-padded
    std::memcpy(nonce.data(), box.data(), stored_nonce);
    const uint8_t* cipher = box.data() + stored_nonce;
    const size_t cipher_length = length - stored_nonce;
    std::string plain(cipher_length - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    unsigned long long plain_length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<uint8_t*>(plain.data()), &plain_length, nullptr, cipher, cipher_length,
            reinterpret_cast<const uint8_t*>(column.data()), column.size(), nonce.data(),
            key->second.data()) != 0) {
        return not_sealed("it fails authentication (changed, or another column's value)");
    }
    plain.resize(plain_length);
    return plain;
}

std::vector<int64_t> Vault::WordKeys(std::string_view folded_name) const {
    std::vector<std::string> words;
    std::string word;
    auto flush = [&] {
        if (!word.empty() && std::find(words.begin(), words.end(), word) == words.end())
            words.push_back(word);
        word.clear();
    };
    for (char c : folded_name) {
        // ASCII spaces and punctuation split; UTF-8 bytes (>= 0x80) are letters.
        auto u = static_cast<unsigned char>(c);
        if (u < 0x80 && !std::isalnum(u)) {
            flush();
        } else {
            word += c;
        }
    }
    flush();
    std::vector<int64_t> out;
    out.reserve(words.size());
    for (const auto& w : words) {
        // SipHash-2-4 of the word under its own key: 64 bits; two words of the
        // base share one with a chance of about 2^-64 per pair, which at
        // worst adds a contact to a search.
        std::array<uint8_t, crypto_shorthash_siphash24_BYTES> hash{};
        crypto_shorthash_siphash24(hash.data(), reinterpret_cast<const uint8_t*>(w.data()),
                                   w.size(), hot_->word_key.data());
        int64_t key = 0;
        std::memcpy(&key, hash.data(), sizeof key);
        out.push_back(key);
    }
    return out;
}

std::string Vault::BlindIndex(std::string_view normalised, std::string_view domain) const {
    crypto_generichash_state state;
    crypto_generichash_init(&state, hot_->blind_key.data(), hot_->blind_key.size(), 16);
    const uint8_t zero = 0;
    crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(domain.data()),
                              domain.size());
    crypto_generichash_update(&state, &zero, 1);
    crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(normalised.data()),
                              normalised.size());
    std::array<uint8_t, 16> hash{};
    crypto_generichash_final(&state, hash.data(), hash.size());
    char hex[2 * 16 + 1];
    sodium_bin2hex(hex, sizeof hex, hash.data(), hash.size());
    return std::string("bi1:") + hex;
}

}  // namespace callbase::security
