// Helpers shared by the harnesses of fuzz/ (README.md there).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace callbase::fuzz {

inline std::string_view Bytes(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Writes the input to this process's own file and returns its path, for the
// readers that take a path (TOML files, registry files). One file per
// harness and process, overwritten by each input.
inline std::string WriteTemp(std::string_view bytes, std::string_view suffix) {
    static const std::string dir = [] {
        const char* tmp = std::getenv("TMPDIR");
        return std::string(tmp && *tmp ? tmp : "/tmp");
    }();
    std::string path = dir + "/callbase-fuzz-" + std::to_string(::getpid()) + std::string(suffix);
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
        std::abort();
    std::fclose(f);
    return path;
}

// A finding of a harness's own check (not a sanitizer's): printed, then a crash
// that libFuzzer records with the input.
[[noreturn]] inline void Broken(const char* what) {
    std::fprintf(stderr, "fuzz: broken invariant: %s\n", what);
    std::abort();
}

}  // namespace callbase::fuzz
