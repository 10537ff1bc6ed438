# doppio's entry points. The README's two set-up commands are `make demo` and `make test`.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w \
	-X github.com/doppio-ecs/doppio/internal/buildinfo.version=$(VERSION) \
	-X github.com/doppio-ecs/doppio/internal/buildinfo.commit=$(COMMIT) \
	-X github.com/doppio-ecs/doppio/internal/buildinfo.date=$(DATE)

.PHONY: build test check-moto vet bench

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/doppio ./cmd/doppio

# check-moto fails loudly: the end-to-end tests need moto_server 5.2.1 and are never skipped.
check-moto:
	@command -v moto_server >/dev/null 2>&1 || { \
	  echo "error: moto_server not found on PATH. doppio's tests need moto 5.2.1 with [server] extras" >&2; \
	  echo "       (pre-installed on the project machine; elsewhere: python3 -m venv .venv && .venv/bin/pip install 'moto[server]==5.2.1')" >&2; \
	  exit 1; }

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...

test: check-moto vet
	$(GO) test -race -count=1 -timeout 15m ./...

# sandbox runs the local AWS (moto_server + doppio's simulating proxy) until Ctrl-C and
# prints the AWS_* exports that point SDKs and doppio at it.
.PHONY: sandbox demo
sandbox: check-moto
	$(GO) run ./sandbox/cmd/sandbox $(SANDBOX_FLAGS)

# demo starts the sandbox, deploys examples/quickstart end to end and stops it.
demo: check-moto
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
# wall time, simulated exit delay, first-poll lag and peak memory per size
# (BENCH_SIZES to change them). The sandbox runs at BENCH_SPEED× (3: on a loaded
# machine a faster clock turns real-time scheduling delays into simulated seconds).
# Needs moto_server; takes about ten minutes.
BENCH_SIZES ?= 10,30,100,300
BENCH_SPEED ?= 3
bench: check-moto
	$(GO) run ./bench/fleet -speed $(BENCH_SPEED) -sizes $(BENCH_SIZES)
