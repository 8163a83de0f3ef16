// callbase ivr check FILE, callbase ivr try FILE: robot scripts (src/ivr).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "cli/app.h"
#include "core/json_text.h"
#include "ivr/script.h"
#include "telephony/media/speech.h"

namespace callbase::cli {
namespace {

// What the robot (or, for incoming calls, the menu) says and does.
void PrintStep(const ivr::Walk::Step& step, std::string_view who) {
    for (const auto& text : step.said)
        fmt::print("  {}: {}\n", who, text);
    for (const auto& a : step.actions) {
        fmt::print("  [{}{}]\n", ivr::ActionId(a.kind), a.value.empty() ? "" : ": " + a.value);
    }
}

}  // namespace

void RegisterIvrCommands(CLI::App& cli, App& app) {
    auto* ivr = cli.add_subcommand("ivr", "robot scripts: check one, or walk it with typed keys");
    ivr->require_subcommand(1);
    auto file = std::make_shared<std::string>();
    auto* check = ivr->add_subcommand("check", "check a robot script (errors point at the node)");
    check->add_option("file", *file, "the script (YAML; see docs/ivr.md)")->required();
    check->callback([&app, file] {
        auto script = ivr::LoadScript(*file);
        if (!script) return app.Report(script.error());
        auto problems = ivr::CheckScript(*script);
        int errors = 0;
        for (const auto& p : problems)
            errors += p.error ? 1 : 0;
        if (app.json) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& p : problems) {
                list.push_back({{"where", p.where}, {"message", p.message}, {"error", p.error}});
            }
            fmt::print("{}\n", JsonText(nlohmann::json{{"file", *file},
                                                       {"name", script->name},
                                                       {"nodes", script->nodes.size()},
                                                       {"errors", errors},
                                                       {"problems", list}}));
        } else {
            for (const auto& p : problems) {
                fmt::print(stderr, "{}: {}: {}\n", p.where, p.error ? "error" : "warning",
                           p.message);
            }
            if (errors == 0) {
                fmt::print("{}: «{}», {} nodes, starts at '{}': ok\n", *file, script->name,
                           script->nodes.size(), script->start);
            }
        }
        if (errors > 0) app.exit_code = 2;
    });

    struct RenderArgs {
        std::string file, out = "prompts";
    };
    auto ra = std::make_shared<RenderArgs>();
    auto* render = ivr->add_subcommand(
        "render", "synthesize every prompt of a script to 8 kHz WAV files (espeak-ng, cached)");
    render->add_option("file", ra->file, "the script (YAML)")->required();
    render->add_option("--out", ra->out, "the folder for NODE.wav files (default ./prompts)");
    render->callback([&app, ra] {
        auto script = ivr::LoadScript(ra->file);
        if (!script) return app.Report(script.error());
        telephony::media::EspeakSynth espeak;
        // The cache is keyed by voice and text: a prompt is synthesized once.
        telephony::media::CachedSynth synth(espeak, ra->out + "/.cache");
        nlohmann::json rendered = nlohmann::json::array();
        for (const auto& node : script->nodes) {
            if (node.say.empty()) continue;
            auto audio = synth.Render(node.say, script->language);
            if (!audio) return app.Report(audio.error());
            const std::string path = ra->out + "/" + node.id + ".wav";
            if (auto ok = telephony::media::WriteWav(path, *audio); !ok) {
                return app.Report(ok.error());
            }
            rendered.push_back({{"node", node.id}, {"file", path}, {"seconds", audio->Seconds()}});
            if (!app.json) fmt::print("{:<16} {:5.1f} s  {}\n", node.id, audio->Seconds(), path);
        }
        if (app.json) {
            fmt::print("{}\n", JsonText(nlohmann::json{{"prompts", rendered},
                                                       {"synthesized", synth.misses()}}));
        } else {
            fmt::print("{} prompts, {} synthesized now (the rest from the cache)\n",
                       rendered.size(), synth.misses());
        }
    });

    auto try_file = std::make_shared<std::string>();
    auto* walk = ivr->add_subcommand(
        "try", "walk a script in the terminal: type the keys a caller would press");
    walk->add_option("file", *try_file, "the script (YAML)")->required();
    walk->callback([&app, try_file] {
        auto script = ivr::LoadScript(*try_file);
        if (!script) return app.Report(script.error());
        for (const auto& p : ivr::CheckScript(*script)) {
            if (p.error) {
                return app.Report(Error{ErrorCode::kInvalidInput,
                                        fmt::format("{}: {}", p.where, p.message),
                                        "fix the script first: callbase ivr check FILE"});
            }
        }
        ivr::Walk w(*script);
        const std::string_view who = script->inbound ? "menu" : "robot";
        auto step = w.Start();
        PrintStep(step, who);
        while (!step.ended) {
            fmt::print("keys (Enter alone: silence for {} s)> ", step.timeout_seconds);
            std::fflush(stdout);
            std::string line;
            if (!std::getline(std::cin, line)) {
                fmt::print("\n  (the caller hung up)\n");
                return;
            }
            step = w.Keys(line);
            PrintStep(step, who);
        }
        fmt::print("  (the call ends)\n");
    });
}

}  // namespace callbase::cli
