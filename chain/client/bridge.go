package client

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"

	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// LatestSealed is the newest sealed checkpoint epoch (0: none yet). A
// relayer reads it with proofs on (the default), so a lying node cannot
// make it anchor a checkpoint the chain never sealed.
func (c *Client) LatestSealed(ctx context.Context) (uint64, error) {
	r, err := c.Query(ctx, "/bridge/latest_sealed", 0)
	if err != nil {
		return 0, err
	}
	if r.Value == nil {
		return 0, nil
	}
	if len(r.Value) != 8 {
		return 0, fmt.Errorf("bridge/latest_sealed: %d bytes", len(r.Value))
	}
	return binary.BigEndian.Uint64(r.Value), nil
}

// Checkpoint reads the checkpoint record of epoch (found false if the
// chain has none).
func (c *Client) Checkpoint(ctx context.Context, epoch uint64) (bridge.CheckpointRecord, bool, error) {
	r, err := c.Query(ctx, "/bridge/checkpoint/"+strconv.FormatUint(epoch, 10), 0)
	if err != nil || r.Value == nil {
		return bridge.CheckpointRecord{}, false, err
	}
	rec, err := bridge.UnmarshalCheckpoint(r.Value)
	if err != nil {
		return rec, false, fmt.Errorf("bridge/checkpoint/%d: %w", epoch, err)
	}
	if rec.Epoch != epoch {
		return rec, false, fmt.Errorf("bridge/checkpoint/%d: record is for epoch %d", epoch, rec.Epoch)
	}
	return rec, true, nil
}

// Fact reads a pending TON fact (found false once it was applied or
// expired, or if it was never reported).
func (c *Client) Fact(ctx context.Context, id bridge.Hash32) (bridge.Fact, bool, error) {
	t, _ := id.MarshalText()
	r, err := c.Query(ctx, "/bridge/fact/"+string(t), 0)
	if err != nil || r.Value == nil {
		return bridge.Fact{}, false, err
	}
	f, err := bridge.UnmarshalFact(r.Value)
	if err != nil {
		return f, false, fmt.Errorf("bridge/fact: %w", err)
	}
	if f.ID() != id {
		return f, false, fmt.Errorf("bridge/fact/%s: record has id %x", t, f.ID())
	}
	return f, true, nil
}
