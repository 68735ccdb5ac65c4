package tonlocal

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/liteclient"
)

// persisted is Dir/state.json: everything needed to come back after a
// restart exactly where the endpoint stopped. Accounts are stored as the
// sandbox's ShardAccount cells (code, data, balance, last transaction), so a
// restart restores them verbatim instead of replaying history; the
// transaction index and the sandbox's logical time keep history readable
// and lts increasing. Written after every executed message and on Close.
type persisted struct {
	Seqno    uint32            `json:"seqno"`
	LT       string            `json:"lt"`
	Addr     string            `json:"addr"`
	Anchor   string            `json:"anchor"`
	Wallets  []string          `json:"wallets"`
	Jetton   *persistedJetton  `json:"jetton,omitempty"`
	Accounts map[string]string `json:"accounts"` // raw address -> ShardAccount BOC (base64)
	Txs      []*txRecord       `json:"txs"`
}

// persistedJetton is Jetton as raw addresses.
type persistedJetton struct {
	Master       string `json:"master"`
	AnchorWallet string `json:"anchor_wallet"`
	Holder       string `json:"holder"`
	HolderWallet string `json:"holder_wallet"`
}

const stateFile = "state.json"

func loadState(dir string) (*persisted, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st persisted
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("tonlocal: %s: %w", stateFile, err)
	}
	return &st, nil
}

// save writes the state atomically (temp file + rename). Callers hold
// sendMu or are single-threaded (Start).
func (e *Endpoint) save(ctx context.Context) error {
	var lt struct {
		LT string `json:"lt"`
	}
	if err := e.sc.call(ctx, "lt", nil, &lt); err != nil {
		return err
	}
	st := persisted{Seqno: e.ledger.last(), LT: lt.LT, Addr: e.addr, Anchor: e.anchor.StringRaw(), Accounts: map[string]string{}, Txs: e.ledger.allTxs()}
	for _, w := range e.wallets {
		st.Wallets = append(st.Wallets, w.StringRaw())
	}
	if j := e.jetton; j != nil {
		st.Jetton = &persistedJetton{j.Master.StringRaw(), j.AnchorWallet.StringRaw(), j.Holder.StringRaw(), j.HolderWallet.StringRaw()}
	}
	for _, a := range e.ledger.accounts() {
		var r accountReply
		if err := e.sc.call(ctx, "account", map[string]string{"address": a}, &r); err != nil {
			return err
		}
		if r.Exists {
			st.Accounts[a] = r.ShardAccount
		}
	}
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(e.opts.Dir, stateFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(e.opts.Dir, stateFile))
}

func (e *Endpoint) restore(ctx context.Context, st *persisted) error {
	if err := e.sc.call(ctx, "restore", map[string]any{"accounts": st.Accounts, "lt": st.LT}, nil); err != nil {
		return err
	}
	// Blocks keep counting from where they were, so a client's "wait for
	// the block after the one I saw" still terminates.
	e.ledger = newLedger(st.Seqno + 1)
	for a := range st.Accounts {
		e.ledger.addAccount(a)
	}
	for _, t := range st.Txs {
		e.ledger.txs[t.Account] = append(e.ledger.txs[t.Account], t)
	}
	var err error
	if e.anchor, err = address.ParseRawAddr(st.Anchor); err != nil {
		return err
	}
	for _, w := range st.Wallets {
		a, err := address.ParseRawAddr(w)
		if err != nil {
			return err
		}
		e.wallets = append(e.wallets, a)
	}
	if pj := st.Jetton; pj != nil {
		j := &Jetton{}
		for _, f := range []struct {
			raw string
			dst **address.Address
		}{{pj.Master, &j.Master}, {pj.AnchorWallet, &j.AnchorWallet}, {pj.Holder, &j.Holder}, {pj.HolderWallet, &j.HolderWallet}} {
			a, err := address.ParseRawAddr(f.raw)
			if err != nil {
				return err
			}
			*f.dst = a.Bounce(true)
		}
		e.jetton = j
	}
	return nil
}

// writeConfig writes a TON global config with this endpoint as the only
// liteserver, in the format liteclient.GetConfigFromFile reads (ip as a
// signed 32-bit integer, id as the base64 ed25519 public key).
func (e *Endpoint) writeConfig() error {
	host, port, err := net.SplitHostPort(e.addr)
	if err != nil {
		return err
	}
	ip := net.ParseIP(host).To4()
	if ip == nil {
		return fmt.Errorf("tonlocal: %s is not an IPv4 address", host)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return err
	}
	cfg := liteclient.GlobalConfig{
		Type: "config.global",
		Liteservers: []liteclient.LiteserverConfig{{
			IP:   int64(int32(binary.BigEndian.Uint32(ip))),
			Port: p,
			ID:   liteclient.ServerID{Type: "pub.ed25519", Key: base64.StdEncoding.EncodeToString(e.ServerKey())},
		}},
	}
	cfg.DHT.Type = "dht.config.global"
	cfg.DHT.StaticNodes.Type = "dht.nodes"
	cfg.Validator.Type = "validator.config.global"
	cfg.Validator.ZeroState = liteclient.ConfigBlock{Workchain: -1, Shard: shardAll, RootHash: zeroState().RootHash, FileHash: zeroState().FileHash}
	cfg.Validator.InitBlock = cfg.Validator.ZeroState
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(e.ConfigPath(), b, 0o644)
}
