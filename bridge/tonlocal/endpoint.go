// Package tonlocal is PinGo's local TON endpoint (issue #6 item 5): a
// liteserver on loopback that speaks the real protocol (ADNL over TCP,
// tonutils-go's liteclient.Server) and executes messages and get-methods
// with the real TVM in @ton/sandbox, run as a Node sidecar. The relayer's
// production path (liteclient.ConnectionPool -> ton.APIClient ->
// wallet.Wallet) runs against it unchanged, with the one exception of the
// proof policy (ton.ProofCheckPolicyUnsafe, see README.md).
package tonlocal

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/ton/wallet"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
)

// WalletVersion is the wallet the endpoint funds for a relayer key: V5R1
// with the network id the endpoint reports (globalID) on the basechain.
// A client must build its wallet with the same config to get the same
// address.
var WalletVersion = wallet.ConfigV5R1Final{NetworkGlobalID: globalID, Workchain: 0}

// walletSubwallet is the subwallet number tonutils-go's wallet.FromPrivateKey
// uses for V5R1 (0, not wallet.DefaultSubwallet); the funded wallet must sit
// at the address that gives.
const walletSubwallet = 0

// Options configures an endpoint. Genesis fields (ChainID, Validators,
// LastEpoch, Wallets, balances) apply only when Dir holds no state yet; a
// restart restores what was persisted instead.
type Options struct {
	Dir          string // state, server key, global config; created if missing
	Addr         string // listen address; port 0 picks one (kept across restarts)
	ContractsDir string // bridge/contracts with node_modules installed
	Node         string // node binary; "node" if empty

	BlockInterval time.Duration // masterchain block time; 500ms if zero

	ChainID    uint64
	Validators []checkpoint.Validator
	LastEpoch  uint64
	Wallets    []ed25519.PublicKey // V5R1 wallets to fund (WalletVersion)

	// Jetton, when set, deploys the PINGO jetton at genesis and the anchor
	// with its jetton wallet (jetton.go); the holder's wallet is funded like
	// Wallets (it is added to them if absent).
	Jetton *JettonGenesis

	AnchorBalance *big.Int // nanoton; 10 TON if nil
	WalletBalance *big.Int // nanoton each; 1000 TON if nil

	Log    func(format string, args ...any) // nil: silent
	Stderr io.Writer                        // the sidecar's stderr; nil: discarded
}

// Endpoint is a running local TON endpoint.
type Endpoint struct {
	opts   Options
	key    ed25519.PrivateKey
	addr   string
	srv    *liteclient.Server
	sc     *sidecar
	ledger *ledger
	sendMu sync.Mutex // one external message executes (and is saved) at a time

	anchor  *address.Address
	wallets []*address.Address
	jetton  *Jetton

	connMu    sync.Mutex
	conns     map[*liteclient.ServerClient]bool
	closeOnce sync.Once
	listenErr chan error
}

// Start deploys (or restores) the state, starts the sidecar and the
// liteserver, and writes Dir/global.config.json.
func Start(ctx context.Context, opts Options) (*Endpoint, error) {
	if opts.Node == "" {
		opts.Node = "node"
	}
	if opts.BlockInterval == 0 {
		opts.BlockInterval = 500 * time.Millisecond
	}
	if opts.AnchorBalance == nil {
		opts.AnchorBalance = big.NewInt(10_000_000_000)
	}
	if opts.WalletBalance == nil {
		opts.WalletBalance = new(big.Int).Mul(big.NewInt(1000), big.NewInt(1_000_000_000))
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	e := &Endpoint{opts: opts, conns: map[*liteclient.ServerClient]bool{}, listenErr: make(chan error, 1)}
	var err error
	if e.key, err = loadOrCreateKey(filepath.Join(opts.Dir, "server.key")); err != nil {
		return nil, err
	}
	st, err := loadState(opts.Dir)
	if err != nil {
		return nil, err
	}
	if e.sc, err = startSidecar(ctx, opts.Node, opts.ContractsDir, opts.Dir, opts.Stderr); err != nil {
		return nil, err
	}
	if st != nil {
		err = e.restore(ctx, st)
	} else {
		e.ledger = newLedger(1)
		err = e.genesis(ctx)
	}
	if err == nil {
		err = e.listen(st)
	}
	if err == nil {
		err = e.save(ctx) // with the address, which a restart binds again
	}
	if err == nil {
		err = e.writeConfig()
	}
	if err != nil {
		e.Close()
		return nil, err
	}
	e.ledger.run(opts.BlockInterval)
	e.logf("listening on %s; anchor %s", e.addr, e.anchor.String())
	return e, nil
}

// genesis deploys the anchor with the initial validator set and funds the
// wallets, as accounts present from the start (no deploy transactions).
func (e *Endpoint) genesis(ctx context.Context) error {
	code, err := e.contractCode(ctx, "anchor")
	if err != nil {
		return err
	}
	wallets := e.opts.Wallets
	if e.opts.Jetton != nil {
		if err := e.genesisJetton(ctx, code); err != nil {
			return err
		}
		if !containsKey(wallets, e.opts.Jetton.Holder) {
			wallets = append(append([]ed25519.PublicKey(nil), wallets...), e.opts.Jetton.Holder)
		}
	} else {
		data, err := checkpoint.InitialData(e.opts.ChainID, e.opts.LastEpoch, e.opts.Validators)
		if err != nil {
			return err
		}
		if e.anchor, err = e.deploy(ctx, code, data, e.opts.AnchorBalance); err != nil {
			return fmt.Errorf("tonlocal: deploy anchor: %w", err)
		}
	}
	for _, pub := range wallets {
		si, err := wallet.GetStateInit(pub, WalletVersion, walletSubwallet)
		if err != nil {
			return err
		}
		a, err := e.deploy(ctx, si.Code, si.Data, e.opts.WalletBalance)
		if err != nil {
			return fmt.Errorf("tonlocal: deploy wallet: %w", err)
		}
		want, err := wallet.AddressFromPubKey(pub, WalletVersion, walletSubwallet)
		if err != nil {
			return err
		}
		if !want.Equals(a) {
			return fmt.Errorf("tonlocal: wallet deployed at %s, tonutils-go expects %s", a, want)
		}
		e.wallets = append(e.wallets, a)
	}
	return nil
}

func containsKey(keys []ed25519.PublicKey, k ed25519.PublicKey) bool {
	for _, x := range keys {
		if x.Equal(k) {
			return true
		}
	}
	return false
}

// deploy places an active account with code and data at its StateInit
// address. Any contract can be deployed this way (issue #7's jetton
// contracts too); the anchor and wallets are just the genesis ones.
func (e *Endpoint) deploy(ctx context.Context, code, data *cell.Cell, balance *big.Int) (*address.Address, error) {
	var r struct {
		Address string `json:"address"`
	}
	err := e.sc.call(ctx, "deploy", map[string]string{
		"code": toB64(code), "data": toB64(data), "balance": balance.String(),
	}, &r)
	if err != nil {
		return nil, err
	}
	a, err := address.ParseRawAddr(r.Address)
	if err != nil {
		return nil, err
	}
	e.ledger.addAccount(r.Address)
	return a.Bounce(true), nil
}

// Deploy adds a contract with the given code and data (and balance in
// nanoton) to a running endpoint, and persists it.
func (e *Endpoint) Deploy(ctx context.Context, code, data *cell.Cell, balance *big.Int) (*address.Address, error) {
	e.sendMu.Lock()
	defer e.sendMu.Unlock()
	a, err := e.deploy(ctx, code, data, balance)
	if err != nil {
		return nil, err
	}
	return a, e.save(ctx)
}

// listen binds the liteserver. liteclient.Server picks no port itself, so
// for port 0 a free one is found first (and kept in the state, so a
// restarted endpoint is where clients reconnect to).
func (e *Endpoint) listen(st *persisted) error {
	addr := e.opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if port == "0" && st != nil && st.Addr != "" {
		if h, _, err := net.SplitHostPort(st.Addr); err == nil && h == host {
			addr = st.Addr
		}
	} else if port == "0" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		addr = l.Addr().String()
		_ = l.Close()
	}
	e.addr = addr
	e.srv = liteclient.NewServer([]ed25519.PrivateKey{e.key})
	e.srv.SetMessageHandler(e.handle)
	e.srv.SetConnectionHook(func(c *liteclient.ServerClient) error {
		e.connMu.Lock()
		defer e.connMu.Unlock()
		if e.conns == nil {
			return errors.New("closed")
		}
		e.conns[c] = true
		return nil
	})
	e.srv.SetDisconnectHook(func(c *liteclient.ServerClient) {
		e.connMu.Lock()
		defer e.connMu.Unlock()
		delete(e.conns, c)
	})
	go func() { e.listenErr <- e.srv.Listen(addr) }()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-e.listenErr:
			return fmt.Errorf("tonlocal: listen %s: %w", addr, err)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("tonlocal: %s not accepting connections", addr)
}

// Close stops serving, drops every client connection (they see the
// endpoint go away, as with a real liteserver), saves the state and ends
// the sidecar.
func (e *Endpoint) Close() {
	e.closeOnce.Do(func() {
		if e.srv != nil {
			_ = e.srv.Close()
			e.connMu.Lock()
			for c := range e.conns {
				c.Close()
			}
			e.conns = nil
			e.connMu.Unlock()
		}
		if e.ledger != nil {
			e.ledger.stop()
		}
		if e.sc != nil {
			e.sendMu.Lock()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if e.anchor != nil {
				if err := e.save(ctx); err != nil {
					e.logf("save state: %v", err)
				}
			}
			cancel()
			e.sendMu.Unlock()
			e.sc.close()
		}
	})
}

// Addr is the liteserver's host:port.
func (e *Endpoint) Addr() string { return e.addr }

// ServerKey is the liteserver's ed25519 public key (the config's id.key).
func (e *Endpoint) ServerKey() ed25519.PublicKey { return e.key.Public().(ed25519.PublicKey) }

// ConfigPath is the TON global config naming this endpoint as the only liteserver.
func (e *Endpoint) ConfigPath() string { return filepath.Join(e.opts.Dir, "global.config.json") }

// Anchor is the anchor contract's address.
func (e *Endpoint) Anchor() *address.Address { return e.anchor }

// Wallets are the funded wallets' addresses, in Options.Wallets order (then
// the jetton holder's, when it was not among them).
func (e *Endpoint) Wallets() []*address.Address { return e.wallets }

// Seqno is the current masterchain block number.
func (e *Endpoint) Seqno() uint32 { return e.ledger.last() }

func (e *Endpoint) logf(format string, args ...any) {
	if e.opts.Log != nil {
		e.opts.Log(format, args...)
	}
}

func loadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) != ed25519.SeedSize {
			return nil, fmt.Errorf("tonlocal: %s: want a %d-byte seed", path, ed25519.SeedSize)
		}
		return ed25519.NewKeyFromSeed(b), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, seed, 0o600); err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

func toB64(c *cell.Cell) string { return base64.StdEncoding.EncodeToString(c.ToBOCWithFlags(false)) }

func fromB64(s string) (*cell.Cell, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return cell.FromBOC(b)
}
