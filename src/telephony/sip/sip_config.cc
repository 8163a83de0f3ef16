#include "telephony/sip/sip_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <vector>

#include "core/file.h"
#include "core/toml_reader.h"
#include "telephony/sip/tls.h"

namespace callbase::telephony::sip {

namespace {

constexpr std::string_view kHint = "see docs/telephony.md, \"Connecting a trunk\"";

std::string Beside(const std::filesystem::path& file, const std::string& path) {
    if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (file.parent_path() / path).lexically_normal().string();
}

bool E164(const std::optional<std::string>& number) {
    return number && number->size() >= 9 && number->size() <= 16 && number->front() == '+' &&
           number->find_first_not_of("0123456789", 1) == std::string::npos;
}

// A list of strings at `key`, each checked by `ok` (else `what` is said).
std::vector<std::string> Texts(TomlReader& r, const toml::table* table, std::string_view section,
                               std::string_view key,
                               const std::function<bool(const std::string&)>& ok,
                               std::string_view what) {
    std::vector<std::string> out;
    const toml::node* node = table ? table->get(key) : nullptr;
    if (node == nullptr) return out;
    const toml::array* list = node->as_array();
    if (list == nullptr) r.Problem(node, TomlReader::Where(section, key), what);
    for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
        auto text = (*list)[i].value<std::string>();
        if (!text || !ok(*text)) {
            r.Problem(&(*list)[i], TomlReader::Where(section, key), what);
            continue;
        }
        out.push_back(*text);
    }
    return out;
}

// One trunk's table: [trunk], or [trunks.NAME] (`name` given).
Trunk ReadTrunk(TomlReader& r, const toml::table* trunk, const std::string& section,
                const std::string& path) {
    Trunk t;
    r.Known(trunk, section,
            {"name",
             "host",
             "outbound_proxy",
             "username",
             "password",
             "password_file",
             "from_domain",
             "assert_identity",
             "number_format",
             "transport",
             "register",
             "registrar",
             "register_domain",
             "auth_username",
             "register_expires",
             "register_retry_seconds",
             "did",
             "keepalive_seconds",
             "dids",
             "max_calls",
             "calls_per_second",
             "failover",
             "tls_ca",
             "tls_host",
             "tls_pin",
             "srtp"});
    r.Text(trunk, section, "host", t.host);
    r.Text(trunk, section, "outbound_proxy", t.outbound_proxy);
    r.Text(trunk, section, "username", t.username);
    r.Text(trunk, section, "password", t.password);
    r.Text(trunk, section, "from_domain", t.from_domain);
    r.Flag(trunk, section, "assert_identity", t.assert_identity);
    r.Text(trunk, section, "transport", t.transport);
    r.Text(trunk, section, "tls_ca", t.tls_ca);
    r.Text(trunk, section, "tls_host", t.tls_host);
    r.Flag(trunk, section, "srtp", t.srtp);
    std::string pin;
    r.Text(trunk, section, "tls_pin", pin);
    r.Text(trunk, section, "name", t.name);
    r.Flag(trunk, section, "register", t.registers);
    r.Text(trunk, section, "registrar", t.registrar);
    r.Text(trunk, section, "register_domain", t.register_domain);
    r.Text(trunk, section, "auth_username", t.auth_username);
    r.Number(trunk, section, "register_expires", t.register_expires, 30.0, 86'400.0);
    r.Number(trunk, section, "register_retry_seconds", t.register_retry_seconds, 1.0, 3'600.0);
    r.Text(trunk, section, "did", t.did);
    r.Number(trunk, section, "keepalive_seconds", t.keepalive_seconds, 0.0, 3'600.0);
    r.Number(trunk, section, "max_calls", t.max_calls, 0.0, 60'000.0);
    r.Number(trunk, section, "calls_per_second", t.calls_per_second, 0.0, 10'000.0);
    t.dids = Texts(
        r, trunk, section, "dids", [](const std::string& n) { return E164(n); },
        "write a list of numbers in E.164 with their plus, e.g. [\"+74951234567\"]");
    t.failover = Texts(
        r, trunk, section, "failover", [](const std::string&) { return true; },
        "write a list of other trunks' names, e.g. [\"backup\"]");
    const std::string where = "[" + section + "] ";
    if (trunk != nullptr &&
        (t.name.empty() ||
         t.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos))
        r.Problem(trunk->get("name"), where + "name",
                  "lowercase latin letters, digits, - and _, e.g. \"main\"");
    if (trunk != nullptr && t.registers && t.username.empty())
        r.Problem(trunk->get("register"), where + "register",
                  fmt::format("a trunk that registers needs its account: set {}username (and "
                              "password_file)",
                              where));
    if (trunk != nullptr && !t.registrar.empty() && !t.registrar.starts_with("sip:"))
        r.Problem(trunk->get("registrar"), where + "registrar",
                  "write the registrar's SIP URI, e.g. \"sip:sip.example.ru:5060\"");
    std::string format = "plus", password_file;
    r.Text(trunk, section, "number_format", format);
    r.Text(trunk, section, "password_file", password_file);
    if (trunk != nullptr && t.host.empty())
        r.Problem(trunk, where + "host", "missing: the provider's host[:port]");
    if (auto f = ParseNumberFormat(format); f) {
        t.number_format = *f;
    } else if (trunk != nullptr) {
        r.Problem(trunk->get("number_format"), where + "number_format", f.error().hint);
    }
    if (t.transport != "udp" && t.transport != "tcp" && t.transport != "tls")
        r.Problem(trunk ? trunk->get("transport") : nullptr, where + "transport",
                  "udp, tcp or tls");
    if (!pin.empty()) {
        if (auto parsed = ParsePin(pin); parsed) {
            t.tls_pin = *parsed;
        } else {
            r.Problem(trunk->get("tls_pin"), where + "tls_pin", parsed.error().hint);
        }
    }
    if (trunk != nullptr && t.transport != "tls" &&
        (!t.tls_ca.empty() || !t.tls_pin.empty() || !t.tls_host.empty()))
        r.Problem(trunk->get(!t.tls_ca.empty()    ? "tls_ca"
                             : !t.tls_pin.empty() ? "tls_pin"
                                                  : "tls_host"),
                  where + "transport",
                  "the tls_ settings are for a trunk over TLS: set transport = \"tls\"");
    t.tls_ca = Beside(path, t.tls_ca);
    if (!t.tls_ca.empty() && !std::filesystem::is_regular_file(t.tls_ca))
        r.Problem(trunk->get("tls_ca"), where + "tls_ca",
                  fmt::format("cannot read {}: give the CA certificates to trust as a PEM file",
                              t.tls_ca));
    if (!password_file.empty()) {
        const std::string file = Beside(path, password_file);
        std::ifstream in(file);
        if (!in) {
            r.Problem(trunk->get("password_file"), where + "password_file",
                      fmt::format("cannot read {}", file));
        } else {
            std::getline(in, t.password);
        }
    }
    if (!t.did.empty() && !E164(t.did))
        r.Problem(trunk->get("did"), where + "did",
                  "write the number in E.164 with its plus, e.g. \"+74951234567\"");
    return t;
}

}  // namespace

Result<SipOptions> LoadSipConfig(const std::string& path) {
    auto text = ReadWholeFile(path);
    if (!text) {
        return Fail(ErrorCode::kNotFound, fmt::format("{}: no such file", path),
                    std::string(kHint));
    }
    toml::table root;
    try {
        root = toml::parse(*text, path);
    } catch (const toml::parse_error& e) {
        return std::unexpected(TomlParseError(e, path, *text, std::string(kHint)));
    }
    SipOptions o;
    TomlReader r(path, std::string(kHint));
    r.Known(&root, "",
            {"listen",        "rtp_ip",     "rtp_ports",     "language",    "codec",
             "max_calls",     "trunk",      "recordings",    "agents",      "agent_ring_seconds",
             "music_on_hold", "transfer",   "dids",          "early_media", "public_address",
             "symmetric_rtp", "trunks",     "default_trunk", "g722",        "announce_monitoring",
             "tls",           "phones_srtp"});
    r.Text(&root, "", "listen", o.listen);
    r.Text(&root, "", "rtp_ip", o.rtp_ip);
    r.Text(&root, "", "language", o.language);
    r.Text(&root, "", "codec", o.codec);
    r.Number(&root, "", "max_calls", o.max_calls, 1.0, 60'000.0);
    r.Number(&root, "", "agent_ring_seconds", o.agent_ring_seconds, 5.0, 120.0);
    r.Text(&root, "", "transfer", o.transfer);
    r.Text(&root, "", "music_on_hold", o.music_on_hold);
    r.Flag(&root, "", "early_media", o.early_media);
    r.Flag(&root, "", "symmetric_rtp", o.symmetric_rtp);
    r.Flag(&root, "", "g722", o.g722);
    r.Flag(&root, "", "announce_monitoring", o.announce_monitoring);
    r.Flag(&root, "", "phones_srtp", o.phones_srtp);
    // SIP over TLS: [tls] listen, certificate, key, phones_ca.
    const toml::table* tls = root["tls"].as_table();
    r.Known(tls, "tls", {"listen", "certificate", "key", "phones_ca"});
    r.Text(tls, "tls", "listen", o.tls_listen);
    r.Text(tls, "tls", "certificate", o.tls_certificate);
    r.Text(tls, "tls", "key", o.tls_key);
    r.Text(tls, "tls", "phones_ca", o.phones_tls_ca);
    for (auto [key, file] :
         {std::pair{"certificate", &o.tls_certificate}, std::pair{"key", &o.tls_key},
          std::pair{"phones_ca", &o.phones_tls_ca}}) {
        *file = Beside(path, *file);
        if (!file->empty() && !std::filesystem::is_regular_file(*file))
            r.Problem(tls->get(key), fmt::format("[tls] {}", key),
                      fmt::format("cannot read {}: give a PEM file", *file));
    }
    if (!o.tls_key.empty() && o.tls_certificate.empty())
        r.Problem(tls->get("key"), "[tls] certificate",
                  "missing: the key goes with a certificate (a PEM file)");
    r.Text(&root, "", "public_address", o.public_address);
    if (!o.public_address.empty()) {
        // An IPv4 address, with the SIP port or without.
        const std::string& p = o.public_address;
        const size_t colon = p.find(':');
        const std::string ip = p.substr(0, colon);
        const std::string port = colon == std::string::npos ? "" : p.substr(colon + 1);
        bool ok = !ip.empty() && ip.find_first_not_of("0123456789.") == std::string::npos &&
                  std::count(ip.begin(), ip.end(), '.') == 3;
        ok = ok && (colon == std::string::npos ||
                    (!port.empty() && port.size() <= 5 &&
                     port.find_first_not_of("0123456789") == std::string::npos));
        if (!ok)
            r.Problem(root.get("public_address"), "public_address",
                      "write the address the provider reaches you at, IP or IP:PORT, e.g. "
                      "\"203.0.113.10\" or \"203.0.113.10:5060\"");
    }
    if (!o.music_on_hold.empty()) o.music_on_hold = Beside(path, o.music_on_hold);
    if (!o.transfer.empty() && !o.transfer.starts_with("sip:"))
        r.Problem(root.get("transfer"), "transfer",
                  "write the queue's SIP URI, e.g. \"sip:queue@pbx\"");
    if (const toml::node* ports = root.get("rtp_ports")) {
        const toml::array* a = ports->as_array();
        // Read as numbers, then checked: toml++'s value<int64_t>() of 1e300
        // or nan is an undefined conversion (fuzz_sip_config found it).
        auto lo = a && a->size() == 2 ? (*a)[0].value<double>() : std::nullopt;
        auto hi = a && a->size() == 2 ? (*a)[1].value<double>() : std::nullopt;
        if (!lo || !hi || !(*lo >= 1024) || !(*hi <= 65535) || !(*lo < *hi)) {
            r.Problem(ports, "rtp_ports", "write [FIRST, LAST], 1024..65535, e.g. [20000, 40000]");
        } else {
            o.rtp_min_port = static_cast<uint16_t>(*lo);
            o.rtp_max_port = static_cast<uint16_t>(*hi);
        }
    }
    if (o.codec != "PCMA" && o.codec != "PCMU")
        r.Problem(root.get("codec"), "codec", "PCMA (G.711 A-law) or PCMU (G.711 µ-law)");
    if (o.language != "ru" && o.language != "en")
        r.Problem(root.get("language"), "language", "ru or en");

    // The trunks: one [trunk], or several [trunks.NAME] with default_trunk
    // naming the one campaigns use unless they name another.
    const toml::table* one = root["trunk"].as_table();
    const toml::table* several = root["trunks"].as_table();
    std::string default_trunk;
    r.Text(&root, "", "default_trunk", default_trunk);
    std::vector<Trunk> trunks;
    if (one != nullptr && several != nullptr) {
        r.Problem(root.get("trunks"), "[trunks]",
                  "write either one [trunk] or several [trunks.NAME], not both");
    } else if (one != nullptr) {
        trunks.push_back(ReadTrunk(r, one, "trunk", path));
    } else if (several != nullptr && !several->empty()) {
        for (auto&& [name, node] : *several) {
            const std::string section = fmt::format("trunks.{}", name.str());
            const toml::table* table = node.as_table();
            if (table == nullptr) {
                r.Problem(&node, "[" + section + "]", "must be a table of the trunk's settings");
                continue;
            }
            if (table->contains("name"))
                r.Problem(table->get("name"), "[" + section + "] name",
                          "the trunk's name is the table's: leave name out");
            Trunk t = ReadTrunk(r, table, section, path);
            t.name = std::string(name.str());
            if (t.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") !=
                std::string::npos)
                r.Problem(&node, "[" + section + "]",
                          "name trunks with lowercase latin letters, digits, - and _");
            trunks.push_back(std::move(t));
        }
    } else {
        r.Problem(nullptr, "[trunk]", "missing: the trunk's host at least");
    }
    if (trunks.size() > 1 && default_trunk.empty())
        r.Problem(root.get("trunks"), "default_trunk",
                  "missing: with several trunks, name the one campaigns dial through unless "
                  "they name another, e.g. default_trunk = \"main\"");
    auto named = [&](const std::string& name) {
        return std::find_if(trunks.begin(), trunks.end(),
                            [&](const Trunk& t) { return t.name == name; });
    };
    if (!default_trunk.empty() && !trunks.empty()) {
        auto it = named(default_trunk);
        if (it == trunks.end()) {
            r.Problem(root.get("default_trunk"), "default_trunk",
                      fmt::format("no trunk is named \"{}\"", default_trunk));
        } else {
            std::rotate(trunks.begin(), it, it + 1);  // the default goes first
        }
    }
    for (const Trunk& t : trunks) {
        for (const std::string& next : t.failover) {
            if (next == t.name || named(next) == trunks.end())
                r.Problem(several ? several->get(t.name) : one,
                          fmt::format("[trunks.{}] failover", t.name),
                          fmt::format("\"{}\" is not another trunk's name", next));
        }
    }

    // The center's numbers callers dial: ["+74951234567", ...], and each
    // trunk's own.
    if (const toml::node* dids = root.get("dids")) {
        const toml::array* list = dids->as_array();
        if (list == nullptr) r.Problem(dids, "dids", "write a list: [\"+74951234567\"]");
        for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
            auto number = (*list)[i].value<std::string>();
            if (!E164(number)) {
                r.Problem(&(*list)[i], "dids",
                          "write each number in E.164 with its plus, e.g. \"+74951234567\"");
                continue;
            }
            o.dids.push_back(*number);
        }
    }
    for (const Trunk& t : trunks) {
        std::vector<std::string> own = t.dids;
        if (!t.did.empty()) own.push_back(t.did);
        for (const std::string& did : own) {
            for (const Trunk& other : trunks) {
                if (&other != &t &&
                    (other.did == did ||
                     std::find(other.dids.begin(), other.dids.end(), did) != other.dids.end()))
                    r.Problem(several ? several->get(t.name) : one,
                              fmt::format("[trunks.{}] dids", t.name),
                              fmt::format("{} is also trunk {}'s: a number comes through one "
                                          "trunk",
                                          did, other.name));
            }
            if (std::find(o.dids.begin(), o.dids.end(), did) == o.dids.end())
                o.dids.push_back(did);  // calls to it are taken like any DID's
        }
    }
    if (!trunks.empty()) {
        o.trunk = trunks.front();
        o.more_trunks.assign(trunks.begin() + 1, trunks.end());
    }

    // Operators' phones: name = "sip:URI".
    if (const toml::table* agents = root["agents"].as_table()) {
        for (auto&& [name, node] : *agents) {
            auto uri = node.value<std::string>();
            if (!uri || !uri->starts_with("sip:")) {
                r.Problem(&node, fmt::format("[agents] {}", name.str()),
                          "write the phone's SIP URI, e.g. \"sip:olga@192.0.2.15:5060\"");
                continue;
            }
            o.agents[std::string(name.str())] = *uri;
        }
    }

    const toml::table* rec = root["recordings"].as_table();
    r.Known(rec, "recordings", {"dir", "keep_days"});
    r.Text(rec, "recordings", "dir", o.recordings_dir);
    r.Number(rec, "recordings", "keep_days", o.recordings_keep_days, 0.0, 36'500.0);
    o.recordings_dir = Beside(path, o.recordings_dir);
    if (r.error()) return std::unexpected(*r.error());
    return o;
}

}  // namespace callbase::telephony::sip
