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
    kCustom,  // a custom field named by the header
    kIgnore,
};

struct Column {
    std::string header;
    Target target = Target::kCustom;
    std::string label;  // phone label for kPhone / kExtraPhone
};

// The field names `--map` accepts: phone, phone2, name, last_name, first_name,
// middle_name, region, source, email, comment, status, tags, date, ignore,
// field:<name>.
// Maps the header row; `overrides` are "COLUMN=field" strings. Fails when an
// override names no column or an unknown field, or when no column is a phone
// (the message lists the headers seen and how to use --map).
Result<std::vector<Column>> MapColumns(const std::vector<std::string>& header,
                                       const std::vector<std::string>& overrides,
                                       const std::string& file);

}  // namespace callbase::ingest
