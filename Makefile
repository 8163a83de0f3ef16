# The two commands of the README, and the developer's few more.
# BUILD_DIR may be overridden; ninja runs with -j2 on the 2-core machines we build on.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
CALLBASE := $(BUILD_DIR)/src/cli/callbase
DEMO_DIR ?= demo

.PHONY: all deps configure build web test demo lint bench clean

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

test: build web
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 900

lint: configure
	scripts/lint

bench: build
	scripts/run-benchmarks $(BUILD_DIR)

demo: build web
	scripts/demo $(CALLBASE) $(DEMO_DIR)

clean:
	rm -rf $(BUILD_DIR)
