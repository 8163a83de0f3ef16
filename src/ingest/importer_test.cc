// Import and export as a user relies on them, on both backends: counts, every
// rejected row reported, nothing accepted lost, the same file twice changes
// nothing, a failed import changes nothing, duplicates merged/skipped/kept,
// dry runs write nothing, export -> import round trip in both encodings.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <functional>

#include "contacts/filter.h"
#include "ingest/csv.h"
#include "ingest/encoding.h"
#include "ingest/exporter.h"
#include "ingest/generator.h"
#include "ingest/importer.h"
#include "phone/clean.h"
#include "phone/numbering_plan.h"
#include "support/test_phone.h"
#include "support/test_store.h"

namespace callbase::ingest {
namespace {

namespace fs = std::filesystem;

class ImporterTest : public ::testing::TestWithParam<store::Backend> {
protected:
    const phone::Cleaner& cleaner_ = callbase::testing::TestCleaner();
    void SetUp() override {
        db_ = testing::OpenFreshStore(GetParam());
        ASSERT_NE(db_, nullptr);
        dir_ = fs::temp_directory_path() /
               ("import-test-" + std::to_string(reinterpret_cast<uintptr_t>(this)) + "-" +
                std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string Write(const std::string& name, const std::string& bytes) {
        auto path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    Result<ImportSummary> Import(const std::string& path, ImportOptions options = {}) {
        Importer importer(*db_, cleaner_, clock_, "test");
        return importer.Import(path, options);
    }
    int64_t Count(const std::string& sql) {
        callbase::testing::PlainView plain(*db_);
        auto v = db_->QueryValue(sql);
        EXPECT_TRUE(v) << sql;
        return v ? store::Row({*v}).Int(0) : -1;
    }
    // Every contact with its phones, as text: to compare whole bases.
    std::string Dump() {
        callbase::testing::PlainView plain(*db_);
        std::string out;
        auto rows = db_->Query(
            "SELECT c.id, c.name, c.region, c.source, c.email, c.comment, c.status, "
            "c.merged_into, p.e164, p.label FROM contacts c LEFT JOIN phones p ON "
            "p.contact_id = c.id ORDER BY c.id, p.position");
        for (const auto& r : *rows) {
            for (size_t i = 0; i < r.size(); ++i)
                out += r.Text(i) + "|";
            out += "\n";
        }
        auto counts = db_->Query(
            "SELECT (SELECT COUNT(*) FROM field_values), (SELECT COUNT(*) FROM contact_tags), "
            "(SELECT COUNT(*) FROM history)");
        out += (*counts)[0].Text(0) + "/" + (*counts)[0].Text(1) + "/" + (*counts)[0].Text(2);
        return out;
    }

    std::unique_ptr<store::Store> db_;
    FixedClock clock_{1790000000};
    fs::path dir_;
};

constexpr const char* kMessy =
    "ФИО;Телефон;Рабочий телефон;Город;Комментарий;Сумма заказа\n"
    "Иванов Иван;8 (916) 123-45-67;;Москва;\"звонить; после 18\";1500\n"
    "Петров Пётр;нет;;Тула;;\n"
    "Сидорова Анна;+7 903 111-22-33;8 495 765 43 21;Москва;\"две\nстроки\";\n"
    "Иванов И.;+7 916 1234567;;;новый комментарий;\n"
    ";123;;;;\n"
    "Козлов;тел.: 8 926 000 11 22, 8 926 000 11 23;мусор;Казань;;\n";

TEST_P(ImporterTest, CountsErrorsAndStoresEveryAcceptedRow) {
    auto path = Write("messy.csv", kMessy);
    auto s = Import(path, {.source = "crm"});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->read, 6);
    EXPECT_EQ(s->inserted, 3);  // Иванов, Сидорова, Козлов
    EXPECT_EQ(s->merged, 1);    // "Иванов И." is the same number as Иванов
    EXPECT_EQ(s->rejected, 2);  // нет, 123
    EXPECT_EQ(s->encoding, "utf-8");
    EXPECT_EQ(s->delimiter, "';'");
    // Rejected rows name their line, column, value and reason.
    std::vector<int64_t> rejected_lines;
    for (const auto& e : s->errors) {
        if (e.reason.starts_with("row rejected")) rejected_lines.push_back(e.line);
    }
    EXPECT_EQ(rejected_lines, (std::vector<int64_t>{3, 7}));
    bool junk_extra = false;
    for (const auto& e : s->errors) {
        if (e.line == 8 && e.value == "мусор") junk_extra = true;
    }
    EXPECT_TRUE(junk_extra) << "the junk work phone of line 8 is reported";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM import_errors"), static_cast<int64_t>(s->errors.size()));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 3);
    // Сидорова has both numbers; Козлов both numbers of his cell.
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones"), 1 + 2 + 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones WHERE e164 = '+74957654321' AND label = "
                    "'рабочий'"),
              1);
    // The merge filled nothing that was set, joined the comment, wrote history.
    {
        callbase::testing::PlainView plain(*db_);
        auto comment = db_->QueryValue("SELECT comment FROM contacts WHERE name = 'Иванов Иван'");
        EXPECT_EQ(store::Row({*comment}).Text(0), "звонить; после 18\nновый комментарий");
    }
    EXPECT_GE(Count("SELECT COUNT(*) FROM history WHERE action = 'import_merge'"), 1);
    // The unknown column became a custom field with its value.
    EXPECT_EQ(s->custom_fields, std::vector<std::string>{"Сумма заказа"});
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_values WHERE value = '1500'"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE source = 'crm'"), 3);
    EXPECT_EQ(Count("SELECT rejected FROM imports"), 2);
}

TEST_P(ImporterTest, TheSameFileTwiceChangesNothing) {
    auto path = Write("messy.csv", kMessy);
    ASSERT_TRUE(Import(path));
    std::string before = Dump();
    auto again = Import(path);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->already_imported_as, 1);
    EXPECT_EQ(Dump(), before);
    // The same rows in another file: all unchanged.
    auto copy = Write("copy.csv", std::string(kMessy) + "\n");
    auto rows_again = Import(copy);
    ASSERT_TRUE(rows_again) << rows_again.error().message;
    EXPECT_EQ(rows_again->inserted, 0);
    EXPECT_EQ(rows_again->merged, 0);
    EXPECT_EQ(rows_again->unchanged, 4);
    EXPECT_EQ(Dump(), before);
}

TEST_P(ImporterTest, AFailedImportLeavesTheBaseAsItWas) {
    ASSERT_TRUE(Import(Write("first.csv", kMessy)));
    std::string before = Dump();
    // A trigger makes the store fail on the third new contact of the next file
    // (the sixth in all; by count, since a name may be stored sealed).
    ASSERT_TRUE(db_->ExecScript(
        GetParam() == store::Backend::kSqlite
            ? "CREATE TRIGGER boom BEFORE INSERT ON contacts WHEN (SELECT COUNT(*) FROM "
              "contacts) >= 5 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
            : "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF (SELECT COUNT(*) FROM "
              "contacts) >= 5 THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$ "
              "LANGUAGE plpgsql; CREATE TRIGGER boom BEFORE INSERT ON contacts FOR EACH ROW "
              "EXECUTE FUNCTION boom()"));
    auto path =
        Write("second.csv", "ФИО;Телефон\nНовый;89031234501\nЕщё;89031234502\nВзрыв;89031234503\n");
    auto s = Import(path);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find(":4:"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("disk on fire"), std::string::npos);
    EXPECT_EQ(Dump(), before);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM imports"), 1);
}

TEST_P(ImporterTest, DuplicateModes) {
    ASSERT_TRUE(Import(Write("a.csv", "ФИО;Телефон;E-mail\nАнна;89161112233;\n")));
    auto b = Write("b.csv", "ФИО;Телефон;E-mail\nАнна К.;+7 916 111-22-33;anna@example.ru\n");
    auto skip = Import(b, {.on_duplicate = OnDuplicate::kSkip});
    ASSERT_TRUE(skip);
    EXPECT_EQ(skip->unchanged, 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE email = ''"), 1);
    // Skip leaves no "done" record of b, so b can be imported with another mode.
    ASSERT_TRUE(db_->Exec("DELETE FROM import_errors"));
    ASSERT_TRUE(db_->Exec("UPDATE imports SET status = 'superseded' WHERE id > 1"));
    auto merge = Import(b);
    ASSERT_TRUE(merge) << merge.error().message;
    EXPECT_EQ(merge->merged, 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE email = 'anna@example.ru' AND name = "
                    "'Анна'"),
              1);
    ASSERT_TRUE(db_->Exec("UPDATE imports SET status = 'superseded' WHERE id > 1"));
    auto keep = Import(b, {.on_duplicate = OnDuplicate::kNew});
    ASSERT_TRUE(keep);
    EXPECT_EQ(keep->inserted, 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 2);
}

TEST_P(ImporterTest, DryRunWritesNothing) {
    auto s = Import(Write("messy.csv", kMessy), {.dry_run = true});
    ASSERT_TRUE(s);
    EXPECT_EQ(s->inserted, 3);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM imports"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_defs"), 0);
}

TEST_P(ImporterTest, BadInputIsRefusedBeforeAnythingIsWritten) {
    auto missing = Import((dir_ / "nope.csv").string());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    auto no_phone = Import(Write("nophone.csv", "ФИО;Город\nИванов;Москва\n"));
    ASSERT_FALSE(no_phone);
    EXPECT_NE(no_phone.error().message.find("no phone column"), std::string::npos);
    auto not_utf8 =
        Import(Write("bad.csv", Utf8ToCp1251("ФИО;Телефон\nИванов;89161234567\n", nullptr)),
               {.encoding = Encoding::kUtf8});
    ASSERT_FALSE(not_utf8);
    EXPECT_NE(not_utf8.error().hint.find("cp1251"), std::string::npos);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM imports"), 0);
}

TEST_P(ImporterTest, Cp1251TabFileIsDetected) {
    auto path = Write("win.csv", Utf8ToCp1251("Фамилия\tИмя\tОтчество\tМобильный\tСтатус\n"
                                              "Иванов\tИван\tИванович\t89161234567\tперезвонить\n"
                                              "Петрова\tАнна\t\t89031234567\tспит\n",
                                              nullptr));
    auto s = Import(path);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->encoding, "cp1251");
    EXPECT_EQ(s->delimiter, "tab");
    EXPECT_EQ(s->inserted, 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE name = 'Иванов Иван Иванович' AND "
                    "status = 'callback'"),
              1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE name = 'Петрова Анна'"), 1);
    ASSERT_EQ(s->errors.size(), 1u);  // "спит" is not a status
    EXPECT_EQ(s->errors[0].line, 3);
}

TEST_P(ImporterTest, ExportThenImportGivesTheSameContacts) {
    std::stringstream generated;
    GeneratorOptions g{.rows = 300, .seed = 9, .today = 1790000000};
    ASSERT_TRUE(GenerateContacts(callbase::testing::TestPlan(), g, generated));
    auto s = Import(Write("gen.csv", generated.str()));
    ASSERT_TRUE(s) << s.error().message;
    for (Encoding enc : {Encoding::kUtf8, Encoding::kCp1251}) {
        auto out = (dir_ / (std::string(EncodingName(enc)) + ".csv")).string();
        auto e = ExportContacts(*db_, contacts::Filter{}, clock_.Now(), out, {.encoding = enc});
        ASSERT_TRUE(e) << e.error().message;
        EXPECT_EQ(e->contacts, s->inserted);
        EXPECT_EQ(e->unmappable, 0u);
        auto fresh = testing::OpenFreshStore(GetParam());
        Importer importer(*fresh, cleaner_, clock_, "test");
        auto back = importer.Import(out, {});
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(back->inserted, s->inserted);
        EXPECT_EQ(back->rejected, 0);
        auto names = [](store::Store& db) {
            callbase::testing::PlainView plain(db);
            std::string all;
            auto rows = db.Query(
                "SELECT c.name, c.email, p.e164 FROM contacts c JOIN phones p ON p.contact_id = "
                "c.id ORDER BY p.e164");
            for (const auto& r : *rows)
                all += r.Text(0) + r.Text(1) + r.Text(2) + "\n";
            return all;
        };
        EXPECT_EQ(names(*fresh), names(*db_)) << EncodingName(enc);
    }
}

std::string Fixture(const std::string& name) {
    return std::string(CALLBASE_SOURCE_DIR) + "/tests/data/import/" + name;
}

TEST_P(ImporterTest, Utf8BomCommaFixtureFromASpreadsheet) {
    auto s = Import(Fixture("messy_utf8_bom.csv"));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->encoding, "utf-8 (BOM)");
    EXPECT_EQ(s->delimiter, "','");
    EXPECT_EQ(s->read, 4);
    EXPECT_EQ(s->inserted, 3);
    EXPECT_EQ(s->rejected, 1);
    std::vector<std::string> seen;
    for (const auto& e : s->errors)
        seen.push_back(fmt::format("{}|{}|{}", e.line, e.column, e.value));
    // The quoted record spans lines 3-4, so the phoneless row is line 5.
    EXPECT_EQ(seen, (std::vector<std::string>{"5|Phone|n/a", "6|Work phone|garbage",
                                              "6|Status|sleeping", "6|Date added|yesterday"}));
    EXPECT_TRUE(s->errors[1].reason.starts_with("phone dropped")) << s->errors[1].reason;
    // Each reason has its code for the import page, filled the same as the English.
    std::vector<std::string> keys;
    for (const auto& e : s->errors) {
        keys.push_back(e.key);
        if (e.key == "import.row.phone_dropped" || e.key == "import.row.rejected_no_valid_phone") {
            ASSERT_EQ(e.params.size(), 1u) << e.key;
            EXPECT_EQ(e.params[0].first, "why");
            EXPECT_TRUE(e.reason.ends_with(": " + e.params[0].second)) << e.reason;
        }
    }
    EXPECT_EQ(keys, (std::vector<std::string>{
                        "import.row.rejected_no_valid_phone", "import.row.phone_dropped",
                        "import.row.unknown_status", "import.row.not_a_date"}));
    EXPECT_TRUE(s->errors[0].reason.starts_with("row rejected: no valid phone: "))
        << s->errors[0].reason;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE name = 'Smith, John' AND "
                    "comment = 'calls after 6pm, \"urgent\"'"),
              1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE comment = 'two\nline note'"), 1);
    EXPECT_EQ(Count("SELECT created_at FROM contacts WHERE name = 'Ivanova Anna'"),
              1738405800);  // 2025-02-01 10:30 UTC
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones"), 4);
}

TEST_P(ImporterTest, Cp1251FixtureWithQuotedLinesTagsAndCustomField) {
    auto s = Import(Fixture("messy_cp1251.csv"), {.source = "выставка"});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->encoding, "cp1251");
    EXPECT_EQ(s->delimiter, "';'");
    EXPECT_EQ(s->read, 4);
    EXPECT_EQ(s->inserted, 2);
    EXPECT_EQ(s->merged, 1);  // "Ёлкин П." is the first contact's number
    EXPECT_EQ(s->rejected, 1);
    EXPECT_EQ(s->custom_fields, std::vector<std::string>{"Менеджер"});
    std::vector<std::string> seen;
    for (const auto& e : s->errors)
        seen.push_back(fmt::format("{}|{}|{}", e.line, e.column, e.value));
    EXPECT_EQ(seen,
              (std::vector<std::string>{"3|Теги|Несуществующий тег", "6|Телефон|нет номера"}));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE name = 'Ёлкин Пётр' AND comment = "
                    "'звонить; после 18\nновый комментарий' AND source = 'выставка'"),
              1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE comment = 'две\nстроки\nтри'"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_values WHERE value = 'Ольга'"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones WHERE label = 'дополнительный'"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM import_errors"), 2);
}

TEST_P(ImporterTest, NoPhoneColumnFixtureIsRefused) {
    auto s = Import(Fixture("no_phone_column.csv"));
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("ФИО, Город, Комментарий"), std::string::npos)
        << s.error().message;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM imports"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_defs"), 0);
}

TEST_P(ImporterTest, MixedEncodingFileIsRefusedAndNothingWritten) {
    std::string mixed = "ФИО;Телефон\nИванов Иван;89161234567\nПетрова Анна;89161234568\n" +
                        Utf8ToCp1251("Сидоров;89161234569\n", nullptr);
    auto s = Import(Write("mixed.csv", mixed));
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("line 4"), std::string::npos) << s.error().message;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM imports"), 0);
}

// Many rows: on SQLite they go a hundred per statement, so these cross batches.
std::string ManyRows(int n, const std::string& extra_header = "",
                     const std::function<std::string(int)>& extra = {}) {
    std::string csv = "ФИО;Телефон;Сумма" + extra_header + "\n";
    for (int i = 0; i < n; ++i) {
        csv += fmt::format("Клиент {};8 916 {:03} {:02} {:02};{}", i, 100 + i / 10000,
                           (i / 100) % 100, i % 100, i);
        if (extra) csv += extra(i);
        csv += "\n";
    }
    return csv;
}

TEST_P(ImporterTest, BugMergeIntoAContactStillWaitingInABatch) {
    // Found on 1M rows: a duplicate of a contact whose field value was still
    // waiting in a batch was merged first, and the batch then failed on the
    // unique (contact, field) key. Row 250 repeats row 199, the last contact
    // of the second batch, with an e-mail to fill in.
    std::string csv = ManyRows(250, ";E-mail", [](int) { return ";"; });
    csv += "Клиент 199;+7 916 100-01-99;199;k199@example.ru\n";
    auto s = Import(Write("batch.csv", csv));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->inserted, 250);
    EXPECT_EQ(s->merged, 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE email = 'k199@example.ru'"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_values"), 250);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones"), 250);
    // And every phone of the file belongs to the contact its row made.
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones p JOIN contacts c ON c.id = p.contact_id "
                    "JOIN field_values v ON v.contact_id = c.id WHERE c.name = 'Клиент ' || "
                    "v.value"),
              250);
}

TEST_P(ImporterTest, AFailureInTheMiddleOfABatchNamesItsLine) {
    // The number as the phones table holds it (sealed in a sealed run).
    const std::string e164 = store::PhoneKey(*db_, "+79161000180");
    ASSERT_TRUE(db_->ExecScript(fmt::format(
        fmt::runtime(
            GetParam() == store::Backend::kSqlite
                ? "CREATE TRIGGER boom BEFORE INSERT ON phones WHEN NEW.e164 = '{}' "
                  "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
                : "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.e164 = '{}' "
                  "THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$ LANGUAGE "
                  "plpgsql; CREATE TRIGGER boom BEFORE INSERT ON phones FOR EACH ROW EXECUTE "
                  "FUNCTION boom()"),
        e164)));
    auto s = Import(Write("many.csv", ManyRows(300)));
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("many.csv:182:"), std::string::npos) << s.error().message;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM imports"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_defs"), 0);
}

TEST_P(ImporterTest, ABulkImportLeavesTheBaseInItsUsualMode) {
    // Into an empty base, an import runs in the store's bulk mode (on SQLite:
    // rollback journal, no foreign-key checks, the E.164 index built after the
    // rows); afterwards, whether it landed or failed, the base is as usual.
    auto usual = [&] {
        EXPECT_EQ(Count(GetParam() == store::Backend::kSqlite
                            ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'phones_e164'"
                            : "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'phones_e164' "
                              "AND schemaname = current_schema()"),
                  1);
        if (GetParam() != store::Backend::kSqlite) return;
        EXPECT_EQ(db_->Query("PRAGMA journal_mode")->front().Text(0), "wal");
        EXPECT_EQ(Count("PRAGMA foreign_keys"), 1);
        EXPECT_TRUE(db_->Query("PRAGMA foreign_key_check")->empty());
        EXPECT_EQ(db_->Query("PRAGMA integrity_check")->front().Text(0), "ok");
    };
    // The store fails on the 250th contact.
    ASSERT_TRUE(db_->ExecScript(
        GetParam() == store::Backend::kSqlite
            ? "CREATE TRIGGER boom BEFORE INSERT ON contacts WHEN (SELECT COUNT(*) FROM "
              "contacts) >= 249 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
            : "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF (SELECT COUNT(*) FROM "
              "contacts) >= 249 THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END "
              "$$ LANGUAGE plpgsql; CREATE TRIGGER boom BEFORE INSERT ON contacts FOR EACH ROW "
              "EXECUTE FUNCTION boom()"));
    ASSERT_FALSE(Import(Write("fails.csv", ManyRows(300))));
    usual();
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones"), 0);
    ASSERT_TRUE(
        db_->ExecScript("DROP TRIGGER boom" +
                        std::string(GetParam() == store::Backend::kSqlite ? "" : " ON contacts")));
    auto s = Import(Write("lands.csv", ManyRows(300)));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->inserted, 300);
    usual();
    // The index is used: a number is found by it.
    EXPECT_EQ(Count("SELECT COUNT(*) FROM phones WHERE e164 = '+79161000180'"), 1);
    // A second, smaller import into the now larger base takes the usual path
    // and merges by the rebuilt index's numbers.
    auto more =
        Import(Write("more.csv", "ФИО;Телефон;E-mail\nКлиент 180;89161000180;k@example.ru\n"));
    ASSERT_TRUE(more) << more.error().message;
    EXPECT_EQ(more->merged, 1);
    usual();
}

TEST_P(ImporterTest, AnImportWhileAnotherConnectionIsOpenWorksWithoutBulkMode) {
    if (GetParam() != store::Backend::kSqlite) GTEST_SKIP() << "bulk mode is SQLite's";
    std::string url = db_->Describe();
    auto other = store::Open(url.substr(url.find(':') + 1));
    ASSERT_TRUE(other) << other.error().message;
    auto s = Import(Write("many.csv", ManyRows(300)));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->inserted, 300);
    // The other connection reads the rows: the base stayed in WAL mode.
    auto seen = (*other)->QueryValue("SELECT COUNT(*) FROM contacts");
    ASSERT_TRUE(seen);
    EXPECT_EQ(store::Row({*seen}).Int(0), 300);
    EXPECT_EQ((*other)->Query("PRAGMA journal_mode")->front().Text(0), "wal");
}

TEST_P(ImporterTest, ConsentColumnsRecordConsentsWithTheLineAsProof) {
    // 1790000000 is 2026-09-21; the file's consent dates are before it.
    auto s = Import(Write("consents.csv",
                          "ФИО;Телефон;Рабочий телефон;Согласие на рекламу;Согласие на "
                          "обслуживание;Дата согласия\n"
                          "Анна;89161234567;84951234567;да;нет;2026-03-01\n"
                          "Борис;89031112233;;yes;1;\n"
                          "Вера;89051112233;;может быть;;01.02.2026\n"
                          "Глеб;89061112233;;+;;2030-01-01\n"));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->inserted, 4);
    // Анна: marketing on both her numbers; Борис: both purposes; Глеб: one.
    EXPECT_EQ(s->consents, 5);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM consents WHERE channel = 'import'"), 5);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM consents WHERE e164 = '+74951234567' AND purpose = "
                    "'marketing' AND obtained_at = 1772323200"),
              1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM consents WHERE e164 = '+79031112233' AND purpose = "
                    "'service' AND obtained_at = 1790000000"),
              1);
    auto proof =
        db_->QueryValue("SELECT form_id FROM consents WHERE e164 = $1 AND purpose = 'marketing'",
                        {store::PhoneKey(*db_, "+79031112233")});
    ASSERT_TRUE(proof);
    EXPECT_EQ(store::Row({*proof}).Text(0), fmt::format("import #{} line 3", s->import_id));
    // Вера's answer is not a yes or a no; Глеб's date is in the future (the
    // consent is kept, dated by the import).
    std::vector<std::string> reasons;
    for (const auto& e : s->errors)
        reasons.push_back(std::to_string(e.line) + ": " + e.reason);
    EXPECT_EQ(reasons.size(), 2u) << fmt::format("{}", fmt::join(reasons, "; "));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM consents WHERE e164 = '+79051112233'"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM consents WHERE e164 = '+79061112233' AND "
                    "obtained_at = 1790000000"),
              1);

    // Another file with the same consents adds none; a revoked consent is not
    // restored by a file unless its consent date is later than the revocation.
    ASSERT_TRUE(
        db_->Exec("UPDATE consents SET revoked_at = 1780000000, revoked_how = 'call' "
                  "WHERE e164 = $1",
                  {store::PhoneKey(*db_, "+79161234567")}));
    auto again = Import(Write("again.csv",
                              "ФИО;Телефон;Согласие;Дата согласия\n"
                              "Анна;89161234567;да;2026-03-01\n"
                              "Борис;89031112233;да;\n"));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->consents, 0);
    ASSERT_EQ(again->errors.size(), 1u);
    EXPECT_NE(again->errors[0].reason.find("revoked"), std::string::npos);
    auto later = Import(Write("later.csv",
                              "ФИО;Телефон;Согласие;Дата согласия\n"
                              "Анна;89161234567;да;2026-09-01\n"));
    ASSERT_TRUE(later) << later.error().message;
    EXPECT_EQ(later->consents, 1);
}

TEST_P(ImporterTest, AConsentColumnForAnUnknownPurposeStopsTheImportBeforeAnyRow) {
    ImportOptions options;
    options.mapping = {"Опрос=consent:surveys"};
    auto s = Import(Write("survey.csv", "ФИО;Телефон;Опрос\nАнна;89161234567;да\n"), options);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("unknown consent purpose 'surveys'"), std::string::npos);
    EXPECT_NE(s.error().hint.find("consent purpose add"), std::string::npos);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 0);
    ASSERT_TRUE(
        db_->Exec("INSERT INTO consent_purposes (name, description, builtin, created_at) "
                  "VALUES ('surveys', 'опросы', 0, 0)"));
    auto ok = Import(Write("survey.csv", "ФИО;Телефон;Опрос\nАнна;89161234567;да\n"), options);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->consents, 1);
}

// Issue 17, item 16: 16,000 extra columns made 16,001 custom fields and a
// 16 MB cell was stored. The caps stop both and name the row and column.
TEST_P(ImporterTest, AFileWiderThanTheColumnLimitIsRefusedBeforeAnythingIsWritten) {
    std::string header = "ФИО;Телефон";
    std::string row = "Анна;89161234567";
    for (int i = 0; i < 16'000; ++i) {
        header += fmt::format(";c{}", i);
        row += ";x";
    }
    auto s = Import(Write("wide.csv", header + "\n" + row + "\n"));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(s.error().message.find("wide.csv:1: the header row has 16002 columns, more than "
                                     "the 500"),
              std::string::npos)
        << s.error().message;
    EXPECT_NE(s.error().message.find("column 501 'c498'"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().hint.find("--max-columns"), std::string::npos);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_defs"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 0);
}

TEST_P(ImporterTest, AnImportCreatesNoMoreCustomFieldsThanTheLimit) {
    std::string header = "ФИО;Телефон";
    std::string row = "Анна;89161234567";
    for (int i = 0; i < 60; ++i) {
        header += fmt::format(";Поле {}", i);
        row += ";x";
    }
    const std::string file = Write("fields.csv", header + "\n" + row + "\n");
    auto s = Import(file);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("column 53 'Поле 50' would be new custom field number 51; "
                                     "an import may create at most 50"),
              std::string::npos)
        << s.error().message;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_defs"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 0);

    // Raised on purpose, the same file goes in whole.
    ImportOptions raised;
    raised.limits.max_new_fields = 60;
    auto ok = Import(file, raised);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->custom_fields.size(), 60u);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_defs"), 60);
}

TEST_P(ImporterTest, ARowWithACellOverTheLimitIsRejectedWithItsLineAndColumn) {
    const std::string big(16 << 20, 'a');
    auto s = Import(Write("big.csv",
                          "ФИО;Телефон;Комментарий\n"
                          "Анна;89161234567;обычный\n"
                          "Борис;89031112233;" +
                              big +
                              "\n"
                              "Вера;84951234567;ок\n"));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->read, 3);
    EXPECT_EQ(s->inserted, 2);
    EXPECT_EQ(s->rejected, 1);
    ASSERT_EQ(s->errors.size(), 1u);
    EXPECT_EQ(s->errors[0].line, 3);
    EXPECT_EQ(s->errors[0].column, "Комментарий");
    EXPECT_LT(s->errors[0].value.size(), 200u);
    EXPECT_NE(s->errors[0].reason.find("column 3 'Комментарий' holds 16777216 bytes, more than "
                                       "the 65536"),
              std::string::npos)
        << s->errors[0].reason;
    EXPECT_EQ(s->errors[0].key, "import.row.cell_too_big");
    EXPECT_EQ(s->errors[0].params, (MessageParams{{"column", "3"},
                                                  {"header", "Комментарий"},
                                                  {"bytes", "16777216"},
                                                  {"limit", "65536"}}));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE LENGTH(comment) > 65536"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM import_errors WHERE LENGTH(value) > 1000"), 0);

    // A quote left open makes the rest of the file one header cell.
    auto open = Import(Write("open.csv", "ФИО;\"Телефон\n" + big + "\n"));
    ASSERT_FALSE(open);
    EXPECT_NE(open.error().message.find("open.csv:1: column 2 of the header row holds"),
              std::string::npos)
        << open.error().message;
}

// Issue 17, item 18: text a spreadsheet would run as a formula is written so
// that it shows as text, in exports and error reports; numbers stay numbers,
// and an export imports back to the same values.
TEST_P(ImporterTest, ExportsAndErrorReportsWriteFormulasAsText) {
    auto s = Import(Write("evil.csv",
                          "ФИО;Телефон;Город;Комментарий;E-mail;Сумма\n"
                          "=1+2;89161234567;-2+3;@SUM(A1);-cmd;+cmd|' /C calc'!A0\n"
                          "\"=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\";89031112233;Москва;обычный;"
                          "a@b.ru;-12.5\n"
                          "Нет Телефона;=2+2;;;;\n"));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->inserted, 2);
    ASSERT_EQ(s->errors.size(), 1u);
    EXPECT_EQ(s->errors[0].value, "=2+2");

    const std::string out = (dir_ / "export.csv").string();
    auto e = ExportContacts(*db_, contacts::Filter{}, clock_.Now(), out, {});
    ASSERT_TRUE(e) << e.error().message;
    std::ifstream in(out, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::vector<std::string> lines;
    for (size_t at = 0; at < bytes.size();) {
        size_t end = bytes.find("\r\n", at);
        lines.push_back(bytes.substr(at, end - at));
        at = end + 2;
    }
    ASSERT_EQ(lines.size(), 3u) << bytes;
    EXPECT_TRUE(lines[1].starts_with("'=1+2;+79161234567;'-2+3;;'-cmd;")) << lines[1];
    EXPECT_NE(lines[1].find(";'@SUM(A1);"), std::string::npos) << lines[1];
    EXPECT_TRUE(lines[1].ends_with(";'+cmd|' /C calc'!A0")) << lines[1];
    EXPECT_TRUE(lines[2].starts_with("\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\";+79031112233;"))
        << lines[2];
    EXPECT_TRUE(lines[2].ends_with(";-12.5")) << "a number stays a number: " << lines[2];
    // No cell of the file begins a formula.
    for (size_t i = 1; i < lines.size(); ++i) {
        CsvReader reader(lines[i], ';');
        std::vector<std::string> cells;
        int64_t line = 0;
        ASSERT_TRUE(reader.Next(&cells, &line));
        for (const std::string& cell : cells) {
            if (cell.empty() || cell == "-12.5" || cell.starts_with("+7")) continue;
            EXPECT_EQ(std::string("=+-@\t\r").find(cell[0]), std::string::npos) << cell;
        }
    }

    // The error report too.
    const std::string report = (dir_ / "errors.csv").string();
    ASSERT_TRUE(WriteErrorReport(report, s->errors));
    std::ifstream report_in(report, std::ios::binary);
    const std::string report_bytes((std::istreambuf_iterator<char>(report_in)), {});
    EXPECT_NE(report_bytes.find("\r\n4;Телефон;'=2+2;"), std::string::npos) << report_bytes;

    // Imported back, the values are what was exported.
    auto fresh = testing::OpenFreshStore(GetParam());
    Importer importer(*fresh, cleaner_, clock_, "test");
    auto back = importer.Import(out, {});
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->inserted, 2);
    auto values = [](store::Store& db) {
        callbase::testing::PlainView plain(db);
        std::string all;
        auto rows = db.Query(
            "SELECT c.name, c.region, c.comment, c.email, COALESCE(v.value, '') FROM contacts c "
            "LEFT JOIN field_values v ON v.contact_id = c.id ORDER BY c.id");
        for (const auto& r : *rows)
            all += fmt::format("{}|{}|{}|{}|{}\n", r.Text(0), r.Text(1), r.Text(2), r.Text(3),
                               r.Text(4));
        return all;
    };
    EXPECT_EQ(values(*fresh), values(*db_));
    EXPECT_NE(values(*fresh).find("=1+2|-2+3|@SUM(A1)|-cmd|+cmd|' /C calc'!A0\n"),
              std::string::npos)
        << values(*fresh);
}

TEST_P(ImporterTest, AnXlsxExportImportsBackWithTheSameValuesAndFormulasStayText) {
    auto s = Import(Write("evil.csv",
                          "ФИО;Телефон;Город;Комментарий;Дата добавления;Сумма\n"
                          "=1+2;89161234567;-2+3;@SUM(A1);31.03.2026;+cmd|' /C calc'!A0\n"
                          "Петров;8 903 111-22-33;Москва;обычный;2025-01-02;1500\n"));
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->inserted, 2);
    const std::string out = (dir_ / "export.xlsx").string();
    auto e = ExportContacts(*db_, contacts::Filter{}, clock_.Now(), out,
                            {.format = ExportFormat::kXlsx});
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->contacts, 2);
    EXPECT_FALSE(fs::exists(out + ".part"));

    auto fresh = testing::OpenFreshStore(GetParam());
    Importer importer(*fresh, cleaner_, clock_, "test");
    auto back = importer.Import(out, {});
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->encoding, "xlsx");
    EXPECT_EQ(back->sheet, "Контакты");
    EXPECT_EQ(back->inserted, 2);
    EXPECT_TRUE(back->errors.empty()) << back->errors[0].reason;
    auto values = [](store::Store& db) {
        callbase::testing::PlainView plain(db);
        std::string all;
        auto rows = db.Query(
            "SELECT c.name, c.region, c.comment, c.created_at, p.e164, COALESCE(v.value, '') "
            "FROM contacts c JOIN phones p ON p.contact_id = c.id "
            "LEFT JOIN field_values v ON v.contact_id = c.id ORDER BY c.id");
        for (const auto& r : *rows)
            all += fmt::format("{}|{}|{}|{}|{}|{}\n", r.Text(0), r.Text(1), r.Text(2), r.Text(3),
                               r.Text(4), r.Text(5));
        return all;
    };
    EXPECT_EQ(values(*fresh), values(*db_));
    EXPECT_NE(values(*fresh).find("=1+2|-2+3|@SUM(A1)|1774915200|+79161234567|+cmd|' /C calc'!A0"),
              std::string::npos)
        << values(*fresh);
}

TEST_P(ImporterTest, WarnsAboutImpossibleDatesExtraCellsAndKeepsTheRows) {
    auto s = Import(Write("dates.csv",
                          "ФИО;Телефон;Дата рождения;Дата добавления\n"
                          "Иванов;89161234567;31.02.2000;1990-13-45\n"
                          "Петров;89031112233;29.02.2000;31.12.2025;лишнее;\n"
                          "Сидоров;89261112233;;;;\n"));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->inserted, 3);  // warnings reject nothing
    ASSERT_EQ(s->errors.size(), 3u);
    EXPECT_EQ(s->errors[0].line, 2);
    EXPECT_EQ(s->errors[0].column, "Дата рождения");
    EXPECT_EQ(s->errors[0].value, "31.02.2000");
    EXPECT_TRUE(s->errors[0].reason.starts_with("no such date")) << s->errors[0].reason;
    EXPECT_NE(s->errors[0].reason.find("kept as text"), std::string::npos);
    EXPECT_EQ(s->errors[1].line, 2);
    EXPECT_EQ(s->errors[1].column, "Дата добавления");
    EXPECT_EQ(s->errors[1].value, "1990-13-45");
    EXPECT_NE(s->errors[1].reason.find("the import date is used"), std::string::npos);
    EXPECT_EQ(s->errors[2].line, 3);
    EXPECT_EQ(s->errors[2].column, "column 5");
    EXPECT_EQ(s->errors[2].value, "лишнее");
    EXPECT_NE(s->errors[2].reason.find("more cells than the header"), std::string::npos);
    EXPECT_EQ(s->errors[0].key, "import.row.no_such_date_kept");
    EXPECT_EQ(s->errors[1].key, "import.row.no_such_date");
    EXPECT_EQ(s->errors[2].key, "import.row.extra_cells");
    EXPECT_EQ(s->errors[2].params, (MessageParams{{"columns", "4"}, {"column", "5"}}));
    EXPECT_EQ(s->errors[2].reason,
              "the row has more cells than the header's 4 columns; the cells from column 5 on "
              "were not imported (give them a header, or delete them)");
    // The impossible date is kept as the text it was (nothing accepted is lost).
    EXPECT_EQ(Count("SELECT COUNT(*) FROM field_values WHERE value = '31.02.2000'"), 1);
}

TEST_P(ImporterTest, AHeaderWithNoRowsIsAWarningAndTheHeaderRowCanBeGiven) {
    auto s = Import(Write("empty.csv", "ФИО;Телефон\r\n"));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->read, 0);
    ASSERT_EQ(s->errors.size(), 1u);
    EXPECT_EQ(s->errors[0].line, 1);
    EXPECT_NE(s->errors[0].reason.find("no rows"), std::string::npos);
    EXPECT_EQ(s->errors[0].key, "import.row.no_rows");

    const std::string titled = "Выгрузка из CRM за март\n\nФИО;Телефон\nИванов;89161234567\n";
    auto wrong = Import(Write("titled.csv", titled));
    ASSERT_FALSE(wrong);  // the title is taken for the header: no phone column
    auto blank = Import(Write("titled2.csv", titled), {.header_row = 2});
    ASSERT_FALSE(blank);
    EXPECT_NE(blank.error().hint.find("--header-row 3"), std::string::npos) << blank.error().hint;
    EXPECT_EQ(blank.error().key, "import.header_row_empty");
    EXPECT_EQ(
        blank.error().params,
        (MessageParams{{"file", blank.error().params[0].second}, {"line", "2"}, {"next", "3"}}));
    auto right = Import(Write("titled3.csv", titled), {.header_row = 3});
    ASSERT_TRUE(right) << right.error().message;
    EXPECT_EQ(right->inserted, 1);
    auto sheet = Import(Write("titled4.csv", titled + "Петров;89031112233\n"),
                        {.sheet = "2", .header_row = 3});
    ASSERT_FALSE(sheet);
    EXPECT_NE(sheet.error().message.find("no sheets"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImporterTest, ::testing::ValuesIn(testing::TestBackends()),
                         testing::BackendName);

}  // namespace
}  // namespace callbase::ingest
