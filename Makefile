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
APT_TEST    := xvfb xauth imagemagick xdotool xclip curl chromium procps gnome-keyring dbus dbus-x11 libsecret-tools desktop-file-utils sqlite3
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Installation: PREFIX is ~/.local for a user, /usr/local for root; DESTDIR
# stages an install elsewhere (make deb uses PREFIX=/usr DESTDIR=...).
ifeq ($(shell id -u),0)
PREFIX      ?= /usr/local
else
PREFIX      ?= $(HOME)/.local
endif
DESTDIR     ?=
BINDIR      := $(PREFIX)/bin
APPDIR      := $(PREFIX)/share/applications
ICONDIR     := $(PREFIX)/share/icons/hicolor
ICON_SIZES  := 16 24 32 48 64 128 256 512
ICONS       := $(foreach s,$(ICON_SIZES),build/bin/icons/$(s)x$(s)/parley.png)
# Every file install puts down, and uninstall removes (DESTDIR aside).
INSTALLED   := $(BINDIR)/parley $(APPDIR)/parley.desktop $(ICONDIR)/scalable/apps/parley.svg \
               $(foreach s,$(ICON_SIZES),$(ICONDIR)/$(s)x$(s)/apps/parley.png)
# The menu entry runs `parley` from PATH when installed under /usr or
# /usr/local; elsewhere (~/.local/bin is on PATH only from the next login,
# if at all) it names the binary in full.
DESKTOP_EXEC = $(if $(filter /usr /usr/local,$(PREFIX)),parley,$(BINDIR)/parley)
DEB_MAINTAINER ?= The Parley authors <parley@example.invalid>

FRONTEND_SRC := $(shell find frontend/src frontend/wailsjs -type f) frontend/index.html frontend/vite.config.ts frontend/package-lock.json
GO_SRC       := $(shell find . -name '*.go' -not -path './frontend/*' -not -path './e2e/node_modules/*') go.mod go.sum

.PHONY: all build dev-build run test lint bench bindings deps-run deps-test frontend screenshots clean
.PHONY: icons install uninstall deb deb-test

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
	@echo "== deb (build, install, smoke test, remove)"; scripts/deb-test

## lint: formatting, vet, types, and generated files up to date
lint: frontend
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "not gofmt'd: $$out"; exit 1; }
	$(GO) vet ./...
	cd frontend && npm run --silent check
	$(GO) mod tidy -diff
	@$(MAKE) --no-print-directory bindings >/dev/null 2>&1
	@git diff --exit-code -- frontend/wailsjs || { echo "frontend/wailsjs is stale: commit what 'make bindings' wrote"; exit 1; }

## bench: startup, windows, memory, streaming and history, under Xvfb (see docs/benchmarks.md)
bench: deps-test build dev-build e2e/node_modules/.package-lock.json
	xvfb-run -a -s "-screen 0 1280x800x24" scripts/bench

## screenshots: the README's wizard screenshots, from the production build
screenshots: deps-test build
	xvfb-run -a -s "-screen 0 1280x800x24" scripts/screenshots

## icons: the app icon in each hicolor size, from build/appicon.png
icons: $(ICONS)

build/bin/icons/%/parley.png: build/appicon.png
	@command -v convert >/dev/null || { echo "ImageMagick's convert is needed: apt-get install imagemagick"; exit 1; }
	@mkdir -p $(@D)
	convert $< -resize $* -strip -define png:exclude-chunks=date,time $@

## install: the binary, menu entry and icons under PREFIX (see above)
install: $(BIN) $(ICONS)
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/parley
	install -d $(DESTDIR)$(APPDIR)
	sed 's|^Exec=parley|Exec=$(DESKTOP_EXEC)|' build/linux/parley.desktop >$(DESTDIR)$(APPDIR)/parley.desktop
	chmod 0644 $(DESTDIR)$(APPDIR)/parley.desktop
	install -D -m 0644 frontend/public/favicon.svg $(DESTDIR)$(ICONDIR)/scalable/apps/parley.svg
	for s in $(ICON_SIZES); do install -D -m 0644 build/bin/icons/$${s}x$$s/parley.png $(DESTDIR)$(ICONDIR)/$${s}x$$s/apps/parley.png || exit 1; done
	$(refresh-caches)

## uninstall: remove what install put down (same PREFIX and DESTDIR)
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(refresh-caches)

# Refreshes the icon cache and desktop database of a real (not staged)
# install, only where such a cache exists already: creating one would leave
# a file behind that uninstall does not remove.
define refresh-caches
@if [ -z "$(DESTDIR)" ]; then \
  if [ -f $(ICONDIR)/icon-theme.cache ] && command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t -f $(ICONDIR) || true; fi; \
  if [ -f $(APPDIR)/mimeinfo.cache ] && command -v update-desktop-database >/dev/null; then update-desktop-database -q $(APPDIR) || true; fi; \
fi
endef

## deb: a Debian package, build/parley_<version>_<arch>.deb, staged by install
deb:
	rm -rf build/bin/deb build/parley_*.deb
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(CURDIR)/build/bin/deb/debian/parley
	scripts/deb-build build/bin/deb '$(VERSION)' '$(DEB_MAINTAINER)'

## deb-test: build the .deb, install it, check it, smoke-test /usr/bin/parley, remove it
deb-test: deps-test
	scripts/deb-test

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html e2e/artifacts
