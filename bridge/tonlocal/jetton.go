package tonlocal

// The PINGO jetton at genesis (issue #7). The endpoint places, as accounts
// present from the start (like the anchor and the wallets):
//
//   - the jetton master (TEP-74 reference minter) with total_supply =
//     JettonGenesis.Supply and no admin (addr_none: nobody can mint more, so
//     the supply is fixed and the cross-chain invariant has a constant);
//   - the anchor's jetton wallet holding JettonGenesis.Bridge;
//   - the holder's jetton wallet holding Supply - Bridge, the holder being a
//     funded V5R1 wallet (WalletVersion) of JettonGenesis.Holder;
//   - the anchor with its jetton wallet already set (what set_jetton would
//     leave), at the address of its InitialDataWithJetton data.
//
// Jetton wallets sit at their real addresses (the StateInit with balance
// 0, as the minter computes them) while holding their genesis balance.
// Cross-chain supply invariant (README): Bridge is the L2 genesis supply,
// so L2 supply + jettons outside the anchor's wallet = Supply, always.

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math/big"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tlb"
	"github.com/xssnick/tonutils-go/ton/wallet"
	"github.com/xssnick/tonutils-go/tvm/cell"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
)

// JettonGenesis deploys the PINGO jetton at genesis.
type JettonGenesis struct {
	Supply *big.Int          // total PINGO on TON, in units (9 decimals)
	Bridge *big.Int          // in the anchor's jetton wallet: the L2 genesis supply
	Holder ed25519.PublicKey // V5R1 wallet funded with TON and holding Supply - Bridge
}

// Jetton is where the genesis jetton lives.
type Jetton struct {
	Master       *address.Address // the jetton master (minter)
	AnchorWallet *address.Address // the anchor's jetton wallet
	Holder       *address.Address // the holder's V5R1 TON wallet
	HolderWallet *address.Address // the holder's jetton wallet
}

// jettonWalletData is the reference wallet's storage:
// balance:Coins owner:MsgAddress master:MsgAddress wallet_code:^Cell.
func jettonWalletData(balance *big.Int, owner, master *address.Address, code *cell.Cell) *cell.Cell {
	return cell.BeginCell().MustStoreBigCoins(balance).MustStoreAddr(owner).MustStoreAddr(master).MustStoreRef(code).EndCell()
}

// JettonWalletAddress is owner's jetton wallet of master: the address of
// the StateInit (code, data with balance 0), what get_wallet_address returns.
func JettonWalletAddress(owner, master *address.Address, code *cell.Cell) (*address.Address, error) {
	si, err := tlb.ToCell(&tlb.StateInit{Code: code, Data: jettonWalletData(big.NewInt(0), owner, master, code)})
	if err != nil {
		return nil, err
	}
	return address.NewAddress(0, 0, si.Hash()), nil
}

func (e *Endpoint) contractCode(ctx context.Context, name string) (*cell.Cell, error) {
	var comp struct {
		Code string `json:"code"`
	}
	if err := e.sc.call(ctx, "compile", map[string]string{"contract": name}, &comp); err != nil {
		return nil, err
	}
	return fromB64(comp.Code)
}

// deployAt places an account at the address of (code, initData) holding data.
func (e *Endpoint) deployAt(ctx context.Context, code, initData, data *cell.Cell, balance *big.Int) (*address.Address, error) {
	var r struct {
		Address string `json:"address"`
	}
	err := e.sc.call(ctx, "deploy", map[string]string{
		"code": toB64(code), "init_data": toB64(initData), "data": toB64(data), "balance": balance.String(),
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

// genesisJetton deploys the jetton and the anchor knowing its wallet.
func (e *Endpoint) genesisJetton(ctx context.Context, anchorCode *cell.Cell) error {
	g := e.opts.Jetton
	if g.Supply == nil || g.Bridge == nil || g.Supply.Sign() <= 0 || g.Bridge.Sign() < 0 || g.Bridge.Cmp(g.Supply) > 0 || len(g.Holder) != ed25519.PublicKeySize {
		return fmt.Errorf("tonlocal: jetton genesis needs 0 <= bridge <= supply, supply > 0 and a holder key")
	}
	minterCode, err := e.contractCode(ctx, "jetton_minter")
	if err != nil {
		return err
	}
	walletCode, err := e.contractCode(ctx, "jetton_wallet")
	if err != nil {
		return err
	}
	content := cell.BeginCell().MustStoreUInt(1, 8).MustStoreStringSnake("pingo").EndCell()
	minterData := cell.BeginCell().MustStoreBigCoins(g.Supply).MustStoreAddr(address.NewAddressNone()).
		MustStoreRef(content).MustStoreRef(walletCode).EndCell()
	j := &Jetton{}
	if j.Master, err = e.deploy(ctx, minterCode, minterData, big.NewInt(1_000_000_000)); err != nil {
		return fmt.Errorf("tonlocal: deploy jetton master: %w", err)
	}
	initData, err := checkpoint.InitialDataWithJetton(e.opts.ChainID, e.opts.LastEpoch, e.opts.Validators, j.Master)
	if err != nil {
		return err
	}
	anchorAddr := address.NewAddress(0, 0, mustStateInitHash(anchorCode, initData))
	if j.AnchorWallet, err = JettonWalletAddress(anchorAddr, j.Master, walletCode); err != nil {
		return err
	}
	data, err := checkpoint.DataWithJettonWallet(e.opts.ChainID, e.opts.LastEpoch, e.opts.Validators, j.Master, j.AnchorWallet)
	if err != nil {
		return err
	}
	if e.anchor, err = e.deployAt(ctx, anchorCode, initData, data, e.opts.AnchorBalance); err != nil {
		return fmt.Errorf("tonlocal: deploy anchor: %w", err)
	}
	if j.Holder, err = wallet.AddressFromPubKey(g.Holder, WalletVersion, walletSubwallet); err != nil {
		return err
	}
	if j.HolderWallet, err = JettonWalletAddress(j.Holder, j.Master, walletCode); err != nil {
		return err
	}
	ton := big.NewInt(1_000_000_000) // 1 TON each for the jetton wallets' storage
	for _, w := range []struct {
		owner   *address.Address
		at      *address.Address
		balance *big.Int
	}{{e.anchor, j.AnchorWallet, g.Bridge}, {j.Holder, j.HolderWallet, new(big.Int).Sub(g.Supply, g.Bridge)}} {
		a, err := e.deployAt(ctx, walletCode, jettonWalletData(big.NewInt(0), w.owner, j.Master, walletCode),
			jettonWalletData(w.balance, w.owner, j.Master, walletCode), ton)
		if err != nil {
			return fmt.Errorf("tonlocal: deploy jetton wallet: %w", err)
		}
		if !a.Equals(w.at) {
			return fmt.Errorf("tonlocal: jetton wallet placed at %s, computed %s", a, w.at)
		}
	}
	e.jetton = j
	return nil
}

func mustStateInitHash(code, data *cell.Cell) []byte {
	si, err := tlb.ToCell(&tlb.StateInit{Code: code, Data: data})
	if err != nil {
		panic(err) // a StateInit of two cells always serializes
	}
	return si.Hash()
}

// Jetton is the genesis PINGO jetton, or nil when the endpoint has none.
func (e *Endpoint) Jetton() *Jetton { return e.jetton }
