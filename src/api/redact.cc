#include "api/redact.h"

#include <fmt/format.h>

#include "security/permissions.h"

namespace callbase::api {
namespace {

constexpr int64_t kOperatorAccess = 24 * 3600;

std::string PseudonymOfName(const std::string& name, const std::string& key) {
    return name.empty() ? name : security::Pseudonym("name:" + name, key);
}

// The operator's numbers contacted in the last 24 hours.
Result<bool> OperatorMaySee(const Viewer& viewer, store::Store& db, const std::string& e164) {
    auto n = db.QueryValue(
        "SELECT COUNT(*) FROM operator_access WHERE user_id = $1 AND e164 = $2 AND "
        "last_contact_at > $3",
        {viewer.user_id, store::PhoneKey(db, e164), viewer.now - kOperatorAccess});
    if (!n) return std::unexpected(n.error());
    return store::Row({*n}).Int(0) > 0;
}

// Returns the text to show in place of a number for this viewer.
class Redactor {
public:
    Redactor(const Viewer& viewer, store::Store& db) : viewer_(viewer), db_(db) {}
    Result<void> Init() {
        if (SeesNumbers(viewer_)) return {};
        active_ = true;
        pseudonyms_ = !security::Allowed(*viewer_.role, security::Permission::kSeeNames);
        if (pseudonyms_) {
            if (!viewer_.pseudonym_key) {
                return Fail(ErrorCode::kInternal, "no pseudonym key for a pseudonym role");
            }
            auto key = viewer_.pseudonym_key();
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
        auto may = OperatorMaySee(viewer_, db_, e164);
        if (!may) return std::unexpected(may.error());
        return *may ? e164 : security::MaskPhone(e164);
    }
    std::string Name(const std::string& name) const {
        return pseudonyms_ ? PseudonymOfName(name, key_) : name;
    }

private:
    const Viewer& viewer_;
    store::Store& db_;
    bool active_ = false, pseudonyms_ = false;
    std::string key_;
};

}  // namespace

bool SeesNumbers(const Viewer& viewer) {
    return !viewer.role || security::Allowed(*viewer.role, security::Permission::kSeeFullNumbers);
}

Result<std::string> RedactName(const Viewer& viewer, const std::string& name) {
    if (!viewer.role || security::Allowed(*viewer.role, security::Permission::kSeeNames)) {
        return name;
    }
    if (!viewer.pseudonym_key) return Fail(ErrorCode::kInternal, "no pseudonym key");
    auto key = viewer.pseudonym_key();
    if (!key) return std::unexpected(key.error());
    return PseudonymOfName(name, *key);
}

Result<std::string> RedactNumber(const Viewer& viewer, store::Store& db, const std::string& e164) {
    Redactor r(viewer, db);
    if (auto ok = r.Init(); !ok) return std::unexpected(ok.error());
    if (!r.active()) return e164;
    return r.Number(e164);
}

Result<std::string> RedactText(const Viewer& viewer, store::Store& db, std::string_view text) {
    Redactor r(viewer, db);
    if (auto ok = r.Init(); !ok) return std::unexpected(ok.error());
    if (!r.active()) return std::string(text);
    std::optional<Error> failed;
    std::string out = security::ReplaceNumbers(text, [&](const std::string& e164) {
        auto shown = r.Number(e164);
        if (!shown) {
            failed = shown.error();
            return std::string("***");
        }
        return *shown;
    });
    if (failed) return std::unexpected(*failed);
    return out;
}

Result<void> CheckFilter(const Viewer& viewer, const contacts::Filter& filter) {
    if (SeesNumbers(viewer)) return {};
    const bool pseudonyms = !security::Allowed(*viewer.role, security::Permission::kSeeNames);
    const std::string role(security::RoleId(*viewer.role));
    for (const auto& t : filter.terms) {
        if (pseudonyms && (t.key == "name" || t.key == "phone" || t.key == "email")) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"filter.pseudonyms_only",
                            "filter '{key}{op}…': the {role} role sees names, numbers and e-mails "
                            "as pseudonyms and may not search by {key}",
                            "search by status, tag, region, source, added, idle or field:NAME"},
                        {{"key", t.key}, {"op", t.op}, {"role", role}});
        }
        if (!pseudonyms && t.key == "phone" && t.op != "=") {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"filter.masked_numbers",
                            "filter '{key}{op}…': the {role} role sees numbers masked and may "
                            "only look a whole number up (phone=NUMBER)",
                            "write phone=NUMBER for a number you have, or search by name, status, "
                            "tag or region"},
                        {{"key", t.key}, {"op", t.op}, {"role", role}});
        }
    }
    return {};
}

Result<void> RedactCard(const Viewer& viewer, store::Store& db, contacts::Card* card) {
    Redactor r(viewer, db);
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
    // A phone removed since is no longer on the card: its number in the
    // history entry is masked on its own.
    std::optional<Error> failed;
    auto mask = [&](const std::string& e164) {
        auto shown = r.Number(e164);
        if (!shown) {
            if (!failed) failed = shown.error();
            return std::string("***");
        }
        return *shown;
    };
    for (auto& e : card->history) {
        if (e.before) hide(*e.before);
        if (e.after) hide(*e.after);
        hide(e.detail);
        for (auto& [name, value] : e.detail_params)
            hide(value);
        if (e.field == "phone") {
            if (e.before) e.before = security::ReplaceNumbers(*e.before, mask);
            if (e.after) e.after = security::ReplaceNumbers(*e.after, mask);
        }
    }
    if (failed) return std::unexpected(*failed);
    if (r.pseudonyms()) {
        card->contact.name = r.Name(card->contact.name);
        card->contact.email.clear();
        card->contact.comment.clear();
        for (auto& e : card->history) {
            if (e.before) e.before = "[hidden]";
            if (e.after) e.after = "[hidden]";
            if (!e.detail.empty()) e.detail = "[hidden]";
            e.detail_key.clear();
            e.detail_params.clear();
        }
    }
    return {};
}

Result<void> RedactFound(const Viewer& viewer, store::Store& db,
                         std::vector<contacts::FoundContact>* found) {
    Redactor r(viewer, db);
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

}  // namespace callbase::api
