# The two commands of the README, and the developer's few more.
# BUILD_DIR may be overridden; ninja runs with -j2 on the 2-core machines we build on.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
CALLBASE := $(BUILD_DIR)/src/cli/callbase
DEMO_DIR ?= demo
# The clang build of the fuzz harnesses, ASan + UBSan (fuzz/README.md).
FUZZ_DIR ?= build-fuzz
FUZZ_CC ?= clang-16
FUZZ_CXX ?= clang++-16
FUZZ_TIME ?= 600
FUZZ_TEST_TIME ?= 20

.PHONY: all deps configure build web test test-asan demo lint bench clean fuzz-configure fuzz-build fuzz

all: build

deps:
	scripts/install-deps

configure: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	    cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); fi

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

# The web UI (web/dist) and the end-to-end test's npm packages.
web: deps
	scripts/build-web --e2e

# Each fuzz harness for FUZZ_TEST_TIME seconds and the parsers' unit tests
# (clang build in FUZZ_DIR, ASan + UBSan), then the unit and integration tests
# (GCC build), whose CTest summary comes last.
test: build web fuzz-build
	cd $(FUZZ_DIR) && FUZZ_TIME=$(FUZZ_TEST_TIME) ctest -L '^fuzz$$' \
	    --output-on-failure -j$(JOBS) --timeout $$(( $(FUZZ_TEST_TIME) + 120 ))
	$(MAKE) --no-print-directory test-asan
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 900

# The unit tests marked SANITIZED in their CMakeLists (the parsers', the
# registry's, the HTTP server's) under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: fuzz-build
	cmake --build $(FUZZ_DIR) -j$(JOBS) --target sanitized_tests
	cd $(FUZZ_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest -L '^sanitized$$' --output-on-failure -j$(JOBS) --timeout 900

fuzz-configure: deps
	@if [ ! -f $(FUZZ_DIR)/build.ninja ]; then \
	    cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCALLBASE_FUZZ=ON \
	        -DCMAKE_C_COMPILER=$(FUZZ_CC) -DCMAKE_CXX_COMPILER=$(FUZZ_CXX); fi

fuzz-build: fuzz-configure
	cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzzers

# Every harness for FUZZ_TIME seconds (make fuzz FUZZ_TIME=3600); what they
# find is kept in $(FUZZ_DIR)/fuzz/work/<harness>/ (fuzz/README.md).
fuzz: fuzz-build
	cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzzers_long
	cd $(FUZZ_DIR) && FUZZ_TIME=$(FUZZ_TIME) ctest -L '^fuzz(-long)?$$' --output-on-failure \
	    -j$(JOBS) --timeout $$(( $(FUZZ_TIME) + 300 ))

lint: configure
	scripts/lint

bench: build
	scripts/run-benchmarks $(BUILD_DIR)

demo: build web
	scripts/demo $(CALLBASE) $(DEMO_DIR)

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
