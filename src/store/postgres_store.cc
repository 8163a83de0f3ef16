#include "store/postgres_store.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <string>
#include <unordered_map>

namespace callbase::store {
namespace {

struct ConnCloser {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct ResultClearer {
    void operator()(PGresult* res) const noexcept { PQclear(res); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

// Type OIDs from pg_type.h (stable across releases).
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26;
constexpr Oid kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

// The URL with any password replaced, safe to print.
std::string Redact(std::string_view url) {
    std::string out(url);
    size_t scheme = out.find("://");
    size_t at = out.find('@');
    if (scheme == std::string::npos || at == std::string::npos) return out;
    size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    return out;
}

class PostgresStore final : public Store {
public:
    PostgresStore(ConnPtr conn, std::string url) : conn_(std::move(conn)), url_(std::move(url)) {}

    Backend backend() const override { return Backend::kPostgres; }
    std::string Describe() const override { return Redact(url_); }

    Result<int64_t> Exec(std::string_view sql, std::span<const Value> params) override {
        auto res = Run(sql, params);
        if (!res) return std::unexpected(res.error());
        const char* tuples = PQcmdTuples(res->get());
        return tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
    }

    Result<int64_t> InsertRow(std::string_view sql, const std::vector<Value>& params) override {
        auto id = QueryValue(std::string(sql) + " RETURNING id", params);
        if (!id) return std::unexpected(id.error());
        return Row({*id}).Int(0);
    }

    Result<void> ForEach(std::string_view sql, const std::vector<Value>& params,
                         const std::function<bool(const Row&)>& on_row) override {
        auto res = Run(sql, params);
        if (!res) return std::unexpected(res.error());
        PGresult* r = res->get();
        int rows = PQntuples(r), cols = PQnfields(r);
        for (int i = 0; i < rows; ++i) {
            std::vector<Value> cells;
            cells.reserve(cols);
            for (int c = 0; c < cols; ++c)
                cells.push_back(Cell(r, i, c));
            if (!on_row(Row(std::move(cells)))) break;
        }
        return {};
    }

    Result<void> ExecScript(std::string_view sql) override {
        ResultPtr res(PQexec(conn_.get(), std::string(sql).c_str()));
        auto status = PQresultStatus(res.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            return std::unexpected(Failure(res.get(), sql));
        }
        return {};
    }

    Result<void> Begin() override { return ExecScript("BEGIN"); }
    Result<void> Commit() override { return ExecScript("COMMIT"); }
    Result<void> Rollback() override { return ExecScript("ROLLBACK"); }

private:
    // Prepares each distinct statement once per connection, then executes it
    // with text-format parameters.
    Result<ResultPtr> Run(std::string_view sql, std::span<const Value> params) {
        std::string key(sql);
        auto it = prepared_.find(key);
        if (it == prepared_.end()) {
            std::string name = fmt::format("s{}", prepared_.size() + 1);
            ResultPtr prep(PQprepare(conn_.get(), name.c_str(), key.c_str(), 0, nullptr));
            if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK) {
                return std::unexpected(Failure(prep.get(), sql));
            }
            it = prepared_.emplace(std::move(key), std::move(name)).first;
        }
        std::vector<std::string> text(params.size());
        std::vector<const char*> values(params.size(), nullptr);
        for (size_t i = 0; i < params.size(); ++i) {
            const Value& v = params[i];
            if (std::holds_alternative<std::monostate>(v)) continue;
            if (auto* n = std::get_if<int64_t>(&v))
                text[i] = std::to_string(*n);
            else if (auto* d = std::get_if<double>(&v))
                text[i] = fmt::format("{}", *d);
            else
                text[i] = std::get<std::string>(v);
            values[i] = text[i].c_str();
        }
        ResultPtr res(PQexecPrepared(conn_.get(), it->second.c_str(),
                                     static_cast<int>(params.size()), values.data(), nullptr,
                                     nullptr, 0));
        auto status = PQresultStatus(res.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            return std::unexpected(Failure(res.get(), sql));
        }
        return res;
    }

    static Value Cell(PGresult* r, int row, int col) {
        if (PQgetisnull(r, row, col)) return std::monostate{};
        const char* text = PQgetvalue(r, row, col);
        switch (PQftype(r, col)) {
            case kInt2Oid:
            case kInt4Oid:
            case kInt8Oid:
            case kOidOid:
                return int64_t{std::strtoll(text, nullptr, 10)};
            case kFloat4Oid:
            case kFloat8Oid:
            case kNumericOid:
                return std::strtod(text, nullptr);
            case kBoolOid:
                return int64_t{text[0] == 't' ? 1 : 0};
            default:
                return std::string(text, PQgetlength(r, row, col));
        }
    }

    Error Failure(PGresult* res, std::string_view sql) const {
        const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
        std::string message = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_.get());
        if (message.empty()) message = PQerrorMessage(conn_.get());
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
            message.pop_back();
        }
        bool conflict = state && state[0] == '2' && state[1] == '3';
        std::string first_line(sql.substr(0, sql.find('\n')));
        return Error{conflict ? ErrorCode::kConflict : ErrorCode::kDatabase,
                     fmt::format("{}: {} (in: {})", Describe(), message, first_line.substr(0, 80)),
                     {}};
    }

    ConnPtr conn_;
    std::string url_;
    std::unordered_map<std::string, std::string> prepared_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgres(std::string_view url_view) {
    std::string url(url_view);
    ConnPtr conn(PQconnectdb(url.c_str()));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        std::string why = conn ? PQerrorMessage(conn.get()) : "out of memory";
        while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
            why.pop_back();
        return Fail(ErrorCode::kDatabase,
                    fmt::format("cannot connect to PostgreSQL at {}: {}", Redact(url), why),
                    "check that the server runs and the URL (host, port, database, user) is right");
    }
    auto store = std::make_unique<PostgresStore>(std::move(conn), url);
    if (auto ok = store->ExecScript("SET client_encoding = 'UTF8'; "
                                    "SET client_min_messages = warning");
        !ok) {
        return std::unexpected(ok.error());
    }
    return store;
}

}  // namespace callbase::store
