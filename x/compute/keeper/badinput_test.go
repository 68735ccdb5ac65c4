package keeper_test

import (
	"testing"

	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/keeper"
	"github.com/pingo-chain/pingo/x/compute/types"
	nftkeeper "github.com/pingo-chain/pingo/x/nft/keeper"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	"github.com/stretchr/testify/require"
)

// Every bad input the issue lists, and the other refusals of each action:
// a stable code and not one byte of state changed.
func TestBadInput(t *testing.T) {
	e := ready(t)
	e.height++ // txs of block 2
	_, err := keeper.Jail(e.kv, &e.p, addr(2), uint64(e.height))
	require.NoError(t, err)
	job := func(units, price uint64) *types.SubmitJob {
		return &types.SubmitJob{UnitKind: 1, SpecHash: specHash, Units: units, PricePerUnit: *u(price), MaxNodes: 2, Expiry: 500}
	}
	// A share whose signature is 22's, naming 21.
	forged := attestation(1, 0, 16, 24, 100, 20, 21)
	forged.Shares[1].Sig = testutil.ShareSig(key(22), chainID, 1, addr(0), 16, 24, forged.Shares[1].Units, forged.Shares[1].SubRoot)
	// Units summing to more than the range (each share re-signed, so
	// only the sum is wrong).
	over := attestation(1, 0, 16, 24, 100, 20, 21)
	over.Shares[1].Units++
	over.Shares[1].Sig = testutil.ShareSig(key(21), chainID, 1, addr(0), 16, 24, over.Shares[1].Units, over.Shares[1].SubRoot)
	replay := attestation(1, 0, 16, 24, 100, 20, 21)
	replay.AttestationID = attestation(1, 0, 0, 16, 100, 20, 21).AttestationID
	// A share signed for another node cannot be moved to this one.
	moved := attestation(1, 1, 16, 24, 100, 20, 21)
	moved.Shares = attestation(1, 0, 16, 24, 100, 20, 21).Shares

	// An output root that is not the top tree over the signed sub-roots.
	forgedRoot := attestation(1, 0, 16, 24, 100, 20, 21)
	forgedRoot.OutputRoot[0] ^= 1

	cases := []struct {
		name string
		from int
		msg  auth.Msg
		code *codes.Error
	}{
		{"job without nft", 3, job(10, 10), types.ErrNoNFT},
		{"job with zero units", 20, job(0, 10), types.ErrZeroUnits},
		{"job with zero price", 20, job(10, 0), types.ErrZeroPrice},
		{"job escrow above balance", 20, job(1_000_000, 1_000_000), types.ErrInsufficientFunds},
		{"job of unknown spec", 20, &types.SubmitJob{UnitKind: 1, Units: 1, PricePerUnit: *u(1), MaxNodes: 1, Expiry: 500}, types.ErrUnknownSpec},
		{"job of unknown kind", 20, &types.SubmitJob{UnitKind: 2, SpecHash: specHash, Units: 1, PricePerUnit: *u(1), MaxNodes: 1, Expiry: 500}, types.ErrUnknownSpec},
		{"attestation with forged output root", 0, forgedRoot, types.ErrOutputRoot},
		{"job expiry in the past", 20, &types.SubmitJob{UnitKind: 1, Units: 1, PricePerUnit: *u(1), MaxNodes: 1, Expiry: 1}, types.ErrExpiry},
		{"job over max nodes", 20, &types.SubmitJob{UnitKind: 1, Units: 1, PricePerUnit: *u(1), MaxNodes: 1_000, Expiry: 500}, types.ErrJobLimits},
		{"attest by unassigned node", 1, attestation(1, 1, 16, 24, 100, 20, 21), types.ErrNotAssigned},
		{"attest by jailed node", 2, attestation(1, 2, 32, 40, 100, 20, 21), types.ErrNodeJailed},
		{"attest by unregistered node", 4, attestation(1, 4, 16, 24, 100, 20, 21), types.ErrNodeNotFound},
		{"attest overlapping accepted range", 0, attestation(1, 0, 8, 24, 100, 20, 21), types.ErrRangeOverlap},
		{"attest outside assignment", 0, attestation(1, 0, 24, 40, 100, 20, 21), types.ErrRange},
		{"attest other node's units", 0, attestation(1, 0, 32, 40, 100, 20, 21), types.ErrRange},
		{"replayed attestation id", 0, replay, types.ErrAttestationReplay},
		{"expired attestation", 0, attestation(1, 0, 16, 24, 1, 20, 21), types.ErrAttestationExpired},
		{"share signed by someone else", 0, forged, types.ErrShareSignature},
		{"share signed for another node", 1, moved, types.ErrShareSignature},
		{"units summing to more than the range", 0, over, types.ErrShareUnits},
		{"repeated contributor", 0, attestation(1, 0, 16, 24, 100, 20, 20), types.ErrShares},
		{"attest unknown job", 0, attestation(9, 0, 0, 8, 100, 20), types.ErrJobNotFound},
		{"accept twice", 0, &types.AcceptJob{JobID: 1}, types.ErrJobNotOpen},
		{"accept unknown job", 0, &types.AcceptJob{JobID: 9}, types.ErrJobNotFound},
		{"accept by unregistered", 4, &types.AcceptJob{JobID: 1}, types.ErrNodeNotFound},
		{"cancel network job", 0, &types.CancelJob{JobID: 1}, types.ErrNotJobOwner},
		{"register twice", 0, register(0, 1_000), types.ErrNodeExists},
		{"register below min bond", 5, register(5, 999), types.ErrBondTooLow},
		{"register above balance", 21, register(21, 10_000_000_000_000), types.ErrInsufficientFunds},
		{"register without unit kinds", 5, &types.RegisterNode{Endpoint: "x", Region: "eu", Bond: *u(1_000)}, types.ErrNodeMetadata},
		{"update unregistered", 5, &types.UpdateNode{Endpoint: "x", Region: "eu", UnitKinds: []uint32{1}}, types.ErrNodeNotFound},
		{"unjail a free node", 0, &types.UnjailNode{}, types.ErrNotJailed},
		{"unjail before jail period", 2, &types.UnjailNode{}, types.ErrJailPeriod},
		{"unbond unregistered", 5, &types.UnbondNode{}, types.ErrNodeNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			e.fail(c.from, c.msg, c.code)
		})
	}
}

// NFT transfer by a non-owner: refused, nothing changes; by the owner: the
// right to submit jobs moves with it.
func TestTransferNFT(t *testing.T) {
	e := ready(t)
	e.height++
	id := e.nftOf(addr(20)).ID
	h := func(i int) *auth.Header { return &auth.Header{From: addr(i)} }
	before := e.kv.snapshot()
	_, err := nftkeeper.Execute(e.kv, &e.np, h(3), &nft.TransferNFT{ID: id, To: addr(4)})
	require.ErrorIs(t, err, nft.ErrNotOwner)
	_, err = nftkeeper.Execute(e.kv, &e.np, h(20), &nft.TransferNFT{ID: 99, To: addr(3)})
	require.ErrorIs(t, err, nft.ErrNotFound)
	_, err = nftkeeper.Execute(e.kv, &e.np, h(20), &nft.TransferNFT{ID: id, To: addr(20)})
	require.ErrorIs(t, err, nft.ErrInvalidRecipient)
	require.Equal(t, before, e.kv.snapshot())

	_, err = nftkeeper.Execute(e.kv, &e.np, h(20), &nft.TransferNFT{ID: id, To: addr(3)})
	require.NoError(t, err)
	n := e.nftOf(addr(20))
	require.Equal(t, addr(3), n.Owner)
	require.Equal(t, addr(20), n.Contributor)
	e.ok(3, &types.SubmitJob{UnitKind: 1, SpecHash: specHash, Units: 4, PricePerUnit: *u(5), MaxNodes: 1, Expiry: 500})
	e.fail(20, &types.SubmitJob{UnitKind: 1, SpecHash: specHash, Units: 4, PricePerUnit: *u(5), MaxNodes: 1, Expiry: 500}, types.ErrNoNFT)
	// Later work by 20 still credits the NFT it earned, now held by 3.
	w := e.work(1, 0, 16, 32, nil, 20, 21)
	e.ok(0, w.Attest)
	e.pass(w)
	require.Equal(t, uint64(16), e.nftOf(addr(20)).Units)
	require.Equal(t, addr(3), e.nftOf(addr(20)).Owner)
}
