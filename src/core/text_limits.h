// The longest texts callbase takes (issue 18, section 4: a value pasted by
// mistake — a whole letter in the name — is refused with a clear error rather
// than stored to widen every table that shows it). Lengths are counted in
// characters (code points), as a person counts them, not in bytes.
//
// The caps leave room for every real value: a name of several people ("ООО
// Ромашка, в лице генерального директора …") fits in 400, a note of a long
// call in 5,000. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/error.h"

namespace callbase {

inline constexpr size_t kMaxNameChars = 400;        // a contact's name
inline constexpr size_t kMaxCommentChars = 5000;    // a contact's comment, a note
inline constexpr size_t kMaxEmailChars = 254;       // an e-mail address (RFC 5321)
inline constexpr size_t kMaxFieldTextChars = 1000;  // a custom field's value
inline constexpr size_t kMaxTagNameChars = 100;     // a tag or a tag category
inline constexpr size_t kMaxReasonChars = 1000;     // a free-text reason (stop-list, export)

// kInvalidInput when `value` has more than `limit` characters; the message
// names the field, the limit and the length given ("name: 512 characters, at
// most 400 are accepted"), the hint says what to do.
Result<void> CheckLength(std::string_view field, std::string_view value, size_t limit);

// The number of characters (code points) of UTF-8 text.
size_t CharCount(std::string_view text);

}  // namespace callbase
