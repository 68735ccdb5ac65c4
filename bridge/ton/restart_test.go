package ton_test

import (
	"context"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/tonlocal/tonlocaltest"
)

// TestEndpointRestart: the endpoint persists its state; after a stop and a
// start on the same directory it listens at the same address with the same
// key, the client's connection pool reconnects by itself, the anchored
// epoch is still there and anchoring continues.
func TestEndpointRestart(t *testing.T) {
	dir := t.TempDir()
	e := tonlocaltest.Start(t, dir)
	c := dial(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	submit := func(epoch uint64) {
		t.Helper()
		cp := checkpointAt(t, epoch)
		b, err := checkpoint.SubmitBody(epoch, cp, submitBody(t, cp, []int{1, 2, 3}, -1), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := c.SubmitCheckpoint(ctx, b, fee); err != nil || res.Exit != checkpoint.ExitOK {
			t.Fatalf("submit epoch %d: %+v, %v", epoch, res, err)
		}
	}
	submit(1)
	addr := e.Addr()
	e.Close()

	down, cancelDown := context.WithTimeout(ctx, 2*time.Second)
	if _, err := c.LastEpoch(down); err == nil {
		t.Fatal("LastEpoch succeeded with the endpoint stopped")
	}
	cancelDown()

	e = tonlocaltest.Start(t, dir)
	defer e.Close()
	if e.Addr() != addr {
		t.Fatalf("restarted at %s, was %s", e.Addr(), addr)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		try, cancelTry := context.WithTimeout(ctx, 3*time.Second)
		ep, err := c.LastEpoch(try)
		cancelTry()
		if err == nil {
			if ep != 1 {
				t.Fatalf("LastEpoch after restart = %d, want 1", ep)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("client did not reconnect: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	submit(2)
	if ep, err := c.LastEpoch(ctx); err != nil || ep != 2 {
		t.Fatalf("LastEpoch = %d, %v; want 2", ep, err)
	}
}
