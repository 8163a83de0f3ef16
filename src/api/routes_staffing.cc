// The staffing forecast over the API (issue 19, item 10): GET /api/v1/staffing
// reads the calls, the AHT and the targets from the query and answers
// routing::Plan's forecast (docs/routing.md). Nothing of the base is read.
#include <fmt/format.h>

#include "api/handlers.h"
#include "api/json.h"
#include "core/number_text.h"
#include "routing/erlang.h"

namespace callbase::api::handlers {
namespace {

// The query parameter `name` as a number, or `fallback` when it is absent or
// empty; a text that is no number is the parameter's coded error.
Result<std::optional<double>> NumberParam(const Call& c, const char* name,
                                          std::optional<double> fallback = std::nullopt) {
    auto text = c.request.Query(name);
    if (!text || text->empty()) return fallback;
    if (auto v = ParseDecimal(*text)) return v;
    return std::unexpected(routing::StaffingFieldError(name, *text));
}

}  // namespace

Result<Response> Staffing(Call& c) {
    for (const char* required : {"calls", "aht"}) {
        auto text = c.request.Query(required);
        if (!text || text->empty()) {
            return Fail(ErrorCode::kInvalidInput,
                        Msg{"staffing.missing", "give {field}",
                            "calls: calls an hour (or per interval); aht: the average handle "
                            "time in seconds; e.g. ?calls=300&aht=180"},
                        {{"field", required}});
        }
    }
    routing::StaffingInput in;
    struct Field {
        const char* name;
        double* into;
    };
    for (const Field& f :
         {Field{"calls", &in.calls}, Field{"aht", &in.aht_seconds},
          Field{"interval", &in.interval_minutes}, Field{"target", &in.target},
          Field{"threshold", &in.threshold_seconds}, Field{"shrinkage", &in.shrinkage}}) {
        auto v = NumberParam(c, f.name, *f.into);
        if (!v) return std::unexpected(v.error());
        *f.into = **v;
    }
    auto occupancy = NumberParam(c, "max_occupancy");
    if (!occupancy) return std::unexpected(occupancy.error());
    in.max_occupancy = *occupancy;
    auto asa = NumberParam(c, "max_asa");
    if (!asa) return std::unexpected(asa.error());
    in.max_asa_seconds = *asa;
    auto plan = routing::Plan(in);
    if (!plan) return std::unexpected(plan.error());
    c.detail = fmt::format("staffing: {} calls/h, AHT {} s, target {}/{} s: {} agents",
                           plan->calls_per_hour, in.aht_seconds, in.target, in.threshold_seconds,
                           plan->answer.agents);
    return JsonResponse(200, StaffingJson(*plan));
}

}  // namespace callbase::api::handlers
