// Encryption at rest, per value: Vault::Seal (XChaCha20-Poly1305, libsodium),
// Vault::Open, Vault::SealFindable (the same with a SipHash synthetic nonce)
// and Vault::WordKeys on phone numbers and names, against OpenSSL's
// AES-256-GCM (the CPU's AES instructions) sealing the same values in the
// same run. Prints values/s for each and what one imported row costs.
// Usage: bench_vault [--values N]
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "security/vault.h"

using callbase::security::Vault;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// AES-256-GCM with a random 12-byte nonce, the same framing as Vault::Seal.
size_t AesSeal(EVP_CIPHER_CTX* ctx, const unsigned char* key, const std::string& plain,
               std::vector<unsigned char>* out) {
    out->resize(12 + plain.size() + 16);
    randombytes_buf(out->data(), 12);
    int n = 0, tail = 0;
    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key, out->data());
    EVP_EncryptUpdate(ctx, nullptr, &n, reinterpret_cast<const unsigned char*>("phones.e164"), 11);
    EVP_EncryptUpdate(ctx, out->data() + 12, &n,
                      reinterpret_cast<const unsigned char*>(plain.data()),
                      static_cast<int>(plain.size()));
    EVP_EncryptFinal_ex(ctx, out->data() + 12 + n, &tail);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out->data() + 12 + n + tail);
    return out->size();
}

}  // namespace

int main(int argc, char** argv) {
    size_t count = 1000000;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--values") == 0) count = std::stoul(argv[i + 1]);
    }
    if (sodium_init() < 0) return 1;
    const std::string path =
        (std::filesystem::temp_directory_path() / fmt::format("bench-vault-{}.key", getpid()))
            .string();
    auto vault = Vault::AddKeys(path);
    std::filesystem::remove(path);
    if (!vault) {
        fmt::print(stderr, "{}\n", vault.error().message);
        return 1;
    }
    std::mt19937_64 rng(1);
    std::vector<std::string> phones(count), names(count);
    for (size_t i = 0; i < count; ++i) {
        phones[i] = fmt::format("+79{:09}", rng() % 1000000000);
        names[i] = fmt::format("Соколов{} Алексей Владимирович", rng() % 1000);
    }

    auto start = std::chrono::steady_clock::now();
    std::vector<std::string> sealed(count);
    for (size_t i = 0; i < count; ++i)
        sealed[i] = vault->Seal(phones[i], "phones.e164");
    const double seal_s = Seconds(start);

    start = std::chrono::steady_clock::now();
    size_t opened = 0;
    for (size_t i = 0; i < count; ++i)
        opened += vault->Open(sealed[i], "phones.e164").has_value();
    const double open_s = Seconds(start);

    start = std::chrono::steady_clock::now();
    size_t index_bytes = 0;
    for (size_t i = 0; i < count; ++i)
        index_bytes += vault->SealFindable(phones[i], "phone").size();
    const double index_s = Seconds(start);

    start = std::chrono::steady_clock::now();
    size_t name_bytes = 0;
    for (size_t i = 0; i < count; ++i)
        name_bytes += vault->Seal(names[i], "contacts.name").size();
    const double name_s = Seconds(start);

    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    std::vector<unsigned char> box;
    start = std::chrono::steady_clock::now();
    size_t aes_bytes = 0;
    for (size_t i = 0; i < count; ++i)
        aes_bytes += AesSeal(ctx, key, phones[i], &box);
    const double aes_s = Seconds(start);
    EVP_CIPHER_CTX_free(ctx);

    auto rate = [&](double s) { return static_cast<double>(count) / s; };
    fmt::print("encryption at rest, {} values (opened back: {})\n", count, opened);
    fmt::print("  Vault::Seal phone (XChaCha20-Poly1305)  {:>10.0f} values/s  {:.2f} us\n",
               rate(seal_s), 1e6 * seal_s / count);
    fmt::print("  Vault::Open phone                       {:>10.0f} values/s  {:.2f} us\n",
               rate(open_s), 1e6 * open_s / count);
    fmt::print("  Vault::SealFindable phone (SipHash SIV) {:>10.0f} values/s  {:.2f} us\n",
               rate(index_s), 1e6 * index_s / count);
    fmt::print("  Vault::Seal name                        {:>10.0f} values/s  {:.2f} us\n",
               rate(name_s), 1e6 * name_s / count);
    fmt::print("  OpenSSL AES-256-GCM seal phone          {:>10.0f} values/s  {:.2f} us\n",
               rate(aes_s), 1e6 * aes_s / count);
    fmt::print("  ratio Seal / AES-256-GCM: {:.2f}x the time\n", seal_s / aes_s);
    start = std::chrono::steady_clock::now();
    size_t word_keys = 0;
    for (size_t i = 0; i < count; ++i)
        word_keys += vault->WordKeys(names[i]).size();
    const double words_s = Seconds(start);
    fmt::print("  Vault::WordKeys name (3 words, SipHash) {:>10.0f} values/s  {:.2f} us\n",
               rate(words_s), 1e6 * words_s / count);
    // An imported row: the number sealed findably, the name sealed and its
    // words keyed (a spelling of digits and punctuation is stored as its
    // shape, with no cryptography).
    const double row_us = 1e6 * (index_s + name_s + words_s) / count;
    fmt::print("  one imported row: {:.2f} us; 1M rows: {:.2f} s of CPU\n", row_us, row_us);
    (void)index_bytes;
    (void)name_bytes;
    (void)aes_bytes;
    (void)word_keys;
    return 0;
}
