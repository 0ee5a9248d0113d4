# rmesim: the two set-up commands (make run, make test) and a few helpers.
# Every target first makes sure the Debian packages are there (apt only when one is missing).

BUILD    ?= build
SCENARIO ?= scenarios/realm-lifecycle.yaml
JOBS     ?= $(shell nproc)
BUILD_TYPE ?= RelWithDebInfo

PACKAGES := cmake g++ make pkg-config libsystemc-dev libcapstone-dev \
            libboost-program-options-dev libgtest-dev libgmock-dev libbenchmark-dev \
            libyaml-cpp-dev libssl-dev libcbor-dev nlohmann-json3-dev libfdt-dev \
            device-tree-compiler cpio gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu python3 \
            snakemake python3-matplotlib

SANITIZE_BUILD ?= build-asan
FUZZ_BENCH_SEQUENCES ?= 1000000

.PHONY: all deps configure build run test test-sanitize bench plots clean help

all: build

help:
	@echo "make run    install missing packages, build, run $(SCENARIO)"
	@echo "make test   install missing packages, build, run every test (ctest)"
	@echo "make test-sanitize  the suite and a fuzz campaign in an ASan+UBSan build ($(SANITIZE_BUILD)/)"
	@echo "make bench  build and run the speed benchmarks and a long fuzz campaign"
	@echo "make plots  run every study in scenarios/studies/ and redraw its figures in docs/studies/ (minutes)"
	@echo "make build  configure and build into $(BUILD)/"

deps:
	@missing=$$(for p in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# Unicorn 2.1.1 is in Debian 13: fetched into $(BUILD)/deps/ unless the system has it.
	@pkg-config --atleast-version=2.1.1 unicorn 2>/dev/null || \
	  tools/fetch-debs $(BUILD)/deps/unicorn trixie $$(dpkg --print-architecture) libunicorn2t64 libunicorn-dev
	@# The Linux guest (Debian's arm64 kernel + a busybox initramfs) into $(BUILD)/linux/. Optional:
	@# without it the Linux tests are skipped. Offline: RMESIM_LINUX_DEBS="kernel.deb busybox.deb".
	@# Once fetched, this only re-packs the initramfs (guest/linux/init may have changed).
	@tools/fetch-linux $(BUILD)/linux || \
	  echo "make deps: the Linux guest was not fetched (see above); the Linux tests will be skipped"

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/rmesim run $(SCENARIO)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

# AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer over the simulator's C++ (the
# guest images are cross-built as always): the whole suite, then a fuzz campaign (docs/fuzzing.md).
test-sanitize: deps
	cmake -S . -B $(SANITIZE_BUILD) -DRMESIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	cd $(SANITIZE_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 3600
	$(SANITIZE_BUILD)/rmesim fuzz --seed 2 --sequences 1000 --jobs $(JOBS) --out $(SANITIZE_BUILD)/fuzz-repro

# The speed benchmarks, then the long fuzz campaign (10^6 sequences: hours on 2 cores).
bench: build
	tools/run-benchmarks $(BUILD)
	$(BUILD)/rmesim fuzz --seed 1 --sequences $(FUZZ_BENCH_SEQUENCES) --jobs $(JOBS) --out $(BUILD)/fuzz-repro

# The studies: each scenarios/studies/<study>.sh sweeps a scenario and draws its figures into
# docs/studies/<study>/ (the CSVs stay in $(BUILD)/studies/).
plots: build
	@for s in scenarios/studies/*.sh; do echo "== $$s"; RMESIM=$(BUILD)/rmesim OUT=$(BUILD)/studies JOBS=$(JOBS) $$s || exit 1; done

clean:
	rm -rf $(BUILD) out
