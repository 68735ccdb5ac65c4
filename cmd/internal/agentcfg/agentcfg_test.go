package agentcfg

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/pingo-chain/pingo/testutil"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"
)

// flag > env > file > default, for each key independently.
func TestPrecedence(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(home, "x.toml"), []byte("cores = 3\nnode = \"file\"\nduty = 40\n"), 0o600))
	f := pflag.NewFlagSet("t", pflag.ContinueOnError)
	f.String("home", "", "")
	f.Int("cores", 1, "")
	f.String("node", "default", "")
	f.Int("duty", 100, "")
	f.String("region", "default", "")
	KeyFlags(f)
	require.NoError(t, f.Parse([]string{"--home", home, "--cores", "5"}))
	t.Setenv("PINGO_T_NODE", "env")
	t.Setenv("PINGO_T_KEY_HEX", "0x"+hex.EncodeToString(crypto.FromECDSA(testutil.Key(3))))
	v, err := Load(f, "PINGO_T", "x.toml")
	require.NoError(t, err)
	require.Equal(t, 5, v.GetInt("cores"))       // flag over file
	require.Equal(t, "env", v.GetString("node")) // env over file
	require.Equal(t, 40, v.GetInt("duty"))       // file over default
	require.Equal(t, "default", v.GetString("region"))
	k, err := Key(v, "PINGO_T")
	require.NoError(t, err)
	require.Equal(t, testutil.Addr(testutil.Key(3)), testutil.Addr(k))
}
