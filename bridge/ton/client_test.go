package ton_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xssnick/tonutils-go/tlb"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
)

// dial connects a relayer client to the endpoint over ADNL, exactly as
// cmd/pingo-relayer would: global config file, unsafe proof policy.
func dial(t *testing.T, e *tonlocal.Endpoint) *bton.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := bton.Dial(ctx, bton.Config{
		GlobalConfig: e.ConfigPath(),
		WalletKey:    tonlocaltest.RelayerKey(),
		Wallet:       tonlocal.WalletVersion,
		Anchor:       e.Anchor(),
		Unsafe:       true,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Poll = 200 * time.Millisecond
	t.Cleanup(c.Close)
	return c
}

// checkpointAt is epoch's checkpoint for the 4-validator test set.
func checkpointAt(t *testing.T, epoch uint64) checkpoint.Checkpoint {
	t.Helper()
	vh, err := checkpoint.ValsetHash(tonlocaltest.Validators(4))
	if err != nil {
		t.Fatal(err)
	}
	cp := checkpoint.Checkpoint{ChainID: tonlocaltest.ChainID, Epoch: epoch, Height: epoch * 100, ValsetHash: vh, NextValsetHash: vh}
	cp.AppHash[0] = byte(epoch)
	return cp
}

// submitBody signs cp with the validators signers (ascending); the
// signature at position forge (if >= 0) is made with a key outside the set.
func submitBody(t *testing.T, cp checkpoint.Checkpoint, signers []int, forge int) []checkpoint.Signature {
	t.Helper()
	sigs := make([]checkpoint.Signature, len(signers))
	for i, s := range signers {
		key := tonlocaltest.ValidatorKey(s)
		if i == forge {
			key = tonlocaltest.ValidatorKey(99)
		}
		sigs[i] = checkpoint.Signature{Index: uint16(s), Sig: checkpoint.Sign(key, cp)}
	}
	return sigs
}

var fee = tlb.MustFromTON("0.05")

// TestSubmitOverLocalEndpoint: a valid checkpoint signed by 3 of 4 lands
// and reads back; the same checkpoint again is "already anchored" (success);
// a forged signature is refused with 205 as an alert; re-sending a landed
// message finds the landing and pays nothing.
func TestSubmitOverLocalEndpoint(t *testing.T) {
	e := tonlocaltest.Start(t, t.TempDir())
	defer e.Close()
	c := dial(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	if ep, err := c.LastEpoch(ctx); err != nil || ep != 0 {
		t.Fatalf("LastEpoch = %d, %v; want 0", ep, err)
	}
	cp := checkpointAt(t, 1)
	b, err := checkpoint.SubmitBody(1, cp, submitBody(t, cp, []int{0, 1, 3}, -1), nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Prepare(ctx, b, fee)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Submit(ctx, p)
	if err != nil || res.Exit != checkpoint.ExitOK {
		t.Fatalf("submit epoch 1: %+v, %v", res, err)
	}
	if ep, err := c.LastEpoch(ctx); err != nil || ep != 1 {
		t.Fatalf("LastEpoch = %d, %v; want 1", ep, err)
	}
	got, err := c.CheckpointByEpoch(ctx, 1)
	if err != nil || got != cp {
		t.Fatalf("CheckpointByEpoch(1) = %+v, %v; want %+v", got, err, cp)
	}
	if _, err := c.CheckpointByEpoch(ctx, 2); !errors.Is(err, bton.ErrNotAnchored) {
		t.Fatalf("CheckpointByEpoch(2): %v, want ErrNotAnchored", err)
	}

	// The same journaled message again (a relayer restarted mid-submit):
	// the landing is found, nothing is paid.
	before, err := c.WalletBalance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Submit(ctx, p)
	if err != nil || again.Exit != checkpoint.ExitOK || again.AnchorTx.LT != res.AnchorTx.LT {
		t.Fatalf("re-submit of the same message: %+v, %v", again, err)
	}
	time.Sleep(3 * 200 * time.Millisecond) // a few blocks for a stray execution to show
	after, err := c.WalletBalance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Cmp(before) != 0 {
		t.Fatalf("re-sending a landed message cost %s nanoton", before.Sub(before, after))
	}

	// The same checkpoint in a new message: 200, which counts as landed.
	res, err = c.SubmitCheckpoint(ctx, b, fee)
	if err != nil || res.Exit != checkpoint.ExitAlreadyAnchored || !res.Landed() {
		t.Fatalf("duplicate: %+v, %v; want exit 200 as success", res, err)
	}

	// Forged: signer 1's signature made with another key.
	cp2 := checkpointAt(t, 2)
	b2, err := checkpoint.SubmitBody(2, cp2, submitBody(t, cp2, []int{0, 1, 2}, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err = c.SubmitCheckpoint(ctx, b2, fee)
	var refused *bton.RefusedError
	if !errors.As(err, &refused) || refused.Exit != checkpoint.ExitBadSignature || !bton.IsAlert(err) {
		t.Fatalf("forged: %+v, %v; want a 205 alert", res, err)
	}
	if ep, err := c.LastEpoch(ctx); err != nil || ep != 1 {
		t.Fatalf("LastEpoch after forged = %d, %v; want 1", ep, err)
	}
}

// TestSubmitExpired: a journaled message whose valid_until has passed and
// that never landed is reported as ErrExpired (not re-sent), the signal
// that a new message may be prepared without risking a double payment.
func TestSubmitExpired(t *testing.T) {
	e := tonlocaltest.Start(t, t.TempDir())
	defer e.Close()
	c := dial(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cp := checkpointAt(t, 1)
	b, err := checkpoint.SubmitBody(1, cp, submitBody(t, cp, []int{0, 1, 2}, -1), nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Prepare(ctx, b, fee)
	if err != nil {
		t.Fatal(err)
	}
	p.ValidUntil = time.Now().Add(-time.Hour).Unix() // as if journaled an hour ago and never sent
	if _, err := c.Submit(ctx, p); !errors.Is(err, bton.ErrExpired) {
		t.Fatalf("Submit of an expired message: %v, want ErrExpired", err)
	}
	if ep, err := c.LastEpoch(ctx); err != nil || ep != 0 {
		t.Fatalf("LastEpoch = %d, %v; the expired message must not have been sent", ep, err)
	}
}
