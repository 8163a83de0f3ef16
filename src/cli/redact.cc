// What a role may see of a contact (R-SEC-2), applied to what a command is
// about to print: roles that may see full numbers see everything; the analyst
// sees stable pseudonyms instead of numbers and names, and no free text; an
// operator sees numbers masked, +7 (912) ***-**-89, except a number it had
// contact with in the last 24 hours (operator_access, kept by `attempts
// record`). Pseudonyms are keyed by the key file (KeyFilePath), which lives
// outside the database.

#include <cstdlib>

#include "cli/app.h"
#include "security/permissions.h"
#include "security/vault.h"

namespace callbase::cli {
namespace {

constexpr int64_t kOperatorAccess = 24 * 3600;

// The operator's numbers contacted in the last 24 hours.
Result<bool> OperatorMaySee(App& app, store::Store& db, const std::string& e164) {
    auto n = db.QueryValue(
        "SELECT COUNT(*) FROM operator_access WHERE user_id = $1 AND e164 = $2 AND "
        "last_contact_at > $3",
        {app.user_id, store::PhoneKey(db, e164), app.clock.Now() - kOperatorAccess});
    if (!n) return std::unexpected(n.error());
    return store::Row({*n}).Int(0) > 0;
}

// Returns the text to print in place of a number for this role.
class Redactor {
public:
    Redactor(App& app, store::Store& db) : app_(app), db_(db) {}
    Result<void> Init() {
        if (!app_.role || security::Allowed(*app_.role, security::Permission::kSeeFullNumbers))
            return {};
        active_ = true;
        pseudonyms_ = !security::Allowed(*app_.role, security::Permission::kSeeNames);
        if (pseudonyms_) {
            auto key = ReadKey(app_);
            if (!key) return std::unexpected(key.error());
            key_ = std::move(*key);
        }
        return {};
    }
    bool active() const { return active_; }
    bool pseudonyms() const { return pseudonyms_; }
    Result<std::string> Number(const std::string& e164) {
        if (e164.empty()) return std::string("***");
        if (pseudonyms_) return security::Pseudonym(e164, key_);
        auto may = OperatorMaySee(app_, db_, e164);
        if (!may) return std::unexpected(may.error());
        return *may ? e164 : security::MaskPhone(e164);
    }
    std::string Name(const std::string& name) const {
        return pseudonyms_ && !name.empty() ? security::Pseudonym("name:" + name, key_) : name;
    }

private:
    App& app_;
    store::Store& db_;
    bool active_ = false, pseudonyms_ = false;
    std::string key_;
};

}  // namespace

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

Result<void> RedactCard(App& app, store::Store& db, contacts::Card* card) {
    Redactor r(app, db);
    if (auto ok = r.Init(); !ok) return ok;
    if (!r.active()) return {};
    std::vector<std::pair<std::string, std::string>> replaced;  // number -> as shown
    for (auto& p : card->phones) {
        auto shown = r.Number(p.e164);
        if (!shown) return std::unexpected(shown.error());
        if (*shown != p.e164) {
            replaced.emplace_back(p.e164, *shown);
            p.raw = "";
        }
        p.e164 = *shown;
    }
    // The history names numbers too (a phone added, a merge).
    auto hide = [&](std::string& text) {
        for (const auto& [number, shown] : replaced) {
            for (size_t at = text.find(number); at != std::string::npos;
                 at = text.find(number, at + shown.size())) {
                text.replace(at, number.size(), shown);
            }
        }
    };
    for (auto& e : card->history) {
        if (e.before) hide(*e.before);
        if (e.after) hide(*e.after);
        hide(e.detail);
    }
    if (r.pseudonyms()) {
        card->contact.name = r.Name(card->contact.name);
        card->contact.email.clear();
        card->contact.comment.clear();
        for (auto& e : card->history) {
            if (e.before) e.before = "[hidden]";
            if (e.after) e.after = "[hidden]";
            if (!e.detail.empty()) e.detail = "[hidden]";
        }
    }
    return {};
}

Result<void> RedactFound(App& app, store::Store& db, std::vector<contacts::FoundContact>* found) {
    Redactor r(app, db);
    if (auto ok = r.Init(); !ok) return ok;
    if (!r.active()) return {};
    for (auto& f : *found) {
        auto shown = r.Number(f.phone);
        if (!shown) return std::unexpected(shown.error());
        f.phone = *shown;
        if (r.pseudonyms()) {
            f.contact.name = r.Name(f.contact.name);
            f.contact.email.clear();
            f.contact.comment.clear();
        }
    }
    return {};
}

}  // namespace callbase::cli
