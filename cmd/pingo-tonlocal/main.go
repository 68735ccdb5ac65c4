// Command pingo-tonlocal runs PinGo's local TON endpoint (bridge/tonlocal):
// a liteserver on loopback executing the real anchor contract in an
// @ton/sandbox sidecar, for development, the localnet and the relayer's
// tests, where TON mainnet is out of reach.
//
//	pingo-tonlocal --dir .tonlocal --chain-id 1 --test-validators 4 --wallet-seed-hex <64 hex> \
//	    [--jetton-supply N --bridge-jettons M --jetton-holder-seed-hex <64 hex>]
//
// A fresh --dir deploys the anchor with the given validator set and funds
// the wallets; a used one restores its state (the genesis flags are then
// ignored). The endpoint writes DIR/global.config.json (point any TON
// client at it, with the unsafe proof policy) and DIR/endpoint.json
// (address, anchor, wallets), prints the latter on stdout, and runs until
// SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/big"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/xssnick/tonutils-go/liteclient"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
	"github.com/pingo-chain/pingo/bridge/tonlocal"
)

type info struct {
	Addr         string   `json:"addr"`
	ServerKey    string   `json:"server_key"`
	GlobalConfig string   `json:"global_config"`
	Anchor       string   `json:"anchor"`
	Wallets      []string `json:"wallets"`
	WalletID     int32    `json:"wallet_network_global_id"`
	// The PINGO jetton (issue #7), absent without --jetton-supply.
	JettonMaster       string `json:"jetton_master,omitempty"`
	AnchorJettonWallet string `json:"anchor_jetton_wallet,omitempty"`
	DevWallet          string `json:"dev_wallet,omitempty"`        // the holder's V5R1 TON wallet
	DevJettonWallet    string `json:"dev_jetton_wallet,omitempty"` // its PINGO jetton wallet
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pingo-tonlocal:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		dir        = flag.String("dir", ".tonlocal", "state directory")
		addr       = flag.String("addr", "127.0.0.1:0", "listen address (loopback; port 0 picks one, kept across restarts)")
		contracts  = flag.String("contracts", "bridge/contracts", "bridge/contracts directory (npm ci run there)")
		node       = flag.String("node", "node", "node binary")
		blockEvery = flag.Duration("block-interval", time.Second, "masterchain block time")
		chainID    = flag.Uint64("chain-id", 0, "PinGo chain id checkpoints must carry (genesis only)")
		lastEpoch  = flag.Uint64("last-epoch", 0, "the anchor's initial last epoch (genesis only)")
		valsetFile = flag.String("valset", "", `validator set JSON: [{"pubkey":"<hex>","power":N},...] (genesis only)`)
		testVals   = flag.Int("test-validators", 0, "use test validators 0..N-1 (keys from sha256(\"pingo/test-validator/<i>\")), power 10")
		walletPubs = flag.String("wallet-pubkeys", "", "comma-separated hex ed25519 public keys of V5R1 wallets to fund (genesis only)")
		walletSeed = flag.String("wallet-seed-hex", "", "hex 32-byte ed25519 seed of a V5R1 wallet to fund (genesis only)")
		jSupply    = flag.String("jetton-supply", "", "deploy the PINGO jetton with this total supply in units (10^9 per PINGO); empty: no jetton (genesis only)")
		jBridge    = flag.String("bridge-jettons", "0", "units in the anchor's jetton wallet: the L2 genesis supply (genesis only)")
		holderSeed = flag.String("jetton-holder-seed-hex", "", "hex 32-byte ed25519 seed of the V5R1 wallet holding supply - bridge (genesis only)")
		verbose    = flag.Bool("v", false, "log every client connection (tonutils-go's server log)")
	)
	flag.Parse()
	if !*verbose {
		silenceServerLog()
	}

	set, err := validatorSet(*valsetFile, *testVals)
	if err != nil {
		return err
	}
	var wallets []ed25519.PublicKey
	for _, h := range strings.Split(*walletPubs, ",") {
		if h = strings.TrimSpace(h); h == "" {
			continue
		}
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return fmt.Errorf("--wallet-pubkeys: %q is not a hex ed25519 public key", h)
		}
		wallets = append(wallets, b)
	}
	if *walletSeed != "" {
		b, err := hex.DecodeString(*walletSeed)
		if err != nil || len(b) != ed25519.SeedSize {
			return errors.New("--wallet-seed-hex: want 64 hex digits")
		}
		wallets = append(wallets, ed25519.NewKeyFromSeed(b).Public().(ed25519.PublicKey))
	}

	jg, err := jettonGenesis(*jSupply, *jBridge, *holderSeed)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	e, err := tonlocal.Start(startCtx, tonlocal.Options{
		Dir: *dir, Addr: *addr, ContractsDir: *contracts, Node: *node, BlockInterval: *blockEvery,
		ChainID: *chainID, LastEpoch: *lastEpoch, Validators: set, Wallets: wallets, Jetton: jg,
		Log: log.Printf, Stderr: os.Stderr,
	})
	cancel()
	if err != nil {
		return err
	}
	defer e.Close()

	in := info{
		Addr: e.Addr(), ServerKey: base64.StdEncoding.EncodeToString(e.ServerKey()),
		GlobalConfig: e.ConfigPath(), Anchor: e.Anchor().String(), WalletID: tonlocal.WalletVersion.NetworkGlobalID,
	}
	for _, w := range e.Wallets() {
		in.Wallets = append(in.Wallets, w.String())
	}
	if j := e.Jetton(); j != nil {
		in.JettonMaster, in.AnchorJettonWallet = j.Master.String(), j.AnchorWallet.String()
		in.DevWallet, in.DevJettonWallet = j.Holder.String(), j.HolderWallet.String()
	}
	b, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*dir, "endpoint.json"), b, 0o644); err != nil {
		return err
	}
	fmt.Println(string(b))
	<-ctx.Done()
	log.Printf("stopping")
	return nil
}

// jettonGenesis reads the jetton flags; nil without --jetton-supply.
func jettonGenesis(supply, bridge, seedHex string) (*tonlocal.JettonGenesis, error) {
	if supply == "" {
		return nil, nil
	}
	g := &tonlocal.JettonGenesis{}
	var ok bool
	if g.Supply, ok = new(big.Int).SetString(supply, 10); !ok {
		return nil, fmt.Errorf("--jetton-supply: %q is not a decimal integer", supply)
	}
	if g.Bridge, ok = new(big.Int).SetString(bridge, 10); !ok {
		return nil, fmt.Errorf("--bridge-jettons: %q is not a decimal integer", bridge)
	}
	b, err := hex.DecodeString(seedHex)
	if err != nil || len(b) != ed25519.SeedSize {
		return nil, errors.New("--jetton-holder-seed-hex: want 64 hex digits")
	}
	g.Holder = ed25519.NewKeyFromSeed(b).Public().(ed25519.PublicKey)
	return g, nil
}

// validatorSet reads --valset or builds the test set; a restart needs neither.
func validatorSet(file string, test int) ([]checkpoint.Validator, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var raw []struct {
			PubKey string `json:"pubkey"`
			Power  uint64 `json:"power"`
		}
		if err := json.Unmarshal(b, &raw); err != nil {
			return nil, fmt.Errorf("--valset: %w", err)
		}
		set := make([]checkpoint.Validator, len(raw))
		for i, v := range raw {
			pk, err := hex.DecodeString(v.PubKey)
			if err != nil || len(pk) != ed25519.PublicKeySize {
				return nil, fmt.Errorf("--valset: validator %d: bad pubkey", i)
			}
			set[i] = checkpoint.Validator{PubKey: pk, Power: v.Power}
		}
		return set, nil
	}
	set := make([]checkpoint.Validator, test)
	for i := range set {
		seed := sha256.Sum256([]byte(fmt.Sprintf("pingo/test-validator/%d", i)))
		set[i] = checkpoint.Validator{PubKey: ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey), Power: 10}
	}
	return set, nil
}

// silenceServerLog drops tonutils-go's per-connection log lines
// (liteclient.Logger), set before the server starts.
func silenceServerLog() { liteclient.Logger = func(...any) {} }
