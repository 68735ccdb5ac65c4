package client

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/cometbft/cometbft/rpc/client"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/pingo-chain/pingo/app"
)

// Result is a query answer: the raw stored value (nil if absent) at Height.
type Result struct {
	Key, Value []byte
	Height     int64
	// Verified is true when the proof checked out against header Height+1.
	Verified bool
}

// QueryError is a query the node refused, with its stable code.
type QueryError struct {
	Codespace string
	Code      uint32
	Log       string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("query: %s/%d: %s", e.Codespace, e.Code, e.Log)
}

// Query reads path at height (0 = newest committed). With Verify on it asks
// for a proof at a height whose successor header exists, then checks (1) the
// header H+1 is signed by >2/3 of the validator set the node reports for H+1,
// (2) the ICS23 proof of key → value (or absence) against its AppHash.
func (c *Client) Query(ctx context.Context, path string, height int64) (*Result, error) {
	// height 0 lets the node answer from its newest committed state (the
	// block store can be one block ahead of it); verify then waits for the
	// header after the height the node answered at.
	res, err := c.rpc.ABCIQueryWithOptions(ctx, path, nil, client.ABCIQueryOptions{Height: height, Prove: c.Verify})
	if err != nil {
		return nil, err
	}
	r := res.Response
	if r.Code != 0 {
		return nil, &QueryError{Codespace: r.Codespace, Code: r.Code, Log: r.Log}
	}
	out := &Result{Key: r.Key, Value: r.Value, Height: r.Height}
	if !c.Verify {
		return out, nil
	}
	if err := c.verify(ctx, r.Key, r.Value, r.Height, r.ProofOps.GetOps()); err != nil {
		return nil, err
	}
	out.Verified = true
	return out, nil
}

func (c *Client) verify(ctx context.Context, key, value []byte, height int64, ops []cmtProofOp) error {
	if len(ops) != 1 || ops[0].Type != app.ProofOpType || !bytes.Equal(ops[0].Key, key) {
		return fmt.Errorf("%w: want one %s proof op for the key", ErrNotVerified, app.ProofOpType)
	}
	var proof ics23.CommitmentProof
	if err := proof.Unmarshal(ops[0].Data); err != nil {
		return fmt.Errorf("%w: proof decode: %v", ErrNotVerified, err)
	}
	root, err := c.appHashAt(ctx, height+1)
	if err != nil {
		return err
	}
	ok := false
	if value == nil {
		ok = ics23.VerifyNonMembership(ics23.IavlSpec, root, &proof, key)
	} else {
		ok = ics23.VerifyMembership(ics23.IavlSpec, root, &proof, key, value)
	}
	if !ok {
		return fmt.Errorf("%w: proof does not match AppHash %X at header %d", ErrNotVerified, root, height+1)
	}
	return nil
}

// appHashAt waits (bounded by ctx) for header h, checks its commit against
// the validator set, and returns its AppHash.
func (c *Client) appHashAt(ctx context.Context, h int64) ([]byte, error) {
	for {
		cm, err := c.rpc.Commit(ctx, &h)
		if err == nil && cm.Commit != nil {
			c.mu.Lock()
			if c.cmtChain == "" {
				c.cmtChain = cm.Header.ChainID
			}
			chainID := c.cmtChain
			c.mu.Unlock()
			if cm.Header.ChainID != chainID {
				return nil, fmt.Errorf("%w: header chain id %q", ErrNotVerified, cm.Header.ChainID)
			}
			perPage := 100
			vals, err := c.rpc.Validators(ctx, &h, nil, &perPage)
			if err != nil {
				return nil, err
			}
			vs, err := validatorSet(vals.Validators)
			if err != nil {
				return nil, err
			}
			if !bytes.Equal(vs.Hash(), cm.Header.ValidatorsHash) {
				return nil, fmt.Errorf("%w: validator set does not match header %d", ErrNotVerified, h)
			}
			if err := vs.VerifyCommitLight(chainID, cm.Commit.BlockID, h, cm.Commit); err != nil {
				return nil, fmt.Errorf("%w: commit %d: %v", ErrNotVerified, h, err)
			}
			return cm.Header.AppHash, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for header %d: %w", h, ctx.Err())
		case <-time.After(c.PollInterval):
		}
	}
}
