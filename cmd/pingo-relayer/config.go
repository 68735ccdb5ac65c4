package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
)

// envPrefix: every setting can come from PINGO_RELAYER_<NAME> (dashes as
// underscores), e.g. PINGO_RELAYER_WALLET_KEY.
const envPrefix = "PINGO_RELAYER"

// faultShuffleEnv also sets --fault-shuffle-deposits (chaos suite only).
const faultShuffleEnv = "PINGO_FAULT_SHUFFLE_DEPOSITS"

// settings is the resolved configuration. Precedence (viper's): flag >
// environment > config file > default.
type settings struct {
	ChainRPC      string
	ChainVerify   bool
	TONConfig     string
	TONUnsafe     bool
	Anchor        *address.Address
	WalletKey     ed25519.PrivateKey
	WalletNetwork int32
	JournalDir    string
	Poll          time.Duration
	SubmitTimeout time.Duration
	Amount        tlb.Coins
	Claim         bool      // auto-claim withdrawals of anchored epochs
	ClaimAmount   tlb.Coins // TON attached to each claim
	ClaimFrom     uint64    // first epoch to claim on a fresh journal
	RetryDeposit  string    // retry: 0x<hash>:<lt>
	RetryWithdraw uint64    // retry: withdrawal id
	Deposits      bool      // report the anchor's deposits (ReportDeposit)
	MetricsAddr   string
	LogLevel      string
	// L2Key signs ReportAnchor txs (nil: the relayer does not report its
	// anchorings back to the chain); ReportFee is their fee in upingo.
	L2Key     *ecdsa.PrivateKey
	ReportFee *uint256.Int
	// FaultShuffleDeposits (hidden, chaos suite only): non-zero wraps the
	// TON deposit scan in relayer.ShuffledDeposits seeded with it.
	FaultShuffleDeposits uint64
}

func flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("pingo-relayer", pflag.ContinueOnError)
	fs.String("config", "", "config file (yaml, toml or json; keys as the flag names)")
	fs.String("chain-rpc", "http://127.0.0.1:26657", "CometBFT RPC of a PinGo node")
	fs.Bool("chain-verify", true, "verify every chain query's proof against a header signed by >2/3 of the validators")
	fs.String("ton-config", "", "TON global config file (liteservers); bridge/tonlocal writes DIR/global.config.json")
	fs.Bool("ton-unsafe", false, "skip liteserver proof checks: ONLY for the local TON endpoint (bridge/tonlocal)")
	fs.String("anchor", "", "the anchor contract's address")
	fs.String("wallet-key-file", "", "file holding the wallet's ed25519 key as hex (32-byte seed or 64-byte key)")
	fs.String("wallet-key", "", "the wallet key as hex; prefer the file or "+envPrefix+"_WALLET_KEY over a flag")
	fs.Int32("wallet-network-id", -239, "V5R1 wallet network global id: -239 mainnet, -3 testnet and bridge/tonlocal")
	fs.String("journal-dir", "pingo-relayer-journal", "persistent journal directory (one relayer per directory)")
	fs.Duration("poll", 2*time.Second, "pause between rounds")
	fs.Duration("submit-timeout", 4*time.Minute, "bound of one submission attempt (the message stays journaled past it)")
	fs.String("amount", "0.05", "TON attached to each submission (unused gas stays with the anchor; a refusal bounces it)")
	fs.String("l2-key-file", "", "file holding the L2 account key (secp256k1, hex) that signs and pays ReportAnchor txs; unset: no reports")
	fs.String("l2-key", "", "the L2 account key as hex; prefer the file or "+envPrefix+"_L2_KEY over a flag")
	fs.String("report-fee", "100000", "fee (upingo) of each ReportAnchor tx")
	fs.Bool("claim", true, "claim every withdrawal of an anchored epoch on TON (claim_withdrawal; anyone may, the anchor pays once)")
	fs.String("claim-amount", "0.1", "TON attached to each claim (the anchor needs >= 0.06 to forward the jettons; the rest returns)")
	fs.Uint64("claim-from-epoch", 1, "first epoch to claim when the journal has no claim cursor yet")
	fs.Bool("deposits", true, "report every jetton deposit the anchor receives to the chain (ReportDeposit, needs --l2-key-file)")
	fs.String("deposit", "", "retry only: re-report the deposit in the anchor's TON transaction 0x<hash>:<lt>")
	fs.Uint64("withdrawal", 0, "retry only: claim this withdrawal id on TON again")
	fs.String("metrics-addr", "127.0.0.1:9464", "Prometheus listen address (empty: off)")
	fs.Uint64("fault-shuffle-deposits", 0, "FAULT INJECTION (make chaos only): deliver the anchor's deposit transactions duplicated, replayed and re-ordered, with this seed (0: off)")
	_ = fs.MarkHidden("fault-shuffle-deposits")
	fs.String("log-level", "info", "debug, info, warn or error")
	return fs
}

// loadSettings resolves args, the environment and the config file.
func loadSettings(args []string) (*settings, error) {
	fs := flags()
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	v := viper.New()
	v.SetEnvPrefix(envPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	if err := v.BindPFlags(fs); err != nil {
		return nil, err
	}
	if f := v.GetString("config"); f != "" {
		v.SetConfigFile(f)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config %s: %w", f, err)
		}
	}
	s := &settings{
		ChainRPC:      v.GetString("chain-rpc"),
		ChainVerify:   v.GetBool("chain-verify"),
		TONConfig:     v.GetString("ton-config"),
		TONUnsafe:     v.GetBool("ton-unsafe"),
		WalletNetwork: v.GetInt32("wallet-network-id"),
		JournalDir:    v.GetString("journal-dir"),
		Poll:          v.GetDuration("poll"),
		SubmitTimeout: v.GetDuration("submit-timeout"),
		Claim:         v.GetBool("claim"),
		ClaimFrom:     v.GetUint64("claim-from-epoch"),
		Deposits:      v.GetBool("deposits"),
		RetryDeposit:  v.GetString("deposit"),
		RetryWithdraw: v.GetUint64("withdrawal"),
		MetricsAddr:   v.GetString("metrics-addr"),
		LogLevel:      v.GetString("log-level"),

		FaultShuffleDeposits: v.GetUint64("fault-shuffle-deposits"),
	}
	if e := os.Getenv(faultShuffleEnv); s.FaultShuffleDeposits == 0 && e != "" {
		// The chaos suite's route through `pingod localnet`, whose
		// supervisor strips PINGO_RELAYER_* from its children's env.
		seed, err := strconv.ParseUint(e, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: %w", faultShuffleEnv, e, err)
		}
		s.FaultShuffleDeposits = seed
	}
	if s.TONConfig == "" {
		return nil, errors.New("--ton-config is required")
	}
	a := v.GetString("anchor")
	if a == "" {
		return nil, errors.New("--anchor is required")
	}
	var err error
	if s.Anchor, err = address.ParseAddr(a); err != nil {
		if s.Anchor, err = address.ParseRawAddr(a); err != nil {
			return nil, fmt.Errorf("--anchor %q: %w", a, err)
		}
	}
	if s.Amount, err = tlb.FromTON(v.GetString("amount")); err != nil {
		return nil, fmt.Errorf("--amount: %w", err)
	}
	if s.ClaimAmount, err = tlb.FromTON(v.GetString("claim-amount")); err != nil {
		return nil, fmt.Errorf("--claim-amount: %w", err)
	}
	keyHex := v.GetString("wallet-key")
	if f := v.GetString("wallet-key-file"); keyHex == "" && f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--wallet-key-file: %w", err)
		}
		keyHex = string(b)
	}
	if s.WalletKey, err = parseKey(keyHex); err != nil {
		return nil, err
	}
	l2Hex := v.GetString("l2-key")
	if f := v.GetString("l2-key-file"); l2Hex == "" && f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--l2-key-file: %w", err)
		}
		l2Hex = string(b)
	}
	if l2Hex = strings.TrimPrefix(strings.TrimSpace(l2Hex), "0x"); l2Hex != "" {
		if s.L2Key, err = crypto.HexToECDSA(l2Hex); err != nil {
			return nil, fmt.Errorf("l2 key: %w", err)
		}
	}
	if s.ReportFee, err = uint256.FromDecimal(v.GetString("report-fee")); err != nil {
		return nil, fmt.Errorf("--report-fee: %w", err)
	}
	return s, nil
}

// parseKey reads an ed25519 key as hex: a 32-byte seed or a 64-byte key
// (seed ‖ public key, checked).
func parseKey(h string) (ed25519.PrivateKey, error) {
	h = strings.TrimPrefix(strings.TrimSpace(h), "0x")
	if h == "" {
		return nil, errors.New("no wallet key: --wallet-key-file, or " + envPrefix + "_WALLET_KEY")
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("wallet key: %w", err)
	}
	switch len(b) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	case ed25519.PrivateKeySize:
		k := ed25519.NewKeyFromSeed(b[:32])
		if !k.Equal(ed25519.PrivateKey(b)) {
			return nil, errors.New("wallet key: public half does not match the seed")
		}
		return k, nil
	}
	return nil, fmt.Errorf("wallet key: %d bytes, want 32 or 64", len(b))
}
