package ton

import (
	"errors"
	"testing"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
)

// TestRefusalClasses pins how each anchor exit code reaches the relayer:
// landed (no error), superseded (drop), alert (operator) or transient.
func TestRefusalClasses(t *testing.T) {
	cases := []struct {
		exit       int
		landed     bool
		superseded bool
		alert      bool
	}{
		{checkpoint.ExitOK, true, false, false},
		{checkpoint.ExitAlreadyAnchored, true, false, false},
		{checkpoint.ExitStaleEpoch, false, true, false},
		{checkpoint.ExitValsetMismatch, false, false, false},
		{checkpoint.ExitInsufficient, false, false, false},
		{exitOutOfGas, false, false, false},
		{checkpoint.ExitBadSignature, false, false, true},
		{checkpoint.ExitUnknownSigner, false, false, true},
		{checkpoint.ExitWrongChain, false, false, true},
		{checkpoint.ExitMalformed, false, false, true},
		{checkpoint.ExitCellUnderflow, false, false, true},
	}
	for _, c := range cases {
		got := exitError(c.exit)
		if (got == nil) != c.landed {
			t.Errorf("exit %d: landed = %v, want %v", c.exit, got == nil, c.landed)
		}
		if errors.Is(got, ErrSuperseded) != c.superseded {
			t.Errorf("exit %d: superseded = %v, want %v", c.exit, !c.superseded, c.superseded)
		}
		if IsAlert(got) != c.alert {
			t.Errorf("exit %d: alert = %v, want %v", c.exit, !c.alert, c.alert)
		}
	}
	if !IsAlert(ErrWalletNoOutput) || IsAlert(ErrExpired) {
		t.Error("wallet without output must alert; an expired message must not")
	}
}

func TestParsePendingRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("x"), {0xb5, 0xee, 0x9c, 0x72, 1, 1, 200, 1, 0, 0}} {
		if _, err := parsePending(b); err == nil {
			t.Errorf("%x: accepted", b)
		}
	}
}
