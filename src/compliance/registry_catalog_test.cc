// The registry catalog as a user relies on it, on both backends: a load makes
// the next version (row and file, with the counts and hashes of both), the
// latest version answers, older ones stay readable, a refused or failed load
// leaves no row and no file, and a missing or damaged index is refused.
#include "compliance/registry_catalog.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "phone/clean.h"
#include "support/test_phone.h"
#include "support/test_store.h"

namespace callbase::compliance {
namespace {

namespace fs = std::filesystem;

class RegistryCatalogTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
        dir_ =
            fs::temp_directory_path() / ("registry-catalog-test-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
        fs::create_directories(dir_);
        registries_ = (dir_ / "registries").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string Write(const std::string& name, const std::string& bytes) {
        auto path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
        return path;
    }
    RegistryCatalog Catalog() {
        auto catalog = RegistryCatalog::Open(*db_, registries_);
        EXPECT_TRUE(catalog) << catalog.error().message;
        return std::move(*catalog);
    }
    Result<LoadSummary> Load(RegistryCatalog& catalog, const std::string& name,
                             const std::string& path) {
        return catalog.Load(name, path, testing::TestCleaner(), clock_, "tester");
    }
    int64_t Rows() {
        auto v = db_->QueryValue("SELECT COUNT(*) FROM registry_versions");
        return v ? store::Row({*v}).Int(0) : -1;
    }
    // Every file under the registry folder, relative to it.
    std::vector<std::string> Files() {
        std::vector<std::string> files;
        if (!fs::exists(registries_)) return files;
        for (const auto& e : fs::recursive_directory_iterator(registries_)) {
            if (e.is_regular_file()) files.push_back(fs::relative(e.path(), registries_).string());
        }
        std::sort(files.begin(), files.end());
        return files;
    }

    std::unique_ptr<store::Store> db_;
    FixedClock clock_{1790000000};
    fs::path dir_;
    std::string registries_;
};

constexpr const char* kFirst =
    "Номер\n8 (916) 123-45-67\n+7 903 111-22-33\n89031112233\n79265554433\n";
constexpr const char* kSecond =
    "+7 916 123-45-67\n8 999 000 11 22\n+7 (926) 555-44-33\n8-985-000-00-01\n";

TEST_P(RegistryCatalogTest, LoadMakesVersionsThatAnswer) {
    auto catalog = Catalog();
    auto first = Load(catalog, "ru_dnc", Write("first.txt", kFirst));
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->version.version, 1);
    EXPECT_EQ(first->version.numbers, 3u);
    EXPECT_EQ(first->duplicates, 1u);
    EXPECT_EQ(first->lines, 4u);
    EXPECT_TRUE(first->header);
    EXPECT_EQ(first->version.file, "ru_dnc/v1.cbreg");
    auto latest = catalog.Latest("ru_dnc");
    ASSERT_TRUE(latest) << latest.error().message;
    const RegistrySet* v1 = *latest;
    EXPECT_TRUE(v1->Contains(79161234567));
    EXPECT_TRUE(v1->Contains(79031112233));
    EXPECT_FALSE(v1->Contains(79990001122));

    clock_.Advance(3600);
    auto second = Load(catalog, "ru_dnc", Write("second.txt", kSecond));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->version.version, 2);
    latest = catalog.Latest("ru_dnc");
    ASSERT_TRUE(latest);
    EXPECT_TRUE((*latest)->Contains(79990001122));
    EXPECT_FALSE((*latest)->Contains(79031112233));
    // The first version's set stays valid and readable.
    EXPECT_TRUE(v1->Contains(79031112233));
    auto again = catalog.AtVersion("ru_dnc", 1);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, v1);
    auto diff = v1->Diff(**latest);
    EXPECT_EQ(diff.added, 2u);
    EXPECT_EQ(diff.removed, 1u);

    auto versions = catalog.Versions("ru_dnc");
    ASSERT_TRUE(versions);
    ASSERT_EQ(versions->size(), 2u);
    const RegistryVersion& row = (*versions)[1];
    EXPECT_EQ(row.name, "ru_dnc");
    EXPECT_EQ(row.version, 2);
    EXPECT_EQ(row.numbers, 4u);
    EXPECT_EQ(row.bytes, fs::file_size(fs::path(registries_) / "ru_dnc/v2.cbreg"));
    EXPECT_EQ(row.sha256, second->version.sha256);
    EXPECT_EQ(row.sha256.size(), 64u);
    EXPECT_EQ(row.source, (dir_ / "second.txt").string());
    EXPECT_EQ(row.source_sha256.size(), 64u);
    EXPECT_NE(row.source_sha256, (*versions)[0].source_sha256);
    EXPECT_EQ(row.rejected, 0u);
    EXPECT_EQ(row.loaded_at, 1790003600);
    EXPECT_EQ(row.loaded_by, "tester");
    EXPECT_EQ(Files(), (std::vector<std::string>{"ru_dnc/v1.cbreg", "ru_dnc/v2.cbreg"}));

    // A second registry, and the names of all.
    ASSERT_TRUE(Load(catalog, "us-dnc", Write("us.txt", "+1 650 253 0000\n")));
    auto names = catalog.Names();
    ASSERT_TRUE(names);
    EXPECT_EQ(*names, (std::vector<std::string>{"ru_dnc", "us-dnc"}));
    auto all = catalog.Versions();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 3u);

    // Another catalog over the same base and folder sees the same.
    auto other = Catalog();
    auto us = other.Latest("us-dnc");
    ASSERT_TRUE(us) << us.error().message;
    EXPECT_TRUE((*us)->Contains(16502530000));
}

TEST_P(RegistryCatalogTest, RefusedLoadChangesNothing) {
    auto catalog = Catalog();
    ASSERT_TRUE(Load(catalog, "ru_dnc", Write("first.txt", kFirst)));
    auto files_before = Files();
    auto bad = Load(catalog, "ru_dnc", Write("bad.txt", "89161234567\nмусор\n89031112233\n"));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("bad.txt:2:"), std::string::npos) << bad.error().message;
    EXPECT_EQ(Rows(), 1);
    EXPECT_EQ(Files(), files_before);

    auto no_name = Load(catalog, "RU DNC", Write("ok.txt", kSecond));
    ASSERT_FALSE(no_name);
    EXPECT_NE(no_name.error().message.find("bad registry name 'RU DNC'"), std::string::npos);
    EXPECT_EQ(no_name.error().key, "registry.bad_name");
    EXPECT_EQ(no_name.error().params, (MessageParams{{"name", "RU DNC"}}));
    EXPECT_EQ(Rows(), 1);
    for (const std::string& name :
         std::vector<std::string>{"", std::string(41, 'a'), "ru.dnc", "../x", "Ru"}) {
        EXPECT_FALSE(RegistryCatalog::CheckName(name)) << name;
    }
    for (const std::string& name :
         std::vector<std::string>{"a", std::string(40, 'z'), "ru_dnc-2024", "0"}) {
        EXPECT_TRUE(RegistryCatalog::CheckName(name)) << name;
    }
}

TEST_P(RegistryCatalogTest, AFailedInsertRemovesTheFile) {
    auto catalog = Catalog();
    ASSERT_TRUE(Load(catalog, "ru_dnc", Write("first.txt", kFirst)));
    auto files_before = Files();
    ASSERT_TRUE(db_->ExecScript(
        GetParam() == store::Backend::kSqlite
            ? "CREATE TRIGGER boom BEFORE INSERT ON registry_versions "
              "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
            : "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk on "
              "fire'; END $$ LANGUAGE plpgsql; CREATE TRIGGER boom BEFORE INSERT ON "
              "registry_versions FOR EACH ROW EXECUTE FUNCTION boom()"));
    auto failed = Load(catalog, "ru_dnc", Write("second.txt", kSecond));
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("disk on fire"), std::string::npos);
    EXPECT_EQ(Rows(), 1);
    EXPECT_EQ(Files(), files_before);  // neither v2 nor its temporary file
    auto latest = catalog.Latest("ru_dnc");
    ASSERT_TRUE(latest);
    EXPECT_EQ((*latest)->size(), 3u);
}

TEST_P(RegistryCatalogTest, ALoadRemovesTheTemporaryFilesOfLoadsThatDied) {
    auto catalog = Catalog();
    ASSERT_TRUE(Load(catalog, "ru_dnc", Write("first.txt", kFirst)));
    // A process that has ended: its pid is free (for now), as a crashed load's.
    pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ASSERT_GT(dead, 0);
    ::waitpid(dead, nullptr, 0);
    const fs::path folder = fs::path(registries_) / "ru_dnc";
    std::ofstream(folder / fmt::format(".v2.cbreg.{}.tmp", dead)) << "half a file";
    std::ofstream(folder / fmt::format(".v9.cbreg.{}.tmp", ::getpid())) << "a running load's";
    ASSERT_TRUE(Load(catalog, "ru_dnc", Write("second.txt", kSecond)));
    EXPECT_EQ(Files(), (std::vector<std::string>{fmt::format("ru_dnc/.v9.cbreg.{}.tmp", ::getpid()),
                                                 "ru_dnc/v1.cbreg", "ru_dnc/v2.cbreg"}));
}

TEST_P(RegistryCatalogTest, MissingOrDamagedIndexIsRefused) {
    {
        auto catalog = Catalog();
        ASSERT_TRUE(Load(catalog, "ru_dnc", Write("first.txt", kFirst)));
        ASSERT_TRUE(Load(catalog, "ru_dnc", Write("second.txt", kSecond)));
    }
    auto unknown = Catalog().Latest("eu_dnc");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
    EXPECT_NE(unknown.error().hint.find("callbase registry load eu_dnc FILE"), std::string::npos);
    EXPECT_EQ(unknown.error().key, "registry.not_loaded");
    EXPECT_EQ(unknown.error().params, (MessageParams{{"name", "eu_dnc"}}));
    auto no_version = Catalog().AtVersion("ru_dnc", 7);
    ASSERT_FALSE(no_version);
    EXPECT_EQ(no_version.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(no_version.error().key, "registry.no_version");
    EXPECT_EQ(no_version.error().params, (MessageParams{{"name", "ru_dnc"}, {"version", "7"}}));
    EXPECT_EQ(no_version.error().message, "registry 'ru_dnc' has no version 7");

    fs::remove(fs::path(registries_) / "ru_dnc/v2.cbreg");
    auto missing = Catalog().Latest("ru_dnc");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_NE(missing.error().message.find("v2.cbreg is missing"), std::string::npos)
        << missing.error().message;

    // Version 1's file in version 2's place: a valid index, but not the one
    // recorded (the catalog compares the count and size of the file with its row).
    fs::copy_file(fs::path(registries_) / "ru_dnc/v1.cbreg",
                  fs::path(registries_) / "ru_dnc/v2.cbreg");
    auto swapped = Catalog().Latest("ru_dnc");
    ASSERT_FALSE(swapped);
    EXPECT_NE(swapped.error().message.find("not the index the base recorded"), std::string::npos)
        << swapped.error().message;

    // A flipped byte inside a container.
    auto v1 = fs::path(registries_) / "ru_dnc/v1.cbreg";
    std::string bytes;
    {
        std::ifstream in(v1, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    bytes[bytes.size() - 3] ^= 0x01;
    std::ofstream(v1, std::ios::binary | std::ios::trunc) << bytes;
    auto damaged = Catalog().AtVersion("ru_dnc", 1);
    ASSERT_FALSE(damaged);
    EXPECT_NE(damaged.error().message.find("damaged"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryCatalogTest,
                         ::testing::ValuesIn(testing::TestBackends()), testing::BackendName);

TEST(DefaultRegistryDirTest, BesideTheSqliteFileElseHere) {
    EXPECT_EQ(DefaultRegistryDir("base.db"), "base.db.registries");
    EXPECT_EQ(DefaultRegistryDir("/srv/cb/base.db"), "/srv/cb/base.db.registries");
    EXPECT_EQ(DefaultRegistryDir("sqlite:/srv/base.db"), "/srv/base.db.registries");
    EXPECT_EQ(DefaultRegistryDir("file:x.db"), "x.db.registries");
    EXPECT_EQ(DefaultRegistryDir("postgresql://u:p@h/db"), "./registries");
    EXPECT_EQ(DefaultRegistryDir("postgres://h/db"), "./registries");
}

}  // namespace
}  // namespace callbase::compliance
