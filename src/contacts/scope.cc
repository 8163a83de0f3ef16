#include "contacts/scope.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace callbase::contacts {

Result<SqlWhere> ScopeSql(const Scope& scope, int64_t now, int first_param,
                          const store::Cipher* cipher) {
    SqlWhere out;
    std::vector<std::string> any;
    auto param = [&](store::Value v) {
        out.params.push_back(std::move(v));
        return fmt::format("${}", first_param + static_cast<int>(out.params.size()) - 1);
    };
    if (!scope.assignees.empty()) {
        std::vector<std::string> ids;
        for (int64_t id : scope.assignees)
            ids.push_back(param(id));
        any.push_back(fmt::format("c.assigned_to IN ({})", fmt::join(ids, ", ")));
    }
    if (scope.unassigned) any.push_back("c.assigned_to IS NULL");
    if (!scope.agent.empty()) {
        const std::string agent = param(scope.agent);
        any.push_back(fmt::format(
            "c.id IN (SELECT b.contact_id FROM callbacks b WHERE b.agent = {} AND b.done_at IS "
            "NULL)",
            agent));
        // campaign_calls keeps Unix milliseconds.
        any.push_back(
            fmt::format("c.id IN (SELECT k.contact_id FROM campaign_calls k WHERE k.agent = {} AND "
                        "k.started_at >= {})",
                        agent, param(scope.calls_since * 1000)));
    }
    for (const Filter& segment : scope.segments) {
        auto where = ToSql(segment, now, first_param + static_cast<int>(out.params.size()), cipher);
        if (!where) return std::unexpected(where.error());
        out.params.insert(out.params.end(), where->params.begin(), where->params.end());
        any.push_back("(" + where->sql + ")");
    }
    if (!scope.contacts.empty()) {
        std::vector<std::string> ids;
        for (int64_t id : scope.contacts)
            ids.push_back(param(id));
        any.push_back(fmt::format("c.id IN ({})", fmt::join(ids, ", ")));
    }
    out.sql = any.empty() ? "1=0" : fmt::format("({})", fmt::join(any, " OR "));
    return out;
}

Result<bool> InScope(store::Store& store, const Scope& scope, int64_t now, int64_t id) {
    auto where = ScopeSql(scope, now, 2, store.cipher());
    if (!where) return std::unexpected(where.error());
    std::vector<store::Value> params{id};
    params.insert(params.end(), where->params.begin(), where->params.end());
    auto n = store.QueryValue(
        fmt::format("SELECT COUNT(*) FROM contacts c WHERE c.id = $1 AND {}", where->sql), params);
    if (!n) return std::unexpected(n.error());
    return store::Row({*n}).Int(0) > 0;
}

}  // namespace callbase::contacts
