# leaklab — see README.md. `make help` lists the targets.
GO       ?= go
BIN      := bin/leaklab
# demo-faulty / demo-fixed settings (override: make demo-faulty PORT=9090 DURATION=60s)
PORT     ?= 18080
DELAY    ?= 2s
INTERVAL ?= 200ms
DURATION ?= 20s

.PHONY: help demo demo-quick demo-faulty demo-fixed test test-short bench lint build clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/leaklab
	$(GO) build -o $(BIN) ./cmd/leaklab

demo: build ## the card's comparison: 20 s server, 60 s of load (about 85 s)
	./$(BIN) compare -delay 20s -interval 1s -extra 2 -duration 60s

demo-quick: build ## the same comparison a hundred times faster (about 6 s)
	./$(BIN) compare -delay 200ms -interval 10ms -extra 2 -duration 5s

demo-faulty: build ## a server and the faulty client with live status lines
	@scripts/demo-pair.sh ./$(BIN) faulty $(PORT) $(DELAY) $(INTERVAL) $(DURATION)

demo-fixed: build ## a server and the fixed client with live status lines
	@scripts/demo-pair.sh ./$(BIN) fixed $(PORT) $(DELAY) $(INTERVAL) $(DURATION)

test: ## every test, with the race detector
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

test-short: ## the quick tests only
	$(GO) test -short -count=1 ./...

bench: ## benchmarks (census vs netstat shell-out, ...); figures in docs/BENCHMARKS.md
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed on:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

clean: ## remove build output
	rm -rf bin
