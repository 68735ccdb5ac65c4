package main

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingo-chain/pingo/chain/client"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/stretchr/testify/require"
)

// cliCompute drives the compute and nft commands against the running dev
// node of TestCLIDevNodeLive, whose genesis funds the incentive pool (so
// network job 1 opened in block 1). kr selects the wallet holding "dev".
func cliCompute(t *testing.T, node string, kr []string) {
	tx := func(args ...string) result {
		return pingod(t, nil, append(append([]string{"tx"}, args...), append([]string{"--from", "dev", "--node", node}, kr...)...)...)
	}
	q := func(args ...string) map[string]any {
		r := pingod(t, nil, append([]string{"query"}, append(args, "--node", node)...)...)
		mustOK(t, r, "query "+args[0])
		return decodeJSON(t, r.stdout)
	}
	pool := q("incentive-pool")
	require.Equal(t, true, pool["proof_verified"])
	require.NotEqual(t, "0", pool["result"].(map[string]any)["amount"])
	require.Equal(t, []any{float64(1), float64(2), float64(3), float64(4)}, q("jobs", "--state", "open")["jobs"]) // network_jobs_per_epoch

	mustOK(t, tx("node", "register", "1000pingo", "--endpoint", "https://127.0.0.71:8443", "--region", "local", "--unit-kinds", "1,2"), "tx node register")
	n := q("node", addrHex(0))["result"].(map[string]any)
	require.Equal(t, "1000000000000", n["bond"])
	require.Equal(t, "local", n["region"])
	require.Equal(t, []any{addrHex(0)}, q("nodes")["nodes"])
	mustOK(t, tx("job", "accept", "1"), "tx job accept")
	j := q("job", "1")["result"].(map[string]any)
	require.Len(t, j["assignments"], 1)
	require.Equal(t, []any{float64(1)}, q("jobs", "--operator", addrHex(0))["jobs"])

	// Without an NFT, no job (compute/11); an NFT that does not exist
	// cannot move (nft/2); both are tx errors (exit 2).
	r := tx("job", "submit", "10", "1000", "--expiry", "100000")
	require.Equal(t, 2, r.code, "%s", r)
	require.Contains(t, r.stderr, "compute/11")
	r = tx("nft", "transfer", "1", addrHex(1))
	require.Equal(t, 2, r.code, "%s", r)
	require.Contains(t, r.stderr, "nft/2")
	require.Empty(t, q("nfts", addrHex(0))["nfts"])
	// sign-share (offline) signs a contributor share that recovers to the
	// signer under the EIP-712 ContributorShare type.
	// The share's sub-root over the real outputs of units [0, 16) of job 1.
	seed, err := compute.ParseHash(q("job", "1")["result"].(map[string]any)["seed"].(string))
	require.NoError(t, err)
	node0, err := auth.ParseAddress(addrHex(0))
	require.NoError(t, err)
	leaves := make([][32]byte, 16)
	for i := range leaves {
		leaves[i] = kernel.Leaf(1, uint64(i), node0, kernel.Digest(seed, uint64(i)))
	}
	subRoot32 := kernel.Root(leaves)
	sub := compute.Hash(subRoot32).Hex()
	r = pingod(t, nil, append([]string{"tx", "sign-share", "1", addrHex(0), "0", "16", "16", sub, "--from", "dev", "--chain-id", "7447"}, kr...)...)
	mustOK(t, r, "tx sign-share")
	sigHex := decodeJSON(t, r.stdout)["signature"].(string)
	sig, err := hex.DecodeString(strings.TrimPrefix(sigHex, "0x"))
	require.NoError(t, err)
	subRoot, err := compute.ParseHash(sub)
	require.NoError(t, err)
	signer, err := auth.RecoverTypedSigner(compute.ShareDigest(7447, 1, node0, 0, 16, node0, 16, subRoot), [65]byte(sig))
	require.NoError(t, err)
	require.Equal(t, node0, signer)

	// The node attests [0, 16) of job 1 with that share (the operator is
	// its own contributor here): a pending receipt; after the beacon, the
	// reveal of the sample (all 16 units) passes: paid, NFT minted; with
	// the NFT, dev may submit jobs and transfer it.
	file := filepath.Join(t.TempDir(), "attestation.json")
	root := compute.Hash(kernel.TopRoot([][32]byte{subRoot32})).Hex()
	body := `{"job_id": 1, "attestation_id": "0x` + strings.Repeat("01", 32) + `", "start": 0, "end": 16,
		"output_root": "` + root + `", "expiry": 100000,
		"shares": [{"contributor": "` + addrHex(0) + `", "units": 16, "sub_root": "` + sub + `", "signature": "` + sigHex + `"}]}`
	require.NoError(t, os.WriteFile(file, []byte(body), 0o600))
	mustOK(t, tx("attest", file), "tx attest")
	require.Equal(t, []any{float64(1)}, q("receipts", "--job", "1")["receipts"])
	rc := q("receipt", "1")["result"].(map[string]any)
	require.EqualValues(t, 2, rc["status"], "pending")
	c, err := client.New(node)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	attID, _ := compute.ParseHash("0x" + strings.Repeat("01", 32))
	_, sample, err := c.WaitSample(ctx, attID, 100, 200*time.Millisecond)
	require.NoError(t, err)
	require.Len(t, sample, 16)
	var ops []string
	for _, idx := range sample {
		path := kernel.EncodePath(kernel.Path(leaves, idx))
		d := kernel.Digest(seed, idx)
		ops = append(ops, `{"digest": "`+compute.Hash(d).Hex()+`", "path": "0x`+hex.EncodeToString(path)+`"}`)
	}
	rfile := filepath.Join(t.TempDir(), "reveal.json")
	require.NoError(t, os.WriteFile(rfile, []byte(`{"attestation_id": "`+attID.Hex()+`", "first": 0, "openings": [`+strings.Join(ops, ",")+`]}`), 0o600))
	mustOK(t, tx("reveal", rfile), "tx reveal")
	rc = q("receipt", "1")["result"].(map[string]any)
	require.EqualValues(t, 1, rc["status"], "final")
	require.EqualValues(t, 1, rc["verdict"])
	r = tx("reveal", rfile) // replayed
	require.Equal(t, 2, r.code, "%s", r)
	require.Contains(t, r.stderr, "compute/36")
	nfts := q("nfts", addrHex(0))
	require.Equal(t, []any{float64(1)}, nfts["nfts"])
	require.EqualValues(t, 1, nfts["earned_nft"])
	require.EqualValues(t, 16, q("nft", "1")["result"].(map[string]any)["units"])
	r = tx("attest", file) // the same attestation id again
	require.Equal(t, 2, r.code, "%s", r)
	require.Contains(t, r.stderr, "compute/26")
	mustOK(t, tx("job", "submit", "10", "1000", "--expiry", "100000"), "tx job submit")
	mine := q("jobs", "--owner", addrHex(0))["jobs"].([]any)
	require.Len(t, mine, 1)
	// Every state is listable: the new job is open until its owner
	// cancels it before any node accepts.
	require.Contains(t, q("jobs", "--state", "open")["jobs"], mine[0])
	require.Nil(t, q("jobs", "--state", "cancelled")["jobs"])
	mustOK(t, tx("job", "cancel", strconv.FormatFloat(mine[0].(float64), 'f', 0, 64)), "tx job cancel")
	cancelled := q("jobs", "--state", "cancelled")
	require.Equal(t, mine, cancelled["jobs"])
	require.Equal(t, true, cancelled["proof_verified"])
	require.NotContains(t, q("jobs", "--state", "open")["jobs"], mine[0])
	require.Nil(t, q("jobs", "--state", "done")["jobs"])
	require.Nil(t, q("jobs", "--state", "expired")["jobs"])
	r = pingod(t, nil, "query", "jobs", "--state", "paid", "--node", node)
	require.NotEqual(t, 0, r.code, "%s", r)
	require.Contains(t, r.stderr, "query/2")
	mustOK(t, tx("nft", "transfer", "1", addrHex(1)), "tx nft transfer")
	require.Equal(t, []any{float64(1)}, q("nfts", addrHex(1))["nfts"])

	mustOK(t, tx("node", "update", "--endpoint", "https://127.0.0.72:8443", "--region", "local", "--unit-kinds", "1"), "tx node update")
	mustOK(t, tx("node", "unbond"), "tx node unbond")
	n = q("node", addrHex(0))["result"].(map[string]any)
	require.EqualValues(t, 2, n["status"])
}
