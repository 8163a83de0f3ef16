#include "compliance/consent.h"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <fstream>

namespace callbase::compliance {
namespace {

constexpr const char* kColumns =
    "c.id, c.e164, c.purpose, c.channel, c.obtained_at, t.version, c.form_id, c.ip, "
    "c.user_agent, c.sms_sent_at, c.sms_confirmed_at, c.recorded_at, c.recorded_by, "
    "c.revoked_at, c.revoked_how, c.revoked_by";

std::string Hex(const unsigned char* bytes, size_t size) {
    std::string out(size * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes, size);
    out.pop_back();
    return out;
}

// "salt:hash", both hex: the code hashed with a random key of its own.
std::string HashCode(const std::string& code, const unsigned char* salt) {
    std::array<unsigned char, 32> hash;
    crypto_generichash(hash.data(), hash.size(),
                       reinterpret_cast<const unsigned char*>(code.data()), code.size(), salt,
                       crypto_generichash_KEYBYTES);
    return Hex(salt, crypto_generichash_KEYBYTES) + ":" + Hex(hash.data(), hash.size());
}

bool CodeMatches(const std::string& stored, const std::string& code) {
    size_t colon = stored.find(':');
    if (colon == std::string::npos) return false;
    std::array<unsigned char, crypto_generichash_KEYBYTES> salt;
    size_t len = 0;
    if (sodium_hex2bin(salt.data(), salt.size(), stored.data(), colon, nullptr, &len, nullptr) !=
            0 ||
        len != salt.size()) {
        return false;
    }
    std::string again = HashCode(code, salt.data());
    return again.size() == stored.size() &&
           sodium_memcmp(again.data(), stored.data(), stored.size()) == 0;
}

}  // namespace

Result<void> CheckConsentChannel(const std::string& channel) {
    for (const char* known : {"web_form", "call", "paper", "sms", "import"})
        if (channel == known) return {};
    return Fail(ErrorCode::kInvalidInput,
                Msg{"consent.unknown_channel", "unknown consent channel {channel}",
                    "use web_form, call, paper, sms or import"},
                {{"channel", channel}});
}

Result<void> LogSmsSender::Send(const std::string& e164, const std::string& text) {
    std::ofstream out(path_, std::ios::app);
    if (!out) {
        return Fail(ErrorCode::kIo, fmt::format("cannot write the SMS log {}", path_),
                    "check the folder exists and is writable, or give --sms-log FILE");
    }
    out << clock_.Now() << '\t' << e164 << '\t' << text << '\n';
    if (!out) return Fail(ErrorCode::kIo, fmt::format("cannot write the SMS log {}", path_));
    return {};
}

Result<void> Consents::CheckPurpose(const std::string& purpose) {
    auto n = store_.QueryValue("SELECT COUNT(*) FROM consent_purposes WHERE name = $1", {purpose});
    if (!n) return std::unexpected(n.error());
    if (store::Row({*n}).Int(0) == 0) {
        std::string known;
        if (auto all = Purposes()) {
            for (const auto& p : *all)
                known += (known.empty() ? "" : ", ") + p.name;
        }
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"consent.unknown_purpose", "unknown purpose {purpose}",
                        "known purposes: {known}; add one with `callbase consent purpose add "
                        "NAME --description TEXT`"},
                    {{"purpose", purpose}, {"known", known}});
    }
    return {};
}

Result<int64_t> Consents::Add(const ConsentInput& in, const std::string& actor) {
    if (auto ok = CheckPurpose(in.purpose); !ok) return std::unexpected(ok.error());
    if (auto ok = CheckConsentChannel(in.channel); !ok) return std::unexpected(ok.error());
    const UnixSeconds now = clock_.Now();
    if (in.obtained_at > now + 300) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"consent.in_future", "the consent is dated in the future",
                        "give the moment it was obtained with --at"});
    }
    store::Value text_id;
    auto text = store_.Query(
        in.text_version
            ? "SELECT id FROM consent_texts WHERE purpose = $1 AND version = $2"
            : "SELECT id FROM consent_texts WHERE purpose = $1 AND $2 = 0 ORDER BY version "
              "DESC LIMIT 1",
        {in.purpose, int64_t{in.text_version.value_or(0)}});
    if (!text) return std::unexpected(text.error());
    if (!text->empty()) {
        text_id = text->front().Int(0);
    } else if (in.text_version) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"consent.no_text_version", "{purpose} has no consent text version {version}",
                "see `callbase consent purpose list`; record a text with `callbase consent "
                "text add PURPOSE FILE`"},
            {{"purpose", in.purpose}, {"version", std::to_string(*in.text_version)}});
    }
    auto id = store_.QueryValue(
        "INSERT INTO consents (e164, purpose, obtained_at, channel, text_id, form_id, ip, "
        "user_agent, sms_sent_at, sms_confirmed_at, recorded_at, recorded_by) VALUES ($1, $2, "
        "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        {store::PhoneKey(store_, in.e164), in.purpose, in.obtained_at, in.channel, text_id,
         in.form_id, in.ip, in.user_agent, store::Nullable(in.sms_sent_at),
         store::Nullable(in.sms_confirmed_at), now, actor});
    if (!id) return std::unexpected(id.error());
    return store::Row({*id}).Int(0);
}

Result<int64_t> Consents::Revoke(const std::string& e164, const std::string& purpose,
                                 const std::string& how, const std::string& actor) {
    if (auto ok = CheckPurpose(purpose); !ok) return std::unexpected(ok.error());
    if (how.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"consent.no_how", "say how the consent was revoked",
                        "e.g. --how \"by phone to the operator\" or --how \"reply STOP to SMS\""});
    }
    auto changed = store_.Exec(
        "UPDATE consents SET revoked_at = $1, revoked_how = $2, revoked_by = $3 WHERE e164 = $4 "
        "AND purpose = $5 AND revoked_at IS NULL",
        {clock_.Now(), how, actor, store::PhoneKey(store_, e164), purpose});
    if (!changed) return std::unexpected(changed.error());
    if (*changed == 0) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"consent.not_in_force", "{phone} has no consent in force for {purpose}",
                        "see `callbase consent show PHONE`"},
                    {{"phone", e164}, {"purpose", purpose}});
    }
    return *changed;
}

Result<std::vector<Consent>> Consents::ForNumber(const std::string& e164) {
    auto rows = store_.Query(fmt::format("SELECT {} FROM consents c LEFT JOIN consent_texts t ON "
                                         "t.id = c.text_id WHERE c.e164 = $1 ORDER BY c.id",
                                         kColumns),
                             {store::PhoneKey(store_, e164)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<Consent> out;
    for (const auto& r : *rows) {
        Consent c;
        c.id = r.Int(0);
        c.e164 = e164;  // the row's number is the one asked for
        c.purpose = r.Text(2);
        c.channel = r.Text(3);
        c.obtained_at = r.Int(4);
        if (!r.IsNull(5)) c.text_version = static_cast<int>(r.Int(5));
        c.form_id = r.Text(6);
        c.ip = r.Text(7);
        c.user_agent = r.Text(8);
        c.sms_sent_at = r.OptInt(9);
        c.sms_confirmed_at = r.OptInt(10);
        c.recorded_at = r.Int(11);
        c.recorded_by = r.Text(12);
        c.revoked_at = r.OptInt(13);
        c.revoked_how = r.Text(14);
        c.revoked_by = r.Text(15);
        out.push_back(std::move(c));
    }
    return out;
}

Result<std::vector<Purpose>> Consents::Purposes() {
    auto rows = store_.Query(
        "SELECT p.name, p.description, p.builtin, COALESCE(MAX(t.version), 0) FROM "
        "consent_purposes p LEFT JOIN consent_texts t ON t.purpose = p.name GROUP BY p.name, "
        "p.description, p.builtin ORDER BY p.builtin DESC, p.name");
    if (!rows) return std::unexpected(rows.error());
    std::vector<Purpose> out;
    for (const auto& r : *rows)
        out.push_back({r.Text(0), r.Text(1), r.Int(2) != 0, static_cast<int>(r.Int(3))});
    return out;
}

Result<void> Consents::AddPurpose(const std::string& name, const std::string& description) {
    if (name.empty() || name.size() > 40 ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"consent.bad_purpose_name", "bad purpose name '{name}'",
                        "use 1-40 lower-case Latin letters, digits, _ or -, e.g. survey"},
                    {{"name", name}});
    }
    auto ok = store_.Exec(
        "INSERT INTO consent_purposes (name, description, builtin, created_at) VALUES ($1, $2, "
        "0, $3)",
        {name, description, clock_.Now()});
    if (!ok && ok.error().code == ErrorCode::kConflict) {
        return Fail(ErrorCode::kConflict,
                    Msg{"consent.purpose_exists", "purpose {name} exists already"},
                    {{"name", name}});
    }
    if (!ok) return std::unexpected(ok.error());
    return {};
}

Result<int> Consents::AddText(const std::string& purpose, const std::string& body) {
    if (auto ok = CheckPurpose(purpose); !ok) return std::unexpected(ok.error());
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"consent.text_empty", "the consent text is empty",
                        "give the file with the text the person agrees to"});
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto top = store_.QueryValue(
        "SELECT COALESCE(MAX(version), 0) FROM consent_texts WHERE purpose = $1", {purpose});
    if (!top) return std::unexpected(top.error());
    int version = static_cast<int>(store::Row({*top}).Int(0)) + 1;
    auto ok = store_.Exec(
        "INSERT INTO consent_texts (purpose, version, body, created_at) VALUES ($1, $2, $3, $4)",
        {purpose, int64_t{version}, body, clock_.Now()});
    if (!ok) return std::unexpected(ok.error());
    if (auto done = tx->Commit(); !done) return std::unexpected(done.error());
    return version;
}

Result<std::vector<ConsentText>> Consents::Texts(const std::string& purpose) {
    if (auto ok = CheckPurpose(purpose); !ok) return std::unexpected(ok.error());
    auto rows = store_.Query(
        "SELECT version, body, created_at FROM consent_texts WHERE purpose = $1 ORDER BY version "
        "DESC",
        {purpose});
    if (!rows) return std::unexpected(rows.error());
    std::vector<ConsentText> out;
    for (const auto& r : *rows)
        out.push_back({static_cast<int>(r.Int(0)), r.Text(1), r.Int(2)});
    return out;
}

Result<ConsentRequestInfo> Consents::Request(const std::string& e164, const std::string& purpose,
                                             SmsSender& sender, const std::string& actor) {
    if (auto ok = CheckPurpose(purpose); !ok) return std::unexpected(ok.error());
    if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium failed to start");
    const UnixSeconds now = clock_.Now();
    std::string code = fmt::format("{:06}", randombytes_uniform(1000000));
    std::array<unsigned char, crypto_generichash_KEYBYTES> salt;
    randombytes_buf(salt.data(), salt.size());
    auto text = store_.Query(
        "SELECT id FROM consent_texts WHERE purpose = $1 ORDER BY version DESC LIMIT 1", {purpose});
    if (!text) return std::unexpected(text.error());
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    // A new request replaces the number's open ones.
    auto closed = store_.Exec(
        "UPDATE consent_requests SET locked_at = $1 WHERE e164 = $2 AND confirmed_at IS NULL "
        "AND locked_at IS NULL",
        {now, store::PhoneKey(store_, e164)});
    if (!closed) return std::unexpected(closed.error());
    auto id = store_.QueryValue(
        "INSERT INTO consent_requests (e164, purpose, text_id, code_hash, created_at, "
        "expires_at, requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        {store::PhoneKey(store_, e164), purpose,
         text->empty() ? store::Value() : store::Value(text->front().Int(0)),
         HashCode(code, salt.data()), now, now + kCodeLifetime, actor});
    if (!id) return std::unexpected(id.error());
    auto sent = sender.Send(
        e164, fmt::format("Код {} — подтверждение согласия ({}). Никому не сообщайте код.", code,
                          purpose));
    if (!sent) return std::unexpected(sent.error());  // rolled back: no request without an SMS
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    return ConsentRequestInfo{store::Row({*id}).Int(0), now + kCodeLifetime};
}

Result<int64_t> Consents::Confirm(const std::string& e164, const std::string& code,
                                  const std::string& actor) {
    const UnixSeconds now = clock_.Now();
    auto rows = store_.Query(
        "SELECT id, purpose, text_id, code_hash, created_at, expires_at, wrong_codes, "
        "locked_at, confirmed_at FROM consent_requests WHERE e164 = $1 ORDER BY id DESC LIMIT 1",
        {store::PhoneKey(store_, e164)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"consent.no_request", "no consent request for {phone}",
                        "send a code first with `callbase consent request PHONE --purpose P`"},
                    {{"phone", e164}});
    }
    const store::Row& r = rows->front();
    const int64_t id = r.Int(0);
    if (!r.IsNull(8)) {
        return Fail(
            ErrorCode::kConflict,
            Msg{"consent.request_confirmed", "the request for {phone} is confirmed already"},
            {{"phone", e164}});
    }
    if (!r.IsNull(7)) {
        return Fail(ErrorCode::kConflict,
                    Msg{"consent.request_locked",
                        "the request for {phone} is locked after {count} wrong codes",
                        "send a new code with `callbase consent request`"},
                    {{"phone", e164}, {"count", std::to_string(kMaxWrongCodes)}});
    }
    if (now >= r.Int(5)) {
        return Fail(ErrorCode::kConflict,
                    Msg{"consent.code_expired", "the code sent to {phone} has expired",
                        "send a new code with `callbase consent request`"},
                    {{"phone", e164}});
    }
    if (!CodeMatches(r.Text(3), code)) {
        const int64_t wrong = r.Int(6) + 1;
        auto ok = store_.Exec(
            "UPDATE consent_requests SET wrong_codes = $1, locked_at = $2 WHERE id = $3",
            {wrong, wrong >= kMaxWrongCodes ? store::Value(now) : store::Value(), id});
        if (!ok) return std::unexpected(ok.error());
        if (wrong >= kMaxWrongCodes) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"consent.wrong_code_locked",
                            "wrong code; the request for {phone} is now locked",
                            "send a new code with `callbase consent request`"},
                        {{"phone", e164}});
        }
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"consent.wrong_code", "wrong code for {phone} ({left} tries left)",
                        "type the six digits of the SMS"},
                    {{"phone", e164}, {"left", std::to_string(kMaxWrongCodes - wrong)}});
    }
    auto tx = store::Transaction::Start(store_);
    if (!tx) return std::unexpected(tx.error());
    auto consent = store_.QueryValue(
        "INSERT INTO consents (e164, purpose, obtained_at, channel, text_id, sms_sent_at, "
        "sms_confirmed_at, recorded_at, recorded_by) VALUES ($1, $2, $3, 'sms', $4, $5, $6, $7, "
        "$8) RETURNING id",
        {store::PhoneKey(store_, e164), r.Text(1), now,
         r.IsNull(2) ? store::Value() : store::Value(r.Int(2)), r.Int(4), now, now, actor});
    if (!consent) return std::unexpected(consent.error());
    int64_t consent_id = store::Row({*consent}).Int(0);
    auto ok =
        store_.Exec("UPDATE consent_requests SET confirmed_at = $1, consent_id = $2 WHERE id = $3",
                    {now, consent_id, id});
    if (!ok) return std::unexpected(ok.error());
    if (auto done = tx->Commit(); !done) return std::unexpected(done.error());
    return consent_id;
}

}  // namespace callbase::compliance
