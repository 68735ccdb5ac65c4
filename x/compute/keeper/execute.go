package keeper

import (
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
)

// Execute runs a compute action for h.From at block height and returns its
// events. Every check precedes the first write, and the app discards the
// tx overlay on error anyway. For Attest, the caller must have verified
// the contributor signatures (auth.CoSigned) — the app does, with the
// sender's signature.
func Execute(kv KV, p *types.Params, np *nft.Params, b Beacons, h *auth.Header, msg auth.Msg, height int64) ([]Event, error) {
	if err := msg.ValidateBasic(h); err != nil {
		return nil, err
	}
	hh := uint64(height)
	one := func(ev Event, err error) ([]Event, error) {
		if err != nil {
			return nil, err
		}
		return []Event{ev}, nil
	}
	switch m := msg.(type) {
	case *types.RegisterNode:
		return one(registerNode(kv, p, h.From, m, hh))
	case *types.UpdateNode:
		return one(updateNode(kv, h.From, m))
	case *types.UnbondNode:
		return one(unbondNode(kv, p, h.From, hh))
	case *types.UnjailNode:
		return one(unjailNode(kv, h.From, hh))
	case *types.SubmitJob:
		return one(submitJob(kv, p, h.From, m, hh))
	case *types.AcceptJob:
		return one(acceptJob(kv, p, h.From, m.JobID, hh))
	case *types.CancelJob:
		return one(cancelJob(kv, h.From, m.JobID))
	case *types.Attest:
		return attest(kv, p, np, h.From, m, hh)
	case *types.Reveal:
		return reveal(kv, p, np, b, m, hh)
	}
	return nil, codes.Wrapf(auth.ErrUnknownAction, "compute cannot execute %T", msg)
}

// BeginBlock opens the epoch's network contribution jobs in its first
// block, before the block's transactions (so nodes can accept them in it).
func BeginBlock(kv KV, height int64) ([]Event, error) {
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	return openNetworkJobs(kv, &p, uint64(height))
}

// EndBlock applies the contributor credits the block's PASS verdicts
// staged, expires the jobs whose expiry height this is, gives the
// receipts whose reveal deadline this is their verdict (missed or void),
// pays a bounded batch of a finished epoch's pooled emission, and pays out
// node bonds whose unbonding ends here.
func EndBlock(kv KV, b Beacons, height int64) ([]Event, error) {
	// First the contributor credits of the block's PASS verdicts (staged
	// by settle; credits.go).
	evs, err := ApplyStagedCredits(kv)
	if err != nil {
		return nil, err
	}
	more, err := expireJobs(kv, uint64(height))
	if err != nil {
		return nil, err
	}
	evs = append(evs, more...)
	p, err := GetParams(kv)
	if err != nil {
		return nil, err
	}
	missed, err := expireReveals(kv, &p, b, uint64(height))
	if err != nil {
		return nil, err
	}
	evs = append(evs, missed...)
	// After the expiries and verdicts: an epoch whose last receipt got its
	// verdict in this block is paid from this block on.
	paid, err := payEmission(kv, &p, uint64(height))
	if err != nil {
		return nil, err
	}
	evs = append(evs, paid...)
	more, err = completeUnbondings(kv, uint64(height))
	if err != nil {
		return nil, err
	}
	return append(evs, more...), nil
}
