package client

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
	compute "github.com/pingo-chain/pingo/x/compute/types"
)

// Beacon reads the sampling beacon of height h: the value of x/bridge's
// validator beacon (found false if that height has none, yet or ever).
func (c *Client) Beacon(ctx context.Context, h uint64) ([32]byte, bool, error) {
	b, ok, _, err := c.beaconRecord(ctx, h)
	return b.Value, ok, err
}

// beaconRecord reads the beacon record of height h through the compute
// alias of /bridge/beacon/{h}, plus the height of the state that answered:
// x/bridge writes the beacon of h in block h+1 or never, so an answer from
// a state at height > h without one is final.
func (c *Client) beaconRecord(ctx context.Context, h uint64) (bridge.Beacon, bool, int64, error) {
	r, err := c.Query(ctx, "/compute/beacon/"+strconv.FormatUint(h, 10), 0)
	if err != nil {
		return bridge.Beacon{}, false, 0, err
	}
	if r.Value == nil {
		return bridge.Beacon{}, false, r.Height, nil
	}
	b, err := bridge.UnmarshalBeacon(r.Value)
	if err != nil {
		return b, false, r.Height, fmt.Errorf("beacon %d: %w", h, err)
	}
	return b, true, r.Height, nil
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
		b, ok, at, err := c.beaconRecord(ctx, h)
		if err != nil {
			return r, nil, err
		}
		if ok {
			return r, computekeeper.SampleIndices(&r, b.Value), nil
		}
		// No beacon at h, and the answering state is past block h+1 (the
		// only block that can write it): h never gets one, try the next.
		if at > 0 && uint64(at) > h {
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
