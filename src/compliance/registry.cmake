# callbase_registry: the do-not-call registry index (registry.h), reading a
# registry's source file (registry_source.h) and the catalog of versions in the
# store and files in the registry folder (registry_catalog.h).
find_package(ZLIB REQUIRED)

add_library(callbase_registry STATIC
    ${CMAKE_CURRENT_LIST_DIR}/registry.cc
    ${CMAKE_CURRENT_LIST_DIR}/registry_source.cc
    ${CMAKE_CURRENT_LIST_DIR}/registry_catalog.cc)
target_link_libraries(callbase_registry
    PUBLIC callbase_core callbase_store callbase_phone
    PRIVATE fmt::fmt PkgConfig::SODIUM ZLIB::ZLIB)

callbase_test(registry_test SANITIZED
    SOURCES
        ${CMAKE_CURRENT_LIST_DIR}/registry_test.cc
        ${CMAKE_CURRENT_LIST_DIR}/registry_source_test.cc
        ${CMAKE_CURRENT_LIST_DIR}/registry_catalog_test.cc
    LIBS callbase_registry callbase_test_support ZLIB::ZLIB fmt::fmt)
