package main

import (
	"crypto/ecdsa"

	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// population derives the sender keys and every account address; the rule
// is testutil.Population's, shared with the app benchmark.
func population(accounts, senders int) ([]*ecdsa.PrivateKey, []auth.Address) {
	return testutil.Population(accounts, senders)
}
