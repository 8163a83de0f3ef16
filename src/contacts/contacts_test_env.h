// Test scaffolding shared by the contacts tests: the backends to run on, a fresh
// migrated store per test, and small builders for contacts and cleaned phones.
//
// Store-touching tests are parameterized over tests/support (SQLite and the test
// PostgreSQL server).
// Test-only; not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "contacts/contact.h"
#include "store/store.h"

#include "support/test_store.h"

namespace callbase::contacts::test {

inline std::vector<store::Backend> Backends() {
    return callbase::testing::TestBackends();
}

inline std::string BackendLabel(const ::testing::TestParamInfo<store::Backend>& info) {
    return callbase::testing::BackendName(info);
}

inline std::unique_ptr<store::Store> FreshStore(store::Backend backend) {
    return callbase::testing::OpenFreshStore(backend);
}

// A phone as the cleaner would return it for a valid Russian mobile number.
inline NewPhone Mobile(std::string e164, std::string raw = "", std::string label = "основной") {
    NewPhone p;
    p.cleaned.input = raw.empty() ? e164 : raw;
    p.cleaned.e164 = std::move(e164);
    p.cleaned.type = phone::LineType::kMobile;
    p.cleaned.country = "RU";
    p.cleaned.region = "Москва";
    p.cleaned.operator_name = "МТС";
    p.cleaned.utc_offset_minutes = 180;
    p.cleaned.timezone = "Europe/Moscow";
    p.cleaned.qc = raw.empty() ? phone::Quality::kSure : phone::Quality::kCorrected;
    p.cleaned.all = {p.cleaned.e164};
    p.label = std::move(label);
    return p;
}

inline NewPhone Junk(std::string raw) {
    NewPhone p;
    p.cleaned.input = std::move(raw);
    p.cleaned.qc = phone::Quality::kJunk;
    p.cleaned.reason = "not a phone number";
    return p;
}

}  // namespace callbase::contacts::test
