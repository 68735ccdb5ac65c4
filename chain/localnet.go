package chain

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/pingo-chain/pingo/chain/keys"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// LocalnetNode is one validator of a generated localnet.
type LocalnetNode struct {
	Home    string
	IP      string // 127.0.0.x
	RPC     string // http://127.0.0.x:26657
	P2P     string // id@127.0.0.x:26656
	Metrics string // http://127.0.0.x:26660/metrics
}

// LocalnetOptions shape a localnet.
type LocalnetOptions struct {
	Validators int
	// FirstIP is the last octet of the first node's loopback address; node i
	// binds 127.0.0.(FirstIP+i) with the standard ports, so wallets reach
	// node 0 at the familiar 127.0.0.1:26657 by default.
	FirstIP int
	// BlockTime is consensus.timeout_commit.
	BlockTime time.Duration
	// CheckpointEpochBlocks, when set, replaces x/bridge's epoch_blocks
	// (default 100): a localnet wants its first checkpoint anchored on the
	// local TON endpoint within seconds, not minutes.
	CheckpointEpochBlocks uint64
}

// LocalnetKeyring is the test-backend keyring GenerateLocalnet writes in
// dir: "dev" (the first funded dev account), "cdn" (the CDN node
// operator, funded) and "contributor1", "contributor2", all from the
// published dev mnemonic. Plaintext: localnets only.
func LocalnetKeyring(dir string) string { return filepath.Join(dir, "keyring-test") }

// LocalnetKeys names the keys of LocalnetKeyring and their dev mnemonic
// indexes.
var LocalnetKeys = []struct {
	Name  string
	Index uint32
}{{"dev", 0}, {"cdn", DevAgentIndex}, {"contributor1", DevAgentIndex + 1}, {"contributor2", DevAgentIndex + 2}}

// GenerateLocalnet writes dir/node0..N-1, each a full home with the same
// genesis (all validators, the dev accounts funded) and peers wired to each
// other. It removes dir first: a localnet always starts from genesis.
func GenerateLocalnet(dir string, o LocalnetOptions) ([]LocalnetNode, error) {
	if o.Validators < 1 || o.Validators > 200 {
		return nil, fmt.Errorf("validators must be in [1, 200], got %d", o.Validators)
	}
	if o.FirstIP < 1 || o.FirstIP+o.Validators > 255 {
		return nil, fmt.Errorf("loopback addresses 127.0.0.%d.. out of range", o.FirstIP)
	}
	if err := safeToWipe(dir); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	nodes := make([]LocalnetNode, o.Validators)
	vals := make([]cmttypes.GenesisValidator, o.Validators)
	for i := range nodes {
		home := filepath.Join(dir, fmt.Sprintf("node%d", i))
		val, err := InitHome(home, InitOptions{Moniker: fmt.Sprintf("node%d", i), ChainID: DevChainID, L2ChainID: DevL2ChainID, Power: 10})
		if err != nil {
			return nil, err
		}
		vals[i] = val
		nk, err := p2p.LoadNodeKey(filepath.Join(home, "config", "node_key.json"))
		if err != nil {
			return nil, err
		}
		ip := fmt.Sprintf("127.0.0.%d", o.FirstIP+i)
		nodes[i] = LocalnetNode{Home: home, IP: ip, RPC: "http://" + ip + ":26657",
			P2P: string(nk.ID()) + "@" + ip + ":26656", Metrics: "http://" + ip + ":26660/metrics"}
	}
	g := NewGenesis(DevChainID, DevL2ChainID)
	g.Doc.GenesisTime = time.Now().UTC().Truncate(time.Second)
	if err := FundDevAccounts(g); err != nil {
		return nil, err
	}
	// The CDN node pays its bond and fees; contributors need no funds.
	cdnKey := DevAgentKey(0)
	if err := g.AddAccount(auth.PubkeyToAddress(&cdnKey.PublicKey), DevBalance); err != nil {
		return nil, err
	}
	if o.CheckpointEpochBlocks > 0 {
		g.State.Bridge.Params.EpochBlocks = o.CheckpointEpochBlocks
	}
	consKeys := make([][]byte, len(vals))
	bridgeKeys := make([][]byte, len(vals))
	monikers := make([]string, len(vals))
	for i, v := range vals {
		consKeys[i], monikers[i] = v.PubKey.Bytes(), v.Name
		bk, err := LoadBridgeKey(BridgeKeyFile(nodes[i].Home))
		if err != nil {
			return nil, err
		}
		bridgeKeys[i] = bk.Public().(ed25519.PublicKey)
	}
	if err := SetDevValidators(g, consKeys, bridgeKeys, monikers); err != nil {
		return nil, err
	}
	for i, n := range nodes {
		if err := g.Write(GenesisFile(n.Home)); err != nil {
			return nil, err
		}
		c := DefaultCmtConfig(fmt.Sprintf("node%d", i))
		c.SetRoot(n.Home)
		c.RPC.ListenAddress = "tcp://" + n.IP + ":26657"
		c.RPC.CORSAllowedOrigins = []string{"*"} // dapps in a browser
		c.P2P.ListenAddress = "tcp://" + n.IP + ":26656"
		c.P2P.ExternalAddress = n.IP + ":26656"
		c.P2P.AddrBookStrict = false // loopback peers are "non-routable"
		c.P2P.AllowDuplicateIP = true
		c.P2P.PexReactor = o.Validators > 1
		var peers []string
		for j, p := range nodes {
			if j != i {
				peers = append(peers, p.P2P)
			}
		}
		c.P2P.PersistentPeers = strings.Join(peers, ",")
		c.Instrumentation.Prometheus = true
		c.Instrumentation.PrometheusListenAddr = n.IP + ":26660"
		if o.BlockTime > 0 {
			c.Consensus.TimeoutCommit = o.BlockTime
		}
		cmtcfg.WriteConfigFile(ConfigFile(n.Home), c)
	}
	if err := writeLocalnetKeyring(dir); err != nil {
		return nil, err
	}
	return nodes, nil
}

func writeLocalnetKeyring(dir string) error {
	kr, err := keys.Open(LocalnetKeyring(dir), keys.BackendTest)
	if err != nil {
		return err
	}
	for _, k := range LocalnetKeys {
		if _, err := kr.Recover(k.Name, DevMnemonic(), "", "", k.Index); err != nil {
			return fmt.Errorf("localnet keyring: %w", err)
		}
	}
	return nil
}

// safeToWipe refuses to delete a directory that is neither empty nor an
// earlier localnet, so a mistyped --dir cannot wipe someone's home.
func safeToWipe(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) == 0 {
		return nil // absent or empty
	}
	if _, err := os.Stat(filepath.Join(dir, "node0", "config", "genesis.json")); err == nil {
		return nil
	}
	return fmt.Errorf("%s is not empty and does not look like a localnet (no node0/config/genesis.json); refusing to wipe it", dir)
}

// SetLocalnetTON points the TON watcher of the validator at home to the
// local TON endpoint (bridge/tonlocal: global config file, anchor address,
// proofs off, which only that endpoint may use) by rewriting its app.toml.
// The localnet starts its validators before the endpoint (the endpoint's
// anchor holds the set that signs checkpoint 1), so it calls this and
// restarts each validator once the endpoint is up.
func SetLocalnetTON(home, globalConfig, anchor string) error {
	ac := DefaultAppConfig()
	if err := loadInto(AppConfigFile(home), nil, &ac); err != nil {
		return err
	}
	ac.TONConfig, ac.TONAnchor, ac.TONUnsafe = globalConfig, anchor, true
	return WriteAppConfig(AppConfigFile(home), ac)
}
