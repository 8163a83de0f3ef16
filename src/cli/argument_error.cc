// CLI11's parse errors in the house's words: what was wrong, in which command,
// naming the option and the value, and the command's --help as the hint. Every
// kind becomes ErrorCode::kInvalidInput, so every wrong invocation exits 2
// (never CLI11's own codes, 105, 106, 109, ...).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "cli/app.h"

namespace callbase::cli {
namespace {

// The chosen subcommands from the top: the command the words were for.
std::vector<const CLI::App*> Chosen(const CLI::App& cli) {
    std::vector<const CLI::App*> chain{&cli};
    while (!chain.back()->get_subcommands().empty())
        chain.push_back(chain.back()->get_subcommands().front());
    return chain;
}

std::string CommandName(const std::vector<const CLI::App*>& chain) {
    std::string out = "callbase";
    for (size_t i = 1; i < chain.size(); ++i)
        out += " " + chain[i]->get_name();
    return out;
}

// The option called `name` ("--limit", or "id" for a positional) of the
// command or of one of the commands above it (global options fall through).
const CLI::Option* FindOption(const std::vector<const CLI::App*>& chain, const std::string& name) {
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        for (const CLI::Option* opt : (*it)->get_options()) {
            if (opt->get_name() == name || opt->check_name(name)) return opt;
        }
    }
    return nullptr;
}

// "--limit" as given, a positional as "the ID argument".
std::string OptionText(const CLI::Option* opt, const std::string& name) {
    if (opt && opt->get_positional()) {
        std::string upper = name;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        return fmt::format("the {} argument", upper);
    }
    return name;
}

std::string Expected(const CLI::Option* opt) {
    if (!opt) return "a value of the right kind";
    const std::string type = opt->get_type_name();
    if (type == "INT" || type == "UINT") return "a whole number";
    if (type == "FLOAT") return "a number";
    return "a value of the right kind";
}

std::vector<std::string> SubcommandNames(const CLI::App& at) {
    std::vector<std::string> names;
    for (const CLI::App* sub : at.get_subcommands([](const CLI::App*) { return true; }))
        names.push_back(sub->get_name());
    return names;
}

// A command close to `word`: one that starts with it or that it starts with
// ("contact" for "contacts").
std::string CloseCommand(const CLI::App& at, const std::string& word) {
    for (const std::string& name : SubcommandNames(at)) {
        if (word.size() >= 3 && (name.starts_with(word) || word.starts_with(name))) return name;
    }
    return {};
}

}  // namespace

Error ArgumentError(const CLI::App& cli, const CLI::ParseError& e,
                    const std::vector<std::string>& argv) {
    const auto chain = Chosen(cli);
    const std::string command = CommandName(chain);
    const std::string help = fmt::format("run `{} --help` for what it takes", command);
    const std::string what = e.what();
    // The kind by type: CLI11 names some errors after the command instead.
    const std::string kind = dynamic_cast<const CLI::ConversionError*>(&e)    ? "ConversionError"
                             : dynamic_cast<const CLI::RequiredError*>(&e)    ? "RequiredError"
                             : dynamic_cast<const CLI::ArgumentMismatch*>(&e) ? "ArgumentMismatch"
                             : dynamic_cast<const CLI::ExtrasError*>(&e)      ? "ExtrasError"
                             : dynamic_cast<const CLI::ExcludesError*>(&e)    ? "ExcludesError"
                             : dynamic_cast<const CLI::RequiresError*>(&e)    ? "RequiresError"
                             : dynamic_cast<const CLI::ValidationError*>(&e)  ? "ValidationError"
                                                                              : e.get_name();
    std::smatch m;
    auto fail = [](std::string message, std::string hint) {
        return Error{ErrorCode::kInvalidInput, std::move(message), std::move(hint)};
    };

    if (kind == "ConversionError") {
        static const std::regex kConvert(R"(^Could not convert: (\S+) = (.*)$)");
        static const std::regex kNotAllowed(
            R"(^The value (.*) is not an allowed value for (\S+)$)");
        std::string name, value;
        if (std::regex_match(what, m, kConvert)) {
            name = m[1];
            value = m[2];
        } else if (std::regex_match(what, m, kNotAllowed)) {
            value = m[1];
            name = m[2];
        }
        if (!name.empty()) {
            const CLI::Option* opt = FindOption(chain, name);
            return fail(
                fmt::format("{}: {} '{}' is not {}", command, OptionText(opt, name), value,
                            Expected(opt)),
                fmt::format("give {} as {}; {}", OptionText(opt, name), Expected(opt), help));
        }
        return fail(fmt::format("{}: {}", command, what), help);
    }
    if (kind == "RequiredError") {
        if (what.starts_with("A subcommand") || what.starts_with("Requires at least")) {
            // A word where the command was expected: not one of its commands.
            const std::vector<std::string> left = cli.remaining(true);
            if (!left.empty() && !left.front().starts_with("-")) {
                const std::string close = CloseCommand(*chain.back(), left.front());
                return fail(
                    fmt::format("{}: '{}' is not one of its commands ({})", command, left.front(),
                                fmt::join(SubcommandNames(*chain.back()), ", ")),
                    close.empty() ? help
                                  : fmt::format("did you mean `{} {}`? {}", command, close, help));
            }
            return fail(fmt::format("{} needs a command: one of {}", command,
                                    fmt::join(SubcommandNames(*chain.back()), ", ")),
                        fmt::format("e.g. `{} {}`; {}", command,
                                    SubcommandNames(*chain.back()).front(), help));
        }
        static const std::regex kRequired(R"(^(\S+) is required$)");
        if (std::regex_match(what, m, kRequired)) {
            const std::string name = m[1];
            const CLI::Option* opt = FindOption(chain, name);
            return fail(fmt::format("{}: {} is missing", command, OptionText(opt, name)),
                        opt && opt->get_positional()
                            ? fmt::format("give it after the command; {}", help)
                            : fmt::format("give {} VALUE; {}", name, help));
        }
        return fail(fmt::format("{}: {}", command, what), help);
    }
    if (kind == "ArgumentMismatch") {
        static const std::regex kExpected(R"(^Expected .* arguments to (\S+), got (\d+)$)");
        static const std::regex kNamed(R"(^(\S+): .*$)");
        std::string name;
        if (std::regex_match(what, m, kExpected) || std::regex_match(what, m, kNamed)) name = m[1];
        if (!name.empty()) {
            const CLI::Option* opt = FindOption(chain, name);
            return fail(fmt::format("{}: {} needs a value", command, OptionText(opt, name)),
                        fmt::format("write {} VALUE; {}", name, help));
        }
        return fail(fmt::format("{}: {}", command, what), help);
    }
    if (kind == "ExtrasError") {
        // The words left over, in the order they were typed.
        const size_t colon = what.find(": ");
        std::vector<std::string> extra;
        if (colon != std::string::npos) {
            std::string rest = what.substr(colon + 2);
            size_t start = 0;
            while (start <= rest.size()) {
                size_t space = rest.find(' ', start);
                if (space == std::string::npos) space = rest.size();
                if (space > start) extra.push_back(rest.substr(start, space - start));
                start = space + 1;
            }
        }
        std::string first = extra.empty() ? std::string() : extra.front();
        for (const std::string& arg : argv) {
            if (std::find(extra.begin(), extra.end(), arg) != extra.end()) {
                first = arg;
                break;
            }
        }
        if (first.starts_with("-")) {
            const std::string option = first.substr(0, first.find('='));
            return fail(fmt::format("{}: there is no option {}", command, option), help);
        }
        if (!SubcommandNames(*chain.back()).empty() && chain.back()->get_subcommands().empty()) {
            const std::string close = CloseCommand(*chain.back(), first);
            return fail(fmt::format("{}: '{}' is not one of its commands ({})", command, first,
                                    fmt::join(SubcommandNames(*chain.back()), ", ")),
                        close.empty()
                            ? help
                            : fmt::format("did you mean `{} {}`? {}", command, close, help));
        }
        return fail(fmt::format("{}: unexpected argument '{}'", command, first),
                    fmt::format("a value with spaces needs quotes; {}", help));
    }
    if (kind == "ExcludesError") {
        static const std::regex kExcludes(R"(^(\S+) excludes (\S+)$)");
        if (std::regex_match(what, m, kExcludes)) {
            return fail(fmt::format("{}: {} and {} cannot be given together", command,
                                    std::string(m[1]), std::string(m[2])),
                        fmt::format("give one of them; {}", help));
        }
    }
    if (kind == "RequiresError") {
        static const std::regex kRequires(R"(^(\S+) requires (\S+)$)");
        if (std::regex_match(what, m, kRequires)) {
            return fail(
                fmt::format("{}: {} needs {} too", command, std::string(m[1]), std::string(m[2])),
                help);
        }
    }
    if (kind == "ValidationError") {
        static const std::regex kValidation(R"(^(\S+): (.*)$)");
        if (std::regex_match(what, m, kValidation)) {
            const std::string name = m[1];
            const CLI::Option* opt = FindOption(chain, name);
            std::string reason = m[2];
            if (!reason.empty()) reason[0] = static_cast<char>(::tolower(reason[0]));
            // CLI11's ranges print their bounds as doubles ("0.000000 to 1797…").
            static const std::regex kRange(R"(^value (\S+) not in range .*$)");
            std::smatch r;
            if (std::regex_match(reason, r, kRange)) {
                return fail(fmt::format("{}: {} '{}' is out of range", command,
                                        OptionText(opt, name), std::string(r[1])),
                            help);
            }
            return fail(
                fmt::format("{}: {} is not accepted: {}", command, OptionText(opt, name), reason),
                help);
        }
    }
    return fail(fmt::format("{}: {}", command, what), help);
}

}  // namespace callbase::cli
