#include "compliance/registry_catalog.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <filesystem>

#include "phone/clean.h"

namespace callbase::compliance {
namespace {

namespace fs = std::filesystem;
using store::Value;

constexpr std::string_view kColumns =
    "name, version, file, numbers, bytes, sha256, source, source_sha256, rejected, loaded_at, "
    "loaded_by";

RegistryVersion FromRow(const store::Row& r) {
    return RegistryVersion{.name = r.Text(0),
                           .version = r.Int(1),
                           .file = r.Text(2),
                           .numbers = static_cast<uint64_t>(r.Int(3)),
                           .bytes = static_cast<uint64_t>(r.Int(4)),
                           .sha256 = r.Text(5),
                           .source = r.Text(6),
                           .source_sha256 = r.Text(7),
                           .rejected = static_cast<uint64_t>(r.Int(8)),
                           .loaded_at = r.Int(9),
                           .loaded_by = r.Text(10)};
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A rename is durable once the folder that holds the name is on disk.
void SyncFolder(const fs::path& folder) {
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// Removes the temporary files of loads that died before their rename
// (".v3.cbreg.4711.tmp"): those whose process no longer runs. A load that is
// running keeps its file.
void RemoveDeadLoads(const fs::path& folder) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(".v") || !name.ends_with(".tmp")) continue;
        // The pid: between the last two dots.
        const std::string stem = name.substr(0, name.size() - 4);
        const std::string digits = stem.substr(stem.rfind('.') + 1);
        if (digits.empty() || digits.size() > 9 ||
            digits.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const auto pid = static_cast<pid_t>(std::stol(digits));
        if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) {
            std::error_code ignored;
            fs::remove(entry.path(), ignored);
        }
    }
}

}  // namespace

Result<RegistryCatalog> RegistryCatalog::Open(store::Store& store, std::string dir, Verify verify) {
    if (dir.empty()) {
        return Fail(ErrorCode::kInvalidInput,
                    Msg{"registry.no_folder", "no registry folder given",
                        "give one with --registry-dir or $CALLBASE_REGISTRY_DIR"});
    }
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
        return Fail(
            ErrorCode::kInvalidInput,
            Msg{"registry.folder_is_file", "the registry folder {folder} is a file, not a folder",
                "give another folder with --registry-dir"},
            {{"folder", dir}});
    }
    return RegistryCatalog(store, std::move(dir), verify);
}

Result<void> RegistryCatalog::CheckName(std::string_view name) {
    bool ok =
        !name.empty() && name.size() <= 40 && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        });
    if (ok) return {};
    return Fail(ErrorCode::kInvalidInput,
                Msg{"registry.bad_name", "bad registry name '{name}'",
                    "a registry name is 1 to 40 lowercase Latin letters, digits, '_' and '-', such "
                    "as ru_dnc or us-dnc"},
                {{"name", std::string(name)}});
}

Result<LoadSummary> RegistryCatalog::Load(std::string_view name, const std::string& source,
                                          const phone::Cleaner& cleaner, const Clock& clock,
                                          const std::string& actor, const SourceOptions& options) {
    if (auto ok = CheckName(name); !ok) return std::unexpected(ok.error());
    LoadSummary summary;
    auto start = std::chrono::steady_clock::now();
    auto numbers = ReadRegistrySource(source, cleaner, options);
    if (!numbers) return std::unexpected(numbers.error());
    summary.read_seconds = SecondsSince(start);
    summary.lines = numbers->lines;
    summary.header = numbers->header;
    summary.gzip = numbers->gzip;
    summary.first_rejected = std::move(numbers->first_rejected);

    start = std::chrono::steady_clock::now();
    const uint64_t accepted = numbers->keys.size();
    RegistrySet set = RegistrySet::Build(std::move(numbers->keys));
    summary.duplicates = accepted - set.size();
    summary.build_seconds = SecondsSince(start);

    start = std::chrono::steady_clock::now();
    auto last = store_->QueryValue(
        "SELECT COALESCE(MAX(version), 0) FROM registry_versions WHERE name = $1",
        {std::string(name)});
    if (!last) return std::unexpected(last.error());
    RegistryVersion& row = summary.version;
    row.name = std::string(name);
    row.version = store::Row({*last}).Int(0) + 1;
    row.file = fmt::format("{}/v{}.cbreg", name, row.version);
    row.numbers = set.size();
    row.source = fs::absolute(source).lexically_normal().string();
    row.source_sha256 = numbers->sha256;
    row.rejected = numbers->rejected;
    row.loaded_at = clock.Now();
    row.loaded_by = actor;

    const fs::path folder = fs::path(dir_) / row.name;
    const fs::path target = fs::path(dir_) / row.file;
    const fs::path temp = folder / fmt::format(".v{}.cbreg.{}.tmp", row.version, ::getpid());
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) {
        return Fail(
            ErrorCode::kIo,
            fmt::format("cannot create the registry folder {}: {}", folder.string(), ec.message()),
            "check --registry-dir and its permissions; nothing was loaded");
    }
    RemoveDeadLoads(folder);
    auto info = WriteRegistryFile(set, temp.string());
    if (!info) return std::unexpected(info.error());
    row.bytes = info->bytes;
    row.sha256 = info->sha256;

    // The row and the file's final name land together: the rename happens
    // inside the transaction, and a failed commit takes the file away again.
    // Two loads of one registry at once cannot both take version N: the
    // second insert waits for the first and then fails on UNIQUE (name,
    // version) before it renames anything.
    auto fail = [&](Error error, const fs::path& file) -> Result<LoadSummary> {
        std::error_code ignored;
        fs::remove(file, ignored);
        if (error.hint.empty()) error.hint = "nothing was loaded; run the load again";
        return std::unexpected(std::move(error));
    };
    auto tx = store::Transaction::Start(*store_);
    if (!tx) return fail(tx.error(), temp);
    auto inserted = store_->Exec(
        fmt::format("INSERT INTO registry_versions ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                    "$9, $10, $11)",
                    kColumns),
        {row.name, row.version, row.file, static_cast<int64_t>(row.numbers),
         static_cast<int64_t>(row.bytes), row.sha256, row.source, row.source_sha256,
         static_cast<int64_t>(row.rejected), row.loaded_at, row.loaded_by});
    if (!inserted) {
        Error error = inserted.error();
        error.message =
            fmt::format("cannot record {} version {}: {}", row.name, row.version, error.message);
        if (error.code == ErrorCode::kConflict) {
            error.hint =
                "another load of this registry ran at the same time; nothing was loaded "
                "by this one: run it again";
        }
        return fail(std::move(error), temp);
    }
    fs::rename(temp, target, ec);
    if (ec) {
        return fail(Error{ErrorCode::kIo,
                          fmt::format("cannot rename {} to {}: {}", temp.string(), target.string(),
                                      ec.message()),
                          "check the registry folder; nothing was loaded"},
                    temp);
    }
    SyncFolder(folder);
    if (auto ok = tx->Commit(); !ok) return fail(ok.error(), target);
    summary.write_seconds = SecondsSince(start);
    return summary;
}

Result<std::vector<RegistryVersion>> RegistryCatalog::Versions(std::string_view name) {
    std::vector<RegistryVersion> out;
    auto on_row = [&out](const store::Row& r) {
        out.push_back(FromRow(r));
        return true;
    };
    Result<void> ok;
    if (name.empty()) {
        ok = store_->ForEach(
            fmt::format("SELECT {} FROM registry_versions ORDER BY name, version", kColumns), {},
            on_row);
    } else {
        ok = store_->ForEach(fmt::format("SELECT {} FROM registry_versions WHERE name = $1 "
                                         "ORDER BY version",
                                         kColumns),
                             {std::string(name)}, on_row);
    }
    if (!ok) return std::unexpected(ok.error());
    return out;
}

Result<std::vector<std::string>> RegistryCatalog::Names() {
    auto rows = store_->Query("SELECT DISTINCT name FROM registry_versions ORDER BY name");
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::string> names;
    for (const auto& r : *rows)
        names.push_back(r.Text(0));
    return names;
}

Result<RegistryVersion> RegistryCatalog::LatestVersion(std::string_view name) {
    if (auto ok = CheckName(name); !ok) return std::unexpected(ok.error());
    auto rows = store_->Query(fmt::format("SELECT {} FROM registry_versions WHERE name = $1 "
                                          "ORDER BY version DESC LIMIT 1",
                                          kColumns),
                              {std::string(name)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"registry.not_loaded", "registry '{name}' is not loaded",
                        "load it with `callbase registry load {name} FILE`; `callbase "
                        "registry list` shows the loaded ones"},
                    {{"name", std::string(name)}});
    }
    return FromRow(rows->front());
}

Result<const RegistrySet*> RegistryCatalog::Latest(std::string_view name) {
    auto version = LatestVersion(name);
    if (!version) return std::unexpected(version.error());
    return OpenSet(*version);
}

Result<const RegistrySet*> RegistryCatalog::AtVersion(std::string_view name, int64_t version) {
    if (auto ok = CheckName(name); !ok) return std::unexpected(ok.error());
    auto rows = store_->Query(
        fmt::format("SELECT {} FROM registry_versions WHERE name = $1 AND version = $2", kColumns),
        {std::string(name), version});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
        return Fail(ErrorCode::kNotFound,
                    Msg{"registry.no_version", "registry '{name}' has no version {version}",
                        "`callbase registry list {name}` shows its versions"},
                    {{"name", std::string(name)}, {"version", std::to_string(version)}});
    }
    return OpenSet(FromRow(rows->front()));
}

Result<const RegistrySet*> RegistryCatalog::OpenSet(const RegistryVersion& version) {
    auto key = std::make_pair(version.name, version.version);
    if (auto it = open_.find(key); it != open_.end()) return &it->second;
    const std::string path = (fs::path(dir_) / version.file).string();
    auto set = OpenRegistryFile(path, verify_);
    if (!set) {
        Error error = set.error();
        if (error.code == ErrorCode::kNotFound) {
            error.message = fmt::format("registry '{}' version {}: its index file {} is missing",
                                        version.name, version.version, path);
            error.hint =
                "check --registry-dir (the folder the registry was loaded into), or load the "
                "registry again";
        }
        return std::unexpected(error);
    }
    if (set->size() != version.numbers || set->file_bytes() != version.bytes) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("{} is not the index the base recorded for registry '{}' version "
                                "{} ({} numbers, {} bytes; the file has {} numbers, {} bytes)",
                                path, version.name, version.version, version.numbers, version.bytes,
                                set->size(), set->file_bytes()),
                    "check that --registry-dir belongs to this base (--db), or load the "
                    "registry again");
    }
    auto [it, inserted] = open_.emplace(std::move(key), std::move(*set));
    return &it->second;
}

std::string DefaultRegistryDir(std::string_view db_url) {
    if (db_url.starts_with("postgresql://") || db_url.starts_with("postgres://")) {
        return "./registries";
    }
    if (db_url.starts_with("sqlite:"))
        db_url.remove_prefix(7);
    else if (db_url.starts_with("file:"))
        db_url.remove_prefix(5);
    return std::string(db_url) + ".registries";
}

}  // namespace callbase::compliance
