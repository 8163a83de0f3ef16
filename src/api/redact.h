// What a role may see of contacts (R-SEC-2), applied to what is about to be
// shown, by the CLI and by the API alike: roles that may see full numbers see
// everything; the analyst sees stable pseudonyms instead of numbers and names,
// and no free text; an operator sees numbers masked, +7 (912) ***-**-89,
// except a number it had contact with in the last 24 hours (operator_access,
// kept by `attempts record`). Pseudonyms are keyed by the key file's
// pseudonym key, which lives outside the database.
//
// Plain functions over the Store given; the Store's thread rules apply.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "contacts/contact.h"
#include "contacts/contact_book.h"
#include "contacts/filter.h"
#include "core/clock.h"
#include "core/error.h"
#include "security/permissions.h"
#include "store/store.h"

namespace callbase::api {

// Who looks. No role: single-user mode, everything shows.
struct Viewer {
    std::optional<security::Role> role;
    int64_t user_id = 0;
    UnixSeconds now = 0;
    // The pseudonym key (security::Vault::PseudonymKey); read only when the
    // role sees pseudonyms: a function, so that roles that do not need it
    // never touch the key file.
    std::function<Result<std::string>()> pseudonym_key;
    // The user's name (the session's, the CLI's --user); "" in single-user
    // mode. Saves a look-up where a name is needed (an operator's scope).
    std::string user;
};

// Replaces numbers (and for pseudonym roles, names and free text) in place.
Result<void> RedactCard(const Viewer& viewer, store::Store& db, contacts::Card* card);
Result<void> RedactFound(const Viewer& viewer, store::Store& db,
                         std::vector<contacts::FoundContact>* found);
// One number as the viewer may see it.
Result<std::string> RedactNumber(const Viewer& viewer, store::Store& db, const std::string& e164);
// A name as the viewer may see it (a pseudonym for the analyst).
Result<std::string> RedactName(const Viewer& viewer, const std::string& name);
// A message about to be shown (an error's text): every phone number in it, in
// any spelling security::ReplaceNumbers finds, as the viewer may see it.
Result<std::string> RedactText(const Viewer& viewer, store::Store& db, std::string_view text);
// Whether the viewer may search with `filter`: a role may not filter on what
// it may not see, for a search's answers would rebuild it (issue 17: an
// analyst spelt out a name with name~ terms, an operator a masked number with
// batches of phone!= terms). Roles that see pseudonyms may not filter on
// name, phone or email; roles that see numbers masked may look a number up
// (phone=, which finds only what they already know) but not exclude numbers
// (phone!=). A 400 naming the term otherwise.
Result<void> CheckFilter(const Viewer& viewer, const contacts::Filter& filter);
// Whether the viewer sees numbers as they are (may copy them into a form).
bool SeesNumbers(const Viewer& viewer);

}  // namespace callbase::api
