package app

import (
	"context"
	"errors"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	"github.com/pingo-chain/pingo/app/store"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	staking "github.com/pingo-chain/pingo/x/staking/types"
)

// QueryCodespace is the codespace of query errors.
const QueryCodespace = "query"

var (
	// ErrUnknownPath: the path is not one docs/protocol.md lists.
	ErrUnknownPath = codes.Register(QueryCodespace, 2, "unknown query path")
	// ErrHeightUnavailable: the height is in the future or was pruned.
	ErrHeightUnavailable = codes.Register(QueryCodespace, 3, "height not available")
	// ErrNodeStopping: the node is shutting down and takes no new peers
	// (the answer to CometBFT's /p2p/filter/ queries during Stop; chain
	// package peerfilter.go).
	ErrNodeStopping = codes.Register(QueryCodespace, 4, "node is stopping")
)

// ProofOpType names the proof format in ResponseQuery.ProofOps: one ICS23
// CommitmentProof (protobuf) against the IAVL root, which is the AppHash.
const ProofOpType = "ics23:iavl"

// maxQueryPath bounds work on garbage input.
const maxQueryPath = 256

// queryRoute is a parsed query path: which record, and the state key.
type queryRoute struct {
	name string
	key  []byte
}

// parseQueryPath maps a documented path to the state key it reads.
//
//	/auth/account/{0x address}   account record (40 bytes: nonce ‖ balance)
//	/bank/balance/{0x address}   the same record (balance = bytes 8..40)
//	/auth/params                 auth params, JSON
//	/bank/params                 bank params, JSON
//	/bank/supply                 total supply, 32-byte big-endian
//	/bank/fee_pool               undistributed fees, 32-byte big-endian
//	/staking/params              staking params, JSON
//	/staking/validators          the active set (x/staking README)
//	/staking/reward_reserve      validator reward reserve, 32-byte big-endian
//	/staking/validator/{op}      validator record, JSON
//	/staking/delegation/{d}/{op} shares ‖ reward snapshot, 64 bytes
//	/nft/…, /compute/…           see parseComputePath (query_compute.go)
//	/bridge/...                  see parseBridgePath
func parseQueryPath(path string) (queryRoute, error) {
	if len(path) > maxQueryPath {
		return queryRoute{}, codes.Wrapf(ErrUnknownPath, "path longer than %d bytes", maxQueryPath)
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch {
	case len(parts) == 3 && parts[0] == "auth" && parts[1] == "account",
		len(parts) == 3 && parts[0] == "bank" && parts[1] == "balance":
		addr, err := auth.ParseAddress(parts[2])
		if err != nil {
			return queryRoute{}, err
		}
		return queryRoute{name: parts[0] + "/" + parts[1], key: auth.AccountKey(addr)}, nil
	case len(parts) == 2 && parts[0] == "auth" && parts[1] == "params":
		return queryRoute{name: "auth/params", key: auth.ParamsKey}, nil
	case len(parts) == 2 && parts[0] == "bank" && parts[1] == "params":
		return queryRoute{name: "bank/params", key: bank.ParamsKey}, nil
	case len(parts) == 2 && parts[0] == "bank" && parts[1] == "supply":
		return queryRoute{name: "bank/supply", key: bank.SupplyKey}, nil
	case len(parts) == 2 && parts[0] == "bank" && parts[1] == "fee_pool":
		return queryRoute{name: "bank/fee_pool", key: bank.FeePoolKey}, nil
	case len(parts) == 2 && parts[0] == "staking":
		switch parts[1] {
		case "params":
			return queryRoute{name: "staking/params", key: staking.ParamsKey}, nil
		case "validators":
			return queryRoute{name: "staking/validators", key: staking.LastValidatorSetKey}, nil
		case "reward_reserve":
			return queryRoute{name: "staking/reward_reserve", key: staking.RewardReserveKey}, nil
		}
	case len(parts) == 3 && parts[0] == "staking" && parts[1] == "validator":
		op, err := auth.ParseAddress(parts[2])
		if err != nil {
			return queryRoute{}, err
		}
		return queryRoute{name: "staking/validator", key: staking.ValidatorKey(op)}, nil
	case len(parts) >= 2 && parts[0] == "bridge":
		if r, ok, err := parseBridgePath(parts[1:]); ok || err != nil {
			return r, err
		}
	case len(parts) == 4 && parts[0] == "staking" && parts[1] == "delegation":
		d, err := auth.ParseAddress(parts[2])
		if err != nil {
			return queryRoute{}, err
		}
		op, err := auth.ParseAddress(parts[3])
		if err != nil {
			return queryRoute{}, err
		}
		return queryRoute{name: "staking/delegation", key: staking.DelegationKey(d, op)}, nil
	}
	if r, ok, err := parseComputePath(parts); ok {
		return r, err
	}
	return queryRoute{}, codes.Wrapf(ErrUnknownPath, "%q", clipPath(path))
}

func clipPath(p string) string {
	if len(p) > 80 {
		return p[:80] + "…"
	}
	return p
}

// Query is called by CometBFT on the query connection for abci_query RPCs,
// concurrently with block execution. It reads a committed version only, so an
// answer is always consistent with some AppHash: the state after block H,
// whose AppHash is in header H+1. With Prove, ProofOps carries an ICS23 proof
// of Key → Value (or of Key's absence) against that root.
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	route, err := parseQueryPath(req.Path)
	if err != nil {
		return queryErr(err, req.Height), nil
	}
	a.mu.RLock()
	last := a.lastHeight
	a.mu.RUnlock()
	h := req.Height
	if h == 0 {
		h = last
	}
	if h <= 0 || h > last {
		return queryErr(codes.Wrapf(ErrHeightUnavailable, "height %d; last committed is %d", req.Height, last), req.Height), nil
	}
	snap, err := a.tree.At(h)
	if err != nil {
		if errors.Is(err, store.ErrVersionPruned) {
			return queryErr(codes.Wrapf(ErrHeightUnavailable, "height %d pruned", h), h), nil
		}
		return queryErr(err, h), nil
	}
	val, err := snap.Get(route.key)
	if err != nil {
		return queryErr(err, h), nil
	}
	resp := &abci.ResponseQuery{Code: abci.CodeTypeOK, Key: route.key, Value: val, Height: h}
	if val == nil {
		resp.Log = "does not exist"
	}
	if req.Prove {
		proof, err := snap.Proof(route.key)
		if err != nil {
			return queryErr(codes.Wrapf(codes.Internal, "proof: %v", err), h), nil
		}
		bz, err := proof.Marshal()
		if err != nil {
			return queryErr(codes.Wrapf(codes.Internal, "proof: %v", err), h), nil
		}
		resp.ProofOps = &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{{Type: ProofOpType, Key: route.key, Data: bz}}}
	}
	return resp, nil
}

func queryErr(err error, h int64) *abci.ResponseQuery {
	space, code, log := codes.ABCIInfo(err)
	return &abci.ResponseQuery{Codespace: space, Code: code, Log: log, Height: h}
}

// parseBridgePath maps the x/bridge paths (after "/bridge/"):
//
//	params               Params, JSON
//	key/{op}             op's bridge key, 32 bytes
//	checkpoint/{epoch}   CheckpointRecord, JSON (sets, signatures, status)
//	latest_sealed        newest sealed epoch, 8 bytes BE
//	beacon/{height}      Beacon of that height, 48 bytes
//	beacon/latest        height(8) ‖ Beacon(48)
//	open_epochs          epochs accepting signatures, 8 bytes BE each
//	anchored_set         the set that signs the next checkpoint, 60-byte entries
//	facts/pending        pending TON facts: id(32) ‖ expires_height(8 BE) each
//	fact/{0x id}         a pending TON fact, JSON
//	withdrawal…          see parseWithdrawalPath (query_withdraw.go)
//	deposit…             see parseDepositPath (query_deposit.go)
func parseBridgePath(p []string) (queryRoute, bool, error) {
	num := func(s string) (uint64, error) {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || (len(s) > 1 && s[0] == '0') {
			return 0, codes.Wrapf(ErrUnknownPath, "%q is not a decimal number", clipPath(s))
		}
		return n, nil
	}
	switch {
	case len(p) == 1 && p[0] == "params":
		return queryRoute{name: "bridge/params", key: bridge.ParamsKey}, true, nil
	case len(p) == 1 && p[0] == "latest_sealed":
		return queryRoute{name: "bridge/latest_sealed", key: bridge.LatestSealedKey}, true, nil
	case len(p) == 1 && p[0] == "open_epochs":
		return queryRoute{name: "bridge/open_epochs", key: bridge.OpenEpochsKey}, true, nil
	case len(p) == 1 && p[0] == "anchored_set":
		return queryRoute{name: "bridge/anchored_set", key: bridge.AnchoredSetKey}, true, nil
	case len(p) == 2 && p[0] == "key":
		op, err := auth.ParseAddress(p[1])
		if err != nil {
			return queryRoute{}, false, err
		}
		return queryRoute{name: "bridge/key", key: bridge.BridgeKeyKey(op)}, true, nil
	case len(p) == 2 && p[0] == "checkpoint":
		e, err := num(p[1])
		if err != nil {
			return queryRoute{}, false, err
		}
		return queryRoute{name: "bridge/checkpoint", key: bridge.CheckpointKey(e)}, true, nil
	case len(p) == 2 && p[0] == "facts" && p[1] == "pending":
		return queryRoute{name: "bridge/facts/pending", key: bridge.PendingFactsKey}, true, nil
	case len(p) == 2 && p[0] == "fact":
		var id bridge.Hash32
		if err := id.UnmarshalText([]byte(p[1])); err != nil {
			return queryRoute{}, false, codes.Wrapf(ErrUnknownPath, "%q is not a 0x fact id", clipPath(p[1]))
		}
		return queryRoute{name: "bridge/fact", key: bridge.FactKey(id)}, true, nil
	case len(p) == 2 && p[0] == "beacon" && p[1] == "latest":
		return queryRoute{name: "bridge/beacon/latest", key: bridge.LatestBeaconKey}, true, nil
	case len(p) == 2 && p[0] == "beacon":
		h, err := num(p[1])
		if err != nil {
			return queryRoute{}, false, err
		}
		return queryRoute{name: "bridge/beacon", key: bridge.BeaconKey(h)}, true, nil
	}
	if r, ok, err := parseDepositPath(p, num); ok || err != nil {
		return r, ok, err
	}
	return parseWithdrawalPath(p, num)
}
