# callbase_audit: the append-only, hash-chained audit log (audit.h) and its
# alert rules (audit_alerts.h).
add_library(callbase_audit STATIC
    ${CMAKE_CURRENT_LIST_DIR}/audit.cc
    ${CMAKE_CURRENT_LIST_DIR}/audit_alerts.cc
    ${CMAKE_CURRENT_LIST_DIR}/audit_watch.cc)
target_link_libraries(callbase_audit
    PUBLIC callbase_core callbase_store
    PRIVATE fmt::fmt nlohmann_json::nlohmann_json PkgConfig::SODIUM)

callbase_test(audit_test
    SOURCES
        ${CMAKE_CURRENT_LIST_DIR}/audit_test.cc
        ${CMAKE_CURRENT_LIST_DIR}/audit_alerts_test.cc
        ${CMAKE_CURRENT_LIST_DIR}/audit_watch_test.cc
    LIBS callbase_audit callbase_test_support fmt::fmt PkgConfig::SODIUM)
