package chain_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	bton "github.com/pingo-chain/pingo/bridge/ton"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
	"github.com/stretchr/testify/require"
	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/ton/jetton"
	"github.com/xssnick/tonutils-go/ton/wallet"
)

// localnetEndpoint is what `pingod localnet` wrote to
// <dir>/tonlocal/endpoint.json.
type localnetEndpoint struct {
	Anchor             string `json:"anchor"`
	GlobalConfig       string `json:"global_config"`
	JettonMaster       string `json:"jetton_master"`
	AnchorJettonWallet string `json:"anchor_jetton_wallet"`
	DevWallet          string `json:"dev_wallet"`
}

func readLocalnetEndpoint(dir string) (localnetEndpoint, bool) {
	var ep localnetEndpoint
	b, err := os.ReadFile(filepath.Join(dir, "tonlocal", "endpoint.json"))
	return ep, err == nil && json.Unmarshal(b, &ep) == nil && ep.Anchor != "" && ep.JettonMaster != ""
}

// tonView reads the localnet's TON side over ADNL (tonutils-go): the
// anchor through bridge/ton and PINGO jetton balances.
type tonView struct {
	anchor *bton.Client
	master *jetton.Client
	ep     localnetEndpoint
}

func dialTONView(t *testing.T, ctx context.Context, ep localnetEndpoint) *tonView {
	t.Helper()
	seed := sha256.Sum256([]byte("pingo/dev-relayer"))
	tc, err := bton.Dial(ctx, bton.Config{GlobalConfig: ep.GlobalConfig, WalletKey: ed25519.NewKeyFromSeed(seed[:]),
		Wallet: wallet.ConfigV5R1Final{NetworkGlobalID: tonlocal.WalletVersion.NetworkGlobalID}, Anchor: address.MustParseAddr(ep.Anchor), Unsafe: true})
	require.NoError(t, err)
	t.Cleanup(tc.Close)
	cfg, err := liteclient.GetConfigFromFile(ep.GlobalConfig)
	require.NoError(t, err)
	pool := liteclient.NewConnectionPool()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, pool.AddConnectionsFromConfig(cctx, cfg))
	t.Cleanup(pool.Stop)
	api := ton.NewAPIClient(pool, ton.ProofCheckPolicyUnsafe).WithRetry(3)
	return &tonView{anchor: tc, master: jetton.NewJettonMasterClient(api, address.MustParseAddr(ep.JettonMaster)), ep: ep}
}

// jettons is owner's PINGO jetton balance (0 while its wallet is not
// deployed).
func (v *tonView) jettons(ctx context.Context, owner string) (*big.Int, error) {
	w, err := v.master.GetJettonWallet(ctx, address.MustParseAddr(owner))
	if err != nil {
		return nil, err
	}
	b, err := w.GetBalance(ctx)
	if err != nil {
		return new(big.Int), nil
	}
	return b, nil
}
