# Parley's habits, one target each. `make run` and `make test` install what
# is missing on Debian/Ubuntu first (apt as root or through sudo; npm).

GO          ?= go
TAGS_PROD   := desktop,production,webkit2_41
TAGS_DEV    := dev,webkit2_41
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -w -s -X main.version=$(VERSION)
BIN         := build/bin/parley
DEV_BIN     := build/bin/parley-dev

# Debian packages needed to build, run and test Parley.
APT_BUILD   := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev
APT_TEST    := xvfb xauth imagemagick xdotool xclip curl chromium procps gnome-keyring dbus dbus-x11 libsecret-tools
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

FRONTEND_SRC := $(shell find frontend/src frontend/wailsjs -type f) frontend/index.html frontend/vite.config.ts frontend/package-lock.json
GO_SRC       := $(shell find . -name '*.go' -not -path './frontend/*' -not -path './e2e/node_modules/*') go.mod go.sum

.PHONY: all build dev-build run test lint bench bindings deps-run deps-test frontend screenshots clean

all: build

## build: the production binary, build/bin/parley
build: $(BIN)

$(BIN): frontend/dist/index.html $(GO_SRC)
	$(GO) build -tags $(TAGS_PROD) -ldflags "$(LDFLAGS)" -o $@ .

## dev-build: a dev binary whose windows serve their page to a browser (for e2e tests)
dev-build: $(DEV_BIN)

$(DEV_BIN): frontend/dist/index.html $(GO_SRC)
	$(GO) build -tags $(TAGS_DEV) -ldflags "-X main.version=$(VERSION)" -o $@ .

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

e2e/node_modules/.package-lock.json: e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && npm run build

frontend: frontend/dist/index.html

## bindings: regenerate frontend/wailsjs from the Go methods bound in app.go
bindings:
	$(GO) build -tags bindings -o build/bin/parley-bindings .
	tsoutputtype=interfaces ./build/bin/parley-bindings --window=chat

## deps-run / deps-test: install the missing Debian packages
deps-run:
	@scripts/apt-install $(APT_BUILD)

deps-test:
	@scripts/apt-install $(APT_BUILD) $(APT_TEST)

## run: install what is missing, build, and start Parley
run: deps-run build
	./$(BIN)

## test: install what is missing, then every check and test, end to end included
test: deps-test frontend e2e/node_modules/.package-lock.json
	@echo "== gofmt"; out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "not gofmt'd: $$out"; exit 1; }
	@echo "== go vet"; $(GO) vet ./... && $(GO) vet -tags e2e ./e2e/... && $(GO) vet -tags keyring ./internal/...
	@echo "== go test -race"; $(GO) test -race -count=1 ./...
	@echo "== keyring (gnome-keyring under dbus-run-session)"; scripts/keyring-test
	@echo "== svelte-check"; cd frontend && npm run --silent check
	@echo "== vitest"; cd frontend && npm test --silent
	@$(MAKE) --no-print-directory build dev-build
	@echo "== e2e (Xvfb)"; xvfb-run -a -s "-screen 0 1280x800x24" scripts/e2e

## lint: formatting, vet, types, and generated files up to date
lint: frontend
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "not gofmt'd: $$out"; exit 1; }
	$(GO) vet ./...
	cd frontend && npm run --silent check
	$(GO) mod tidy -diff
	@$(MAKE) --no-print-directory bindings >/dev/null 2>&1
	@git diff --exit-code -- frontend/wailsjs || { echo "frontend/wailsjs is stale: commit what 'make bindings' wrote"; exit 1; }

## bench: startup, new-window latency and memory, under Xvfb (see docs/benchmarks.md)
bench: deps-test build dev-build e2e/node_modules/.package-lock.json
	xvfb-run -a -s "-screen 0 1280x800x24" scripts/bench

## screenshots: the README's wizard screenshots, from the production build
screenshots: deps-test build
	xvfb-run -a -s "-screen 0 1280x800x24" scripts/screenshots

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html e2e/artifacts
