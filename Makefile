# leaklab — see README.md. `make help` lists the targets.
GO       ?= go
BIN      := bin/leaklab
# demo-faulty / demo-fixed settings (override: make demo-faulty PORT=9090 DURATION=60s)
PORT     ?= 18080
DELAY    ?= 2s
INTERVAL ?= 200ms
DURATION ?= 20s
# make fuzz: time per fuzz target (use 1m or more before a release)
FUZZTIME ?= 10s
# make docs / docs-check: which documents (default README.md docs/*.md) and flags,
# e.g. DOCS=docs/08-capacity.md or DOCS="-skip hold40k" (-run, -skip: by command)
DOCS     ?=
# make soak: how long the server soaks
SOAK     ?= 3m
# make capacity-hosts: client hosts (network namespaces) and connections
HOSTS       ?= 4
CONNECTIONS ?= 100000

.PHONY: help demo demo-quick catalogue demo-catalogue demo-live demo-report demo-faulty demo-fixed demo-metrics screenshot \
	vet-kit test test-short test-browser check-demos docs docs-check docs-tools fuzz soak bench bench-census bench-capacity capacity-40k capacity-hosts lint build clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/leaklab
	$(GO) build -o $(BIN) ./cmd/leaklab

demo: build ## the full comparison: 20 s server, 60 s of load (about 85 s)
	./$(BIN) compare -delay 20s -interval 1s -extra 2 -duration 60s

demo-quick: build ## the same comparison a hundred times faster (about 6 s)
	./$(BIN) compare -delay 200ms -interval 10ms -extra 2 -duration 5s

catalogue: build ## list the leak catalogue: one faulty/fixed pair per way to leak
	./$(BIN) compare -list

demo-catalogue: build ## every pair of the catalogue a hundred times faster (about 50 s)
	./$(BIN) compare -scenario all -delay 300ms -interval 20ms -duration 5s

demo-live: build ## the quick comparison with a live panel on stderr
	./$(BIN) compare -delay 200ms -interval 10ms -extra 2 -duration 5s -live

demo-report: build ## quick comparison saved as out/run.json + out/series.csv, drawn as out/report.html
	@mkdir -p out
	./$(BIN) compare -delay 200ms -interval 10ms -extra 2 -duration 5s -out out/run.json -csv out/series.csv
	./$(BIN) report out/run.json -html out/report.html

screenshot: demo-report ## screenshot of out/report.html into docs/images/report.png (needs chromium)
	scripts/screenshot.sh out/report.html docs/images/report.png

demo-metrics: build ## the server with Prometheus metrics on http://127.0.0.1:8080/metrics
	./$(BIN) server -metrics

demo-faulty: build ## a server and the faulty client with live status lines
	@scripts/demo-pair.sh ./$(BIN) faulty $(PORT) $(DELAY) $(INTERVAL) $(DURATION)

demo-fixed: build ## a server and the fixed client with live status lines
	@scripts/demo-pair.sh ./$(BIN) fixed $(PORT) $(DELAY) $(INTERVAL) $(DURATION)

test: ## every test, with the race detector, and the self-test of scripts/check-size.sh
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	scripts/check-size-test.sh

test-browser: ## the HTML report in headless Chromium (fails if chromium is missing)
	LEAKLAB_BROWSER=required $(GO) test -count=1 -run Browser -v ./report/

docs: build docs-tools ## rerun every command marked in README.md and docs/ and paste its output (several minutes)
	$(GO) run ./internal/cmd/docrun -bin bin $(DOCS)

docs-check: build docs-tools ## rerun the quick form of every marked command; fail if a verdict, column, message or claim changed (about 3 min)
	$(GO) run ./internal/cmd/docrun -check -bin bin $(DOCS)

# The lessons' commands use curl, nstat and ss besides leaklab; installed
# (Debian) when missing.
docs-tools:
	@command -v curl >/dev/null && command -v nstat >/dev/null && command -v ss >/dev/null || { \
		echo "installing curl and iproute2 for the lessons' commands"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl iproute2 >/dev/null; }

check-demos: ## demo-faulty/demo-fixed leave no process behind: ended, Ctrl-C, SIGTERM, port in use (about 15 s)
	scripts/check-demos.sh

fuzz: ## every fuzz target for FUZZTIME each (default 10s); a failing input is left in testdata/fuzz
	$(GO) test -run '^$$' -fuzz '^FuzzCheckTarget$$'   -fuzztime $(FUZZTIME) ./cmd/leaklab/
	$(GO) test -run '^$$' -fuzz '^FuzzDurationFlags$$' -fuzztime $(FUZZTIME) ./cmd/leaklab/
	$(GO) test -run '^$$' -fuzz '^FuzzParseRate$$'     -fuzztime $(FUZZTIME) ./capacity/
	$(GO) test -run '^$$' -fuzz '^FuzzParseSources$$'  -fuzztime $(FUZZTIME) ./capacity/
	$(GO) test -run '^$$' -fuzz '^FuzzParseSegment$$'  -fuzztime $(FUZZTIME) ./capacity/
	$(GO) test -run '^$$' -fuzz '^FuzzDelayQuery$$'    -fuzztime $(FUZZTIME) ./server/

soak: ## the server for $(SOAK) under fixed, faulty, slowloris, silent and oversized-header clients; prints memory/goroutine drift (not in make test)
	LEAKLAB_SOAK=$(SOAK) $(GO) test -run '^TestSoak$$' -count=1 -v -timeout 2h ./server/

test-short: ## the quick tests only
	$(GO) test -short -count=1 ./...

bench: ## benchmarks (census vs netstat shell-out, ...); figures in docs/BENCHMARKS.md
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-census: ## census figures for docs/BENCHMARKS.md: 25,000 loopback connections in helper processes, 3 runs (about 4.5 min)
	LEAKLAB_BENCH_LARGE=1 $(GO) test -run '^$$' -bench CensusLarge -benchtime 10x -count 3 -timeout 30m ./netstat/

bench-capacity: ## capacity figures for docs/BENCHMARKS.md (about 100 s, thousands of loopback connections)
	$(GO) test -run '^$$' -bench . -benchtime 5x ./capacity/

capacity-40k: build ## hold 40,000 connections to one port: 4 servers (-reuseport), 4 workers, 4 source addresses
	capacity/scripts/hold40k.sh ./$(BIN)

capacity-hosts: build ## CONNECTIONS (100000) to one port from HOSTS (4) client hosts in network namespaces, merged; needs root; removes all it made
	HOSTS=$(HOSTS) CONNECTIONS=$(CONNECTIONS) capacity/scripts/hosts.sh ./$(BIN)

lint: ## gofmt, go vet, no tracked file over 1 MB (scripts/check-size.sh), leaklab vet
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed on:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	scripts/check-size.sh
	$(GO) run ./cmd/leaklab vet ./...

vet-kit: ## the leak catalogue found in the kit's source: leaklab vet, then go vet -vettool=bin/leaklab-vet
	$(GO) run ./cmd/leaklab vet ./...
	$(GO) build -o bin/leaklab-vet ./cmd/leaklab-vet
	$(GO) vet -vettool=$(CURDIR)/bin/leaklab-vet ./...

clean: ## remove build output
	rm -rf bin
