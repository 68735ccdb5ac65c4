package client

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// Beacon reads the sampling beacon of height h (found false if that height
// has none yet). It reads the app's PLACEHOLDER beacon record until
// x/bridge's validator beacon is wired; the path stays.
func (c *Client) Beacon(ctx context.Context, h uint64) ([32]byte, bool, error) {
	r, err := c.Query(ctx, "/compute/beacon/"+strconv.FormatUint(h, 10), 0)
	if err != nil || r.Value == nil {
		return [32]byte{}, false, err
	}
	if len(r.Value) != 32 {
		return [32]byte{}, false, fmt.Errorf("beacon %d: %d bytes", h, len(r.Value))
	}
	return [32]byte(r.Value), true, nil
}

// ReceiptOfAttestation reads the receipt an attestation id created.
func (c *Client) ReceiptOfAttestation(ctx context.Context, id compute.Hash) (compute.Receipt, bool, error) {
	r, err := c.Query(ctx, "/compute/attestation/"+id.Hex(), 0)
	if err != nil || r.Value == nil {
		return compute.Receipt{}, false, err
	}
	if len(r.Value) != 8 {
		return compute.Receipt{}, false, fmt.Errorf("attestation %s: %d bytes", id.Hex(), len(r.Value))
	}
	rc, found, _, err := c.Receipt(ctx, binary.BigEndian.Uint64(r.Value))
	return rc, found, err
}

// WaitSample polls (every poll) until the beacon that fixes the sample of
// attestation id exists — the first at a height in (inclusion, inclusion
// + window] — and returns the receipt and its sampled unit indices, in
// the order a Reveal opens them.
func (c *Client) WaitSample(ctx context.Context, id compute.Hash, window uint64, poll time.Duration) (compute.Receipt, []uint64, error) {
	r, found, err := c.ReceiptOfAttestation(ctx, id)
	if err != nil {
		return r, nil, err
	}
	if !found {
		return r, nil, fmt.Errorf("no receipt for attestation %s", id.Hex())
	}
	for h := r.Height + 1; h <= r.Height+window; {
		b, ok, err := c.Beacon(ctx, h)
		if err != nil {
			return r, nil, err
		}
		if ok {
			return r, computekeeper.SampleIndices(&r, b), nil
		}
		// A missing beacon is final once a later height has one.
		if _, later, err := c.Beacon(ctx, h+1); err != nil {
			return r, nil, err
		} else if later {
			h++
			continue
		}
		select {
		case <-ctx.Done():
			return r, nil, ctx.Err()
		case <-time.After(poll):
		}
	}
	return r, nil, fmt.Errorf("no beacon in (%d, %d]", r.Height, r.Height+window)
}
