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
#include <utility>

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

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;  // what and where: "contacts.csv:17: column Телефон: ..."
    std::string hint;     // what to do; may be empty
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message, std::string hint = {}) {
    return std::unexpected(Error{code, std::move(message), std::move(hint)});
}

// The process exit status for an error: 2 for bad input, 3 for missing things,
// 4 for conflicts, 5 for I/O and database failures, 6 for a too-new schema, 70 for bugs.
int ExitCode(const Error& error);

// "error: <message>\n  hint: <hint>" as shown on a terminal.
std::string Describe(const Error& error);

}  // namespace callbase
