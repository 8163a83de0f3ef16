#include "ingest/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <vector>

#include "ingest/csv.h"
#include "phone/numbering_plan.h"
#include "phone/spelling.h"

namespace callbase::ingest {
namespace {

constexpr std::array<std::string_view, 40> kSurnames = {
    "Иванов",  "Смирнов", "Кузнецов", "Попов",       "Васильев", "Петров",    "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов",  "Волков",      "Алексеев", "Лебедев",   "Семёнов", "Егоров",
    "Павлов",  "Козлов",  "Степанов", "Николаев",    "Орлов",    "Андреев",   "Макаров", "Никитин",
    "Захаров", "Зайцев",  "Соловьёв", "Борисов",     "Яковлев",  "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кузьмин", "Фролов",   "Александров", "Дмитриев", "Королёв",   "Гусев",   "Киселёв"};
struct MaleName {
    std::string_view name, patronymic_m, patronymic_f;
};
constexpr std::array<MaleName, 20> kMaleNames = {{
    {"Александр", "Александрович", "Александровна"},
    {"Сергей", "Сергеевич", "Сергеевна"},
    {"Дмитрий", "Дмитриевич", "Дмитриевна"},
    {"Андрей", "Андреевич", "Андреевна"},
    {"Алексей", "Алексеевич", "Алексеевна"},
    {"Максим", "Максимович", "Максимовна"},
    {"Евгений", "Евгеньевич", "Евгеньевна"},
    {"Иван", "Иванович", "Ивановна"},
    {"Михаил", "Михайлович", "Михайловна"},
    {"Николай", "Николаевич", "Николаевна"},
    {"Владимир", "Владимирович", "Владимировна"},
    {"Павел", "Павлович", "Павловна"},
    {"Олег", "Олегович", "Олеговна"},
    {"Игорь", "Игоревич", "Игоревна"},
    {"Виктор", "Викторович", "Викторовна"},
    {"Юрий", "Юрьевич", "Юрьевна"},
    {"Роман", "Романович", "Романовна"},
    {"Пётр", "Петрович", "Петровна"},
    {"Антон", "Антонович", "Антоновна"},
    {"Георгий", "Георгиевич", "Георгиевна"},
}};
constexpr std::array<std::string_view, 20> kFemaleNames = {
    "Елена",   "Ольга",     "Наталья",   "Татьяна",  "Ирина",     "Светлана", "Анна",
    "Мария",   "Юлия",      "Екатерина", "Марина",   "Анастасия", "Дарья",    "Галина",
    "Людмила", "Валентина", "Ксения",    "Виктория", "Алина",     "Полина"};
constexpr std::array<std::string_view, 8> kSources = {
    "сайт", "звонок", "выставка", "партнёр", "реклама", "рекомендация", "Авито", "e-mail рассылка"};
constexpr std::array<std::string_view, 8> kComments = {"",
                                                       "",
                                                       "",
                                                       "просил перезвонить после 18:00",
                                                       "интересовался ценой; просил КП",
                                                       "клиент сказал: \"дорого\"",
                                                       "не берёт трубку,\nпопробовать позже",
                                                       "VIP, работать бережно"};
constexpr std::array<std::string_view, 8> kJunk = {
    "нет", "-", "123", "", "+7 (000) 000-00-00", "не звонить", "тел. уточнить", "0"};

std::string Feminine(std::string_view surname) {
    std::string s(surname);
    if (s.ends_with("ий")) return s.substr(0, s.size() - 4) + "ая";
    return s + "а";  // -ов, -ев, -ёв, -ин
}

std::string Translit(std::string_view text) {
    static const std::array<std::pair<std::string_view, std::string_view>, 33> kTable = {{
        {"а", "a"},  {"б", "b"},  {"в", "v"},  {"г", "g"},  {"д", "d"},  {"е", "e"},   {"ё", "e"},
        {"ж", "zh"}, {"з", "z"},  {"и", "i"},  {"й", "y"},  {"к", "k"},  {"л", "l"},   {"м", "m"},
        {"н", "n"},  {"о", "o"},  {"п", "p"},  {"р", "r"},  {"с", "s"},  {"т", "t"},   {"у", "u"},
        {"ф", "f"},  {"х", "kh"}, {"ц", "ts"}, {"ч", "ch"}, {"ш", "sh"}, {"щ", "sch"}, {"ъ", ""},
        {"ы", "y"},  {"ь", ""},   {"э", "e"},  {"ю", "yu"}, {"я", "ya"},
    }};
    std::string out;
    for (size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            out.push_back(static_cast<char>(std::tolower(text[i])));
            ++i;
            continue;
        }
        std::string_view ch = text.substr(i, 2);
        std::string lower(ch);
        // Upper-case Cyrillic А..Я (D0 90..D0 AF) to lower (D0 B0.. / D1 80..).
        auto b = static_cast<unsigned char>(ch[1]);
        if (static_cast<unsigned char>(ch[0]) == 0xD0 && b >= 0x90 && b <= 0xAF) {
            int c = 0x430 + (b - 0x90);
            lower = {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
        } else if (static_cast<unsigned char>(ch[0]) == 0xD0 && b == 0x81) {
            lower = "ё";
        }
        for (const auto& [cyr, lat] : kTable) {
            if (lower == cyr) out += lat;
        }
        i += 2;
    }
    return out;
}

std::string CityOf(std::string_view region) {
    std::string r(region.substr(0, region.find(',')));
    constexpr std::string_view kCity = "Город ";
    if (r.starts_with(kCity)) return r.substr(kCity.size());
    return r;
}

}  // namespace

Result<void> ValidateGeneratorOptions(const GeneratorOptions& o) {
    if (o.rows < 0) {
        return Fail(ErrorCode::kInvalidInput, fmt::format("--rows {}: must be 0 or more", o.rows));
    }
    if (o.dup_rate < 0 || o.dup_rate > 1) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("--dup-rate {}: must be between 0 and 1", o.dup_rate),
                    "for 5 % duplicates give --dup-rate 0.05");
    }
    if (o.junk_rate < 0 || o.junk_rate > 1 || o.dup_rate + o.junk_rate > 1) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("--junk-rate {}: must be between 0 and 1, and with --dup-rate "
                                "at most 1",
                                o.junk_rate),
                    "for 3 % junk rows give --junk-rate 0.03");
    }
    return {};
}

Result<void> GenerateContacts(const phone::NumberingPlan& plan, const GeneratorOptions& o,
                              std::ostream& out, const std::function<void(int64_t)>& on_progress) {
    if (auto ok = ValidateGeneratorOptions(o); !ok) return ok;
    std::mt19937_64 rng(o.seed);
    auto pick = [&](uint64_t n) { return rng() % n; };
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };

    // People live where real numbers are: a city from a range of the plan
    // weighted by its capacity. Their numbers are invented in the stretches no
    // operator holds (pseudonymized data: never a real subscriber's number).
    std::vector<uint64_t> cumulative(plan.size());
    uint64_t total = 0;
    for (size_t i = 0; i < plan.size(); ++i) {
        auto r = plan.Range(i);
        total += r.to - r.from + 1;
        cumulative[i] = total;
    }
    const std::vector<phone::NumberingPlan::RangeInfo> free_ranges = plan.Unassigned();
    std::vector<uint64_t> free_cumulative(free_ranges.size());
    uint64_t free_total = 0;
    for (size_t i = 0; i < free_ranges.size(); ++i) {
        free_total += free_ranges[i].to - free_ranges[i].from + 1;
        free_cumulative[i] = free_total;
    }
    if (total == 0 || free_total == 0) {
        return Fail(ErrorCode::kInvalidInput,
                    "the numbering plan leaves no unassigned +7 9XX numbers to invent from",
                    "load the shipped plan (data/numbering/DEF-9xx.csv)");
    }
    auto invented = [&] {
        uint64_t at = pick(free_total);
        size_t i = std::upper_bound(free_cumulative.begin(), free_cumulative.end(), at) -
                   free_cumulative.begin();
        const auto& r = free_ranges[i];
        return uint64_t{r.code} * 10000000 + r.from + pick(r.to - r.from + 1);
    };
    // A number in range i of the plan (real_ranges: the demo's cards).
    auto in_range = [&](size_t i) {
        const auto r = plan.Range(i);
        return uint64_t{r.code} * 10000000 + r.from + pick(r.to - r.from + 1);
    };
    struct Person {
        size_t range = 0;  // the plan's range the person's city came from
        uint64_t national;
        std::string name, email, city;
    };
    std::vector<Person> people;
    people.reserve(static_cast<size_t>(o.rows));

    std::string buffer;
    AppendCsvRecord(buffer,
                    {"ФИО", "Телефон", "Рабочий телефон", "Город", "Источник", "E-mail",
                     "Дата добавления", "Комментарий", "Сумма заказа"},
                    o.delimiter);
    auto flush = [&](bool force) {
        if (!force && buffer.size() < (1 << 20)) return;
        std::string bytes =
            o.encoding == Encoding::kCp1251 ? Utf8ToCp1251(buffer, nullptr) : buffer;
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        buffer.clear();
    };

    std::vector<std::string> rec(9);
    for (int64_t row = 0; row < o.rows; ++row) {
        double roll = std::uniform_real_distribution<double>(0, 1)(rng);
        bool dup = roll < o.dup_rate && !people.empty();
        bool junk = !dup && roll < o.dup_rate + o.junk_rate;
        Person person;
        if (dup) {
            person = people[pick(people.size())];
            if (chance(0.3)) person.email.clear();
        } else {
            bool male = chance(0.5);
            const MaleName& father = kMaleNames[pick(kMaleNames.size())];
            std::string_view surname = kSurnames[pick(kSurnames.size())];
            std::string first(male ? kMaleNames[pick(kMaleNames.size())].name
                                   : kFemaleNames[pick(kFemaleNames.size())]);
            person.name = fmt::format("{} {} {}", male ? std::string(surname) : Feminine(surname),
                                      first, male ? father.patronymic_m : father.patronymic_f);
            if (chance(0.6)) {
                person.email = fmt::format("{}.{}{}@{}", Translit(first), Translit(surname),
                                           pick(100), chance(0.5) ? "mail.ru" : "yandex.ru");
            }
            uint64_t at = pick(total);
            size_t i =
                std::upper_bound(cumulative.begin(), cumulative.end(), at) - cumulative.begin();
            person.city = CityOf(plan.Range(i).entry.region);
            person.range = i;
            person.national = o.real_ranges ? in_range(i) : invented();
            people.push_back(person);
        }
        // A repeated person is sometimes written without the patronymic.
        rec[0] = dup && chance(0.5) ? person.name.substr(0, person.name.rfind(' ')) : person.name;
        rec[1] = junk ? std::string(kJunk[pick(kJunk.size())])
                      : phone::SpellRussian(person.national, rng);
        rec[2] = chance(0.1)
                     ? phone::SpellRussian(o.real_ranges ? in_range(person.range) : invented(), rng)
                     : "";
        rec[3] = person.city;
        rec[4] = std::string(kSources[pick(kSources.size())]);
        rec[5] = person.email;
        std::time_t added = o.today - static_cast<int64_t>(pick(730 * 86400));
        char date[16];
        std::strftime(date, sizeof date, chance(0.5) ? "%d.%m.%Y" : "%Y-%m-%d",
                      std::gmtime(&added));
        rec[6] = date;
        rec[7] = std::string(kComments[pick(kComments.size())]);
        rec[8] = chance(0.4) ? fmt::format("{}", 500 + pick(200000)) : "";
        AppendCsvRecord(buffer, rec, o.delimiter);
        flush(false);
        if (on_progress && (row & 65535) == 0) on_progress(row);
    }
    flush(true);
    if (!out) return Fail(ErrorCode::kIo, "cannot write the generated file", "check the disk");
    return {};
}

}  // namespace callbase::ingest
