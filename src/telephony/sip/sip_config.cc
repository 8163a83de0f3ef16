#include "telephony/sip/sip_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/file.h"
#include "core/toml_reader.h"

namespace callbase::telephony::sip {

namespace {

constexpr std::string_view kHint = "see docs/telephony.md, \"Connecting a trunk\"";

std::string Beside(const std::filesystem::path& file, const std::string& path) {
    if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (file.parent_path() / path).lexically_normal().string();
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
            {"listen", "rtp_ip", "rtp_ports", "language", "codec", "max_calls", "trunk",
             "recordings", "agents", "agent_ring_seconds", "music_on_hold", "transfer", "dids",
             "early_media", "public_address", "symmetric_rtp"});
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

    const toml::table* trunk = root["trunk"].as_table();
    if (trunk == nullptr) r.Problem(nullptr, "[trunk]", "missing: the trunk's host at least");
    r.Known(trunk, "trunk",
            {"name", "host", "outbound_proxy", "username", "password", "password_file",
             "from_domain", "assert_identity", "number_format", "transport", "register",
             "registrar", "register_domain", "auth_username", "register_expires",
             "register_retry_seconds", "did", "keepalive_seconds"});
    Trunk& t = o.trunk;
    r.Text(trunk, "trunk", "host", t.host);
    r.Text(trunk, "trunk", "outbound_proxy", t.outbound_proxy);
    r.Text(trunk, "trunk", "username", t.username);
    r.Text(trunk, "trunk", "password", t.password);
    r.Text(trunk, "trunk", "from_domain", t.from_domain);
    r.Flag(trunk, "trunk", "assert_identity", t.assert_identity);
    r.Text(trunk, "trunk", "transport", t.transport);
    r.Text(trunk, "trunk", "name", t.name);
    r.Flag(trunk, "trunk", "register", t.registers);
    r.Text(trunk, "trunk", "registrar", t.registrar);
    r.Text(trunk, "trunk", "register_domain", t.register_domain);
    r.Text(trunk, "trunk", "auth_username", t.auth_username);
    r.Number(trunk, "trunk", "register_expires", t.register_expires, 30.0, 86'400.0);
    r.Number(trunk, "trunk", "register_retry_seconds", t.register_retry_seconds, 1.0, 3'600.0);
    r.Text(trunk, "trunk", "did", t.did);
    r.Number(trunk, "trunk", "keepalive_seconds", t.keepalive_seconds, 0.0, 3'600.0);
    if (trunk != nullptr &&
        (t.name.empty() ||
         t.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos))
        r.Problem(trunk->get("name"), "[trunk] name",
                  "lowercase latin letters, digits, - and _, e.g. \"main\"");
    if (trunk != nullptr && t.registers && t.username.empty())
        r.Problem(trunk->get("register"), "[trunk] register",
                  "a trunk that registers needs its account: set [trunk] username (and "
                  "password_file)");
    if (trunk != nullptr && !t.registrar.empty() && !t.registrar.starts_with("sip:"))
        r.Problem(trunk->get("registrar"), "[trunk] registrar",
                  "write the registrar's SIP URI, e.g. \"sip:sip.example.ru:5060\"");
    std::string format = "plus", password_file;
    r.Text(trunk, "trunk", "number_format", format);
    r.Text(trunk, "trunk", "password_file", password_file);
    if (trunk != nullptr && t.host.empty())
        r.Problem(trunk, "[trunk] host", "missing: the provider's host[:port]");
    if (auto f = ParseNumberFormat(format); f) {
        t.number_format = *f;
    } else if (trunk != nullptr) {
        r.Problem(trunk->get("number_format"), "[trunk] number_format", f.error().hint);
    }
    if (t.transport != "udp" && t.transport != "tcp")
        r.Problem(trunk ? trunk->get("transport") : nullptr, "[trunk] transport", "udp or tcp");
    if (!password_file.empty()) {
        const std::string file = Beside(path, password_file);
        std::ifstream in(file);
        if (!in) {
            r.Problem(trunk->get("password_file"), "[trunk] password_file",
                      fmt::format("cannot read {}", file));
        } else {
            std::getline(in, t.password);
        }
    }

    // The center's numbers callers dial: ["+74951234567", ...].
    auto e164 = [](const std::optional<std::string>& number) {
        return number && number->size() >= 9 && number->size() <= 16 && number->front() == '+' &&
               number->find_first_not_of("0123456789", 1) == std::string::npos;
    };
    if (const toml::node* dids = root.get("dids")) {
        const toml::array* list = dids->as_array();
        if (list == nullptr) r.Problem(dids, "dids", "write a list: [\"+74951234567\"]");
        for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
            auto number = (*list)[i].value<std::string>();
            if (!e164(number)) {
                r.Problem(&(*list)[i], "dids",
                          "write each number in E.164 with its plus, e.g. \"+74951234567\"");
                continue;
            }
            o.dids.push_back(*number);
        }
    }
    if (!t.did.empty()) {
        if (!e164(t.did)) {
            r.Problem(trunk->get("did"), "[trunk] did",
                      "write the number in E.164 with its plus, e.g. \"+74951234567\"");
        } else if (std::find(o.dids.begin(), o.dids.end(), t.did) == o.dids.end()) {
            o.dids.push_back(t.did);  // calls to it are taken like any DID's
        }
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
