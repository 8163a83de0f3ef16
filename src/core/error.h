// Error values shared by every module.
//
// The error policy (see docs/architecture.md): anything that can fail on bad
// input, the disk, the network or the database returns Result<T>; exceptions
// are for start-up misconfiguration and bugs only. An Error says what was wrong
// and where (message) and what the user can do about it (hint). ExitCode() is the
// one place that turns an Error into a CLI exit status.
//
// Error and Result are plain values: safe to copy and move across threads.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callbase {

enum class ErrorCode {
    kInvalidInput,  // the user's input (file, argument, field) is wrong
    kNotFound,      // a named thing (file, contact, import) does not exist
    kConflict,      // the operation clashes with the current state
    kIo,            // the file system failed
    kDatabase,      // the database failed or cannot be opened
    kSchemaTooNew,  // the database was written by a newer callbase
    kInternal,      // a bug: should never reach a user
};

// A message's parameters in order, {"name", "value"}: what fills its {name}
// placeholders in English here and in every translation on a screen.
using MessageParams = std::vector<std::pair<std::string, std::string>>;

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;  // what and where: "contacts.csv:17: column Телефон: ..."
    std::string hint;     // what to do; may be empty
    // The message's code for screens in the user's language ("contact.not_found")
    // and its parameters: the API sends both, and the web UI shows the translation
    // "srv.<key>" (and "srv.<key>.hint") of web/src/i18n.ts, which
    // `npm run check-i18n` requires for every key written as Msg{"key", ...} in src/.
    // Empty for the errors of the CLI alone and for a base's or a disk's failures,
    // which no screen shows in their own words.
    std::string key;
    MessageParams params;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message, std::string hint = {}) {
    return std::unexpected(Error{code, std::move(message), std::move(hint), {}, {}});
}

// A message a screen may show: its code and its English message and hint, whose
// {name} placeholders are filled from the parameters. Write the three as literals
// at the call, so that the check of translations finds the key:
//
//   return Fail(ErrorCode::kNotFound,
//               Msg{"contact.not_found", "no contact #{id}", "search for it by name or number"},
//               {{"id", std::to_string(id)}});
struct Msg {
    std::string_view key;
    std::string_view message;
    std::string_view hint = {};
};

// The English of `text` with each {name} replaced by its parameter's value ({name}
// without a parameter stays as written). A part in [[double brackets]] is left
// out when a parameter in it is empty: "created[[; source: {source}]]".
std::string FillPlaceholders(std::string_view text, const MessageParams& params);

// The error of a coded message: its English for the CLI and logs, its key and
// parameters for screens.
Error Coded(ErrorCode code, Msg msg, MessageParams params = {});

inline std::unexpected<Error> Fail(ErrorCode code, Msg msg, MessageParams params = {}) {
    return std::unexpected(Coded(code, msg, std::move(params)));
}

// The process exit status for an error: 2 for bad input, 3 for missing things,
// 4 for conflicts, 5 for I/O and database failures, 6 for a too-new schema, 70 for bugs.
int ExitCode(const Error& error);

// "error: <message>\n  hint: <hint>" as shown on a terminal.
std::string Describe(const Error& error);

}  // namespace callbase
