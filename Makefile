# PinGo chain. `make localnet` runs 4 validators; `make test` runs every test.
GO        ?= go
BUILD     ?= build
FUZZTIME  ?= 30s
VALIDATORS ?= 4

.PHONY: all build install test test-short test-ton-outage contracts-test localnet localnet-test chaos dev tonlocal bench bench-app bench-blocktime bench-node bench-ceiling fuzz lint clean

all: build

build:
	$(GO) build -o $(BUILD)/pingod ./cmd/pingod
	$(GO) build -o $(BUILD)/pingo-load ./cmd/pingo-load
	$(GO) build -o $(BUILD)/pingo-tonlocal ./cmd/pingo-tonlocal
	$(GO) build -o $(BUILD)/pingo-cdn ./cmd/pingo-cdn
	$(GO) build -o $(BUILD)/pingo-contributor ./cmd/pingo-contributor
	$(GO) build -o $(BUILD)/pingo-relayer ./cmd/pingo-relayer

install:
	$(GO) install ./cmd/pingod

# Every test: unit and app tests with the race detector; then the node,
# network (real CometBFT nodes over loopback), CLI and JavaScript wallet
# tests, whose multi-node timing the race detector's slowdown would distort
# on a 2-core machine. checkptr (which -race turns on) is off: tonutils-go's
# TL serializer does pointer arithmetic it rejects, which is not a race; the
# bridge/ton and bridge/tonlocal tests (a real liteclient over ADNL against
# the local TON endpoint) run npm ci in bridge/contracts themselves when
# its node_modules are missing.
RACE_PKGS = ./app/... ./x/... ./chain/client/... ./chain/keys/... ./bridge/...
NET_PKGS  = ./chain/ ./cmd/... ./docs/... ./testutil/...
test:
	$(GO) vet ./...
	$(GO) test -race -gcflags=all=-d=checkptr=0 -count=1 -timeout 20m $(RACE_PKGS)
	$(GO) test -count=1 -timeout 20m $(NET_PKGS)
	$(MAKE) contracts-test

# The TON anchor contract: compiled from source with the pinned tolk-js and
# tested in @ton/sandbox, including the Go-built vectors of bridge/checkpoint.
# npm ci installs exactly the committed lock file.
contracts-test:
	cd bridge/contracts && npm ci --no-audit --no-fund && npm test

test-short:
	$(GO) test -short -count=1 ./...

# Issue #6's TON outage at full length: the 4-validator anchoring test
# (chain/net_anchor_test.go) with the local TON endpoint down for 60 s; it
# reports the max block gap during the outage. `make test` runs it with 10 s.
test-ton-outage:
	PINGO_TON_OUTAGE=60s $(GO) test -count=1 -v -run '^TestAnchoringConfirmedOnNetwork$$' -timeout 20m ./chain/

# The whole system from a fresh genesis: N validators on 127.0.0.1..N, a
# CDN node with two contributors, the local TON endpoint with the anchor
# and a relayer on the next addresses; Ctrl-C stops all. LOCALNET_FLAGS
# takes e.g. --no-agents --no-ton. The TON endpoint needs bridge/contracts'
# node_modules: npm ci runs when they are missing.
LOCALNET_FLAGS ?=
localnet: build
	@test -d bridge/contracts/node_modules/@ton/sandbox || (cd bridge/contracts && npm ci --no-audit --no-fund)
	./$(BUILD)/pingod localnet --validators $(VALIDATORS) --dir .localnet $(LOCALNET_FLAGS)

# The whole-system localnet test alone (also part of make test): 4
# validators, CDN node, contributors, TON endpoint and relayer on
# 127.0.0.161-169; ~25 s after the binaries are built.
localnet-test:
	$(GO) test -count=1 -v -run '^TestLocalnetWholeSystem$$' -timeout 10m ./chain/

# Issue #7's fault suite (chain/chaos_test.go, not in make test): the
# whole-system localnet on 127.0.0.231-239 with --keep-going, under load
# (transfers, withdrawals, jetton deposits from the dev TON wallet, the CDN
# node's jobs) for CHAOS_DURATION while validators are SIGKILLed every 30 s
# and paused, and the relayer, TON endpoint, CDN node and a second relayer
# (claim and deposit cursors rewound) are killed, both relayers reading the
# anchor's deposit events duplicated, replayed and re-ordered
# (PINGO_FAULT_SHUFFLE_DEPOSITS); then it checks block gaps,
# AppHashes on every node, no lost tx, every withdrawal paid once, every
# landed deposit credited once and the cross-chain supply, and prints a
# figures table. About CHAOS_DURATION + 3 min.
CHAOS_DURATION ?= 5m
chaos:
	PINGO_CHAOS=1 CHAOS_DURATION=$(CHAOS_DURATION) $(GO) test -count=1 -v -run '^TestChaos$$' -timeout 40m ./chain/

# One validator, fast blocks, for dapp tests: no agents, no TON.
dev: build
	./$(BUILD)/pingod localnet --validators 1 --dir .localnet --no-agents --no-ton

# The local TON endpoint (bridge/tonlocal) for development: a liteserver on
# 127.0.0.1 running the anchor (test validators 0..VALIDATORS-1) and a
# funded V5R1 wallet (seed TONLOCAL_WALLET_SEED = sha256("pingo/dev-relayer"), a public dev key) in
# @ton/sandbox. State in .tonlocal/ (delete it for a fresh genesis); the
# TON global config is .tonlocal/global.config.json.
# The PINGO jetton: TONLOCAL_JETTON_SUPPLY units in all (10^9 PINGO), of
# which TONLOCAL_BRIDGE_JETTONS (set it to the L2 genesis supply) sit in the
# anchor's jetton wallet and the rest in the dev TON wallet of seed
# TONLOCAL_HOLDER_SEED = sha256("pingo/dev-ton-wallet") (a public dev key).
TONLOCAL_CHAIN_ID    ?= 1
TONLOCAL_WALLET_SEED ?= 689acaa45f70b0a70b3680f8ac6b86a430743d26001734094a2cb2e5a0ce725d
TONLOCAL_JETTON_SUPPLY  ?= 1000000000000000000
TONLOCAL_BRIDGE_JETTONS ?= 500000000000000000
TONLOCAL_HOLDER_SEED    ?= fde3f9ffc074ade13b3d75c5ee7ff5a5ff50b34bad4b23136349184d5b834c80
tonlocal: build
	@test -d bridge/contracts/node_modules/@ton-community/assets-sdk || (cd bridge/contracts && npm ci --no-audit --no-fund)
	./$(BUILD)/pingo-tonlocal --dir .tonlocal --chain-id $(TONLOCAL_CHAIN_ID) \
		--test-validators $(VALIDATORS) --wallet-seed-hex $(TONLOCAL_WALLET_SEED) \
		--jetton-supply $(TONLOCAL_JETTON_SUPPLY) --bridge-jettons $(TONLOCAL_BRIDGE_JETTONS) \
		--jetton-holder-seed-hex $(TONLOCAL_HOLDER_SEED)

bench: bench-app bench-node

bench-app:
	$(GO) test -run '^$$' -bench . -benchtime 5x -timeout 60m ./app/

# Issue #5's block time at 10 reveals/s + 1,000 transfers/s (also part of
# bench-app): verification's share of block execution and of the interval.
bench-blocktime:
	$(GO) test -run '^$$' -bench BenchmarkRevealBlockTime -benchtime 5x -timeout 30m ./app/

bench-node: build
	bash scripts/bench-node.sh

# The machine's ceiling for issue #2: the same node, config, RPC server,
# mempool and load generator as bench-node, but the app accepts every tx
# without executing it (chain/ceiling.go, build tag benchceiling; never in a
# release build). CEILING=sig also decodes and ecrecovers each tx (the
# mempool Precheck), CEILING=noop does nothing per tx. Only the saturation
# figure means something (the latency run resends nonces the no-op app never
# advanced, so the mempool's cache refuses them).
CEILING ?= sig
bench-ceiling:
	$(GO) build -tags benchceiling -o build/pingod-ceiling ./cmd/pingod
	PINGO_CEILING=$(CEILING) PINGOD_BIN=build/pingod-ceiling PINGO_BENCH_LAT_DURATION=$${PINGO_BENCH_LAT_DURATION:-5s} bash scripts/bench-node.sh

# Withdraw-to-claimable latency on 4 validators with the localnet's timing
# (epochs of 100 blocks, 1 s blocks): about 4 minutes.
bench-withdraw:
	PINGO_WITHDRAW_LOCALNET_TIMING=1 $(GO) test -count=1 -v -run '^TestWithdrawNetwork$$' -timeout 20m ./chain/

# A fresh node state-syncs 1,000,000 genesis accounts from a 2-validator
# network; the log lines give snapshot creation and restore times.
bench-statesync:
	PINGO_STATESYNC_ACCOUNTS=$${PINGO_STATESYNC_ACCOUNTS:-1000000} $(GO) test -count=1 -v -run '^TestStateSyncJoin$$' -timeout 60m ./chain/

# Each fuzz target for FUZZTIME (go test allows one -fuzz target per run).
FUZZ_TARGETS = \
	./x/auth/types:FuzzDecodeTx \
	./x/auth/types:FuzzParseAddress \
	./app:FuzzQueryPath \
	./app:FuzzCheckTx \
	./app/store:FuzzSnapshotRecord \
	./bridge/checkpoint:FuzzParseBOC \
	./bridge/checkpoint:FuzzParseSubmitBOC \
	./bridge/checkpoint:FuzzParseWithdrawal \
	./bridge/checkpoint:FuzzParseClaimBOC \
	./bridge/checkpoint:FuzzParseTransferNotification \
	./x/compute/types:FuzzDecodeComputeMsg \
	./x/compute/types:FuzzRecordCodec \
	./x/compute/kernel:FuzzDecodePath \
	./x/nft/types:FuzzDecodeTransferNFT \
	./bridge/tonlocal:FuzzParseExternalMessage \
	./x/bridge/types:FuzzDecodeVoteExt \
	./x/bridge/types:FuzzDecodeVoteTx \
	./x/bridge/keeper:FuzzAppliedFacts \
	./cmd/internal/agentproto:FuzzParseAuth \
	./x/bridge/types:FuzzDecodeWithdraw \
	./x/bridge/types:FuzzParseTONAddr \
	./x/bridge/types:FuzzDecodeReportDeposit \
	./x/bridge/types:FuzzEpochWithdrawals \
	./x/bridge/types:FuzzDecodeReportRefund
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
	rm -rf $(BUILD) .localnet .tonlocal
