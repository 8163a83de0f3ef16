#include "ingest/column_map.h"

#include <fmt/format.h>

#include <map>

#include "contacts/text.h"
#include "core/utf8.h"

namespace callbase::ingest {
namespace {

struct Synonyms {
    Target target;
    std::vector<std::string_view> names;  // folded to lower case, no dots
};

const std::vector<Synonyms>& Known() {
    static const std::vector<Synonyms> kKnown = {
        {Target::kPhone,
         {"телефон", "тел", "мобильный", "моб", "мобильный телефон", "номер", "номер телефона",
          "сотовый", "phone", "mobile", "tel", "telephone", "phone number", "основной телефон"}},
        {Target::kExtraPhone,
         {"рабочий телефон", "раб телефон", "доп телефон", "дополнительный телефон", "телефон 2",
          "телефон2", "второй телефон", "домашний телефон", "work phone", "phone 2", "phone2",
          "other phone", "home phone"}},
        {Target::kName,
         {"фио", "имя клиента", "клиент", "контакт", "name", "full name", "contact", "client"}},
        {Target::kLastName, {"фамилия", "last name", "surname"}},
        {Target::kFirstName, {"имя", "first name"}},
        {Target::kMiddleName, {"отчество", "middle name", "patronymic"}},
        {Target::kRegion, {"город", "регион", "city", "region", "населенный пункт"}},
        {Target::kSource, {"источник", "канал", "source", "channel"}},
        {Target::kEmail, {"e-mail", "email", "почта", "эл почта", "электронная почта", "mail"}},
        {Target::kComment, {"комментарий", "примечание", "заметка", "comment", "note", "notes"}},
        {Target::kStatus, {"статус", "status"}},
        {Target::kTags, {"теги", "метки", "тег", "tags", "tag"}},
        {Target::kDateAdded,
         {"дата", "дата добавления", "дата создания", "создан", "created", "date added", "date"}},
        {Target::kConsentDate,
         {"дата согласия", "согласие дата", "согласие получено", "consent date", "consent at",
          "consented at"}},
    };
    return kKnown;
}

// Consent columns by header: the purpose each one records.
const std::vector<std::pair<std::string_view, std::vector<std::string_view>>>& ConsentHeaders() {
    static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> kHeaders =
        {{"marketing",
          {"согласие", "согласие на рекламу", "согласие на маркетинг", "согласие на рассылку",
           "согласие реклама", "consent", "marketing consent", "consent marketing",
           "consent to marketing"}},
         {"service",
          {"согласие на обслуживание", "согласие сервис", "сервисное согласие", "service consent",
           "consent service"}}};
    return kHeaders;
}

std::string Key(std::string_view header) {
    std::string folded = contacts::FoldCase(contacts::Trim(header));
    std::string out;
    for (char c : folded) {
        if (c == '.' || c == ':') continue;
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out.push_back(c);
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

// The --map field names of the fixed targets.
const std::map<std::string_view, Target>& TargetsByName() {
    static const std::map<std::string_view, Target> kByName = {
        {"phone", Target::kPhone},
        {"phone2", Target::kExtraPhone},
        {"name", Target::kName},
        {"last_name", Target::kLastName},
        {"first_name", Target::kFirstName},
        {"middle_name", Target::kMiddleName},
        {"region", Target::kRegion},
        {"source", Target::kSource},
        {"email", Target::kEmail},
        {"comment", Target::kComment},
        {"status", Target::kStatus},
        {"tags", Target::kTags},
        {"date", Target::kDateAdded},
        {"consent_date", Target::kConsentDate},
        {"ignore", Target::kIgnore}};
    return kByName;
}

Result<Column> FromMapName(const std::string& header, std::string_view field) {
    const auto& by_name = TargetsByName();
    if (field.starts_with("field:") && field.size() > 6) {
        return Column{std::string(field.substr(6)), Target::kCustom, "", ""};
    }
    if (field.starts_with("consent:") && field.size() > 8) {
        return Column{header, Target::kConsent, "", std::string(field.substr(8))};
    }
    auto it = by_name.find(field);
    if (it == by_name.end()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"import.map_unknown_field", "--map {header}={target}: unknown field",
                        "use phone, phone2, name, last_name, first_name, middle_name, region, "
                        "source, email, comment, status, tags, date, consent:PURPOSE, "
                        "consent_date, ignore or field:NAME"},
                    {{"header", std::string(header)}, {"target", std::string(field)}});
    }
    return Column{header, it->second, "", ""};
}

}  // namespace

std::string MapName(const Column& column) {
    switch (column.target) {
        case Target::kCustom:
            return "field:" + column.header;
        case Target::kConsent:
            return "consent:" + column.purpose;
        default:
            for (const auto& [name, target] : TargetsByName())
                if (target == column.target) return std::string(name);
            return "ignore";
    }
}

Result<std::vector<Column>> MapColumns(const std::vector<std::string>& header,
                                       const std::vector<std::string>& overrides,
                                       const std::string& file) {
    std::vector<Column> columns;
    for (const auto& h : header) {
        Column c{contacts::Trim(h), Target::kCustom, "", ""};
        std::string key = Key(h);
        for (const auto& s : Known()) {
            for (auto name : s.names) {
                if (key == name) c.target = s.target;
            }
        }
        for (const auto& [purpose, names] : ConsentHeaders()) {
            for (auto name : names) {
                if (key == name) {
                    c.target = Target::kConsent;
                    c.purpose = std::string(purpose);
                }
            }
        }
        if (key.empty()) c.target = Target::kIgnore;
        columns.push_back(std::move(c));
    }
    for (const auto& o : overrides) {
        size_t eq = o.find('=');
        if (eq == std::string::npos) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.map_form", "--map '{map}': expected COLUMN=field",
                            "for example --map 'Сотовый=phone'"},
                        {{"map", o}});
        }
        std::string name = o.substr(0, eq);
        auto mapped = FromMapName(name, std::string_view(o).substr(eq + 1));
        if (!mapped) return std::unexpected(mapped.error());
        bool found = false;
        for (auto& c : columns) {
            if (Key(c.header) == Key(name)) {
                std::string custom = mapped->target == Target::kCustom ? mapped->header : c.header;
                c.target = mapped->target;
                c.header = custom;
                c.purpose = mapped->purpose;
                found = true;
            }
        }
        if (!found) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"import.map_no_column", "--map {map}: {file} has no column '{name}'",
                            "its columns are: {columns}"},
                        {{"map", o},
                         {"file", file},
                         {"name", name},
                         {"columns", fmt::format("{}", fmt::join(header, ", "))}});
        }
    }
    // A second column that also looks like the main phone is an extra phone.
    bool have_phone = false;
    for (auto& c : columns) {
        if (c.target == Target::kPhone) {
            if (have_phone) c.target = Target::kExtraPhone;
            have_phone = true;
            c.label = "основной";
        }
        if (c.target == Target::kExtraPhone) {
            std::string key = Key(c.header);
            c.label =
                key.find("раб") != std::string::npos || key.find("work") != std::string::npos
                    ? "рабочий"
                : key.find("дом") != std::string::npos || key.find("home") != std::string::npos
                    ? "домашний"
                    : "дополнительный";
        }
    }
    if (!have_phone) {
        for (auto& c : columns) {
            if (c.target == Target::kExtraPhone) {
                c.target = Target::kPhone;
                have_phone = true;
                break;
            }
        }
    }
    if (!have_phone) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"import.no_phone_column", "{file}: no phone column among: {columns}",
                        "name the phone column with --map, e.g. --map 'Сотовый=phone'"},
                    {{"file", file}, {"columns", fmt::format("{}", fmt::join(header, ", "))}});
    }
    return columns;
}

std::string ColumnName(size_t index, std::string_view header) {
    if (header.empty()) return fmt::format("column {}", index + 1);
    std::string_view shown = Utf8Prefix(header, 60);
    return fmt::format("column {} '{}{}'", index + 1, shown,
                       shown.size() < header.size() ? "…" : "");
}

MessageParams ColumnParams(size_t index, std::string_view header) {
    std::string_view shown = Utf8Prefix(header, 60);
    return {{"column", std::to_string(index + 1)},
            {"header", std::string(shown) + (shown.size() < header.size() ? "…" : "")}};
}

Result<void> CheckHeaderLimits(const std::vector<std::string>& header, const ImportLimits& limits,
                               const std::string& file) {
    if (header.size() > limits.max_columns) {
        MessageParams params{{"file", file},
                             {"count", std::to_string(header.size())},
                             {"limit", std::to_string(limits.max_columns)}};
        for (auto& p : ColumnParams(limits.max_columns, header[limits.max_columns]))
            params.push_back(std::move(p));
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"import.too_many_columns",
                        "{file}:1: the header row has {count} columns, more than the {limit} an "
                        "import takes (the first one over is column {column}[[ '{header}']])",
                        "remove the columns you do not need, or raise the limit with "
                        "--max-columns"},
                    params);
    }
    for (size_t i = 0; i < header.size(); ++i) {
        if (header[i].size() <= limits.max_cell_bytes) continue;
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"import.header_cell_too_big",
                        "{file}:1: column {column} of the header row holds {bytes} bytes, more "
                        "than the {limit} a cell may hold",
                        "check the file is a CSV with a header row (a quote left open makes the "
                        "rest of the file one cell), or raise the limit with --max-cell-bytes"},
                    {{"file", file},
                     {"column", std::to_string(i + 1)},
                     {"bytes", std::to_string(header[i].size())},
                     {"limit", std::to_string(limits.max_cell_bytes)}});
    }
    return {};
}

}  // namespace callbase::ingest
