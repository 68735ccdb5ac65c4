package types_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/stretchr/testify/require"
)

var (
	alice = testutil.Addr(testutil.Key(0))
	bob   = testutil.Addr(testutil.Key(1))
	carol = testutil.Addr(testutil.Key(2))
)

func hdr(from auth.Address, fee uint64) *auth.Header {
	h := &auth.Header{From: from, Nonce: 1}
	h.Fee.SetUint64(fee)
	return h
}

func amt(v uint64) uint256.Int { return *uint256.NewInt(v) }

func maxAmt() uint256.Int { return *new(uint256.Int).SetAllOne() }

func minus(a uint256.Int, b uint64) uint256.Int {
	var out uint256.Int
	out.Sub(&a, uint256.NewInt(b))
	return out
}

func requireCode(t *testing.T, err error, space string, code uint32) {
	t.Helper()
	if code == 0 {
		require.NoError(t, err)
		return
	}
	require.Error(t, err)
	s, c, log := codes.ABCIInfo(err)
	require.Equal(t, space, s, "%v", err)
	require.Equal(t, code, c, "%v", err)
	require.NotEmpty(t, log)
}

func TestTransferValidateBasic(t *testing.T) {
	tests := []struct {
		name  string
		msg   bank.Transfer
		h     *auth.Header
		space string
		code  uint32
	}{
		{"ok", bank.Transfer{To: bob, Amount: amt(1)}, hdr(alice, 10_000), "", 0},
		{"ok zero fee (min_fee is checked by the ante)", bank.Transfer{To: bob, Amount: amt(1)}, hdr(alice, 0), "", 0},
		{"zero amount", bank.Transfer{To: bob}, hdr(alice, 10_000), "bank", 2},
		{"self", bank.Transfer{To: alice, Amount: amt(1)}, hdr(alice, 10_000), "bank", 3},
		{"zero recipient", bank.Transfer{To: auth.ZeroAddress, Amount: amt(1)}, hdr(alice, 10_000), "bank", 7},
		{"max amount, zero fee", bank.Transfer{To: bob, Amount: maxAmt()}, hdr(alice, 0), "", 0},
		{"max amount + fee overflows", bank.Transfer{To: bob, Amount: maxAmt()}, hdr(alice, 1), "bank", 5},
		{"amount + fee = 2^256-1", bank.Transfer{To: bob, Amount: minus(maxAmt(), 10_000)}, hdr(alice, 10_000), "", 0},
		{"amount + fee = 2^256", bank.Transfer{To: bob, Amount: minus(maxAmt(), 9_999)}, hdr(alice, 10_000), "bank", 5},
		// Zero amount is reported before the recipient problems.
		{"zero amount to zero address", bank.Transfer{To: auth.ZeroAddress}, hdr(alice, 1), "bank", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireCode(t, tc.msg.ValidateBasic(tc.h), tc.space, tc.code)
		})
	}
}

func TestMultiSendValidateBasic(t *testing.T) {
	outs := func(o ...bank.Output) bank.MultiSend { return bank.MultiSend{Outputs: o} }
	tests := []struct {
		name  string
		msg   bank.MultiSend
		h     *auth.Header
		space string
		code  uint32
	}{
		{"ok one", outs(bank.Output{To: bob, Amount: amt(1)}), hdr(alice, 10_000), "", 0},
		{"ok two, same recipient twice", outs(bank.Output{To: bob, Amount: amt(1)}, bank.Output{To: bob, Amount: amt(2)}), hdr(alice, 10_000), "", 0},
		{"no outputs", outs(), hdr(alice, 10_000), "bank", 6},
		{"nil outputs", bank.MultiSend{}, hdr(alice, 10_000), "bank", 6},
		{"one zero output", outs(bank.Output{To: bob, Amount: amt(1)}, bank.Output{To: carol}), hdr(alice, 10_000), "bank", 2},
		{"zero recipient", outs(bank.Output{To: bob, Amount: amt(1)}, bank.Output{To: auth.ZeroAddress, Amount: amt(1)}), hdr(alice, 10_000), "bank", 7},
		{"self output", outs(bank.Output{To: alice, Amount: amt(1)}), hdr(alice, 10_000), "bank", 3},
		{"sum overflows", outs(bank.Output{To: bob, Amount: maxAmt()}, bank.Output{To: carol, Amount: amt(1)}), hdr(alice, 0), "bank", 5},
		{"sum + fee overflows", outs(bank.Output{To: bob, Amount: minus(maxAmt(), 5)}, bank.Output{To: carol, Amount: amt(5)}), hdr(alice, 1), "bank", 5},
		{"sum + fee = 2^256-1", outs(bank.Output{To: bob, Amount: minus(maxAmt(), 6)}, bank.Output{To: carol, Amount: amt(5)}), hdr(alice, 1), "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireCode(t, tc.msg.ValidateBasic(tc.h), tc.space, tc.code)
		})
	}
}

func TestValidateBasicDoesNotMutate(t *testing.T) {
	h := hdr(alice, 10_000)
	m := bank.MultiSend{Outputs: []bank.Output{{To: bob, Amount: amt(7)}, {To: carol, Amount: amt(9)}}}
	require.NoError(t, m.ValidateBasic(h))
	require.Equal(t, uint64(10_000), h.Fee.Uint64(), "summing outputs must not touch the header's fee")
	require.Equal(t, uint64(7), m.Outputs[0].Amount.Uint64())
}

func TestBodyRoundTrip(t *testing.T) {
	msgs := []auth.Msg{
		&bank.Transfer{To: bob, Amount: amt(1)},
		&bank.Transfer{To: auth.ZeroAddress, Amount: uint256.Int{}},
		&bank.Transfer{To: carol, Amount: maxAmt()},
		&bank.MultiSend{Outputs: []bank.Output{}},
		&bank.MultiSend{Outputs: []bank.Output{{To: bob, Amount: amt(1)}, {To: carol, Amount: maxAmt()}}},
	}
	for _, m := range msgs {
		body, err := m.EncodeBody()
		require.NoError(t, err)
		var dec func([]byte) (auth.Msg, error)
		switch m.Action() {
		case bank.ActionTransfer:
			dec = bank.DecodeTransfer
		case bank.ActionMultiSend:
			dec = bank.DecodeMultiSend
		}
		back, err := dec(body)
		require.NoError(t, err)
		again, err := back.EncodeBody()
		require.NoError(t, err)
		require.Equal(t, body, again)
		h := hdr(alice, 3)
		require.Equal(t, m.HashStruct(h), back.HashStruct(h))
	}
}

func TestBodyWireLayout(t *testing.T) {
	// Transfer body: [to (20 bytes), amount (minimal big-endian)].
	tr := &bank.Transfer{To: bob, Amount: amt(0x0102)}
	body, err := tr.EncodeBody()
	require.NoError(t, err)
	want, _ := rlp.EncodeToBytes([]any{bob[:], []byte{0x01, 0x02}})
	require.Equal(t, want, body)
	// MultiSend body: [[to, amount], ...]; zero encodes as the empty string.
	ms := &bank.MultiSend{Outputs: []bank.Output{{To: bob, Amount: amt(5)}, {To: carol}}}
	body, err = ms.EncodeBody()
	require.NoError(t, err)
	want, _ = rlp.EncodeToBytes([]any{[]any{bob[:], uint64(5)}, []any{carol[:], []byte{}}})
	require.Equal(t, want, body)
}

func TestDecodeBodyRejects(t *testing.T) {
	enc := func(v any) []byte { b, err := rlp.EncodeToBytes(v); require.NoError(t, err); return b }
	bad := map[string][]byte{
		"empty":              nil,
		"string":             enc([]byte("x")),
		"one field":          enc([]any{bob[:]}),
		"three fields":       enc([]any{bob[:], uint64(1), uint64(1)}),
		"short to":           enc([]any{bob[:19], uint64(1)}),
		"amount leading 0":   enc([]any{bob[:], rlp.RawValue{0x82, 0x00, 0x01}}),
		"amount 33 bytes":    enc([]any{bob[:], make([]byte, 33)}),
		"trailing":           append(enc([]any{bob[:], uint64(1)}), 0x80),
		"amount single byte": enc([]any{bob[:], rlp.RawValue{0x81, 0x01}}),
	}
	for name, b := range bad {
		_, err := bank.DecodeTransfer(b)
		require.Error(t, err, "transfer: %s", name)
		_, err = bank.DecodeMultiSend(enc([]rlp.RawValue{b}))
		if len(b) > 0 {
			require.Error(t, err, "multisend output: %s", name)
		}
	}
	// A MultiSend body beyond the wire bound is refused with the bank's code.
	outs := make([]any, 1025)
	for i := range outs {
		outs[i] = []any{bob[:], uint64(1)}
	}
	_, err := bank.DecodeMultiSend(enc(outs))
	requireCode(t, err, "bank", 6)
	_, err = bank.DecodeMultiSend(enc(outs[:1024]))
	require.NoError(t, err)
}

func TestTypeStrings(t *testing.T) {
	p, refs := (&bank.Transfer{}).Type()
	require.Equal(t, "Transfer(address from,address to,uint256 amount,uint256 fee,uint64 nonce)", p.EncodeType())
	require.Empty(t, refs)
	p, refs = (&bank.MultiSend{}).Type()
	require.Equal(t, "MultiSend(address from,Output[] outputs,uint256 fee,uint64 nonce)", p.EncodeType())
	require.Len(t, refs, 1)
	require.Equal(t, "Output(address to,uint256 amount)", refs[0].EncodeType())
	require.Equal(t, uint64(1), (&bank.Transfer{}).Action())
	require.Equal(t, uint64(2), (&bank.MultiSend{}).Action())
}

func TestHashStructCoversFields(t *testing.T) {
	h := hdr(alice, 10_000)
	base := &bank.MultiSend{Outputs: []bank.Output{{To: bob, Amount: amt(1)}, {To: carol, Amount: amt(2)}}}
	seen := map[[32]byte]bool{base.HashStruct(h): true}
	variants := []*bank.MultiSend{
		{Outputs: []bank.Output{{To: carol, Amount: amt(2)}, {To: bob, Amount: amt(1)}}}, // order matters
		{Outputs: []bank.Output{{To: bob, Amount: amt(1)}}},
		{Outputs: []bank.Output{{To: bob, Amount: amt(1)}, {To: carol, Amount: amt(3)}}},
		{Outputs: []bank.Output{}},
	}
	for i, v := range variants {
		d := v.HashStruct(h)
		require.False(t, seen[d], "variant %d collides", i)
		seen[d] = true
	}
	// Hand-computed hashStruct for a Transfer, straight from EIP-712.
	tr := &bank.Transfer{To: bob, Amount: amt(5)}
	word := func(b []byte) []byte { w := make([]byte, 32); copy(w[32-len(b):], b); return w }
	enc := crypto.Keccak256([]byte("Transfer(address from,address to,uint256 amount,uint256 fee,uint64 nonce)"))
	enc = append(enc, word(alice[:])...)
	enc = append(enc, word(bob[:])...)
	enc = append(enc, word([]byte{5})...)
	enc = append(enc, word(uint256.NewInt(10_000).Bytes())...)
	enc = append(enc, word([]byte{1})...)
	require.Equal(t, crypto.Keccak256(enc), func() []byte { x := tr.HashStruct(h); return x[:] }())
}

func TestMessage(t *testing.T) {
	h := hdr(alice, 10_000)
	m := (&bank.MultiSend{Outputs: []bank.Output{{To: bob, Amount: maxAmt()}}}).Message(h)
	require.Equal(t, alice.Hex(), m["from"])
	require.Equal(t, "10000", m["fee"])
	require.Equal(t, uint64(1), m["nonce"])
	outs := m["outputs"].([]map[string]any)
	require.Len(t, outs, 1)
	require.Equal(t, bob.Hex(), outs[0]["to"])
	require.Equal(t, "115792089237316195423570985008687907853269984665640564039457584007913129639935", outs[0]["amount"])
}

func TestGenesisAndParamsValidate(t *testing.T) {
	require.NoError(t, bank.DefaultParams().Validate())
	require.Error(t, bank.Params{MaxOutputs: 64}.Validate())
	require.Error(t, bank.Params{MinFee: uint256.NewInt(1), MaxOutputs: 0}.Validate())
	require.Error(t, bank.Params{MinFee: uint256.NewInt(1), MaxOutputs: 1025}.Validate())
	p := bank.DefaultParams()
	back, err := bank.UnmarshalParams(p.Marshal())
	require.NoError(t, err)
	require.Equal(t, p, back)

	m := maxAmt()
	good := bank.Genesis{Params: p, Balances: []bank.Balance{{Address: alice, Amount: uint256.NewInt(1)}}}
	require.NoError(t, good.Validate())
	for name, g := range map[string]bank.Genesis{
		"zero amount":   {Params: p, Balances: []bank.Balance{{Address: alice, Amount: new(uint256.Int)}}},
		"nil amount":    {Params: p, Balances: []bank.Balance{{Address: alice}}},
		"duplicate":     {Params: p, Balances: []bank.Balance{{Address: alice, Amount: uint256.NewInt(1)}, {Address: alice, Amount: uint256.NewInt(1)}}},
		"overflow":      {Params: p, Balances: []bank.Balance{{Address: alice, Amount: &m}, {Address: bob, Amount: uint256.NewInt(1)}}},
		"pool overflow": {Params: p, Balances: []bank.Balance{{Address: alice, Amount: &m}}, FeePool: uint256.NewInt(1)},
		"bad params":    {Params: bank.Params{}, Balances: nil},
	} {
		require.Error(t, g.Validate(), name)
	}
}
