# The two set-up commands: `make run` and `make test`. Both install missing
# Debian packages first (scripts/install-deps), then build with CMake.
BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
CONFIG ?= config/leadsync.example.toml
JOBS ?= $(shell nproc)
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 15

.PHONY: all deps build run test test-sanitize fuzz clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) $(GENERATOR) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	mkdir -p var
	$(BUILD_DIR)/bin/leadsyncd --config $(CONFIG)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-sanitize: deps
	cmake -S . -B $(SANITIZE_DIR) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DLEADSYNC_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

# Every fuzzer for FUZZ_SECONDS, seeded with the golden fixtures' bodies.
fuzz: deps
	CXX=clang++ cmake -S . -B $(FUZZ_DIR) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DLEADSYNC_FUZZ=ON -DLEADSYNC_BUILD_TESTS=OFF
	cmake --build $(FUZZ_DIR) --target fuzzers -j $(JOBS)
	scripts/run-fuzzers $(FUZZ_DIR) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(FUZZ_DIR)
