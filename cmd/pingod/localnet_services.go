package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/client"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/spf13/cobra"
)

// The localnet's services each bind one loopback address after the
// validators' (127.0.0.5..9 for 4 validators), with their usual ports, so
// nothing collides with the validators or with another service.
const (
	svcTON = iota
	svcRelayer
	svcCDN
	svcContributor1
	svcContributor2
	svcCount
)

// tonlocalPort is the local TON endpoint's liteserver port.
const tonlocalPort = 4924

// devRelayerSeed is the public dev key of the relayer's TON wallet,
// sha256("pingo/dev-relayer") (the Makefile's TONLOCAL_WALLET_SEED): the
// local endpoint funds it at genesis.
func devRelayerSeed() string {
	s := sha256.Sum256([]byte("pingo/dev-relayer"))
	return hex.EncodeToString(s[:])
}

// servicesOptions are the localnet's flags for what runs beside the
// validators.
type servicesOptions struct {
	NoAgents  bool
	NoTON     bool
	BinDir    string
	Contracts string
	FirstIP   int // last octet of the first service address (0: after the validators)
	// BatchUnits is the CDN node's units per attestation.
	BatchUnits int
	// KeepGoing, when > 0, restarts a child that dies after this delay
	// instead of stopping the localnet (fault injection: make chaos).
	KeepGoing time.Duration
	ips       [svcCount]string
}

func (s *servicesOptions) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&s.NoAgents, "no-agents", false, "do not run the CDN node and its two contributors")
	f.BoolVar(&s.NoTON, "no-ton", false, "do not run the local TON endpoint and the relayer")
	f.StringVar(&s.BinDir, "bin-dir", "", "directory of pingo-cdn, pingo-contributor, pingo-tonlocal, pingo-relayer (default: this pingod's)")
	f.StringVar(&s.Contracts, "contracts", "bridge/contracts", "bridge/contracts directory with node_modules (npm ci) for the TON endpoint")
	f.IntVar(&s.FirstIP, "services-ip", 0, "last octet of the first service's 127.0.0.x address (default: the one after the last validator)")
	f.IntVar(&s.BatchUnits, "cdn-batch-units", 16, "the CDN node's units per attestation")
	f.DurationVar(&s.KeepGoing, "keep-going", 0, "restart a process that exits after this delay instead of stopping everything (fault injection; 0: off)")
}

// resolve fills the addresses and checks that the binaries exist.
func (s *servicesOptions) resolve(o chain.LocalnetOptions) error {
	if s.FirstIP == 0 {
		s.FirstIP = o.FirstIP + o.Validators
	}
	if s.FirstIP < 1 || s.FirstIP+svcCount > 255 {
		return fmt.Errorf("service addresses 127.0.0.%d.. out of range", s.FirstIP)
	}
	for i := range s.ips {
		s.ips[i] = fmt.Sprintf("127.0.0.%d", s.FirstIP+i)
	}
	if s.BinDir == "" {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		s.BinDir = filepath.Dir(self)
	}
	var need []string
	if !s.NoAgents {
		need = append(need, "pingo-cdn", "pingo-contributor")
	}
	if !s.NoTON {
		need = append(need, "pingo-tonlocal", "pingo-relayer")
		if _, err := os.Stat(filepath.Join(s.Contracts, "node_modules", "@ton", "sandbox")); err != nil {
			return fmt.Errorf("the local TON endpoint needs %s/node_modules: run `npm ci` there (make localnet does), or pass --no-ton", s.Contracts)
		}
		abs, err := filepath.Abs(s.Contracts)
		if err != nil {
			return err
		}
		s.Contracts = abs
	}
	for _, b := range need {
		if _, err := os.Stat(filepath.Join(s.BinDir, b)); err != nil {
			return fmt.Errorf("%s not found in %s: run make build (or pass --bin-dir, --no-agents, --no-ton)", b, s.BinDir)
		}
	}
	return nil
}

func (s *servicesOptions) bin(name string) string { return filepath.Join(s.BinDir, name) }

// listenAddrs are the addresses the enabled services will bind.
func (s *servicesOptions) listenAddrs() []string {
	var out []string
	if !s.NoTON {
		out = append(out, fmt.Sprintf("%s:%d", s.ips[svcTON], tonlocalPort), s.ips[svcRelayer]+":9464")
	}
	if !s.NoAgents {
		out = append(out, s.ips[svcCDN]+":8646", s.ips[svcContributor1]+":8647", s.ips[svcContributor2]+":8647")
	}
	return out
}

// services is what startServices brought up, for the guide.
type services struct {
	opts         servicesOptions
	CDN          string   // http://ip:8646
	Contributors []string // http://ip:8647
	TONConfig    string
	TONEndpoint  string // endpoint.json
	Anchor       string
	Relayer      string // metrics URL
	// The PINGO jetton on the TON endpoint.
	JettonMaster, AnchorJettonWallet, DevTONWallet, DevJettonWallet string
	L2Supply, JettonSupply                                          string // units
	Logs                                                            map[string]string
}

// startServices brings up the agents and TON beside the running
// validators: the CDN node and contributors once node0 answers, the TON
// endpoint once checkpoint 1 (and so the set that signs it) exists, the
// relayer once the endpoint has written its address and anchor.
func startServices(ctx context.Context, sup *supervisor, dir string, nodes []chain.LocalnetNode, so servicesOptions) (*services, error) {
	out := &services{opts: so, Logs: map[string]string{}}
	if so.NoAgents && so.NoTON {
		return out, nil
	}
	rpc := nodes[0].RPC
	c, err := client.New(rpc)
	if err != nil {
		return nil, err
	}
	fmt.Println("starting services (their logs are in " + dir + ")...")
	err = waitUntil(ctx, sup, time.Minute, "node0's RPC at height 1", func(ctx context.Context) bool {
		st, err := c.RPC().Status(ctx)
		return err == nil && st.SyncInfo.LatestBlockHeight >= 1
	})
	if err != nil {
		return nil, err
	}
	kr := chain.LocalnetKeyring(dir)
	keyArgs := func(name string) []string {
		return []string{"--keyring-dir", kr, "--keyring-backend", "test", "--from", name}
	}
	start := func(name string, args []string, env ...string) error {
		log := filepath.Join(dir, name+".log")
		out.Logs[name] = log
		_, err := sup.start(name, log, env, so.bin(binOf(name)), args...)
		return err
	}
	if !so.NoAgents {
		out.CDN = "http://" + so.ips[svcCDN] + ":8646"
		args := append([]string{"--home", filepath.Join(dir, "cdn"), "--chain-rpc", rpc,
			"--listen", so.ips[svcCDN] + ":8646", "--min-contributors", "2",
			"--batch-units", fmt.Sprint(so.BatchUnits), "--bond", "10000pingo"}, keyArgs("cdn")...)
		if err := start("cdn", args); err != nil {
			return nil, err
		}
		for i, ip := range []string{so.ips[svcContributor1], so.ips[svcContributor2]} {
			name := fmt.Sprintf("contributor%d", i+1)
			out.Contributors = append(out.Contributors, "http://"+ip+":8647")
			args := append([]string{"--home", filepath.Join(dir, name), "--node", out.CDN, "--chain-rpc", rpc,
				"--metrics", ip + ":8647", "--cores", "1", "--report-every", "10s"}, keyArgs(name)...)
			if err := start(name, args); err != nil {
				return nil, err
			}
		}
	}
	if !so.NoTON {
		if err := startTON(ctx, sup, c, nodes, rpc, dir, out, start); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// binOf maps a service name to its binary.
func binOf(name string) string {
	switch name {
	case "cdn":
		return "pingo-cdn"
	case "tonlocal":
		return "pingo-tonlocal"
	case "relayer":
		return "pingo-relayer"
	}
	return "pingo-contributor"
}

// startTON starts the local TON endpoint with the set that signs
// checkpoint 1 (x/bridge's genesis bridge set: the anchor must hold exactly
// the keys and powers the checkpoints are signed with), then the relayer.
func startTON(ctx context.Context, sup *supervisor, c *client.Client, nodes []chain.LocalnetNode, rpc, dir string, out *services,
	start func(string, []string, ...string) error) error {
	so := out.opts
	var rec bridge.CheckpointRecord
	err := waitUntil(ctx, sup, 2*time.Minute, "checkpoint 1 on the chain", func(ctx context.Context) bool {
		r, found, err := c.Checkpoint(ctx, 1)
		rec = r
		return err == nil && found
	})
	if err != nil {
		return err
	}
	type entry struct {
		PubKey string `json:"pubkey"`
		Power  uint64 `json:"power"`
	}
	var set []entry
	for _, v := range bridge.TONSet(rec.Valset) {
		set = append(set, entry{hex.EncodeToString(v.PubKey), v.Power})
	}
	b, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	valset := filepath.Join(dir, "ton-valset.json")
	if err := os.WriteFile(valset, b, 0o644); err != nil {
		return err
	}
	// The PINGO jetton: the anchor's jetton wallet holds exactly the L2
	// supply (nothing has left the L2 yet) and the dev TON wallet the rest,
	// so L2 supply + PINGO on TON outside the anchor = jettonSupply from
	// genesis on (x/bridge README, withdrawals).
	r, err := c.Query(ctx, "/bank/supply", 0)
	if err != nil {
		return fmt.Errorf("L2 supply: %w", err)
	}
	l2Supply := new(uint256.Int).SetBytes(r.Value)
	total := uint256.MustFromDecimal(jettonSupply)
	if total.Lt(l2Supply) {
		total = new(uint256.Int).Mul(l2Supply, uint256.NewInt(2))
	}
	out.L2Supply, out.JettonSupply = l2Supply.Dec(), total.Dec()
	tonDir := filepath.Join(dir, "tonlocal")
	err = start("tonlocal", []string{"--dir", tonDir, "--addr", fmt.Sprintf("%s:%d", so.ips[svcTON], tonlocalPort),
		"--chain-id", fmt.Sprint(rec.ChainID), "--valset", valset, "--wallet-seed-hex", devRelayerSeed(),
		"--contracts", so.Contracts, "--jetton-supply", total.Dec(), "--bridge-jettons", l2Supply.Dec(),
		"--jetton-holder-seed-hex", devTONWalletSeed()})
	if err != nil {
		return err
	}
	out.TONEndpoint = filepath.Join(tonDir, "endpoint.json")
	var ep struct {
		Anchor             string `json:"anchor"`
		GlobalConfig       string `json:"global_config"`
		JettonMaster       string `json:"jetton_master"`
		AnchorJettonWallet string `json:"anchor_jetton_wallet"`
		DevWallet          string `json:"dev_wallet"`
		DevJettonWallet    string `json:"dev_jetton_wallet"`
	}
	err = waitUntil(ctx, sup, 3*time.Minute, "the TON endpoint's "+out.TONEndpoint, func(context.Context) bool {
		b, err := os.ReadFile(out.TONEndpoint)
		return err == nil && json.Unmarshal(b, &ep) == nil && ep.Anchor != ""
	})
	if err != nil {
		return err
	}
	out.Anchor, out.TONConfig = ep.Anchor, ep.GlobalConfig
	out.JettonMaster, out.AnchorJettonWallet, out.DevTONWallet, out.DevJettonWallet =
		ep.JettonMaster, ep.AnchorJettonWallet, ep.DevWallet, ep.DevJettonWallet
	// The validators' TON watchers: each restarts once, in turn (the other
	// three keep making blocks), with app.toml naming the endpoint, so
	// reported TON facts (ReportAnchor) get their votes and confirm.
	if err := enableWatchers(ctx, sup, nodes, ep.GlobalConfig, ep.Anchor); err != nil {
		return err
	}
	out.Relayer = "http://" + so.ips[svcRelayer] + ":9464/metrics"
	return start("relayer", []string{"--chain-rpc", rpc, "--ton-config", ep.GlobalConfig, "--ton-unsafe",
		"--wallet-network-id", "-3", "--anchor", ep.Anchor, "--journal-dir", filepath.Join(dir, "relayer"),
		"--metrics-addr", so.ips[svcRelayer] + ":9464", "--poll", "1s", "--claim=true"},
		"PINGO_RELAYER_WALLET_KEY="+devRelayerSeed(), "PINGO_RELAYER_L2_KEY="+keyHex(chain.DevKey(RelayerL2Index)))
}

// jettonSupply is the PINGO jetton's total supply on the local TON
// endpoint, in units: 10^9 PINGO (the Makefile's TONLOCAL_JETTON_SUPPLY).
const jettonSupply = "1000000000000000000"

// RelayerL2Index is the dev account (funded at genesis) whose key the
// localnet's relayer signs its ReportAnchor txs with.
const RelayerL2Index = chain.DevAccounts - 1

// devTONWalletSeed is the public dev key of the TON wallet holding the
// PINGO jettons outside the bridge, sha256("pingo/dev-ton-wallet") (the
// Makefile's TONLOCAL_HOLDER_SEED).
func devTONWalletSeed() string {
	s := sha256.Sum256([]byte("pingo/dev-ton-wallet"))
	return hex.EncodeToString(s[:])
}

func keyHex(k *ecdsa.PrivateKey) string { return hex.EncodeToString(k.D.FillBytes(make([]byte, 32))) }

// enableWatchers restarts the validators one at a time with their TON
// watcher configured, waiting for each to be back at the chain's height
// before the next: one of four down never stops the chain.
func enableWatchers(ctx context.Context, sup *supervisor, nodes []chain.LocalnetNode, tonConfig, anchor string) error {
	sup.mu.Lock()
	var vals []*child
	for _, p := range sup.procs {
		if p.validator {
			vals = append(vals, p)
		}
	}
	sup.mu.Unlock()
	for i, p := range vals {
		n := nodes[i]
		nc, err := client.New(n.RPC)
		if err != nil {
			return err
		}
		c0, err := client.New(nodes[(i+1)%len(nodes)].RPC)
		if err != nil {
			return err
		}
		if err := sup.restart(p, func() error { return chain.SetLocalnetTON(n.Home, tonConfig, anchor) }); err != nil {
			return fmt.Errorf("restart %s with its TON watcher: %w", p.name, err)
		}
		var target int64
		if st, err := c0.RPC().Status(ctx); err == nil {
			target = st.SyncInfo.LatestBlockHeight
		}
		err = waitUntil(ctx, sup, 2*time.Minute, p.name+" back with its TON watcher", func(ctx context.Context) bool {
			st, err := nc.RPC().Status(ctx)
			return err == nil && st.SyncInfo.LatestBlockHeight > target && !st.SyncInfo.CatchingUp
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// waitUntil polls cond every 200 ms (each call bounded to 3 s) until it
// holds, failing on timeout, Ctrl-C, or a child exiting.
func waitUntil(ctx context.Context, sup *supervisor, timeout time.Duration, what string, cond func(context.Context) bool) error {
	deadline := time.Now().Add(timeout)
	for {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		ok := cond(cctx)
		cancel()
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("localnet: no %s after %s", what, timeout)
		}
		select {
		case <-ctx.Done():
			return errStopped
		case p := <-sup.exited:
			return fmt.Errorf("%s exited unexpectedly while waiting for %s; see %s", p.name, what, p.log)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// printGuide tells where everything is and gives one example per role.
func printGuide(w *os.File, dir string, nodes []chain.LocalnetNode, s *services) {
	rpc := nodes[0].RPC
	kr := chain.LocalnetKeyring(dir)
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("Keys (test keyring, plaintext, dev mnemonic): --keyring-dir %s --keyring-backend test", kr)
	for _, k := range chain.LocalnetKeys {
		p("  %-13s %s  (m/44'/60'/0'/0/%d)", k.Name, addrOf(chain.DevKey(k.Index)), k.Index)
	}
	if s.CDN != "" {
		p("CDN node (cdn, bonded, takes network contribution jobs): %s/status  %s/metrics  log %s", s.CDN, s.CDN, s.Logs["cdn"])
		for i, u := range s.Contributors {
			name := fmt.Sprintf("contributor%d", i+1)
			p("  %s: %s/status  %s/metrics  log %s", name, u, u, s.Logs[name])
		}
	} else {
		p("CDN node and contributors: off (--no-agents)")
	}
	if s.Anchor != "" {
		p("Local TON endpoint: liteserver config %s (use the unsafe proof policy), %s, anchor %s, log %s",
			s.TONConfig, s.TONEndpoint, s.Anchor, s.Logs["tonlocal"])
		p("  PINGO jetton: master %s, supply %s units; anchor's jetton wallet %s holds the L2 supply %s",
			s.JettonMaster, s.JettonSupply, s.AnchorJettonWallet, s.L2Supply)
		p("  dev TON wallet (V5R1, seed sha256(\"pingo/dev-ton-wallet\")) %s holds the rest in jetton wallet %s", s.DevTONWallet, s.DevJettonWallet)
		p("  validators' TON watchers: on (app.toml ton-config/ton-anchor point here)")
		p("Relayer: metrics %s  journal %s  log %s", s.Relayer, filepath.Join(dir, "relayer"), s.Logs["relayer"])
		p("  anchors checkpoints with TON wallet seed sha256(\"pingo/dev-relayer\"), reports them with L2 key %s (dev account %d), auto-claims withdrawals",
			devAddr(RelayerL2Index), RelayerL2Index)
	} else {
		p("Local TON endpoint and relayer: off (--no-ton)")
	}
	flags := fmt.Sprintf("--keyring-dir %s --keyring-backend test --node %s", kr, rpc)
	p("Try:")
	p("  wallet:   pingod tx transfer %s 1.5pingo --from dev %s", devAddr(1), flags)
	p("            pingod query balance %s --node %s", devAddr(1), rpc)
	p("  jobs:     pingod tx job submit 256 1000 --expiry 50000 --from contributor1 %s", flags)
	p("            (a contributor NFT holder: contributor1 has one after its first PASS receipt)")
	p("  compute:  pingod query receipts --contributor %s --node %s", addrOf(chain.DevKey(chain.LocalnetKeys[2].Index)), rpc)
	p("  bridge:   curl -s '%s/abci_query?path=\"/bridge/checkpoint/1\"'   (state sealed; anchored: relayer metrics above)", rpc)
	if s.Anchor != "" {
		p("  withdraw: pingod tx withdraw --to %s --amount 2pingo --from dev %s", s.DevTONWallet, flags)
		p("            pingod query withdrawal 1 --node %s   (burned → checkpointed → anchored; the relayer then claims it on TON)", rpc)
		p("  deposit from TON: a TEP-74 jetton transfer from the dev TON wallet to the anchor %s with the", s.Anchor)
		p("            deposit payload (L2 address) as forward payload; no pingod command yet, see docs/protocol.md#pingo-across-ton-deposits-and-claims")
	} else {
		p("  withdraw / deposit: need the TON endpoint (run without --no-ton)")
	}
}
