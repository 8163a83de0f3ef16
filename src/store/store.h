// The one storage interface of callbase, with an SQLite and a PostgreSQL backend.
//
// Domain modules (contacts, ingest, ...) write portable SQL against Store:
//   - parameters are written $1, $2, ... in both backends;
//   - casts are written CAST($1 AS TEXT), never $1::text (SQLite lacks ::);
//   - a parameter used twice must have the same type in both places (PostgreSQL
//     infers one type per parameter);
//   - times are BIGINT Unix seconds; booleans are INTEGER 0/1; JSON is TEXT;
//   - INSERT ... RETURNING id and ON CONFLICT ... DO NOTHING/UPDATE work in both.
// The schema itself lives in migrations/<backend>/NNN_name.sql, embedded in the
// binary; Migrate() applies the missing ones and refuses a database whose schema
// is newer than this binary knows.
//
// Thread safety: a Store is one connection. It is not safe to use from two
// threads at once; open one Store per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"

namespace callbase::store {

// A bound parameter or a result cell. NULL is std::monostate.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

// One result row. Accessors take the column index; a NULL cell reads as 0 / "".
class Row {
public:
    explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}
    size_t size() const { return cells_.size(); }
    bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(cells_.at(i)); }
    int64_t Int(size_t i) const;
    // Int, or nullopt for NULL.
    std::optional<int64_t> OptInt(size_t i) const {
        if (IsNull(i)) return std::nullopt;
        return Int(i);
    }
    double Double(size_t i) const;
    std::string Text(size_t i) const;
    const Value& Cell(size_t i) const { return cells_.at(i); }

private:
    std::vector<Value> cells_;
};

// A parameter that is NULL when the value is absent.
template <typename T>
Value Nullable(const std::optional<T>& v) {
    if (!v) return std::monostate{};
    return static_cast<int64_t>(*v);
}

enum class Backend { kSqlite, kPostgres };

// Personal data at rest (R-SEC-4). A Store that carries a Cipher (a
// security::Vault, loaded from the key file) holds numbers and names sealed;
// without one it holds them as they are. Modules never call the Cipher
// directly: they pass numbers and names through PhoneKey/PhoneOf and
// SealText/OpenText below, so the same code runs on a plain base and an
// encrypted one.
class Cipher {
public:
    virtual ~Cipher() = default;
    // Sealed so that the same value always gives the same text (the nonce is
    // the value's keyed hash): `WHERE e164 = $1`, joins between tables and
    // UNIQUE keep working. `domain` is the associated data ("phone").
    virtual std::string SealFindable(std::string_view value, std::string_view domain) const = 0;
    // Sealed with a fresh nonce; `column` is the associated data.
    virtual std::string Seal(std::string_view value, std::string_view column) const = 0;
    // Opens either kind; kInvalidInput when the text was changed or is not
    // sealed, kNotFound when its key is not in the key file.
    virtual Result<std::string> Open(std::string_view text, std::string_view column) const = 0;
    // The blind indexes of the words of a case-folded name, as 64-bit keys
    // (exact-word search: contacts.name_words).
    virtual std::vector<int64_t> WordKeys(std::string_view folded) const = 0;
    // The blind index of a value already normalised by the caller (an
    // e-mail: trimmed and case-folded), keyed so that the database alone
    // cannot test a guess: equal values give equal text, and nothing else
    // about the value shows. `domain` keeps the indexes of two columns apart.
    virtual std::string BlindIndex(std::string_view normalised, std::string_view domain) const = 0;
};

using Params = std::initializer_list<Value>;

class Store {
public:
    virtual ~Store() = default;

    virtual Backend backend() const = 0;
    // The URL it was opened with, with any password removed (safe to print).
    virtual std::string Describe() const = 0;

    // The cipher of an encrypted base (none: the base is plain). Set once,
    // right after opening, by whoever holds the key file.
    void set_cipher(std::shared_ptr<const Cipher> cipher) { cipher_ = std::move(cipher); }
    const Cipher* cipher() const { return cipher_.get(); }

    // Runs one statement; returns the number of rows it changed.
    virtual Result<int64_t> Exec(std::string_view sql, std::span<const Value> params) = 0;
    // Runs an INSERT of one row into a table whose key is `id` and returns the
    // new id (SQLite: the last rowid; PostgreSQL: RETURNING id). Cheaper than
    // INSERT ... RETURNING on SQLite, which the importer does a million times.
    virtual Result<int64_t> InsertRow(std::string_view sql, const std::vector<Value>& params) = 0;
    // Runs one statement and returns all its rows.
    Result<std::vector<Row>> Query(std::string_view sql, const std::vector<Value>& params);
    // Streams the rows of a statement; the callback returns false to stop early.
    virtual Result<void> ForEach(std::string_view sql, const std::vector<Value>& params,
                                 const std::function<bool(const Row&)>& on_row) = 0;
    // Runs a script of several statements with no parameters (migrations).
    virtual Result<void> ExecScript(std::string_view sql) = 0;

    virtual Result<void> Begin() = 0;
    virtual Result<void> Commit() = 0;
    virtual Result<void> Rollback() = 0;
    // Several reads that see one moment of the base (ReadSnapshot below). On
    // SQLite they share one read transaction instead of starting one each,
    // with its two shared-memory locks; PostgreSQL reads each statement alone,
    // since BEGIN and COMMIT would add two round trips. Not inside Begin().
    virtual Result<void> BeginRead() { return {}; }
    virtual Result<void> EndRead() { return {}; }
    // Kept snapshots (the server's io threads, for the screen pop): EndRead()
    // leaves the read transaction open, and the next BeginRead() takes it up
    // again while no connection of this process has written since and it is
    // younger than `max_age`; so a write made through this process is seen at
    // once, and one made by another process (the CLI) within `max_age`. Any
    // other use of the Store ends the kept snapshot first. 0 (the default): off.
    virtual void KeepSnapshots(std::chrono::milliseconds max_age) { (void)max_age; }
    // Ends a kept snapshot (only once it is `max_age` old when `only_if_stale`):
    // a snapshot left open would hold back the log's checkpoints.
    virtual void EndKeptSnapshot(bool only_if_stale) { (void)only_if_stale; }

    // Bulk mode, for loading many rows in one transaction (a large import).
    // Entered outside a transaction. On SQLite the write-ahead log gives way to
    // a rollback journal (each page is written once, not to the log and again
    // at the checkpoint; a crash still rolls the transaction back), and foreign
    // keys and CHECK constraints are not checked (the caller guarantees them:
    // it gives the ids and validates every value); other connections
    // wait until it is left. Returns false, changing nothing, where the backend
    // has no such mode (PostgreSQL) or cannot enter it now (another connection
    // has the database open).
    virtual Result<bool> EnterBulkMode() { return false; }
    // Back to the normal mode; nothing to do when not in bulk mode.
    virtual Result<void> LeaveBulkMode() { return {}; }
    // Empties the write-ahead log, so that old versions of changed pages (a
    // deleted name, say) are no longer kept in it: SQLite checkpoints with
    // TRUNCATE; false when another connection's read kept it from finishing
    // (the log then empties at a later checkpoint). PostgreSQL: nothing to do
    // here (its log and dead rows are the server's; docs/compliance.md).
    virtual Result<bool> EmptyLog() { return true; }

    // Drops an index and returns the statement that builds it again: after a
    // bulk load, one sort beats a B-tree insert per row. DDL is transactional
    // in both backends, so a rollback brings the index back.
    Result<std::string> DropIndex(std::string_view name);

    // Convenience overloads taking a brace list: store.Exec("... $1", {x}).
    Result<int64_t> Exec(std::string_view sql, Params params = {}) {
        return Exec(sql, std::vector<Value>(params));
    }
    Result<std::vector<Row>> Query(std::string_view sql, Params params = {}) {
        return Query(sql, std::vector<Value>(params));
    }
    // The first column of the first row, or NotFound when there is no row.
    Result<Value> QueryValue(std::string_view sql, const std::vector<Value>& params);
    Result<Value> QueryValue(std::string_view sql, Params params = {}) {
        return QueryValue(sql, std::vector<Value>(params));
    }

private:
    std::shared_ptr<const Cipher> cipher_;
};

// The domain and columns of sealed personal data (the associated data of
// each): numbers are sealed findably under kPhoneDomain in every e164 column;
// the others with a fresh nonce (security/encryption.h lists them all).
inline constexpr std::string_view kPhoneDomain = "phone";
inline constexpr std::string_view kNameColumn = "contacts.name";
inline constexpr std::string_view kRawColumn = "phones.raw";
inline constexpr std::string_view kHistoryColumn = "history";
inline constexpr std::string_view kImportErrorColumn = "import_errors.value";
// Free text that may name a person: stop-list notes and removal reasons,
// deletion requests' notes.
inline constexpr std::string_view kNoteColumn = "note";
// A contact's e-mail: sealed, found by its blind index (contacts.email_key).
inline constexpr std::string_view kEmailColumn = "contacts.email";
inline constexpr std::string_view kNumberHashKeyColumn = "settings.deletion.number_key";
// What an e164 column holds instead of the number once a deletion request for
// it was processed: "del:" and a keyed hash (compliance::ForgottenKey), which
// the dial gate can still match but which is not the number, sealed or not.
inline constexpr std::string_view kForgottenPrefix = "del:";
inline bool IsForgotten(std::string_view stored) {
    return stored.starts_with(kForgottenPrefix);
}
// What an e164 column holds for this number: the number, or on an encrypted
// base its findable sealed form. Bind this, never the bare number.
std::string PhoneKey(const Store& store, std::string_view e164);
// The number back from an e164 column; a forgotten number (IsForgotten) comes
// back as it is stored, its hash.
Result<std::string> PhoneOf(const Store& store, std::string_view stored);
// A name, raw spelling, history value, ...: sealed on an encrypted base (an
// empty value stays empty), else as it is.
std::string SealText(const Store& store, std::string_view value, std::string_view column);
// SealText of a value that may be absent (NULL).
Value SealOptional(const Store& store, const std::optional<std::string>& value,
                   std::string_view column);
Result<std::string> OpenText(const Store& store, std::string_view stored, std::string_view column);

// Opens a database by URL:
//   postgresql://user:pass@host:port/db (or postgres://)  -> PostgreSQL
//   sqlite:PATH, file:PATH or a plain PATH               -> SQLite (WAL mode)
// Does not migrate; call Migrate() (callbase init) or CheckSchema() after.
Result<std::unique_ptr<Store>> Open(std::string_view url);

// The URL to use when none is given: $CALLBASE_DB, else ./callbase.db.
std::string DefaultUrl();

struct MigrationReport {
    int from_version = 0;
    int to_version = 0;
    std::vector<std::string> applied;  // names of the migrations applied now
};

// The newest schema version this binary knows.
int LatestSchemaVersion();

// Applies every missing migration, each in its own transaction.
// Fails with kSchemaTooNew when the database is ahead of this binary.
Result<MigrationReport> Migrate(Store& store);
// Applies the missing migrations up to version `up_to` only (tests of a
// migration start from the version before it).
Result<MigrationReport> Migrate(Store& store, int up_to);

// Succeeds when the schema is exactly the one this binary knows; otherwise says
// whether to run `callbase init` (older or empty) or upgrade callbase (newer).
Result<void> CheckSchema(Store& store);

// Commits on Commit(); rolls back in the destructor if Commit() was not reached.
class Transaction {
public:
    static Result<Transaction> Start(Store& store);
    Transaction(Transaction&& other) noexcept : store_(other.store_) { other.store_ = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Result<void> Commit();

private:
    explicit Transaction(Store& store) : store_(&store) {}
    Store* store_;
};

// Reads between Start() and the destructor see one moment of the base
// (Store::BeginRead); only reads: a write inside may find the base moved on.
class ReadSnapshot {
public:
    static Result<ReadSnapshot> Start(Store& store);
    ReadSnapshot(ReadSnapshot&& other) noexcept : store_(other.store_) { other.store_ = nullptr; }
    ReadSnapshot& operator=(ReadSnapshot&&) = delete;
    ~ReadSnapshot();

private:
    explicit ReadSnapshot(Store& store) : store_(&store) {}
    Store* store_;
};

}  // namespace callbase::store
