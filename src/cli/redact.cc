// The CLI's side of redaction (api/redact.h does the work): the acting user
// and the key file's pseudonym key, which lives outside the database.

#include <cstdlib>

#include "api/redact.h"
#include "api/scope.h"
#include "cli/app.h"
#include "security/vault.h"

namespace callbase::cli {

api::Viewer ViewerOf(const App& app) {
    return {app.sees_as ? app.sees_as : app.role, app.user_id, app.clock.Now(),
            [&app] { return ReadKey(app); }, app.role ? app.actor : std::string()};
}

std::string KeyFilePath(const App& app) {
    if (const char* env = std::getenv("CALLBASE_KEY_FILE"); env && *env) return env;
    std::string url = app.db_url.empty() ? store::DefaultUrl() : app.db_url;
    if (url.starts_with("postgres")) return "callbase.key";
    if (url.starts_with("sqlite:")) url = url.substr(7);
    if (url.starts_with("file:")) url = url.substr(5);
    return url + ".key";
}

Result<std::string> ReadKey(const App& app) {
    return security::Vault::PseudonymKey(KeyFilePath(app));
}

Result<std::string> ShownNumber(App& app, store::Store& db, const std::string& e164) {
    return api::RedactNumber(ViewerOf(app), db, e164);
}

Result<std::string> ShownText(App& app, store::Store& db, std::string_view text) {
    return api::RedactText(ViewerOf(app), db, text);
}

Result<void> RedactCard(App& app, store::Store& db, contacts::Card* card) {
    return api::RedactCard(ViewerOf(app), db, card);
}

Result<void> RedactFound(App& app, store::Store& db, std::vector<contacts::FoundContact>* found) {
    return api::RedactFound(ViewerOf(app), db, found);
}

Result<void> RestrictBook(App& app, store::Store& db, contacts::ContactBook* book) {
    auto scope = api::ContactScope(ViewerOf(app), db, app.clock, nullptr, nullptr);
    if (!scope) return std::unexpected(scope.error());
    book->Restrict(std::move(*scope));
    return {};
}

Result<std::optional<contacts::Scope>> ScopeOf(App& app, store::Store& db) {
    return api::ContactScope(ViewerOf(app), db, app.clock, nullptr, nullptr);
}

Result<int64_t> AssignableUser(App& app, store::Store& db, const std::string& name) {
    return api::AssignableUser(ViewerOf(app), db, app.clock, name);
}

}  // namespace callbase::cli
