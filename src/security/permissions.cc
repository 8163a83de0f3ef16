#include "security/permissions.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace callbase::security {
namespace {

struct Grant {
    Permission permission;
    std::string_view description;
    // operator, supervisor, analyst, admin, dpo, service
    std::array<bool, 6> roles;
};

// The permission table. Columns: operator, supervisor, analyst, admin, dpo, service.
constexpr Grant kTable[] = {
    {Permission::kReadContacts, "find and read contacts, base health", {1, 1, 1, 1, 1, 1}},
    {Permission::kSeeFullNumbers, "see full phone numbers", {0, 1, 0, 0, 1, 1}},
    {Permission::kSeeNames, "see real numbers and names (else pseudonyms)", {1, 1, 0, 0, 1, 1}},
    {Permission::kEditContacts, "create and edit contacts, tags, statuses", {1, 1, 0, 1, 0, 1}},
    {Permission::kDictionaries, "manage tags and custom fields", {0, 1, 0, 1, 0, 0}},
    {Permission::kImport, "import files", {0, 1, 0, 1, 0, 1}},
    {Permission::kRequestExport, "request an export", {0, 1, 1, 0, 1, 0}},
    {Permission::kApproveExport, "approve an export", {0, 1, 0, 0, 1, 0}},
    {Permission::kAssignContacts,
     "assign contacts to operators (a team's supervisor: within the team)",
     {0, 1, 0, 0, 0, 0}},
    {Permission::kMerge, "merge contacts and undo merges", {0, 1, 0, 1, 0, 0}},
    {Permission::kStopList, "add to and remove from the stop-list", {1, 1, 0, 1, 1, 1}},
    {Permission::kConsents, "record and revoke consents", {1, 1, 0, 1, 1, 1}},
    {Permission::kCanCall, "ask the dial gate, record attempts", {1, 1, 0, 1, 0, 1}},
    {Permission::kRegistries, "load do-not-call registries", {0, 1, 0, 1, 1, 0}},
    {Permission::kRules, "change calling rules and holidays", {0, 1, 0, 1, 0, 0}},
    {Permission::kCampaigns, "set up, start, pause and stop campaigns", {0, 1, 0, 1, 0, 0}},
    {Permission::kCallRecords,
     "read call records and why each dial was allowed",
     {0, 1, 0, 1, 1, 0}},
    // Numbers in, a forecast out: nobody's data, but planning is the
    // supervisors' and analysts' work (and the admin's, who sets up queues).
    {Permission::kStaffing, "forecast the operators a queue needs (Erlang C)", {0, 1, 1, 1, 0, 0}},
    // People's voices live: the floor's supervisors only (each use audited).
    {Permission::kMonitorCalls,
     "listen to live calls, whisper to the operator, barge in",
     {0, 1, 0, 0, 0, 0}},
    {Permission::kDeletionRequest, "take a deletion request", {1, 1, 0, 1, 1, 1}},
    {Permission::kDeletionProcess,
     "process deletions, report to the regulator",
     {0, 0, 0, 0, 1, 0}},
    {Permission::kManageUsers, "manage users and roles", {0, 0, 0, 1, 0, 0}},
    {Permission::kReadAudit, "read and verify the audit log", {0, 0, 0, 1, 1, 0}},
    {Permission::kAdminister, "initialize, migrate, load reference data", {0, 0, 0, 1, 0, 0}},
    {Permission::kBreakGlass,
     "ask for a time-limited supervisor's view for a support case (break-glass)",
     {0, 0, 0, 1, 0, 0}},
    {Permission::kApproveBreakGlass, "approve break-glass access", {0, 0, 0, 0, 1, 0}},
};

constexpr std::string_view kRoleIds[] = {"operator", "supervisor", "analyst",
                                         "admin",    "dpo",        "service"};

}  // namespace

std::string_view RoleId(Role role) {
    return kRoleIds[static_cast<int>(role)];
}

std::optional<Role> ParseRole(std::string_view text) {
    for (size_t i = 0; i < std::size(kRoleIds); ++i)
        if (kRoleIds[i] == text) return static_cast<Role>(i);
    return std::nullopt;
}

bool RoleNeedsTotp(Role role) {
    return role == Role::kAdmin || role == Role::kAnalyst || role == Role::kDpo;
}

// i18n: perm
std::string_view PermissionId(Permission permission) {
    switch (permission) {
        case Permission::kReadContacts:
            return "read_contacts";
        case Permission::kSeeFullNumbers:
            return "see_full_numbers";
        case Permission::kSeeNames:
            return "see_names";
        case Permission::kEditContacts:
            return "edit_contacts";
        case Permission::kDictionaries:
            return "dictionaries";
        case Permission::kImport:
            return "import";
        case Permission::kRequestExport:
            return "request_export";
        case Permission::kApproveExport:
            return "approve_export";
        case Permission::kMerge:
            return "merge";
        case Permission::kStopList:
            return "stop_list";
        case Permission::kConsents:
            return "consents";
        case Permission::kCanCall:
            return "can_call";
        case Permission::kRegistries:
            return "registries";
        case Permission::kRules:
            return "rules";
        case Permission::kCampaigns:
            return "campaigns";
        case Permission::kCallRecords:
            return "call_records";
        case Permission::kStaffing:
            return "staffing";
        case Permission::kMonitorCalls:
            return "monitor_calls";
        case Permission::kDeletionRequest:
            return "deletion_request";
        case Permission::kDeletionProcess:
            return "deletion_process";
        case Permission::kManageUsers:
            return "manage_users";
        case Permission::kReadAudit:
            return "read_audit";
        case Permission::kAdminister:
            return "administer";
        case Permission::kAssignContacts:
            return "assign_contacts";
        case Permission::kBreakGlass:
            return "break_glass";
        case Permission::kApproveBreakGlass:
            return "approve_break_glass";
    }
    return "administer";
}

std::string_view PermissionDescription(Permission permission) {
    for (const Grant& g : kTable)
        if (g.permission == permission) return g.description;
    return "";
}

const std::vector<Permission>& AllPermissions() {
    static const std::vector<Permission> kAll = [] {
        std::vector<Permission> all;
        for (const Grant& g : kTable)
            all.push_back(g.permission);
        return all;
    }();
    return kAll;
}

const std::vector<Role>& AllRoles() {
    static const std::vector<Role> kAll = {Role::kOperator, Role::kSupervisor, Role::kAnalyst,
                                           Role::kAdmin,    Role::kDpo,        Role::kService};
    return kAll;
}

bool Allowed(Role role, Permission permission) {
    for (const Grant& g : kTable)
        if (g.permission == permission) return g.roles[static_cast<size_t>(role)];
    return false;
}

std::string PermissionTableMarkdown() {
    std::string out = "| permission | what it allows |";
    std::string rule = "|---|---|";
    for (std::string_view r : kRoleIds) {
        out += fmt::format(" {} |", r);
        rule += "---|";
    }
    out += "\n" + rule + "\n";
    for (const Grant& g : kTable) {
        out += fmt::format("| `{}` | {} |", PermissionId(g.permission), g.description);
        for (bool yes : g.roles)
            out += yes ? " yes |" : " — |";
        out += "\n";
    }
    return out;
}

std::string MaskPhone(std::string_view e164) {
    if (e164.size() < 6 || e164[0] != '+') return "***";
    if (e164.starts_with("+7") && e164.size() == 12) {
        return fmt::format("+7 ({}) ***-**-{}", e164.substr(2, 3), e164.substr(10, 2));
    }
    // Elsewhere: the country code's first digit and the last two, the rest hidden.
    return fmt::format("+{} ***{}", e164.substr(1, 1), e164.substr(e164.size() - 2));
}

std::string Pseudonym(std::string_view value, std::string_view key) {
    std::array<unsigned char, 16> hash;
    std::array<unsigned char, crypto_generichash_KEYBYTES> k{};
    crypto_generichash(k.data(), k.size(), reinterpret_cast<const unsigned char*>(key.data()),
                       key.size(), nullptr, 0);
    crypto_generichash(hash.data(), hash.size(),
                       reinterpret_cast<const unsigned char*>(value.data()), value.size(), k.data(),
                       k.size());
    std::string out = "P-";
    for (size_t i = 0; i < 6; ++i)
        out += fmt::format("{:02x}", hash[i]);
    return out;
}

std::string PseudonymizeNumbers(std::string_view text, std::string_view key) {
    return ReplaceNumbers(text,
                          [&](const std::string& e164) { return "tel:" + Pseudonym(e164, key); });
}

std::string ReplaceNumbers(std::string_view text,
                           const std::function<std::string(const std::string& e164)>& replace) {
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    auto is_joiner = [](char c) { return c == ' ' || c == '-' || c == '(' || c == ')'; };
    auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        // A pseudonym written before: its hex digits are not a number.
        if (text.substr(i).starts_with("P-") && i + 14 <= text.size() &&
            std::all_of(text.begin() + i + 2, text.begin() + i + 14, is_hex) &&
            (i + 14 == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 14])))) {
            out += text.substr(i, 14);
            i += 14;
            continue;
        }
        const bool plus =
            text[i] == '+' && i + 1 < text.size() && (is_digit(text[i + 1]) || text[i + 1] == '(');
        if (!plus && !is_digit(text[i])) {
            out += text[i++];
            continue;
        }
        // The run: digits and joiners, ending at its last digit.
        size_t end = i + (plus ? 1 : 0), last_digit = i;
        std::string digits;
        while (end < text.size() && (is_digit(text[end]) || is_joiner(text[end]))) {
            if (is_digit(text[end])) {
                digits += text[end];
                last_digit = end;
                // +7 and ten digits is a whole number: what follows is not
                // part of it ("+79161234567 (3 tries left)").
                if (plus && digits.size() == 11 && digits[0] == '7') break;
            }
            ++end;
        }
        std::string e164;
        if (plus && digits.size() >= 8 && digits.size() <= 15) {
            e164 = "+" + digits;
        } else if (!plus && digits.size() == 11 && (digits[0] == '7' || digits[0] == '8')) {
            e164 = "+7" + digits.substr(1);
        } else if (!plus && digits.size() == 10 &&
                   std::string_view("3489").find(digits[0]) != std::string_view::npos) {
            e164 = "+7" + digits;
        }
        if (e164.empty() || last_digit < i) {
            // Not a number: keep the run's first character and look again after it.
            out += text[i++];
            while (i < text.size() && is_digit(text[i]))
                out += text[i++];
            continue;
        }
        out += replace(e164);
        i = last_digit + 1;
    }
    return out;
}

std::string PseudonymizeText(std::string_view text, std::string_view key) {
    if (text.empty()) return {};
    return "text:" + Pseudonym(fmt::format("text:{}", text), key);
}

std::string PseudonymizeFilter(std::string_view expression, std::string_view key) {
    const size_t op = expression.find_first_of("=!~<>");
    if (op == 0 || op == std::string_view::npos) return PseudonymizeText(expression, key);
    size_t value = op;
    while (value < expression.size() &&
           std::string_view("=!~<>").find(expression[value]) != std::string_view::npos)
        ++value;
    const std::string_view name = expression.substr(0, op);
    for (std::string_view shared : {"status", "tag", "region", "source", "added", "idle"}) {
        if (name == shared) return std::string(expression);
    }
    return std::string(expression.substr(0, value)) +
           PseudonymizeText(expression.substr(value), key);
}

}  // namespace callbase::security
