#include "core/sha256.h"

#include <openssl/evp.h>

#include <new>

namespace callbase {

struct Sha256::Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
    // Only allocation can fail here; treat it like a failed new.
    if (context_->ctx == nullptr || EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr) != 1)
        throw std::bad_alloc();
}

Sha256::~Sha256() = default;

void Sha256::Update(const void* data, size_t size) {
    EVP_DigestUpdate(context_->ctx, data, size);
}

Sha256::Digest Sha256::Final() {
    Digest digest{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_->ctx, digest.data(), &size);
    return digest;
}

Sha256::Digest Sha256::Of(std::string_view bytes) {
    Sha256 sha;
    sha.Update(bytes);
    return sha.Final();
}

std::string Sha256::Hex(const Digest& digest) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(digest.size() * 2);
    for (uint8_t b : digest) {
        hex += kDigits[b >> 4];
        hex += kDigits[b & 15];
    }
    return hex;
}

}  // namespace callbase
