# The two set-up commands: `make run` and `make test`. Both install missing
# Debian packages first (scripts/install-deps), then build with CMake.
BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 15
CONFIG ?= config/leadsync.example.toml
JOBS ?= $(shell nproc)

# Configures build directory $(1). The generator is chosen when the recipe
# runs (after install-deps may have added ninja) and only for a new
# directory, so an existing one keeps the generator it was made with.
configure = cmake -S . -B $(1) $$(test -f $(1)/CMakeCache.txt || ! command -v ninja >/dev/null 2>&1 || echo -G Ninja)

.PHONY: all deps build run test test-sanitize fuzz clean

all: build

deps:
	@scripts/install-deps

build: deps
	$(call configure,$(BUILD_DIR)) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Only the two binaries: a new user sees the daemon sooner.
run: deps
	$(call configure,$(BUILD_DIR)) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS) --target leadsyncd leadsyncctl
	mkdir -p var
	$(BUILD_DIR)/bin/leadsyncd --config $(CONFIG)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-sanitize: deps
	$(call configure,$(SANITIZE_DIR)) -DCMAKE_BUILD_TYPE=Debug -DLEADSYNC_SANITIZE=ON
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

# Every fuzzer for FUZZ_SECONDS, seeded with the golden fixtures' bodies.
fuzz: deps
	CXX=clang++ $(call configure,$(FUZZ_DIR)) -DCMAKE_BUILD_TYPE=Debug -DLEADSYNC_FUZZ=ON -DLEADSYNC_BUILD_TESTS=OFF
	cmake --build $(FUZZ_DIR) --target fuzzers -j $(JOBS)
	scripts/run-fuzzers $(FUZZ_DIR) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(FUZZ_DIR)
