#include "ingest/exporter.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "contacts/contact_book.h"
#include "ingest/csv.h"
#include "ingest/xlsx_writer.h"

namespace callbase::ingest {

Result<ExportFormat> ParseExportFormat(std::string_view text) {
    if (text == "csv") return ExportFormat::kCsv;
    if (text == "xlsx") return ExportFormat::kXlsx;
    return Fail(
        ErrorCode::kInvalidInput,
        Msg{"export.unknown_format", "export format '{format}': unknown", "use csv or xlsx"},
        {{"format", std::string(text)}});
}

std::string_view ExportFormatId(ExportFormat format) {
    return format == ExportFormat::kXlsx ? "xlsx" : "csv";
}

const std::vector<std::string>& ExportFixedColumns() {
    static const std::vector<std::string> kColumns = {"ФИО",      "Телефон",     "Регион",
                                                      "Источник", "E-mail",      "Статус",
                                                      "Теги",     "Комментарий", "Дата добавления"};
    return kColumns;
}

Result<ExportSummary> ExportContacts(store::Store& store, const contacts::Filter& filter,
                                     int64_t now, const std::string& path,
                                     const ExportOptions& options) {
    auto where = contacts::ToSql(filter, now, 1, store.cipher());
    if (!where) return std::unexpected(where.error());
    auto defs = store.Query("SELECT id, name FROM field_defs ORDER BY id");
    if (!defs) return std::unexpected(defs.error());

    std::string temp = path + ".part";
    const bool xlsx = options.format == ExportFormat::kXlsx;
    std::ofstream out;
    std::unique_ptr<XlsxWriter> book;
    if (xlsx) {
        auto created = XlsxWriter::Create(temp, "Контакты",
                                          std::filesystem::path(path).parent_path().string());
        if (!created) return std::unexpected(created.error());
        book = std::move(*created);
    } else {
        out.open(temp, std::ios::binary);
    }
    if (!xlsx && !out) {
        return Fail(ErrorCode::kIo, fmt::format("cannot write {}", path),
                    "check the folder exists and is writable");
    }
    ExportSummary summary;
    std::string buffer;
    auto flush = [&](bool force) {
        if (xlsx) return;
        if (!force && buffer.size() < (1 << 20)) return;
        std::string bytes = options.encoding == Encoding::kCp1251
                                ? Utf8ToCp1251(buffer, &summary.unmappable)
                                : buffer;
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        buffer.clear();
    };
    if (!xlsx && options.encoding == Encoding::kUtf8) out.write("\xEF\xBB\xBF", 3);
    std::vector<std::string> header = ExportFixedColumns();
    for (const auto& d : *defs)
        header.push_back(d.Text(1));
    // The date added (column 9) is a real date in a workbook.
    static const std::vector<size_t> kDateColumns = {8};
    if (xlsx) {
        std::vector<double> widths = {32, 20, 18, 14, 24, 12, 18, 32, 16};
        if (auto ok = book->Header(header, widths); !ok) return std::unexpected(ok.error());
    } else {
        AppendCsvRecord(buffer, header, options.delimiter);
    }

    std::string sql = fmt::format(
        "SELECT c.id, c.name, c.region, c.source, c.email, c.status, c.comment, c.created_at "
        "FROM contacts c WHERE {} ORDER BY c.id",
        where->sql);
    std::vector<std::vector<std::string>> rows;
    Error failure;
    bool failed = false;
    auto ok = store.ForEach(sql, where->params, [&](const store::Row& r) {
        std::vector<std::string> rec = {r.Text(1), "",        r.Text(2), r.Text(3),
                                        r.Text(4), r.Text(5), "",        r.Text(6)};
        std::time_t t = r.Int(7);
        char date[32];
        std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&t));
        rec.push_back(date);
        rec.resize(9 + defs->size());
        rows.push_back(std::move(rec));
        rows.back().push_back(std::to_string(r.Int(0)));  // id, removed below
        return true;
    });
    if (!ok) return std::unexpected(ok.error());
    for (auto& rec : rows) {
        int64_t id = std::stoll(rec.back());
        rec.pop_back();
        auto name = store::OpenText(store, rec[0], contacts::kNameColumn);
        if (!name) {
            failure = name.error();
            failed = true;
            break;
        }
        rec[0] = options.name ? options.name(*name) : std::move(*name);
        auto comment = store::OpenText(store, rec[7], store::kNoteColumn);
        if (!comment) {
            failure = comment.error();
            failed = true;
            break;
        }
        rec[7] = std::move(*comment);
        auto email = store::OpenText(store, rec[4], store::kEmailColumn);
        if (!email) {
            failure = email.error();
            failed = true;
            break;
        }
        rec[4] = std::move(*email);
        if (!options.free_text) rec[4] = rec[7] = "";
        auto phones = store.Query(
            "SELECT e164, extension FROM phones WHERE contact_id = $1 ORDER BY position", {id});
        auto tags = store.Query(
            "SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id "
            "WHERE ct.contact_id = $1 ORDER BY t.name",
            {id});
        auto values =
            store.Query("SELECT field_id, value FROM field_values WHERE contact_id = $1", {id});
        if (!phones || !tags || !values) {
            failure = !phones ? phones.error() : !tags ? tags.error() : values.error();
            failed = true;
            break;
        }
        std::vector<std::string> numbers;
        for (const auto& p : *phones) {
            auto e164 = store::PhoneOf(store, p.Text(0));
            if (!e164) {
                failure = e164.error();
                failed = true;
                break;
            }
            auto shown = options.number ? options.number(*e164) : Result<std::string>(*e164);
            if (!shown) {
                failure = shown.error();
                failed = true;
                break;
            }
            numbers.push_back(p.Text(1).empty() ? *shown : *shown + " доб. " + p.Text(1));
            if (!options.all_phones) break;
        }
        if (failed) break;
        rec[1] = fmt::format("{}", fmt::join(numbers, ", "));
        std::vector<std::string> names;
        for (const auto& t : *tags)
            names.push_back(t.Text(0));
        rec[6] = fmt::format("{}", fmt::join(names, ", "));
        for (const auto& v : *values) {
            for (size_t k = 0; k < defs->size(); ++k) {
                if ((*defs)[k].Int(0) == v.Int(0)) rec[9 + k] = v.Text(1);
            }
        }
        if (xlsx) {
            if (auto ok = book->Row(rec, kDateColumns); !ok) {
                failure = ok.error();
                failed = true;
                break;
            }
        } else {
            AppendCsvRecord(buffer, rec, options.delimiter);
        }
        ++summary.contacts;
        flush(false);
    }
    flush(true);
    if (xlsx) {
        if (failed) {
            book.reset();  // removes the part file
        } else if (auto ok = book->Close(); !ok) {
            return std::unexpected(ok.error());
        }
    } else {
        out.close();
    }
    if (failed || (!xlsx && !out)) {
        std::filesystem::remove(temp);
        if (failed) return std::unexpected(failure);
        return Fail(ErrorCode::kIo, fmt::format("cannot write {}", path), "check the disk space");
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp);
        return Fail(ErrorCode::kIo, fmt::format("cannot write {}: {}", path, ec.message()),
                    "check the folder is writable");
    }
    return summary;
}

}  // namespace callbase::ingest
