# doppio's entry points. The README's two set-up commands are `make demo` and `make test`.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w \
	-X github.com/doppio-ecs/doppio/internal/buildinfo.version=$(VERSION) \
	-X github.com/doppio-ecs/doppio/internal/buildinfo.commit=$(COMMIT) \
	-X github.com/doppio-ecs/doppio/internal/buildinfo.date=$(DATE)

.PHONY: build test prereqs-test prereqs-demo vet cross-check bench sandbox demo slowest

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/doppio ./cmd/doppio

# The prerequisite checks come first and fail loudly, naming each missing tool and the
# one command that installs it (as root they apt-get install what Debian packages):
# moto_server 5.2.1 for the sandbox, Debian's docker-registry for the verify tests.
# Nothing is ever skipped for a missing tool. scripts/prereqs.sh says what each needs.
prereqs-test:
	@./scripts/prereqs.sh test
prereqs-demo:
	@./scripts/prereqs.sh demo
prereqs-sandbox:
	@./scripts/prereqs.sh sandbox

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...

# cross-check: every package and its tests build and vet for macOS too (process-group
# and Pdeathsig code lives in *_linux.go / *_other.go files). vet type-checks the test
# files; go test -exec=true links every test binary for darwin and runs none of them.
cross-check:
	GOOS=darwin GOARCH=arm64 $(GO) vet ./...
	@log=$$(mktemp) && trap 'rm -f "$$log"' EXIT && \
	  echo "GOOS=darwin GOARCH=arm64 $(GO) test -exec=true -run='^$$' ./...  (links every test binary; runs none)" && \
	  GOOS=darwin GOARCH=arm64 $(GO) test -count=1 -exec=true -run='^$$' ./... >"$$log" 2>&1 || { cat "$$log" >&2; exit 1; }

# The e2e tests spend most of their time waiting on the sandbox (moto and its
# simulated clock), not on the CPU: four at a time instead of GOMAXPROCS (2 here)
# takes the e2e package from about 8 to about 4.5 minutes under -race. Tests that
# assert timing drive a stopped sandbox clock, so more parallel tests do not make
# them flaky.
TEST_PARALLEL ?= 4
test: prereqs-test vet cross-check
	$(GO) test -race -count=1 -timeout 15m -parallel $(TEST_PARALLEL) ./...

# slowest runs PKG's tests (default ./internal/cli/, one package at a time: the
# machine is shared) with go test -json and prints the SLOWEST (10) slowest top-level
# tests; SLOWEST_FLAGS=-subtests lists subtests too. It fails when a test fails,
# after printing the list.
PKG ?= ./internal/cli/
SLOWEST ?= 10
SLOWEST_FLAGS ?=
slowest:
	@log=$$(mktemp) && trap 'rm -f "$$log"' EXIT && \
	  $(GO) test -json -count=1 -timeout 15m $(PKG) >"$$log"; status=$$?; \
	  $(GO) run ./scripts/slowest -n $(SLOWEST) $(SLOWEST_FLAGS) <"$$log" && exit $$status

# sandbox runs the local AWS (moto_server + doppio's simulating proxy) until Ctrl-C,
# with an account prepared for examples/quickstart, and writes the exports that point
# doppio at it to .sandbox/env: in another terminal, eval "$$(cat .sandbox/env)".
sandbox:
	@./scripts/sandbox.sh

# demo starts the sandbox, deploys examples/quickstart end to end and stops it.
demo: prereqs-demo
	./sandbox/demo.sh

# release-check validates .goreleaser.yaml and builds a snapshot release into dist/:
# every archive, checksums.txt and the Homebrew formula, publishing nothing. goreleaser
# comes from the Go module proxy into .tools/ (v2.15 is the last line that builds with
# Go 1.26). RELEASE_TARGETS (e.g. "linux_amd64 darwin_arm64") restricts the snapshot's
# builds; `goreleaser check` always validates the whole configuration.
GORELEASER_VERSION ?= v2.15.1
GORELEASER := $(CURDIR)/.tools/goreleaser-$(GORELEASER_VERSION)/goreleaser
RELEASE_TARGETS ?=

$(GORELEASER):
	GOBIN=$(dir $(GORELEASER)) $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)

comma := ,
empty :=
space := $(empty) $(empty)

.PHONY: release-check
release-check: $(GORELEASER)
	$(GORELEASER) check
ifeq ($(strip $(RELEASE_TARGETS)),)
	$(GORELEASER) release --snapshot --clean --skip=publish
else
	sed -e 's/^    goos: .*/    targets: [$(subst $(space),$(comma),$(strip $(RELEASE_TARGETS)))]/' -e '/^    goarch: /d' \
	  .goreleaser.yaml >.tools/goreleaser-snapshot.yaml
	$(GORELEASER) release --snapshot --clean --skip=publish --config .tools/goreleaser-snapshot.yaml
endif

# bench deploys fleets of 10, 30, 100 and 300 services on the sandbox, from one doppio
# process (default --parallel) and from one process per service, and prints calls,
# wall time, simulated exit delay, first-poll lag and spread and peak memory per size
# (BENCH_SIZES to change them). The sandbox runs at BENCH_SPEED×, the bench's default
# 10 (on a loaded machine a faster clock turns real-time delays into more simulated
# seconds). Needs moto_server; takes about fifteen minutes.
BENCH_SIZES ?= 10,30,100,300
BENCH_SPEED ?= 10
bench: prereqs-sandbox
	$(GO) run ./bench/fleet -speed $(BENCH_SPEED) -sizes $(BENCH_SIZES)
