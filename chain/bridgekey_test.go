package chain_test

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"

	"github.com/pingo-chain/pingo/chain"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/stretchr/testify/require"
)

// Every localnet home gets its own bridge key file, genesis registers each
// validator's key for its operator, and vote extensions are on from height 1.
func TestLocalnetBridgeKeys(t *testing.T) {
	dir := t.TempDir()
	nodes, err := chain.GenerateLocalnet(filepath.Join(dir, "net"), chain.LocalnetOptions{Validators: 3, FirstIP: 111})
	require.NoError(t, err)
	g, err := chain.ReadGenesis(chain.GenesisFile(nodes[0].Home))
	require.NoError(t, err)
	require.EqualValues(t, 1, g.Doc.ConsensusParams.ABCI.VoteExtensionsEnableHeight)
	require.Len(t, g.State.Bridge.Keys, 3)
	seen := map[string]bool{}
	for i, n := range nodes {
		k, err := chain.LoadBridgeKey(chain.BridgeKeyFile(n.Home))
		require.NoError(t, err)
		require.NotNil(t, k)
		st, err := os.Stat(chain.BridgeKeyFile(n.Home))
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
		op := chain.DevValidatorOperator(i)
		gk := g.State.Bridge.Keys[i]
		require.Equal(t, auth.PubkeyToAddress(&op.PublicKey), gk.Operator)
		require.Equal(t, []byte(k.Public().(ed25519.PublicKey)), gk.PubKey[:])
		require.False(t, seen[string(gk.PubKey[:])], "bridge key reused")
		seen[string(gk.PubKey[:])] = true
	}
	// Loading is strict: a file whose public key does not match is refused.
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"pub_key":"0x00","priv_key":"0x`+string(make([]byte, 0))+`"}`), 0o600))
	_, err = chain.LoadBridgeKey(bad)
	require.Error(t, err)
	k, err := chain.LoadBridgeKey(filepath.Join(dir, "absent.json"))
	require.NoError(t, err)
	require.Nil(t, k)
}
