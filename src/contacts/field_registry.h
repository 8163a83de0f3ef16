// Custom fields of contacts (R-BASE-2): typed definitions (number, date, text,
// enum with its allowed values) and validation of values against them.
//
// A FieldRegistry borrows the Store& and Clock& it is given (both must outlive
// it) and keeps no cache: every call reads the database, so two registries on
// one database agree. Same thread rules as the Store. Define() runs its own
// transaction; Find()/Validate() do not, so they may run inside a caller's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::contacts {

struct FieldDef {
    int64_t id = 0;
    std::string name;
    std::string type;                      // number, date, text, enum
    std::vector<std::string> enum_values;  // allowed values of an enum field
    int64_t usage = 0;                     // contacts with a value (List() only)
};

// A calendar date written YYYY-MM-DD or DD.MM.YYYY, as YYYY-MM-DD; nullopt if it
// is not a real date.
std::optional<std::string> NormalizeDate(std::string_view text);
// Unix seconds at 00:00 UTC of a YYYY-MM-DD date (already normalized).
int64_t DateToUnix(std::string_view iso_date);
// A number as typed by people ("1 000,50", "1000.5"), normalized ("1000.5").
std::optional<std::string> NormalizeNumber(std::string_view text);

// Checks a value against a definition; returns it normalized. The error names
// the field, the value and what is expected.
Result<std::string> ValidateFieldValue(const FieldDef& def, std::string_view value);

class FieldRegistry {
public:
    FieldRegistry(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    // Defines a field. type is number/date/text/enum; enum needs its values.
    Result<FieldDef> Define(std::string_view name, std::string_view type,
                            const std::vector<std::string>& enum_values = {});
    Result<std::vector<FieldDef>> List();
    // The definition by name (case-insensitive); NotFound lists the defined fields.
    Result<FieldDef> Find(std::string_view name);
    // Find + ValidateFieldValue.
    Result<std::string> Validate(std::string_view field, std::string_view value);

private:
    store::Store& store_;
    const Clock& clock_;
};

}  // namespace callbase::contacts
