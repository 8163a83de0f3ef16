// Consents (R-LAW-1): per number and purpose — service and marketing, plus
// purposes a user defines — when and how consent was obtained (web form, call,
// paper, SMS double opt-in, import), the text agreed to (versioned per
// purpose), the proof (form id, IP, user agent; SMS code sent and confirmed
// at), and when and how it was revoked. Records are never deleted (except by a
// processed deletion request).
//
// Double opt-in: Request() makes a six-digit code, keeps only its keyed hash,
// and hands the message to an SmsSender; Confirm() with the right code, before
// it expires (default 24 h), records the consent. Five wrong codes lock the
// request.
//
// Borrows the Store and Clock; same thread rules as the Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::compliance {

// Where the SMS of a double opt-in goes. LogSmsSender (below) writes them to a
// file for the demo and the tests; the adapter to add next is SMPP 3.4 to the
// operator's SMSC (the usual route for a call center's own sender name).
class SmsSender {
public:
    virtual ~SmsSender() = default;
    virtual Result<void> Send(const std::string& e164, const std::string& text) = 0;
};

// Appends "time<TAB>number<TAB>text" lines to a file.
class LogSmsSender final : public SmsSender {
public:
    explicit LogSmsSender(std::string path, const Clock& clock)
        : path_(std::move(path)), clock_(clock) {}
    Result<void> Send(const std::string& e164, const std::string& text) override;

private:
    std::string path_;
    const Clock& clock_;
};

struct ConsentInput {
    std::string e164;
    std::string purpose;
    UnixSeconds obtained_at = 0;
    std::string channel;              // web_form, call, paper, sms, import
    std::optional<int> text_version;  // the purpose's latest text when unset
    std::string form_id, ip, user_agent;
    std::optional<UnixSeconds> sms_sent_at, sms_confirmed_at;
};

struct Consent {
    int64_t id = 0;
    std::string e164, purpose, channel;
    UnixSeconds obtained_at = 0;
    std::optional<int> text_version;
    std::string form_id, ip, user_agent;
    std::optional<UnixSeconds> sms_sent_at, sms_confirmed_at;
    UnixSeconds recorded_at = 0;
    std::string recorded_by;
    std::optional<UnixSeconds> revoked_at;
    std::string revoked_how, revoked_by;
};

struct Purpose {
    std::string name, description;
    bool builtin = false;
    int latest_text = 0;  // 0 when no text was recorded
};

// One version of a purpose's consent text, as the person read it.
struct ConsentText {
    int version = 0;
    std::string body;
    UnixSeconds created_at = 0;
};

struct ConsentRequestInfo {
    int64_t id = 0;
    UnixSeconds expires_at = 0;
};

class Consents {
public:
    static constexpr int64_t kCodeLifetime = 24 * 3600;
    static constexpr int kMaxWrongCodes = 5;

    Consents(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

    Result<int64_t> Add(const ConsentInput& in, const std::string& actor);
    // Revokes the number's consents for the purpose still in force; NotFound
    // when there is none.
    Result<int64_t> Revoke(const std::string& e164, const std::string& purpose,
                           const std::string& how, const std::string& actor);
    // Every record of the number, oldest first.
    Result<std::vector<Consent>> ForNumber(const std::string& e164);

    Result<std::vector<Purpose>> Purposes();
    Result<void> AddPurpose(const std::string& name, const std::string& description);
    // Records a new version of the purpose's consent text; returns the version.
    Result<int> AddText(const std::string& purpose, const std::string& body);
    // Every version of the purpose's consent text, newest first; an unknown
    // purpose is refused as AddText refuses it.
    Result<std::vector<ConsentText>> Texts(const std::string& purpose);

    Result<ConsentRequestInfo> Request(const std::string& e164, const std::string& purpose,
                                       SmsSender& sender, const std::string& actor);
    // The consent's id when the code is right.
    Result<int64_t> Confirm(const std::string& e164, const std::string& code,
                            const std::string& actor);

private:
    Result<void> CheckPurpose(const std::string& purpose);
    store::Store& store_;
    const Clock& clock_;
};

Result<void> CheckConsentChannel(const std::string& channel);

}  // namespace callbase::compliance
