#include "security/audit_watch.h"

#include <fmt/format.h>

namespace callbase::security {

Result<ChainCheck> ChainWatch::Run() {
    AuditLog log(store_, clock_);
    auto check = log.Inspect(anchor_);
    if (!check) return std::unexpected(check.error());
    if (!check->broken) {
        anchor_.reset();
        if (check->head_id > 0) anchor_ = Anchor{check->head_id, check->head};
        reported_.clear();
        return check;
    }
    // The anchor stays: the next run finds the same break, recorded once.
    const ChainBreak& b = *check->broken;
    // A cut tail is one break however many records were appended after the
    // cut (its record id moves with them): keyed by the anchor.
    const bool at_anchor =
        b.kind == ChainBreak::Kind::kAnchorMissing || b.kind == ChainBreak::Kind::kAnchorMismatch;
    const std::string key = at_anchor ? fmt::format("anchor {}", anchor_->id)
                                      : fmt::format("{} {}", ChainBreakName(b.kind), b.record_id);
    if (key == reported_) return check;
    auto appended = log.Append(
        {std::string(kChainAlertActor), "admin", std::string(kChainAlertObject),
         fmt::format("audit:{}", b.record_id), "serve",
         fmt::format("the audit log was tampered with: {}; {}", b.message, TamperHint(b))});
    if (!appended) return std::unexpected(appended.error());
    reported_ = key;
    return check;
}

AuditSchedule::AuditSchedule(OpenStore open, const Clock& clock, std::chrono::seconds every,
                             std::function<void(const Error&)> on_error)
    : open_(std::move(open)),
      clock_(clock),
      every_(every),
      on_error_(std::move(on_error)),
      thread_([this] { Loop(); }) {}

AuditSchedule::~AuditSchedule() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

int AuditSchedule::runs() const {
    std::lock_guard lock(mutex_);
    return runs_;
}

void AuditSchedule::Loop() {
    std::unique_ptr<store::Store> store;
    std::optional<ChainWatch> watch;
    std::unique_lock lock(mutex_);
    for (;;) {
        if (wake_.wait_for(lock, every_, [this] { return stopping_; })) return;
        lock.unlock();
        Result<void> ran = [&]() -> Result<void> {
            if (!store) {
                auto opened = open_();
                if (!opened) return std::unexpected(opened.error());
                store = std::move(*opened);
                watch.emplace(*store, clock_);
            }
            auto check = watch->Run();
            if (!check) return std::unexpected(check.error());
            return {};
        }();
        if (!ran && on_error_) on_error_(ran.error());
        lock.lock();
        ++runs_;
    }
}

}  // namespace callbase::security
