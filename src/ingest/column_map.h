// Which column of an imported file holds what: matched by header, Russian or
// English, case-insensitively (Телефон / Тел. / Мобильный / Phone, ФИО / Name,
// Город / City, ...), or set by `--map COLUMN=field`. Columns nobody claims
// become custom fields. Plain values; thread-safe to share.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace callbase::ingest {

enum class Target {
    kPhone,       // the main phone (label основной)
    kExtraPhone,  // another phone (label рабочий / дополнительный)
    kName,
    kLastName,  // Фамилия, Имя, Отчество columns are joined into the name
    kFirstName,
    kMiddleName,
    kRegion,
    kSource,
    kEmail,
    kComment,
    kStatus,
    kTags,
    kDateAdded,
    kConsent,      // consent for the purpose in Column::purpose: да/нет, yes/no, 1/0
    kConsentDate,  // when the row's consents were obtained (the import's time if none)
    kCustom,       // a custom field named by the header
    kIgnore,
};

struct Column {
    std::string header;
    Target target = Target::kCustom;
    std::string label;    // phone label for kPhone / kExtraPhone
    std::string purpose;  // consent purpose for kConsent (service, marketing, ...)
};

// The field names `--map` accepts: phone, phone2, name, last_name, first_name,
// middle_name, region, source, email, comment, status, tags, date, ignore,
// field:<name>, consent:<purpose>, consent_date. Headers "Согласие на рекламу"
// / "Marketing consent" are consent:marketing, "Согласие на обслуживание" /
// "Service consent" consent:service, and a bare "Согласие" / "Consent" is
// taken as consent:marketing (the consent a call center's lists mean: to be
// called with offers); "Дата согласия" / "Consent date" is consent_date.
// Maps the header row; `overrides` are "COLUMN=field" strings. Fails when an
// override names no column or an unknown field, or when no column is a phone
// (the message lists the headers seen and how to use --map).
// The --map field name of a mapped column: "phone", "field:Сумма", "consent:marketing".
std::string MapName(const Column& column);

Result<std::vector<Column>> MapColumns(const std::vector<std::string>& header,
                                       const std::vector<std::string>& overrides,
                                       const std::string& file);

// What one imported file may hold. A file 16,000 columns wide made 16,001
// custom fields in 45 s and a 16 MB cell was stored as it came; these caps
// stop both with the row and column named (docs/security.md, "Malformed input";
// `import contacts --max-columns/--max-new-fields/--max-cell-bytes`, the same
// options of `serve`).
struct ImportLimits {
    size_t max_columns = 500;          // columns of the header row
    size_t max_new_fields = 50;        // custom fields one import may create
    size_t max_cell_bytes = 64 << 10;  // one cell, header cells included
};

// Fails when the header row is wider than the limits allow or one of its
// cells is larger than a cell may be (the message names the column).
Result<void> CheckHeaderLimits(const std::vector<std::string>& header, const ImportLimits& limits,
                               const std::string& file);

// "column 3 'Город'" for messages (1-based; the header cut to 60 bytes).
std::string ColumnName(size_t index, std::string_view header);

// The same as a coded message's parameters: {"column", "3"} and {"header",
// "Город"} (empty for a column without a header), for "column {column}[[ '{header}']]".
MessageParams ColumnParams(size_t index, std::string_view header);

}  // namespace callbase::ingest
