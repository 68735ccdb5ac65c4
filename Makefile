# PinGo chain. `make localnet` runs 4 validators; `make test` runs every test.
GO        ?= go
BUILD     ?= build
FUZZTIME  ?= 30s
VALIDATORS ?= 4

.PHONY: all build install test test-short localnet dev bench bench-app bench-node fuzz lint clean

all: build

build:
	$(GO) build -o $(BUILD)/pingod ./cmd/pingod
	$(GO) build -o $(BUILD)/pingo-load ./cmd/pingo-load

install:
	$(GO) install ./cmd/pingod

# Every test: unit and app tests with the race detector; then the node,
# network (real CometBFT nodes over loopback), CLI and JavaScript wallet
# tests, whose multi-node timing the race detector's slowdown would distort
# on a 2-core machine.
RACE_PKGS = ./app/... ./x/... ./chain/client/... ./chain/keys/...
NET_PKGS  = ./chain/ ./cmd/... ./docs/... ./testutil/...
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m $(RACE_PKGS)
	$(GO) test -count=1 -timeout 20m $(NET_PKGS)

test-short:
	$(GO) test -short -count=1 ./...

# N validator processes on 127.0.0.1..N from a fresh genesis; Ctrl-C stops all.
localnet: build
	./$(BUILD)/pingod localnet --validators $(VALIDATORS) --dir .localnet

# One validator, fast blocks, for dapp tests.
dev: build
	./$(BUILD)/pingod localnet --validators 1 --dir .localnet

bench: bench-app bench-node

bench-app:
	$(GO) test -run '^$$' -bench . -benchtime 5x -timeout 60m ./app/

bench-node: build
	bash scripts/bench-node.sh

# Each fuzz target for FUZZTIME (go test allows one -fuzz target per run).
FUZZ_TARGETS = \
	./x/auth/types:FuzzDecodeTx \
	./x/auth/types:FuzzParseAddress \
	./app:FuzzQueryPath \
	./app:FuzzCheckTx \
	./app/store:FuzzSnapshotRecord \
	./x/compute/types:FuzzDecodeComputeMsg \
	./x/nft/types:FuzzDecodeTransferNFT
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$fn ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf $(BUILD) .localnet
