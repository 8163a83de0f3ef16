#include "core/text_limits.h"

#include <fmt/format.h>

namespace callbase {

size_t CharCount(std::string_view text) {
    size_t count = 0;
    for (char c : text)
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

Result<void> CheckLength(std::string_view field, std::string_view value, size_t limit) {
    if (value.size() <= limit) return {};  // a character takes at least a byte
    const size_t chars = CharCount(value);
    if (chars <= limit) return {};
    return Fail(ErrorCode::kInvalidInput,
                Msg{"text.too_long", "{field}: {chars} characters, at most {max} are accepted",
                    "shorten the {field}; a longer text belongs in a note or a file"},
                {{"field", std::string(field)},
                 {"chars", std::to_string(chars)},
                 {"max", std::to_string(limit)}});
}

}  // namespace callbase
