// Vault: the encryption-at-rest primitives (R-SEC-4) — personal data sealed
// with XChaCha20-Poly1305 (libsodium) and found again through a keyed blind
// index — and the keys they use, kept in the key file outside the database
// (mode 0600, the file that also holds the pseudonym key).
//
// A Vault is the store::Cipher of an encrypted base: modules reach it only
// through store::PhoneKey/PhoneOf/SealText/OpenText (docs/security.md,
// "Encryption at rest").
//
// Formats; the sealed ones are plain ASCII, so that one TEXT column holds them
// on SQLite and on PostgreSQL:
//   sealed       "enc1:<data key id>:<base64url(nonce 24 B | ciphertext | tag 16 B)>"
//                The associated data is the column's name ("phones.raw"):
//                a sealed value moved to another column does not open.
//   findable     "encd:<data key id>:<base64url(nonce 16 B | ciphertext | tag 16 B)>"
//                (SealFindable: numbers; the associated data is the domain)
//   word keys    64-bit SipHash-2-4 of each case-folded word of a name under
//                a key derived from the index key (WordKeys)
//   blind index  "bi1:" and 32 hex digits: BLAKE2b-128 of the domain, a zero
//                byte and the normalised value, under a key derived from the
//                index key (BlindIndex: e-mails)
//
// Key file lines after the pseudonym key (line 1, unchanged):
//   data <id> <64 hex>     data keys; the largest id seals, every one opens
//   index <id> <64 hex>    index keys; the largest id indexes
// Rotation adds a new data key and a new index key (AddKeys), re-seals and
// re-indexes every value with them in one transaction, and then drops the old
// keys (KeepOnly); a crash in between leaves a file that opens both states.
//
// Threads: a Vault is immutable once loaded; share it freely.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace callbase::security {

class Vault final : public store::Cipher {
public:
    using Key = std::array<uint8_t, 32>;

    // The keys of a key file. A file with no data key gives an empty vault
    // (has_keys() false). kNotFound when the file is missing, kConflict when
    // others can read it, kInvalidInput (with the line) when it is malformed.
    static Result<Vault> FromKeyFile(const std::string& path);
    // The pseudonym key (the file's first line, 64 hex digits), creating the
    // file (0600) with a new random key when it does not exist. The same
    // checks as FromKeyFile.
    static Result<std::string> PseudonymKey(const std::string& path);
    // Appends a new data key and a new index key (ids one above the largest)
    // to the key file, creating the file (0600) with a new pseudonym key when
    // it does not exist; returns the vault with every key.
    static Result<Vault> AddKeys(const std::string& path);
    // Rewrites the key file with only these data and index keys (and the
    // pseudonym key): after a rotation has re-sealed everything.
    static Result<void> KeepOnly(const std::string& path, uint32_t data_key, uint32_t index_key);
    // Removes the newest data key and the newest index key: the undo of an
    // AddKeys whose rotation failed before anything was re-sealed.
    static Result<void> DropNewest(const std::string& path);

    bool has_keys() const { return !data_keys_.empty() && !index_keys_.empty(); }
    uint32_t data_key() const { return data_keys_.rbegin()->first; }
    uint32_t index_key() const { return index_keys_.rbegin()->first; }

    // Seals with the newest data key; `column` is the associated data.
    std::string Seal(std::string_view plaintext, std::string_view column) const override;
    // Seals deterministically: the nonce is the value's keyed SipHash (128
    // bits, a key derived from the newest index key, and 8 zero bytes), so
    // equal values give
    // equal text and an e164 column both finds the number and holds it (the
    // synthetic-IV construction; what it reveals is equality, as any blind
    // index does). Written "encd:<data key id>:<base64url(16-byte nonce |
    // ciphertext | tag)>"; opened by Open like any sealed value.
    std::string SealFindable(std::string_view plaintext, std::string_view domain) const override;
    // Opens a sealed value of `column`. kInvalidInput when the text is not a
    // sealed value or fails authentication (tampered, or another column's);
    // kNotFound when its data key is not in the key file.
    Result<std::string> Open(std::string_view sealed, std::string_view column) const override;
    static bool IsSealed(std::string_view text) {
        return text.starts_with("enc1:") || text.starts_with("encd:");
    }

    // The blind indexes of the words of a name already case-folded by the
    // caller (contacts::FoldCase), split on spaces and ASCII punctuation,
    // each once, in order, as 64-bit keys (SipHash-2-4 under a key derived
    // from the newest index key): exact-word search over sealed names
    // (contacts.name_words).
    std::vector<int64_t> WordKeys(std::string_view folded_name) const override;
    // The keyed BLAKE2b-128 of `domain`, a zero byte and `normalised`, under
    // a key derived from the newest index key, as "bi1:" and 32 hex digits:
    // exact search over sealed e-mails (contacts.email_key). A rotation
    // rebuilds every index with the new key.
    std::string BlindIndex(std::string_view normalised, std::string_view domain) const override;

private:
    // Nonces: 16 random bytes drawn once per vault and a counter, so sealing
    // needs no system call per value (a 24-byte XChaCha20 nonce leaves room
    // for both); the index key's BLAKE2b state is keyed once.
    struct Hot;
    void Prepare();
    // Seals with the 24-byte `nonce`, of which the first `stored_nonce` bytes
    // are written (the rest is zero when fewer are stored).
    std::string SealWithNonce(std::string_view plaintext, std::string_view ad, const uint8_t* nonce,
                              size_t stored_nonce, std::string_view prefix) const;

    std::map<uint32_t, Key> data_keys_, index_keys_;
    std::shared_ptr<Hot> hot_;
};

}  // namespace callbase::security
