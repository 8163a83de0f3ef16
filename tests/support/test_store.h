// Fresh databases for tests, on every backend: SQLite in a temporary file and
// PostgreSQL in a new schema of the server that the `postgres` CTest fixture
// starts (scripts/pg-test-server). PostgreSQL is not optional: when the server
// cannot be reached the test fails and says how to start it.
//
// Test-only. Each returned Store is owned by one test and removes its database
// (file or schema) when destroyed.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace callbase::testing {

// The backends every store-dependent test runs on.
std::vector<store::Backend> TestBackends();

// True in the "/Sealed" runs (CALLBASE_TEST_SEALED=1), where every fresh base
// is encrypted: for the few assertions that read stored values directly.
bool SealedRun();

// In a sealed run, the base as if plain while it lives: a transaction that
// opens every sealed value, rolled back when it goes (so tests read stored
// rows with plain SQL). Opening fails the test when a value that should be
// sealed is not: every look through it checks that nothing was left plain.
// Nothing to do in a plain run.
class PlainView {
public:
    explicit PlainView(store::Store& db);
    ~PlainView();
    PlainView(const PlainView&) = delete;
    PlainView& operator=(const PlainView&) = delete;

private:
    store::Store* db_ = nullptr;
};

// In a sealed run, seals what a test wrote with plain SQL (values sealed
// already are left as they are). Nothing to do in a plain run.
void SealSeeded(store::Store& db);

// A fresh, migrated, empty database for one test (encrypted in a sealed run); nullptr (with a test
// failure recorded) when it cannot be had. `schema_version` stops the
// migrations at that version (0: the latest), for tests of a migration.
std::unique_ptr<store::Store> OpenFreshStore(store::Backend backend, int schema_version = 0);

// A second connection to the database of a store from OpenFreshStore (the
// same SQLite file, the same PostgreSQL schema), for tests of concurrent
// writers: one Store per thread. It does not remove the database; `fresh`
// does, so destroy the second connection first. nullptr (with a test failure
// recorded) when it cannot be had.
std::unique_ptr<store::Store> OpenSecondConnection(store::Store& fresh);

// The URL of the test PostgreSQL server, or an error saying how to start it.
Result<std::string> PostgresUrl();

// Drops the triggers that keep audit_log append-only: what an attacker with
// write access to the database does first, for the tests of tamper evidence.
Result<void> DropAuditGuards(store::Store& db);

// "Sqlite" / "Postgres", for INSTANTIATE_TEST_SUITE_P.
std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info);

}  // namespace callbase::testing
