#include "contacts/field_registry.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "contacts/text.h"
#include "core/date_text.h"
#include "core/json_text.h"
#include "core/text_limits.h"

namespace callbase::contacts {
namespace {

constexpr std::string_view kTypes[] = {"number", "date", "text", "enum"};

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ParseInt(std::string_view s, int& out) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

FieldDef FromRow(const store::Row& r) {
    FieldDef def;
    def.id = r.Int(0);
    def.name = r.Text(1);
    def.type = r.Text(2);
    auto values = nlohmann::json::parse(r.Text(3), nullptr, false);
    if (values.is_array()) {
        for (const auto& v : values) {
            if (v.is_string()) def.enum_values.push_back(v.get<std::string>());
        }
    }
    return def;
}

}  // namespace

std::optional<std::string> NormalizeDate(std::string_view text) {
    auto day = ParseDate(text, "date");  // core/date_text.h: the one date parser
    if (!day) return std::nullopt;
    return FormatIsoDate(*day);
}

int64_t DateToUnix(std::string_view iso) {
    int y = 0, m = 0, d = 0;
    ParseInt(iso.substr(0, 4), y);
    ParseInt(iso.substr(5, 2), m);
    ParseInt(iso.substr(8, 2), d);
    return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400;
}

std::optional<std::string> NormalizeNumber(std::string_view text) {
    std::string cleaned;
    std::string t = Trim(text);
    for (size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        if (c == ' ' || c == '\'') continue;
        // U+00A0 and U+202F (no-break spaces used as thousands separators).
        if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < t.size() &&
            static_cast<unsigned char>(t[i + 1]) == 0xA0) {
            ++i;
            continue;
        }
        if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < t.size() &&
            static_cast<unsigned char>(t[i + 1]) == 0x80 &&
            static_cast<unsigned char>(t[i + 2]) == 0xAF) {
            i += 2;
            continue;
        }
        cleaned += c == ',' ? '.' : c;
    }
    if (cleaned.empty()) return std::nullopt;
    double v = 0;
    const char* begin = cleaned.data();
    if (*begin == '+') ++begin;
    auto [p, ec] = std::from_chars(begin, cleaned.data() + cleaned.size(), v);
    if (ec != std::errc() || p != cleaned.data() + cleaned.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return fmt::format("{}", v);
}

Result<std::string> ValidateFieldValue(const FieldDef& def, std::string_view value) {
    if (auto ok = CheckLength(fmt::format("field '{}'", def.name), value, kMaxFieldTextChars);
        !ok) {
        return std::unexpected(ok.error());
    }
    if (def.type == "number") {
        if (auto n = NormalizeNumber(value)) return *n;
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"field.not_number", "field '{field}' is a number; '{value}' is not a number",
                "write a number such as 1500 or 1500.50"},
            {{"field", def.name}, {"value", std::string(value)}});
    }
    if (def.type == "date") {
        if (auto d = NormalizeDate(value)) return *d;
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"field.not_date", "field '{field}' is a date; '{value}' is not a date",
                        "write the date as YYYY-MM-DD (2026-03-31) or DD.MM.YYYY (31.03.2026)"},
                    {{"field", def.name}, {"value", std::string(value)}});
    }
    if (def.type == "enum") {
        std::string folded = FoldCase(Trim(value));
        for (const auto& allowed : def.enum_values) {
            if (FoldCase(allowed) == folded) return allowed;
        }
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"field.not_allowed", "field '{field}' does not allow the value '{value}'",
                        "use one of: {allowed}"},
                    {{"field", def.name},
                     {"value", std::string(value)},
                     {"allowed", fmt::format("{}", fmt::join(def.enum_values, ", "))}});
    }
    return Trim(value);
}

Result<FieldDef> FieldRegistry::Define(std::string_view name_in, std::string_view type_in,
                                       const std::vector<std::string>& enum_values) {
    std::string name = Trim(name_in);
    std::string type = FoldCase(Trim(type_in));
    if (name.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"field.no_name", "a field needs a name", "give the field a name"});
    }
    if (std::find(std::begin(kTypes), std::end(kTypes), type) == std::end(kTypes)) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"field.unknown_type", "field '{field}': type '{type}' is not known",
                        "use one of: number, date, text, enum"},
                    {{"field", name}, {"type", std::string(type_in)}});
    }
    if (type == "enum" && enum_values.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"field.enum_needs_values", "enum field '{field}' needs its allowed values",
                        "list them, e.g. --values Москва,Санкт-Петербург"},
                    {{"field", name}});
    }
    if (type != "enum" && !enum_values.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"field.values_not_enum",
                        "field '{field}' is of type {type}; only enum fields take values",
                        "drop --values or use type enum"},
                    {{"field", name}, {"type", type}});
    }
    if (auto existing = Find(name); existing) {
        return Fail(ErrorCode::kConflict,
                    Msg{"field.exists", "field '{field}' is already defined (type {type})",
                        "choose another name"},
                    {{"field", existing->name}, {"type", existing->type}});
    } else if (existing.error().code != ErrorCode::kNotFound) {
        return std::unexpected(existing.error());
    }
    nlohmann::json values = enum_values;
    auto id = store_.QueryValue(
        "INSERT INTO field_defs (name, type, enum_values, created_at) VALUES ($1, $2, $3, $4) "
        "RETURNING id",
        {name, type, JsonText(values), clock_.Now()});
    if (!id) return std::unexpected(id.error());
    return FieldDef{store::Row({*id}).Int(0), name, type, enum_values, 0};
}

Result<std::vector<FieldDef>> FieldRegistry::List() {
    auto rows = store_.Query(
        "SELECT d.id, d.name, d.type, d.enum_values, "
        "(SELECT COUNT(*) FROM field_values v JOIN contacts c ON c.id = v.contact_id "
        " WHERE v.field_id = d.id AND c.merged_into IS NULL) "
        "FROM field_defs d ORDER BY d.name");
    if (!rows) return std::unexpected(rows.error());
    std::vector<FieldDef> out;
    for (const auto& r : *rows) {
        FieldDef def = FromRow(r);
        def.usage = r.Int(4);
        out.push_back(std::move(def));
    }
    return out;
}

Result<FieldDef> FieldRegistry::Find(std::string_view name) {
    auto rows = store_.Query("SELECT id, name, type, enum_values FROM field_defs ORDER BY name");
    if (!rows) return std::unexpected(rows.error());
    std::string wanted = FoldCase(Trim(name));
    std::vector<std::string> names;
    for (const auto& r : *rows) {
        if (FoldCase(r.Text(1)) == wanted) return FromRow(r);
        names.push_back(r.Text(1));
    }
    if (names.empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"field.not_defined", "field '{field}' is not defined",
                        "define it first: callbase fields add NAME TYPE"},
                    {{"field", std::string(name)}});
    }
    return Fail(
        ErrorCode::kNotFound,
        Msg{"field.not_defined_among", "field '{field}' is not defined",
            "defined fields: {fields}; or define it: callbase fields add NAME TYPE"},
        {{"field", std::string(name)}, {"fields", fmt::format("{}", fmt::join(names, ", "))}});
}

Result<std::string> FieldRegistry::Validate(std::string_view field, std::string_view value) {
    auto def = Find(field);
    if (!def) return std::unexpected(def.error());
    return ValidateFieldValue(*def, value);
}

}  // namespace callbase::contacts
