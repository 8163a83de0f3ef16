// callbase contacts / tags / fields / dedup / merge: thin handlers over
// contacts::ContactBook, TagDictionary, FieldRegistry and Deduplicator. Each
// command opens the database with App::OpenStore(), prints an aligned table for
// people or JSON with --json, and reports errors through App::Report.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/json.h"
#include "api/redact.h"
#include "cli/app.h"
#include "cli/text_table.h"
#include "contacts/contact_book.h"
#include "contacts/field_registry.h"
#include "contacts/filter.h"
#include "contacts/merge.h"
#include "contacts/status.h"
#include "contacts/tag_dictionary.h"
#include "contacts/text.h"
#include "core/json_text.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"

namespace callbase::cli {
namespace {

using api::CardJson;
using api::ContactJson;
using nlohmann::json;

std::string StatusText(const contacts::Contact& c) {
    auto s = contacts::ParseStatus(c.status);
    std::string out = s ? std::string(contacts::StatusLabelEn(*s)) : c.status;
    if (c.callback_at) out += " at " + contacts::FormatUtc(*c.callback_at);
    return out;
}

void PrintCard(const contacts::Card& card) {
    const auto& c = card.contact;
    fmt::print("Contact #{}{}\n", c.id,
               c.merged_into ? fmt::format(" (merged into #{})", *c.merged_into) : "");
    Table t({"", ""});
    t.Add({"Name", c.name});
    t.Add({"Status", StatusText(c)});
    t.Add({"Region", c.region});
    t.Add({"Source", c.source});
    if (!c.owner_group.empty()) t.Add({"Owner group", c.owner_group});
    if (!c.email.empty()) t.Add({"Email", c.email});
    if (!c.comment.empty()) t.Add({"Comment", c.comment});
    t.Add({"Added", contacts::FormatUtc(c.created_at)});
    if (c.last_interaction_at)
        t.Add({"Last interaction", contacts::FormatUtc(*c.last_interaction_at)});
    t.Print(false);
    if (!card.phones.empty()) {
        fmt::print("\nPhones\n");
        Table p({"number", "ext", "label", "type", "region", "operator", "qc", "state"});
        for (const auto& ph : card.phones) {
            p.Add({ph.e164.empty() ? ph.raw : ph.e164, ph.extension, ph.label, ph.type, ph.region,
                   ph.operator_name, std::to_string(ph.qc),
                   !ph.valid     ? "invalid"
                   : ph.inactive ? "inactive"
                                 : "ok"});
        }
        p.Print();
    }
    if (!card.tags.empty()) {
        fmt::print("\nTags\n");
        Table p({"category", "tag", "added", "by"});
        for (const auto& tg : card.tags) {
            p.Add({tg.category, tg.name + (tg.retired ? " (retired)" : ""),
                   contacts::FormatUtc(tg.added_at), tg.added_by});
        }
        p.Print();
    }
    if (!card.fields.empty()) {
        fmt::print("\nFields\n");
        Table p({"field", "type", "value"});
        for (const auto& f : card.fields)
            p.Add({f.name, f.type, f.value});
        p.Print();
    }
    fmt::print("\nHistory\n");
    Table h({"at", "actor", "action", "field", "before", "after", "detail"});
    for (const auto& e : card.history) {
        h.Add({contacts::FormatUtc(e.at), e.actor, e.action, e.field, e.before.value_or(""),
               e.after.value_or(""), e.detail});
    }
    h.Print();
}

void PrintChanged(App& app, int64_t id, std::string_view what, bool changed) {
    if (app.json) {
        fmt::print("{}\n", JsonText(json{{"id", id}, {"changed", changed}, {"what", what}}));
    } else {
        fmt::print("contact #{}: {}{}\n", id, what, changed ? "" : " (no change)");
    }
}

void RegisterContacts(CLI::App& cli, App& app) {
    auto* group = cli.add_subcommand("contacts", "find, show, add and change contacts");
    group->alias("contact");  // as people often type it: `callbase contact show 12`
    group->require_subcommand(1);

    // contacts find
    struct FindArgs {
        std::vector<std::string> exprs;
        int64_t limit = 50, offset = 0;
        bool all = false;
    };
    auto find_args = std::make_shared<FindArgs>();
    auto* find = group->add_subcommand("find", "find contacts by filter expressions");
    find->add_option("expr", find_args->exprs,
                     "status=new tag=Дорого region~моск source=site phone=89161234567 "
                     "name~иван added>=2026-01-01 idle>=90 field:Сумма>=1000 (all must hold)");
    find->add_option("--limit", find_args->limit, "at most this many (default 50)");
    find->add_option("--offset", find_args->offset, "skip this many");
    find->add_flag("--all", find_args->all, "include contacts merged into another");
    find->callback([&app, find_args] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        auto filter = contacts::ParseFilter(find_args->exprs, *tools->cleaner);
        if (!filter) return app.Report(filter.error());
        if (auto ok = api::CheckFilter(ViewerOf(app), *filter); !ok) return app.Report(ok.error());
        filter->include_merged = find_args->all;
        contacts::ContactBook book(**db, app.clock, app.actor);
        if (auto ok = RestrictBook(app, **db, &book); !ok) return app.Report(ok.error());
        if (auto ok = CheckReadLimit(app, **db, "contacts find"); !ok)
            return app.Report(ok.error());
        auto page = book.Search(*filter, find_args->limit, find_args->offset);
        if (!page) return app.Report(page.error());
        auto* found = &page->items;
        const int64_t* total = &page->total;
        if (auto ok = CountRead(app, **db, static_cast<int64_t>(found->size())); !ok)
            return app.Report(ok.error());
        if (auto ok = RedactFound(app, **db, &*found); !ok) return app.Report(ok.error());
        if (app.json) {
            json list = json::array();
            for (const auto& f : *found) {
                json j = ContactJson(f.contact);
                j["phone"] = f.phone;
                j["phones"] = f.phone_count;
                list.push_back(std::move(j));
            }
            fmt::print("{}\n", JsonText(json{{"total", *total}, {"contacts", list}}));
            return;
        }
        Table t({"id", "name", "phone", "status", "region", "source", "added"});
        for (const auto& f : *found) {
            std::string phone = f.phone;
            if (f.phone_count > 1) phone += fmt::format(" (+{})", f.phone_count - 1);
            t.Add({std::to_string(f.contact.id), f.contact.name, phone, StatusText(f.contact),
                   f.contact.region, f.contact.source,
                   contacts::FormatUtc(f.contact.created_at).substr(0, 10)});
        }
        t.Print();
        fmt::print("{} shown of {} matching\n", found->size(), *total);
    });

    // contacts show
    auto show_id = std::make_shared<std::string>();
    auto* show = group->add_subcommand("show", "show a contact's card with its history");
    show->add_option("id", *show_id, "contact id")->required();
    show->callback([&app, show_id] {
        auto id = ParseId(*show_id, "contact");
        if (!id) return app.Report(id.error());
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::ContactBook book(**db, app.clock, app.actor);
        if (auto ok = RestrictBook(app, **db, &book); !ok) return app.Report(ok.error());
        if (auto ok = CheckReadLimit(app, **db, "contacts show"); !ok)
            return app.Report(ok.error());
        auto card = book.Get(*id);
        if (!card) return app.Report(card.error());
        if (auto ok = CountRead(app, **db, 1); !ok) return app.Report(ok.error());
        if (auto ok = RedactCard(app, **db, &*card); !ok) return app.Report(ok.error());
        if (app.json)
            fmt::print("{}\n", JsonText(CardJson(*card)));
        else
            PrintCard(*card);
    });

    // contacts add
    struct AddArgs {
        std::string name, region, source, email, comment, owner_group;
        std::vector<std::string> phones, labels, fields, tags;
        bool keep_invalid = false;
    };
    auto add_args = std::make_shared<AddArgs>();
    auto* add = group->add_subcommand("add", "add a contact");
    add->add_option("--name", add_args->name, "full name");
    add->add_option("--phone", add_args->phones, "phone in any usual spelling (repeatable)");
    add->add_option("--label", add_args->labels,
                    "label of the phone in the same position (основной, рабочий, ...)");
    add->add_option("--region", add_args->region, "region (default: from the first phone)");
    add->add_option("--source", add_args->source, "source channel (site, exhibition, ...)");
    add->add_option("--email", add_args->email, "e-mail");
    add->add_option("--comment", add_args->comment, "comment");
    add->add_option("--owner-group", add_args->owner_group, "owner group");
    add->add_option("--field", add_args->fields, "custom field NAME=VALUE (repeatable)");
    add->add_option("--tag", add_args->tags, "dictionary tag (repeatable)");
    add->add_flag("--keep-invalid", add_args->keep_invalid,
                  "keep phones that cannot be cleaned, marked invalid, instead of refusing");
    add->callback([&app, add_args] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        contacts::NewContact nc;
        nc.name = add_args->name;
        nc.region = add_args->region;
        nc.source = add_args->source;
        nc.email = add_args->email;
        nc.comment = add_args->comment;
        nc.owner_group = add_args->owner_group;
        nc.tags = add_args->tags;
        for (size_t i = 0; i < add_args->phones.size(); ++i) {
            contacts::NewPhone p;
            p.cleaned = tools->cleaner->Clean(add_args->phones[i]);
            if (!p.cleaned.valid() && !add_args->keep_invalid) {
                return app.Report(
                    Error{ErrorCode::kInvalidInput,
                          fmt::format("--phone '{}' is not a phone number{}", add_args->phones[i],
                                      p.cleaned.reason.empty() ? "" : ": " + p.cleaned.reason),
                          "correct it, or add --keep-invalid to store it marked invalid"});
            }
            if (i < add_args->labels.size()) p.label = add_args->labels[i];
            nc.phones.push_back(std::move(p));
        }
        for (const auto& f : add_args->fields) {
            auto eq = f.find('=');
            if (eq == std::string::npos) {
                return app.Report(Error{ErrorCode::kInvalidInput,
                                        fmt::format("--field '{}' has no '='", f),
                                        "write --field NAME=VALUE"});
            }
            nc.fields.emplace_back(f.substr(0, eq), f.substr(eq + 1));
        }
        contacts::ContactBook book(**db, app.clock, app.actor);
        auto id = book.Create(nc);
        if (!id) return app.Report(id.error());
        // What an operator adds is theirs to work (else they could not see it).
        if (app.role == security::Role::kOperator) {
            auto mine = contacts::AssignContacts(**db, app.clock, app.actor, {*id}, {},
                                                 std::nullopt, std::pair{app.user_id, app.actor});
            if (!mine) return app.Report(mine.error());
        }
        if (app.json) {
            json phones = json::array();
            for (const auto& p : nc.phones) {
                auto shown = ShownNumber(app, **db, p.cleaned.e164);
                if (!shown) return app.Report(shown.error());
                phones.push_back(*shown);
            }
            fmt::print("{}\n", JsonText(json{{"id", *id}, {"phones", phones}}));
        } else {
            fmt::print("added contact #{}\n", *id);
        }
    });

    // contacts set-status
    struct StatusArgs {
        std::string id, status, callback_at;
    };
    auto st = std::make_shared<StatusArgs>();
    auto* set_status = group->add_subcommand(
        "set-status",
        "set the status: new, in_progress, callback, decided, refused, inactive "
        "(or Новый, В работе, Перезвонить, Решено, Отказ, Неактивный)");
    set_status->add_option("id", st->id, "contact id")->required();
    set_status->add_option("status", st->status, "status")->required();
    set_status->add_option(
        "--callback-at", st->callback_at,
        "when to call back (status callback): 01.03.2026 15:00, the call center's time");
    set_status->callback([&app, st] {
        auto id = ParseId(st->id, "contact");
        if (!id) return app.Report(id.error());
        std::optional<int64_t> at;
        if (!st->callback_at.empty()) {
            auto t = ParseTime(app, st->callback_at, "--callback-at");
            if (!t) return app.Report(t.error());
            at = *t;
        }
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::ContactBook book(**db, app.clock, app.actor);
        if (auto ok = RestrictBook(app, **db, &book); !ok) return app.Report(ok.error());
        auto changed = book.SetStatus(*id, st->status, at);
        if (!changed) return app.Report(changed.error());
        auto status = contacts::ParseStatus(st->status);
        PrintChanged(app, *id, fmt::format("status {}", contacts::StatusId(*status)), *changed);
    });

    // contacts tag / untag
    for (bool adding : {true, false}) {
        struct TagArgs {
            std::string id;
            std::vector<std::string> tags;
        };
        auto ta = std::make_shared<TagArgs>();
        auto* cmd = group->add_subcommand(
            adding ? "tag" : "untag",
            adding ? "add dictionary tags to a contact" : "remove tags from a contact");
        cmd->add_option("id", ta->id, "contact id")->required();
        cmd->add_option("tag", ta->tags, "tag name or Category:Name")->required();
        cmd->callback([&app, ta, adding] {
            auto id = ParseId(ta->id, "contact");
            if (!id) return app.Report(id.error());
            auto db = app.OpenStore();
            if (!db) return app.Report(db.error());
            contacts::ContactBook book(**db, app.clock, app.actor);
            if (auto ok = RestrictBook(app, **db, &book); !ok) return app.Report(ok.error());
            for (const auto& tag : ta->tags) {
                auto changed = adding ? book.Tag(*id, tag) : book.Untag(*id, tag);
                if (!changed) return app.Report(changed.error());
                PrintChanged(app, *id, fmt::format("{} {}", adding ? "tagged" : "untagged", tag),
                             *changed);
            }
        });
    }

    // contacts edit
    struct EditArgs {
        std::string id, name;
        std::vector<std::string> add, labels, remove;
    };
    auto ea = std::make_shared<EditArgs>();
    auto* edit = group->add_subcommand("edit", "change a contact's name and phones");
    edit->add_option("id", ea->id, "contact id")->required();
    edit->add_option("--name", ea->name, "the new full name");
    edit->add_option("--add-phone", ea->add, "a phone to add, in any usual spelling (repeatable)");
    edit->add_option("--label", ea->labels,
                     "the label of the --add-phone in the same position (основной, рабочий, "
                     "mobile, ...)");
    edit->add_option("--remove-phone", ea->remove, "a phone to remove, any spelling (repeatable)");
    edit->callback([&app, ea, edit] {
        auto id = ParseId(ea->id, "contact");
        if (!id) return app.Report(id.error());
        const bool rename = edit->get_option("--name")->count() > 0;
        if (!rename && ea->add.empty() && ea->remove.empty()) {
            return app.Report({ErrorCode::kInvalidInput,
                               fmt::format("contacts edit {}: nothing to change", ea->id),
                               "give --name, --add-phone or --remove-phone; run `callbase "
                               "contacts edit --help`"});
        }
        if (ea->labels.size() > ea->add.size()) {
            return app.Report({ErrorCode::kInvalidInput,
                               fmt::format("contacts edit {}: {} --label for {} --add-phone",
                                           ea->id, ea->labels.size(), ea->add.size()),
                               "give each --label after the --add-phone it names"});
        }
        auto tools = LoadPhoneTools(app);
        if (!tools) return app.Report(tools.error());
        // Every number is cleaned as the dial gate cleans it before anything
        // changes: a typo in the third one leaves the contact as it was.
        std::vector<contacts::NewPhone> adds;
        for (size_t i = 0; i < ea->add.size(); ++i) {
            contacts::NewPhone p;
            p.cleaned = tools->cleaner->Clean(ea->add[i]);
            if (!p.cleaned.valid()) {
                return app.Report(
                    {ErrorCode::kInvalidInput,
                     fmt::format("--add-phone '{}' is not a phone number{}", ea->add[i],
                                 p.cleaned.reason.empty() ? "" : ": " + p.cleaned.reason),
                     "write it in any usual spelling, e.g. 8 916 123-45-67 or +7 916 1234567"});
            }
            if (i < ea->labels.size()) p.label = ea->labels[i];
            adds.push_back(std::move(p));
        }
        std::vector<std::string> removes;
        for (const auto& r : ea->remove) {
            auto e164 = CleanPhoneArg(*tools->cleaner, r);
            if (!e164) {
                return app.Report({e164.error().code, "--remove-phone " + e164.error().message,
                                   e164.error().hint});
            }
            removes.push_back(*e164);
        }
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::ContactBook book(**db, app.clock, app.actor);
        if (auto ok = RestrictBook(app, **db, &book); !ok) return app.Report(ok.error());
        // The contact's phones now: a number to remove becomes the phone's id
        // (ContactBook::RemovePhone takes that), and what would be refused is
        // refused here, before the first change, so that a refusal changes nothing.
        auto card = book.Get(*id);
        if (!card) return app.Report(card.error());
        auto its_phones = [&] {
            std::vector<std::string> numbers;
            for (const auto& p : card->phones)
                numbers.push_back(
                    p.e164.empty() ? fmt::format("phone #{} (not a valid number)", p.id) : p.e164);
            return numbers.empty() ? std::string("it has no phones")
                                   : fmt::format("its phones: {}", fmt::join(numbers, ", "));
        };
        auto has = [&](const std::string& e164) {
            return std::find_if(card->phones.begin(), card->phones.end(),
                                [&](const auto& p) { return p.e164 == e164; });
        };
        std::vector<std::string> adding;
        for (const auto& p : adds) {
            const std::string& e164 = p.cleaned.e164;
            if (has(e164) != card->phones.end() ||
                std::find(adding.begin(), adding.end(), e164) != adding.end()) {
                return app.Report({ErrorCode::kConflict,
                                   fmt::format("contact #{} already has the number {}", *id, e164),
                                   its_phones()});
            }
            adding.push_back(e164);
        }
        std::vector<std::pair<int64_t, std::string>> removes_by_id;  // phone id, E.164
        for (const auto& e164 : removes) {
            auto found = has(e164);
            if (found == card->phones.end()) {
                return app.Report({ErrorCode::kNotFound,
                                   fmt::format("contact #{} has no phone {}", *id, e164),
                                   its_phones()});
            }
            const bool twice = std::any_of(removes_by_id.begin(), removes_by_id.end(),
                                           [&](const auto& r) { return r.first == found->id; });
            if (!twice) removes_by_id.emplace_back(found->id, e164);
        }
        const std::string name_after =
            rename ? contacts::Trim(ea->name) : contacts::Trim(card->contact.name);
        if (name_after.empty() && card->phones.size() + adds.size() == removes_by_id.size()) {
            return app.Report(
                {ErrorCode::kInvalidInput,
                 fmt::format("contact #{} would be left with neither a name nor a phone", *id),
                 "keep a phone, or give it a name (--name)"});
        }
        json added = json::array(), removed = json::array();
        std::vector<std::string> said;
        // Added first, then removed, then the name: a contact may swap its only
        // phone, or lose its name once it has a phone.
        for (const auto& p : adds) {
            if (auto ok = book.AddPhone(*id, p); !ok) return app.Report(ok.error());
            auto shown = ShownNumber(app, **db, p.cleaned.e164);
            if (!shown) return app.Report(shown.error());
            added.push_back(*shown);
            said.push_back(
                fmt::format("added {} ({})", *shown, p.label.empty() ? "основной" : p.label));
        }
        for (const auto& [phone_id, e164] : removes_by_id) {
            if (auto ok = book.RemovePhone(*id, phone_id); !ok) return app.Report(ok.error());
            auto shown = ShownNumber(app, **db, e164);
            if (!shown) return app.Report(shown.error());
            removed.push_back(*shown);
            said.push_back("removed " + *shown);
        }
        bool renamed = false;
        if (rename) {
            auto changed = book.Rename(*id, ea->name);
            if (!changed) return app.Report(changed.error());
            renamed = *changed;
            said.push_back(renamed ? "name set" : "name unchanged");
        }
        if (app.json) {
            fmt::print(
                "{}\n",
                JsonText(json{
                    {"id", *id}, {"renamed", renamed}, {"added", added}, {"removed", removed}}));
        } else {
            fmt::print("contact #{}: {}\n", *id, fmt::join(said, "; "));
        }
    });

    // contacts set-field
    struct FieldArgs {
        std::string id, field, value;
    };
    auto fa = std::make_shared<FieldArgs>();
    auto* set_field = group->add_subcommand("set-field", "set a custom field (empty clears it)");
    set_field->add_option("id", fa->id, "contact id")->required();
    set_field->add_option("field", fa->field, "field name")->required();
    set_field->add_option("value", fa->value, "value")->required();
    set_field->callback([&app, fa] {
        auto id = ParseId(fa->id, "contact");
        if (!id) return app.Report(id.error());
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::ContactBook book(**db, app.clock, app.actor);
        if (auto ok = RestrictBook(app, **db, &book); !ok) return app.Report(ok.error());
        auto changed = book.SetField(*id, fa->field, fa->value);
        if (!changed) return app.Report(changed.error());
        PrintChanged(app, *id, fmt::format("{} = {}", fa->field, fa->value), *changed);
    });
}

void ListTags(App& app) {
    auto db = app.OpenStore();
    if (!db) return app.Report(db.error());
    contacts::TagDictionary dict(**db, app.clock);
    auto tags = dict.List();
    if (!tags) return app.Report(tags.error());
    if (app.json) {
        json list = json::array();
        for (const auto& t : *tags) {
            list.push_back({{"id", t.id},
                            {"category", t.category},
                            {"name", t.name},
                            {"retired", t.retired_at.has_value()},
                            {"usage", t.usage}});
        }
        fmt::print("{}\n", JsonText(json{{"tags", list}}));
        return;
    }
    Table table({"category", "tag", "contacts", "state"});
    for (const auto& t : *tags) {
        table.Add({t.category, t.name, std::to_string(t.usage), t.retired_at ? "retired" : ""});
    }
    table.Print();
}

void RegisterTags(CLI::App& cli, App& app) {
    auto* tags = cli.add_subcommand("tags", "the tag dictionary (default: list)");
    tags->require_subcommand(0, 1);
    tags->add_subcommand("list", "list tags by category with usage");
    tags->callback([&app, tags] {
        if (tags->get_subcommands().empty() || tags->got_subcommand("list")) ListTags(app);
    });
    tags->add_subcommand("init", "seed the default categories and tags")->callback([&app] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::TagDictionary dict(**db, app.clock);
        auto seeded = dict.EnsureDefaults();
        if (!seeded) return app.Report(seeded.error());
        if (app.json)
            fmt::print("{}\n", JsonText(json{{"seeded", *seeded}}));
        else
            fmt::print("{}\n", *seeded ? "seeded the default tag dictionary"
                                       : "the tag dictionary already has categories");
    });
    auto cat_name = std::make_shared<std::string>();
    auto* add_cat = tags->add_subcommand("add-category", "add a tag category");
    add_cat->add_option("name", *cat_name, "category name")->required();
    add_cat->callback([&app, cat_name] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::TagDictionary dict(**db, app.clock);
        auto id = dict.AddCategory(*cat_name);
        if (!id) return app.Report(id.error());
        if (app.json)
            fmt::print("{}\n", JsonText(json{{"id", *id}, {"category", *cat_name}}));
        else
            fmt::print("added category '{}'\n", *cat_name);
    });
    auto add_args = std::make_shared<std::pair<std::string, std::string>>();
    auto* add = tags->add_subcommand("add", "add a tag to a category");
    add->add_option("category", add_args->first, "category")->required();
    add->add_option("name", add_args->second, "tag name")->required();
    add->callback([&app, add_args] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::TagDictionary dict(**db, app.clock);
        auto tag = dict.AddTag(add_args->first, add_args->second);
        if (!tag) return app.Report(tag.error());
        if (app.json) {
            fmt::print(
                "{}\n",
                JsonText(json{{"id", tag->id}, {"category", tag->category}, {"name", tag->name}}));
        } else {
            fmt::print("added tag '{}'\n", tag->Qualified());
        }
    });
    auto retire_name = std::make_shared<std::string>();
    auto* retire =
        tags->add_subcommand("retire", "retire a tag: it stays on contacts, cannot be added");
    retire->add_option("name", *retire_name, "tag name or Category:Name")->required();
    retire->callback([&app, retire_name] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::TagDictionary dict(**db, app.clock);
        auto tag = dict.Retire(*retire_name);
        if (!tag) return app.Report(tag.error());
        if (app.json)
            fmt::print("{}\n", JsonText(json{{"id", tag->id}, {"retired", tag->name}}));
        else
            fmt::print("retired tag '{}'\n", tag->Qualified());
    });
}

void RegisterFields(CLI::App& cli, App& app) {
    auto* fields = cli.add_subcommand("fields", "custom fields (default: list)");
    fields->require_subcommand(0, 1);
    fields->add_subcommand("list", "list custom fields");
    fields->callback([&app, fields] {
        if (!fields->get_subcommands().empty() && !fields->got_subcommand("list")) return;
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::FieldRegistry registry(**db, app.clock);
        auto list = registry.List();
        if (!list) return app.Report(list.error());
        if (app.json) {
            json out = json::array();
            for (const auto& f : *list) {
                out.push_back({{"id", f.id},
                               {"name", f.name},
                               {"type", f.type},
                               {"values", f.enum_values},
                               {"usage", f.usage}});
            }
            fmt::print("{}\n", JsonText(json{{"fields", out}}));
            return;
        }
        Table t({"field", "type", "values", "contacts"});
        for (const auto& f : *list) {
            t.Add({f.name, f.type, fmt::format("{}", fmt::join(f.enum_values, ", ")),
                   std::to_string(f.usage)});
        }
        t.Print();
    });
    struct AddArgs {
        std::string name, type, values;
    };
    auto a = std::make_shared<AddArgs>();
    auto* add = fields->add_subcommand("add", "define a custom field");
    add->add_option("name", a->name, "field name")->required();
    add->add_option("type", a->type, "number, date, text or enum")->required();
    add->add_option("--values", a->values, "allowed values of an enum field: a,b,c");
    add->callback([&app, a] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::FieldRegistry registry(**db, app.clock);
        auto def = registry.Define(a->name, a->type, contacts::SplitList(a->values));
        if (!def) return app.Report(def.error());
        if (app.json) {
            fmt::print("{}\n", JsonText(json{{"id", def->id},
                                             {"name", def->name},
                                             {"type", def->type},
                                             {"values", def->enum_values}}));
        } else {
            fmt::print("defined field '{}' ({})\n", def->name, def->type);
        }
    });
}

void RegisterDedup(CLI::App& cli, App& app) {
    auto apply = std::make_shared<bool>(false);
    auto* dedup =
        cli.add_subcommand("dedup", "list contacts that share a number; --apply merges them");
    dedup->add_flag("--apply", *apply, "merge every group into its oldest contact");
    dedup->callback([&app, apply] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::Deduplicator dd(**db, app.clock, app.actor);
        if (*apply) {
            auto summary = dd.ApplyDedup();
            if (!summary) return app.Report(summary.error());
            if (app.json) {
                json merges = json::array();
                for (const auto& m : summary->merges)
                    merges.push_back(api::MergeJson(m));
                fmt::print("{}\n", JsonText(json{{"groups", summary->groups},
                                                 {"contacts_merged", summary->contacts_merged},
                                                 {"merges", merges}}));
                return;
            }
            Table t({"merge", "kept", "merged", "conflicts"});
            for (const auto& m : summary->merges) {
                std::vector<std::string> ids;
                for (auto id : m.merged_ids)
                    ids.push_back(std::to_string(id));
                t.Add({std::to_string(m.merge_id), std::to_string(m.kept_id),
                       fmt::format("{}", fmt::join(ids, ", ")),
                       std::to_string(m.conflicts.size())});
            }
            t.Print();
            fmt::print(
                "{} groups merged, {} contacts merged into others; undo one with "
                "`callbase merge --undo MERGE_ID`\n",
                summary->groups, summary->contacts_merged);
            return;
        }
        auto groups = dd.FindDuplicates();
        if (!groups) return app.Report(groups.error());
        if (app.json) {
            json out = json::array();
            for (const auto& g : *groups) {
                out.push_back({{"numbers", g.numbers}, {"contacts", g.contact_ids}});
            }
            fmt::print("{}\n", JsonText(json{{"groups", out}}));
            return;
        }
        Table t({"numbers", "contacts (first is kept)"});
        for (const auto& g : *groups) {
            std::vector<std::string> ids;
            for (auto id : g.contact_ids)
                ids.push_back(std::to_string(id));
            t.Add({fmt::format("{}", fmt::join(g.numbers, ", ")),
                   fmt::format("{}", fmt::join(ids, ", "))});
        }
        t.Print();
        fmt::print("{} groups; merge them with `callbase dedup --apply`\n", groups->size());
    });
}

void RegisterMerge(CLI::App& cli, App& app) {
    struct MergeArgs {
        std::vector<std::string> ids;
        std::string undo;
    };
    auto a = std::make_shared<MergeArgs>();
    auto* merge =
        cli.add_subcommand("merge", "merge contacts into the oldest; --undo reverts a merge");
    merge->add_option("ids", a->ids, "contact ids");
    merge->add_option("--undo", a->undo, "merge id to undo");
    merge->callback([&app, a] {
        auto db = app.OpenStore();
        if (!db) return app.Report(db.error());
        contacts::Deduplicator dd(**db, app.clock, app.actor);
        if (!a->undo.empty()) {
            if (!a->ids.empty()) {
                return app.Report(Error{ErrorCode::kInvalidInput,
                                        "give either contact ids or --undo MERGE_ID, not both",
                                        "callbase merge --undo MERGE_ID"});
            }
            auto id = ParseId(a->undo, "merge");
            if (!id) return app.Report(id.error());
            auto ok = dd.Undo(*id);
            if (!ok) return app.Report(ok.error());
            if (app.json)
                fmt::print("{}\n", JsonText(json{{"undone", *id}}));
            else
                fmt::print("merge #{} undone\n", *id);
            return;
        }
        std::vector<int64_t> ids;
        for (const auto& s : a->ids) {
            auto id = ParseId(s, "contact");
            if (!id) return app.Report(id.error());
            ids.push_back(*id);
        }
        auto result = dd.Merge(ids);
        if (!result) return app.Report(result.error());
        if (app.json) {
            fmt::print("{}\n", JsonText(api::MergeJson(*result)));
            return;
        }
        std::vector<std::string> merged;
        for (auto id : result->merged_ids)
            merged.push_back(fmt::format("#{}", id));
        fmt::print("merge #{}: {} merged into #{}\n", result->merge_id, fmt::join(merged, ", "),
                   result->kept_id);
        for (const auto& c : result->conflicts)
            fmt::print("  kept value won: {}\n", c);
        fmt::print("undo with `callbase merge --undo {}`\n", result->merge_id);
    });
}

}  // namespace

void RegisterContactCommands(CLI::App& cli, App& app) {
    RegisterContacts(cli, app);
    RegisterTags(cli, app);
    RegisterFields(cli, app);
    RegisterDedup(cli, app);
    RegisterMerge(cli, app);
}

}  // namespace callbase::cli
