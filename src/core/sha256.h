// SHA-256 through OpenSSL, which uses the CPU's SHA extensions where it has them
// (about 4x libsodium's portable code on this machine): files are hashed whole
// on import and registries on load, so this is on a hot path.
//
// Threads: a Sha256 object is used by one thread at a time; separate objects
// are independent.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace callbase {

class Sha256 {
public:
    using Digest = std::array<uint8_t, 32>;

    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void Update(const void* data, size_t size);
    void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
    // The digest of everything given; the object is then spent.
    Digest Final();

    static Digest Of(std::string_view bytes);
    static std::string Hex(const Digest& digest);

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

}  // namespace callbase
