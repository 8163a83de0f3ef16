// The registries of a base: their versions, recorded in the store
// (registry_versions), and their index files, kept in a registry folder as
// <dir>/<NAME>/v<N>.cbreg (src/compliance/README.md).
//
// Load() makes version N+1 of a registry from a source file and changes
// nothing when anything fails: the index is written to a temporary file and
// fsynced; the row is inserted and the file renamed into place inside one
// transaction; a failed insert or commit removes the file.
//
// Latest()/AtVersion() open index files (memory-mapped) on first use and keep
// them open for the catalog's lifetime, so the RegistrySet pointers they return
// stay valid until the catalog is destroyed, even after a newer version is
// loaded. The sets are immutable and may be read from any thread; the catalog
// itself is not thread-safe (it borrows one Store, which is one connection).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compliance/registry.h"
#include "compliance/registry_source.h"
#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace callbase::phone {
class Cleaner;
}

namespace callbase::compliance {

// One row of registry_versions.
struct RegistryVersion {
    std::string name;
    int64_t version = 0;
    std::string file;  // relative to the registry folder: "<NAME>/v<N>.cbreg"
    uint64_t numbers = 0;
    uint64_t bytes = 0;
    std::string sha256;  // of the index file
    std::string source;  // the source file as given to load
    std::string source_sha256;
    uint64_t rejected = 0;  // source lines that were not numbers
    UnixSeconds loaded_at = 0;
    std::string loaded_by;
};

struct LoadSummary {
    RegistryVersion version;  // the row written
    uint64_t lines = 0;       // source lines that should hold a number
    uint64_t duplicates = 0;  // accepted lines whose number came earlier
    bool header = false;
    bool gzip = false;
    std::vector<RejectedLine> first_rejected;
    double read_seconds = 0;   // reading and cleaning the source
    double build_seconds = 0;  // sorting and building the set
    double write_seconds = 0;  // the index file and the row
};

class RegistryCatalog {
public:
    // `dir` is the registry folder (created by the first load). verify says how
    // much of each index file is checked when it is opened.
    static Result<RegistryCatalog> Open(store::Store& store, std::string dir,
                                        Verify verify = Verify::kChecksum);

    // NAME must be 1 to 40 of [a-z0-9_-].
    static Result<void> CheckName(std::string_view name);

    // Reads `source` (a list of numbers, registry_source.h) and records it as
    // the next version of registry `name`.
    Result<LoadSummary> Load(std::string_view name, const std::string& source,
                             const phone::Cleaner& cleaner, const Clock& clock,
                             const std::string& actor, const SourceOptions& options = {});

    // Every version of every registry (or of `name`), by name and version.
    Result<std::vector<RegistryVersion>> Versions(std::string_view name = {});
    // The names of the registries that have a version, ascending.
    Result<std::vector<std::string>> Names();
    // The latest version of a registry (kNotFound when it has none).
    Result<RegistryVersion> LatestVersion(std::string_view name);

    // The set of the latest version of `name`, or of a given version.
    Result<const RegistrySet*> Latest(std::string_view name);
    Result<const RegistrySet*> AtVersion(std::string_view name, int64_t version);

    const std::string& dir() const { return dir_; }

private:
    RegistryCatalog(store::Store& store, std::string dir, Verify verify)
        : store_(&store), dir_(std::move(dir)), verify_(verify) {}
    Result<const RegistrySet*> OpenSet(const RegistryVersion& version);

    store::Store* store_;
    std::string dir_;
    Verify verify_;
    std::map<std::pair<std::string, int64_t>, RegistrySet> open_;
};

// The registry folder to use when none is given (the CLI first looks at
// $CALLBASE_REGISTRY_DIR): for an SQLite base, the folder "<file>.registries"
// beside the database file (base.db -> base.db.registries); for PostgreSQL,
// ./registries.
std::string DefaultRegistryDir(std::string_view db_url);

}  // namespace callbase::compliance
