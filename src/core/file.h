// Whole files into memory: settings, scripts, audio. Safe from any thread.
#pragma once

#include <optional>
#include <string>

namespace callbase {

// The file's bytes; none when it cannot be opened (the caller says what was
// wanted and what to do).
std::optional<std::string> ReadWholeFile(const std::string& path);

}  // namespace callbase
