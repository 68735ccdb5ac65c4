#!/usr/bin/env bash
# End-to-end node benchmark: one validator (or a localnet of N), a big funded
# state, pre-signed transfers pushed over RPC by pingo-load running as a
# separate process.
#
#   scripts/bench-node.sh                          # 1 validator, 1,000,000 accounts
#   PINGO_BENCH_QUICK=1 scripts/bench-node.sh      # CI smoke: small state, short runs
#   PINGO_BENCH_VALIDATORS=4 scripts/bench-node.sh # 4-validator localnet on 127.0.0.x
#
# It builds ./cmd/pingod and ./cmd/pingo-load into ./build, initialises a
# fresh home, funds the accounts, tunes config.toml/app.toml for the run (see
# tune_config below: each change is an operator setting, with its reason),
# starts the node in the background, waits for RPC, then runs
#   1. saturation: pingo-load keeps the mempool full; committed tx/s;
#   2. latency:    a steady PINGO_BENCH_RATE tx/s; p50/p99 broadcast-to-commit;
# prints both summaries and appends the JSON lines to $HOME_DIR/results.jsonl.
# The node is stopped on exit, whatever happens.
#
# Environment:
#   PINGO_BENCH_ACCOUNTS   funded accounts            (1000000; quick: 20000)
#   PINGO_BENCH_SENDERS    signing accounts           (20000;   quick: 2000)
#   PINGO_BENCH_SAT_DURATION  saturation run length   (60s;     quick: 10s)
#   PINGO_BENCH_RATE       latency run offered rate   (2000;    quick: 200)
#   PINGO_BENCH_LAT_DURATION  latency run length      (60s;     quick: 10s)
#   PINGO_BENCH_HOME       node home (default: a new temp dir, removed at exit
#                          unless PINGO_BENCH_KEEP=1)
#   PINGO_BENCH_RPC_PORT / PINGO_BENCH_P2P_PORT  (26657 / 26656), loopback only
#   PINGO_BENCH_BACKPRESSURE  app.toml mempool-backpressure-blocks (0: off)
#   PINGO_BENCH_HOST       the lone validator's loopback address (127.0.0.1)
#   PINGO_BENCH_PPROF      rpc.pprof_laddr port on that address ("": off), to
#                          take a CPU profile of the node under load, e.g.
#                          curl -o cpu.prof http://HOST:PORT/debug/pprof/profile?seconds=20
#   PINGO_BENCH_VALIDATORS  >1: `pingod localnet --generate-only` homes, one
#                          process each on 127.0.0.(FIRST_IP+i), standard ports;
#                          load goes to node0 (default 1)
#   PINGO_BENCH_FIRST_IP   localnet's first address octet (101: clear of a
#                          developer's `pingod localnet` on 127.0.0.1..)
#   PINGO_BENCH_TIMEOUT_COMMIT  consensus.timeout_commit for the run (300ms)
#   PINGO_BENCH_INDEXER    tx_index.indexer ("null")
#   PINGO_BENCH_IAVL_CACHE app.toml iavl-cache-nodes (4000000 for one validator,
#                          ~1 GiB of heap; set it empty to keep app.toml's 500000)
#   PINGO_BENCH_NODE_ENV   environment for the node process ("GOGC=400" for one
#                          validator; "GOGC=200 GOMEMLIMIT=4GiB" per localnet
#                          node, four of which share the machine); set it empty
#                          for Go's defaults
#   PINGO_BENCH_SETTLE     0: start loading as soon as the node is up, without
#                          waiting for genesis's LevelDB compaction (default 1)
#   PINGOD_BIN             use this pingod binary instead of building ./cmd/pingod
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD="$ROOT/build"

QUICK=${PINGO_BENCH_QUICK:-0}
if [[ "$QUICK" == 1 ]]; then
	d_accounts=20000 d_senders=2000 d_sat=10s d_rate=200 d_lat=10s
else
	d_accounts=1000000 d_senders=20000 d_sat=60s d_rate=2000 d_lat=60s
fi
ACCOUNTS=${PINGO_BENCH_ACCOUNTS:-$d_accounts}
SENDERS=${PINGO_BENCH_SENDERS:-$d_senders}
SAT_DURATION=${PINGO_BENCH_SAT_DURATION:-$d_sat}
RATE=${PINGO_BENCH_RATE:-$d_rate}
LAT_DURATION=${PINGO_BENCH_LAT_DURATION:-$d_lat}
RPC_PORT=${PINGO_BENCH_RPC_PORT:-26657}
HOST=${PINGO_BENCH_HOST:-127.0.0.1}
BACKPRESSURE=${PINGO_BENCH_BACKPRESSURE:-0}
PPROF=${PINGO_BENCH_PPROF:-}
P2P_PORT=${PINGO_BENCH_P2P_PORT:-26656}
TIMEOUT_COMMIT=${PINGO_BENCH_TIMEOUT_COMMIT:-300ms}
INDEXER=${PINGO_BENCH_INDEXER:-null}
KEEP=${PINGO_BENCH_KEEP:-0}
VALIDATORS=${PINGO_BENCH_VALIDATORS:-1}
# A million accounts is ~2.1M IAVL nodes, and every block of 10k transfers
# writes ~200k new ones: with app.toml's 500k-node cache most Sets reload
# nodes from LevelDB (measured: 5x slower blocks). The live heap is then
# ~1 GiB of small objects, which GOGC=100 re-marks every few blocks (a third
# of the CPU); GOGC=400 trades memory for that CPU. Both are operator
# settings (app.toml, process environment), not code changes.
if ((VALIDATORS > 1)); then
	IAVL_CACHE=${PINGO_BENCH_IAVL_CACHE-}
	NODE_ENV=${PINGO_BENCH_NODE_ENV-GOGC=200 GOMEMLIMIT=4GiB}
else
	IAVL_CACHE=${PINGO_BENCH_IAVL_CACHE-4000000}
	NODE_ENV=${PINGO_BENCH_NODE_ENV-GOGC=400}
fi
FIRST_IP=${PINGO_BENCH_FIRST_IP:-101}
if ((VALIDATORS > 1)); then
	RPC="http://127.0.0.$FIRST_IP:26657"
else
	RPC="http://$HOST:$RPC_PORT"
fi

if [[ -n "${PINGO_BENCH_HOME:-}" ]]; then
	HOME_DIR=$PINGO_BENCH_HOME
	rm -rf "$HOME_DIR"
	mkdir -p "$HOME_DIR"
else
	HOME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pingo-bench-node.XXXXXX")
fi
RESULTS="$HOME_DIR/results.jsonl"
NODE_PIDS=()
HOMES=()

log() { printf '[bench-node %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cleanup() {
	local rc=$?
	local pid
	for pid in "${NODE_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${NODE_PIDS[@]}"; do
		for _ in $(seq 1 60); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "node pid $pid did not stop in 30s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	((${#NODE_PIDS[@]} > 0)) && log "stopped ${#NODE_PIDS[@]} node process(es)"
	if [[ "$KEEP" != 1 && -z "${PINGO_BENCH_HOME:-}" ]]; then
		rm -rf "$HOME_DIR"
	else
		log "home kept: $HOME_DIR"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# set_toml FILE SECTION KEY VALUE: replace KEY's value inside [SECTION] ("" =
# top level) of a TOML file written by CometBFT/pingod; fails if KEY is absent.
set_toml() {
	local file=$1 section=$2 key=$3 value=$4
	awk -v sec="$section" -v key="$key" -v val="$value" '
		BEGIN { cur = ""; done = 0 }
		/^[[:space:]]*\[[^]]+\][[:space:]]*$/ { s = $0; gsub(/^[[:space:]]*\[|\][[:space:]]*$/, "", s); cur = s }
		{
			if (!done && cur == sec && match($0, "^[[:space:]]*" key "[[:space:]]*=")) {
				print key " = " val; done = 1; next
			}
			print
		}
		END { if (!done) exit 3 }
	' "$file" >"$file.tmp" || { rm -f "$file.tmp"; echo "set_toml: $key not found in [$section] of $file" >&2; return 1; }
	mv "$file.tmp" "$file"
}

# Operator tuning for a throughput/latency run. Each line is something a
# validator operator would set in config.toml/app.toml. $1 = home; $2 = 1 for
# a lone validator (its listen addresses are set here; a localnet's are
# already wired by `pingod localnet`).
tune_config() {
	local home=$1 single=$2
	local cfg="$home/config/config.toml" appcfg="$home/config/app.toml"
	if [[ "$single" == 1 ]]; then
		# Loopback only; a lone validator needs no peer exchange.
		set_toml "$cfg" rpc laddr "\"tcp://$HOST:$RPC_PORT\""
		set_toml "$cfg" p2p laddr "\"tcp://$HOST:$P2P_PORT\""
		if [[ -n "$PPROF" ]]; then
			set_toml "$cfg" rpc pprof_laddr "\"$HOST:$PPROF\""
		fi
		set_toml "$cfg" p2p pex false
	fi
	# timeout_commit is the pause after each commit before the next height
	# starts. pingod's 1s default makes a tx wait ~1s for the next proposal on
	# average; at 2,000 tx/s a 300ms pause keeps p99 well under 1s, and at
	# saturation blocks are bounded by execution, not by this pause.
	set_toml "$cfg" consensus timeout_commit "\"$TIMEOUT_COMMIT\""
	# A validator does not serve /tx_search: indexing every tx and its events
	# in LevelDB costs block-execution CPU for nothing ("kv" on RPC nodes).
	set_toml "$cfg" tx_index indexer "\"$INDEXER\""
	# Mempool: room for ~5 blocks of 10k txs (pingod's default 50,000), and a
	# dedup cache twice that. Recheck stays on: the app's CheckTx overlay
	# must learn again which nonces the mempool holds after each commit, or
	# a sender's queued next nonce would be refused.
	set_toml "$cfg" mempool size 50000
	set_toml "$cfg" mempool cache_size 100000
	# One log line per block is enough.
	set_toml "$cfg" "" log_level "\"*:error,state:info\""
	set_toml "$appcfg" "" mempool-backpressure-blocks "$BACKPRESSURE"
	if [[ -n "$IAVL_CACHE" ]]; then
		set_toml "$appcfg" "" iavl-cache-nodes "$IAVL_CACHE"
	fi
}

mkdir -p "$BUILD"
if [[ -n "${PINGOD_BIN:-}" ]]; then
	PINGOD=$PINGOD_BIN
else
	log "building pingod"
	go build -o "$BUILD/pingod" ./cmd/pingod
	PINGOD="$BUILD/pingod"
fi
log "building pingo-load"
go build -o "$BUILD/pingo-load" ./cmd/pingo-load
LOAD="$BUILD/pingo-load"

# The ports must be free: a node already listening there would get the load.
if ((VALIDATORS > 1)); then
	addrs=()
	for ((i = 0; i < VALIDATORS; i++)); do addrs+=("127.0.0.$((FIRST_IP + i)):26657" "127.0.0.$((FIRST_IP + i)):26656"); done
else
	addrs=("$HOST:$RPC_PORT" "$HOST:$P2P_PORT")
fi
for a in "${addrs[@]}"; do
	if (exec 3<>"/dev/tcp/${a%:*}/${a##*:}") 2>/dev/null; then
		log "$a is already in use; pick other PINGO_BENCH_*_PORT / PINGO_BENCH_FIRST_IP"
		exit 1
	fi
done

if ((VALIDATORS > 1)); then
	log "localnet of $VALIDATORS validators in $HOME_DIR/localnet, $ACCOUNTS accounts ($SENDERS senders)"
	"$PINGOD" localnet --validators "$VALIDATORS" --first-ip "$FIRST_IP" --dir "$HOME_DIR/localnet" --generate-only >/dev/null
	for ((i = 0; i < VALIDATORS; i++)); do HOMES+=("$HOME_DIR/localnet/node$i"); done
	# Fund once, then give every validator the identical genesis.
	"$LOAD" genesis --home "${HOMES[0]}" --accounts "$ACCOUNTS" --senders "$SENDERS"
	for h in "${HOMES[@]:1}"; do cp "${HOMES[0]}/config/genesis.json" "$h/config/genesis.json"; done
	for h in "${HOMES[@]}"; do tune_config "$h" 0; done
else
	log "home $HOME_DIR: init, $ACCOUNTS accounts ($SENDERS senders)"
	HOMES=("$HOME_DIR")
	"$PINGOD" init --home "$HOME_DIR" --chain-id pingo-bench --l2-chain-id 7447 --moniker bench >/dev/null
	"$LOAD" genesis --home "$HOME_DIR" --accounts "$ACCOUNTS" --senders "$SENDERS"
	tune_config "$HOME_DIR" 1
fi

for h in "${HOMES[@]}"; do
	log "starting node $h (log: $h/node.log)"
	# shellcheck disable=SC2086
	env $NODE_ENV "$PINGOD" start --home "$h" >"$h/node.log" 2>&1 &
	NODE_PIDS+=($!)
done

# Wait for RPC and for the app to have committed height 2 (genesis with a
# million accounts takes a minute or two: InitChain, then the first commit
# writes every account). Bounded: 20 minutes.
start_wait=$(date +%s)
height=0
while :; do
	for idx in "${!NODE_PIDS[@]}"; do
		if ! kill -0 "${NODE_PIDS[$idx]}" 2>/dev/null; then
			log "node ${HOMES[$idx]} exited; last log lines:"
			tail -n 30 "${HOMES[$idx]}/node.log" >&2
			exit 1
		fi
	done
	height=$(curl -fsS --max-time 2 "$RPC/abci_info" 2>/dev/null |
		sed -n 's/.*"last_block_height":"\([0-9]*\)".*/\1/p' || true)
	if [[ -n "$height" && "$height" -ge 2 ]]; then
		break
	fi
	if (($(date +%s) - start_wait > 1200)); then
		log "node not at height 2 after 20 minutes"
		exit 1
	fi
	sleep 1
done
log "node up at height $height after $(($(date +%s) - start_wait))s"

common=(--rpc "$RPC" --senders "$SENDERS" --accounts "$ACCOUNTS")

# node_cpu: CPU seconds (user + system) the node process(es) used so far.
# On a shared machine committed tx/s says more about the neighbours than
# about the node; committed txs per node CPU-second does not.
# The window is the whole pingo-load run, so it also holds the node's
# empty blocks and nonce queries while pingo-load pre-signs (tens of
# seconds for a saturation run): an upper bound on the CPU per tx.
TICK=$(getconf CLK_TCK)
node_cpu() {
	local pid total=0
	for pid in "${NODE_PIDS[@]}"; do
		total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
	done
	echo "$total"
}

# settle: a fresh million-account genesis leaves LevelDB compacting ~500 MB
# for minutes after the node is up (measured: over a quarter of the node's
# CPU in the first saturation minute), and a saturation run leaves a
# mempool backlog and compaction behind it. A long-running validator has
# neither, so each run starts once the idle node (empty blocks) uses under
# a quarter of a core over 5 s. Bounded: 5 minutes; PINGO_BENCH_SETTLE=0
# skips it.
settle() {
	[[ "${PINGO_BENCH_SETTLE:-1}" != 0 ]] || return 0
	local start c0 c1 i
	start=$(date +%s)
	for ((i = 0; i < 60; i++)); do
		c0=$(node_cpu)
		sleep 5
		c1=$(node_cpu)
		if (((c1 - c0) * 100 < 25 * 5 * TICK * ${#NODE_PIDS[@]})); then
			break
		fi
	done
	log "node settled after $(($(date +%s) - start))s (last 5 s: $(((c1 - c0) * 100 / (5 * TICK)))% of a core)"
}
# run_load LABEL ARGS...: one pingo-load run, then its node CPU cost.
run_load() {
	local label=$1 c0 c1 committed
	shift
	c0=$(node_cpu)
	"$LOAD" run "${common[@]}" "$@" --label "$label" | tee "$HOME_DIR/run.out"
	c1=$(node_cpu)
	cat "$HOME_DIR/run.out" >>"$HOME_DIR/load.out"
	committed=$(sed -n 's/.*"committed":\([0-9]*\).*/\1/p' "$HOME_DIR/run.out")
	awk -v l="$label" -v c="$committed" -v t=$((c1 - c0)) -v hz="$TICK" -v la="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
		s = t / hz; printf "pingo-load %s: node CPU %.1fs for %d committed txs: %.0f us/tx, %.0f tx per node CPU-second (load average %s)\n", l, s, c, (c ? 1e6 * s / c : 0), (s ? c / s : 0), la }' |
		tee -a "$HOME_DIR/load.out"
}

settle
log "saturation run: $SAT_DURATION"
run_load saturation --rate 0 --duration "$SAT_DURATION"
# Let the backlog drain before measuring latency at a steady rate.
settle
log "latency run: $RATE tx/s for $LAT_DURATION"
run_load "latency@$RATE" --rate "$RATE" --duration "$LAT_DURATION"

grep '^{' "$HOME_DIR/load.out" >>"$RESULTS"
echo
echo "=== PinGo node bench: $VALIDATORS validator(s), $(nproc) cores, $ACCOUNTS accounts, timeout_commit $TIMEOUT_COMMIT, indexer $INDEXER, backpressure $BACKPRESSURE blocks, iavl-cache-nodes ${IAVL_CACHE:-(app.toml)}, env '${NODE_ENV}' ==="
grep '^pingo-load' "$HOME_DIR/load.out"
echo "JSON lines: $RESULTS"
