#include "contacts/health.h"

#include <fmt/format.h>

#include "core/error.h"

namespace callbase::contacts {
namespace {

constexpr int64_t kIdleDays = 90;

// Why a metric has no value yet.
constexpr Msg kNothingYet = Msg{"health.note.nothing_yet", "nothing to measure yet"};
constexpr Msg kNoCalls = Msg{"health.note.no_calls", "n/a until calls exist"};

void SetNote(HealthMetric& m, const Msg& why) {
    m.note = std::string(why.message);
    m.note_code = std::string(why.key);
}

void Judge(HealthMetric& m) {
    if (m.total == 0) {
        m.verdict = HealthVerdict::kNotApplicable;
        if (m.note.empty()) SetNote(m, kNothingYet);
        return;
    }
    m.percent = 100.0 * static_cast<double>(m.count) / static_cast<double>(m.total);
    bool ok = m.lower_is_better ? m.percent < m.target_percent : m.percent > m.target_percent;
    m.verdict = ok ? HealthVerdict::kPass : HealthVerdict::kFail;
}

}  // namespace

std::string_view VerdictName(HealthVerdict verdict) {
    switch (verdict) {
        case HealthVerdict::kPass:
            return "pass";
        case HealthVerdict::kFail:
            return "fail";
        case HealthVerdict::kNotApplicable:
            return "n/a";
    }
    return "n/a";
}

Result<HealthReport> BaseHealth::Compute() {
    HealthReport report;
    report.at = clock_.Now();
    int64_t idle_edge = report.at - kIdleDays * 86400;

    auto contacts = store_.Query(
        "SELECT CAST(COUNT(*) AS BIGINT), "
        "CAST(COALESCE(SUM(CASE WHEN merged_into IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT), "
        "CAST(COALESCE(SUM(CASE WHEN merged_into IS NULL AND "
        "  COALESCE(last_interaction_at, created_at) < $1 THEN 1 ELSE 0 END), 0) AS BIGINT) "
        "FROM contacts",
        {idle_edge});
    if (!contacts) return std::unexpected(contacts.error());
    const auto& c = contacts->front();
    report.contacts = c.Int(1);
    report.merged_contacts = c.Int(0) - c.Int(1);
    int64_t idle = c.Int(2);

    auto phones = store_.Query(
        "SELECT CAST(COUNT(*) AS BIGINT), "
        "CAST(COALESCE(SUM(CASE WHEN p.valid = 0 OR p.inactive = 1 THEN 1 ELSE 0 END), 0) "
        "AS BIGINT) FROM phones p JOIN contacts c ON c.id = p.contact_id "
        "WHERE c.merged_into IS NULL");
    if (!phones) return std::unexpected(phones.error());
    report.phones = phones->front().Int(0);
    int64_t non_working = phones->front().Int(1);

    auto dup = store_.QueryValue(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM phones p JOIN contacts c ON c.id = p.contact_id "
        "WHERE c.merged_into IS NULL AND p.e164 IN ("
        "  SELECT p2.e164 FROM phones p2 JOIN contacts c2 ON c2.id = p2.contact_id "
        "  WHERE c2.merged_into IS NULL AND p2.e164 <> '' "
        "  GROUP BY p2.e164 HAVING COUNT(DISTINCT p2.contact_id) > 1)");
    if (!dup) return std::unexpected(dup.error());
    int64_t duplicates = store::Row({*dup}).Int(0);

    HealthMetric nw;
    nw.id = "non_working";
    nw.name_en = "Non-working numbers";
    nw.name_ru = "Нерабочие номера";
    nw.count = non_working;
    nw.total = report.phones;
    nw.target = "< 15 %";
    nw.target_percent = 15;
    nw.action_en =
        "Clean the base: remove invalid and inactive numbers (check them by HLR) "
        "and replenish contacts";
    nw.action_ru =
        "Очистите базу: уберите неверные и неактивные номера (проверьте HLR-запросом) "
        "и докупите контакты";
    Judge(nw);

    HealthMetric cr;
    cr.id = "contact_rate";
    cr.name_en = "Contact rate";
    cr.name_ru = "Конверсия в контакт";
    cr.target = "> 22 %";
    cr.target_percent = 22;
    cr.lower_is_better = false;
    SetNote(cr, kNoCalls);
    cr.action_en = "Check that segments are current and the calling times are right";
    cr.action_ru = "Проверьте актуальность сегментов и время обзвона";
    Judge(cr);

    HealthMetric dp;
    dp.id = "duplicates";
    dp.name_en = "Duplicate numbers";
    dp.name_ru = "Повторные номера";
    dp.count = duplicates;
    dp.total = report.phones;
    dp.target = "< 5 %";
    dp.target_percent = 5;
    dp.action_en = "Merge duplicates into one client card: callbase dedup --apply";
    dp.action_ru = "Объедините дубли в карточке клиента: callbase dedup --apply";
    Judge(dp);

    HealthMetric id;
    id.id = "idle_90d";
    id.name_en = "No interaction for 90 days";
    id.name_ru = "Без взаимодействий 90 дней";
    id.count = idle;
    id.total = report.contacts;
    id.target = "< 30 %";
    id.target_percent = 30;
    id.action_en = "Start reactivation of stale records (filter idle>=90) or archive them";
    id.action_ru = "Запустите реактивацию давних записей (фильтр idle>=90) или архивируйте их";
    Judge(id);

    report.metrics = {nw, cr, dp, id};
    return report;
}

}  // namespace callbase::contacts
