// A duration of the simulated network in a TOML scenario (docs/simulation.md):
// 8 (fixed), { mean = 120 } (exponential), { mean = 8, sd = 4 } (lognormal),
// { min = 1, max = 4 } (uniform); seconds. Read the same way by the outbound
// scenarios (campaigns/scenario_file.cc) and the inbound ones
// (routing/inbound_scenario.cc). Header-only, so that the telephony library
// itself stays free of toml++.
#pragma once

#include <toml++/toml.h>

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "core/toml_reader.h"
#include "telephony/sim/sim_network.h"

namespace callbase::telephony {

// The duration at `key` of `table` into `out`; absent leaves `out` as it is.
// With `none_ok`, "none" empties it (a caller who never hangs up). A problem
// goes to the reader, naming the line.
inline void ReadDuration(TomlReader& r, const toml::table* table, std::string_view section,
                         std::string_view key, std::optional<Distribution>& out,
                         bool none_ok = false) {
    const toml::node* node = table ? table->get(key) : nullptr;
    if (node == nullptr) return;
    const std::string where = TomlReader::Where(section, key);
    const char* forms = "write seconds, { mean = S }, { mean = S, sd = S } or { min = S, max = S }";
    if (auto text = node->value<std::string>()) {
        if (none_ok && *text == "none") {
            out.reset();
        } else {
            r.Problem(node, where, none_ok ? std::string(forms) + ", or \"none\"" : forms);
        }
        return;
    }
    if (auto v = node->value<double>()) {
        if (!std::isfinite(*v) || *v < 0 || *v > 1e6) {
            r.Problem(node, where, "must be a number of seconds, 0 to 1000000");
            return;
        }
        out = Distribution::Fixed(*v);
        return;
    }
    const toml::table* t = node->as_table();
    if (t == nullptr) {
        r.Problem(node, where, forms);
        return;
    }
    r.Known(t, where, {"mean", "sd", "min", "max"});
    double mean = -1, sd = -1, lo = -1, hi = -1;
    r.Number(t, where, "mean", mean, 0.0, 1e6);
    r.Number(t, where, "sd", sd, 0.0, 1e6);
    r.Number(t, where, "min", lo, 0.0, 1e6);
    r.Number(t, where, "max", hi, 0.0, 1e6);
    if (mean >= 0 && sd >= 0 && lo < 0 && hi < 0) {
        out = Distribution::Lognormal(mean, sd);
    } else if (mean >= 0 && sd < 0 && lo < 0 && hi < 0) {
        out = Distribution::Exponential(mean);
    } else if (lo >= 0 && hi >= lo && mean < 0 && sd < 0) {
        out = Distribution::Uniform(lo, hi);
    } else {
        r.Problem(node, where, "give mean (and sd), or min and max (min <= max)");
    }
}

// The same for a duration that is always there.
inline void ReadDuration(TomlReader& r, const toml::table* table, std::string_view section,
                         std::string_view key, Distribution& out) {
    std::optional<Distribution> d = out;
    ReadDuration(r, table, section, key, d);
    if (d) out = *d;
}

}  // namespace callbase::telephony
