package types_test

import (
	"crypto/ecdsa"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// newCodec is the app's codec: the auth envelope with every module's
// actions.
func newCodec() *auth.Codec {
	c := auth.NewCodec()
	bank.Register(c)
	staking.Register(c)
	nft.Register(c)
	compute.Register(c)
	bridge.Register(c)
	return c
}

// mkTx builds an unsigned tx with From set to key's address.
func mkTx(key *ecdsa.PrivateKey, chainID, nonce uint64, fee *uint256.Int, msg auth.Msg) *auth.Tx {
	tx := &auth.Tx{ChainID: chainID, Msg: msg}
	tx.From = testutil.Addr(key)
	tx.Nonce = nonce
	tx.Fee = *fee
	return tx
}

// signEncode signs tx with key and returns the wire bytes.
func signEncode(t testing.TB, key *ecdsa.PrivateKey, tx *auth.Tx) []byte {
	t.Helper()
	require.NoError(t, tx.Sign(key))
	b, err := tx.Encode()
	require.NoError(t, err)
	return b
}

func u256(s string) *uint256.Int {
	v, err := uint256.FromDecimal(s)
	if err != nil {
		panic(err)
	}
	return v
}

var maxU256 = new(uint256.Int).SetAllOne()

func transferMsg(to auth.Address, amount uint64) *bank.Transfer {
	return &bank.Transfer{To: to, Amount: *uint256.NewInt(amount)}
}

// validTransfer is a signed Transfer key0 → key1 and its wire bytes.
func validTransfer(t testing.TB) (*auth.Tx, []byte) {
	tx := mkTx(testutil.Key(0), testutil.ChainID, 3, uint256.NewInt(10_000), transferMsg(testutil.Addr(testutil.Key(1)), 12345))
	return tx, signEncode(t, testutil.Key(0), tx)
}

// envelope RLP-encodes the seven envelope fields as given, so a test can
// put any (also non-canonical, as rlp.RawValue) value in any slot.
func envelope(t testing.TB, fields ...any) []byte {
	t.Helper()
	b, err := rlp.EncodeToBytes(fields)
	require.NoError(t, err)
	return b
}

func requireCode(t testing.TB, err error, space string, code uint32) {
	t.Helper()
	require.Error(t, err)
	s, c, log := codes.ABCIInfo(err)
	require.Equal(t, space, s, "err: %v", err)
	require.Equal(t, code, c, "err: %v", err)
	require.NotEmpty(t, log)
}

func TestTxRoundTrip(t *testing.T) {
	k0, k1, k2 := testutil.Key(0), testutil.Key(1), testutil.Key(2)
	txs := map[string]*auth.Tx{
		"transfer":        mkTx(k0, testutil.ChainID, 0, uint256.NewInt(10_000), transferMsg(testutil.Addr(k1), 1)),
		"transfer max":    mkTx(k0, ^uint64(0), ^uint64(0), maxU256, &bank.Transfer{To: testutil.Addr(k1), Amount: *maxU256}),
		"transfer zeroes": mkTx(k0, 1, 0, new(uint256.Int), transferMsg(auth.Address{}, 0)),
		"multisend 0":     mkTx(k0, testutil.ChainID, 1, uint256.NewInt(1), &bank.MultiSend{Outputs: []bank.Output{}}),
		"multisend 2": mkTx(k0, testutil.ChainID, 9, uint256.NewInt(20_000), &bank.MultiSend{Outputs: []bank.Output{
			{To: testutil.Addr(k1), Amount: *uint256.NewInt(5)}, {To: testutil.Addr(k2), Amount: *u256("1000000000000000000000")},
		}}),
	}
	c := newCodec()
	for name, tx := range txs {
		t.Run(name, func(t *testing.T) {
			raw := signEncode(t, k0, tx)
			got, err := c.Decode(raw)
			require.NoError(t, err)
			require.Equal(t, tx.ChainID, got.ChainID)
			require.Equal(t, tx.Header, got.Header)
			require.Equal(t, tx.Sig, got.Sig)
			require.Equal(t, tx.Msg.Action(), got.Msg.Action())
			require.Equal(t, tx.SigningDigest(), got.SigningDigest())
			again, err := got.Encode()
			require.NoError(t, err)
			require.Equal(t, raw, again, "one tx, one encoding")
			signer, err := got.RecoverSender()
			require.NoError(t, err)
			require.Equal(t, testutil.Addr(k0), signer)
		})
	}
}

func TestTxWireLayout(t *testing.T) {
	// The envelope is the RLP list [chainId, action, from, nonce, fee, body, sig]
	// and the Transfer body is [to, amount] (docs/protocol.md): rebuild it by hand.
	tx, raw := validTransfer(t)
	m := tx.Msg.(*bank.Transfer)
	body := envelope(t, m.To[:], m.Amount.ToBig())
	want := envelope(t, tx.ChainID, uint64(1), tx.From[:], tx.Nonce, tx.Fee.ToBig(), rlp.RawValue(body), tx.Sig[:])
	require.Equal(t, want, raw)

	var fields []rlp.RawValue
	require.NoError(t, rlp.DecodeBytes(raw, &fields))
	require.Len(t, fields, 7)
}

func TestDecodeRejects(t *testing.T) {
	tx, raw := validTransfer(t)
	m := tx.Msg.(*bank.Transfer)
	body := envelope(t, m.To[:], m.Amount.ToBig())
	from, sig := tx.From[:], tx.Sig[:]
	fee := tx.Fee.ToBig()
	type fields = []any
	env := func(f ...any) []byte { return envelope(t, f...) }
	ok := fields{tx.ChainID, uint64(1), from, tx.Nonce, fee, rlp.RawValue(body), sig}
	require.Equal(t, raw, env(ok...), "the hand-built envelope must match before it is broken")
	with := func(i int, v any) []byte {
		f := append(fields(nil), ok...)
		f[i] = v
		return env(f...)
	}
	nonCanon := rlp.RawValue{0x82, 0x00, 0x03} // 3 with a leading zero byte
	bigTooLong := new(big.Int).Lsh(big.NewInt(1), 256)

	tests := []struct {
		name  string
		in    []byte
		space string
		code  uint32
	}{
		{"empty", nil, "auth", 2},
		{"empty list", []byte{0xc0}, "auth", 2},
		{"single byte", []byte{0x01}, "auth", 2},
		{"string not list", envelope(t, []byte("hello")), "auth", 2},
		{"garbage", []byte("\xff\xff\xff\xff\xfe\x00\x01garbage"), "auth", 2},
		{"trailing zero byte", append(append([]byte{}, raw...), 0x00), "auth", 2},
		{"trailing list", append(append([]byte{}, raw...), 0xc0), "auth", 2},
		{"six fields", env(ok[:6]...), "auth", 2},
		{"eight fields", env(append(append(fields{}, ok...), uint64(0))...), "auth", 2},
		{"chainId leading zero", with(0, rlp.RawValue{0x82, 0x00, 0x01}), "auth", 2},
		{"chainId > uint64", with(0, new(big.Int).Lsh(big.NewInt(1), 64)), "auth", 2},
		{"action leading zero", with(1, rlp.RawValue{0x82, 0x00, 0x01}), "auth", 2},
		{"nonce leading zero", with(3, nonCanon), "auth", 2},
		{"nonce single byte in long form", with(3, rlp.RawValue{0x81, 0x03}), "auth", 2},
		{"nonce zero as 0x00", with(3, rlp.RawValue{0x00}), "auth", 2},
		{"fee leading zero", with(4, rlp.RawValue{0x83, 0x00, 0x27, 0x10}), "auth", 2},
		{"fee > 256 bits", with(4, bigTooLong), "auth", 2},
		{"fee is a list", with(4, rlp.RawValue{0xc0}), "auth", 2},
		{"from 19 bytes", with(2, from[:19]), "auth", 2},
		{"from 21 bytes", with(2, append(append([]byte{}, from...), 0)), "auth", 2},
		{"from is a list", with(2, rlp.RawValue{0xc0}), "auth", 2},
		{"sig 64 bytes", with(6, sig[:64]), "auth", 2},
		{"sig 66 bytes", with(6, append(append([]byte{}, sig...), 0)), "auth", 2},
		{"sig empty", with(6, []byte{}), "auth", 2},
		{"body is a string", with(5, []byte{1, 2, 3}), "auth", 2},
		{"body empty list", with(5, rlp.RawValue{0xc0}), "auth", 2},
		{"body extra element", with(5, rlp.RawValue(envelope(t, m.To[:], m.Amount.ToBig(), uint64(1)))), "auth", 2},
		{"body amount leading zero", with(5, rlp.RawValue(envelope(t, m.To[:], rlp.RawValue{0x82, 0x00, 0x01}))), "auth", 2},
		{"body amount > 256 bits", with(5, rlp.RawValue(envelope(t, m.To[:], bigTooLong))), "auth", 2},
		{"body to 19 bytes", with(5, rlp.RawValue(envelope(t, m.To[:19], m.Amount.ToBig()))), "auth", 2},
		{"body non-canonical list size", with(5, rlp.RawValue(append([]byte{0xf8, byte(len(body) - 1)}, body[1:]...))), "auth", 2},
		{"multisend body not a list of lists", with(1, uint64(2)), "auth", 2},
		{"unknown action 0", with(1, uint64(0)), "auth", 4},
		{"unknown action 3", with(1, uint64(3)), "auth", 4},
		{"unknown action max", with(1, ^uint64(0)), "auth", 4},
	}
	c := newCodec()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Decode(tc.in)
			require.Nil(t, got)
			requireCode(t, err, tc.space, tc.code)
		})
	}

	t.Run("every truncation", func(t *testing.T) {
		for n := 0; n < len(raw); n++ {
			_, err := c.Decode(raw[:n])
			requireCode(t, err, "auth", 2)
		}
	})

	t.Run("multisend over wire bound", func(t *testing.T) {
		outs := make([]bank.Output, 1025)
		for i := range outs {
			outs[i] = bank.Output{To: testutil.Addr(testutil.Key(1)), Amount: *uint256.NewInt(1)}
		}
		big := mkTx(testutil.Key(0), testutil.ChainID, 0, uint256.NewInt(10_000), &bank.MultiSend{Outputs: outs})
		b := signEncode(t, testutil.Key(0), big)
		_, err := c.Decode(b)
		requireCode(t, err, "bank", 6)
	})

	t.Run("codec without bank knows no action", func(t *testing.T) {
		_, err := auth.NewCodec().Decode(raw)
		requireCode(t, err, "auth", 4)
	})
}

func TestCodecDuplicateRegistrationPanics(t *testing.T) {
	c := newCodec()
	require.Panics(t, func() { c.Register(bank.ActionTransfer, bank.DecodeTransfer) })
}

// malleate returns the other valid signature of the same digest and key:
// s' = N - s with the recovery id flipped.
func malleate(sig [65]byte) [65]byte {
	n := crypto.S256().Params().N
	s := new(big.Int).SetBytes(sig[32:64])
	s.Sub(n, s)
	var out [65]byte
	copy(out[:32], sig[:32])
	s.FillBytes(out[32:64])
	out[64] = 27 + 28 - sig[64] // 27 <-> 28
	return out
}

// nonXCoordinate is an r < N that is no point's x coordinate, so no key
// can be recovered from it.
func nonXCoordinate() []byte {
	p := crypto.S256().Params().P
	for x := int64(1); ; x++ {
		bx := big.NewInt(x)
		y2 := new(big.Int).Exp(bx, big.NewInt(3), p)
		y2.Add(y2, big.NewInt(7)).Mod(y2, p)
		if new(big.Int).ModSqrt(y2, p) == nil {
			out := make([]byte, 32)
			return bx.FillBytes(out)
		}
	}
}

func TestRecoverSender(t *testing.T) {
	k0 := testutil.Key(0)
	base, _ := validTransfer(t)
	n := crypto.S256().Params().N
	halfN := new(big.Int).Rsh(n, 1)

	t.Run("valid", func(t *testing.T) {
		signer, err := base.RecoverSender()
		require.NoError(t, err)
		require.Equal(t, testutil.Addr(k0), signer)
		require.LessOrEqual(t, new(big.Int).SetBytes(base.Sig[32:64]).Cmp(halfN), 0, "Sign must produce low s")
		require.Contains(t, []byte{27, 28}, base.Sig[64])
	})

	t.Run("malleated high s recovers the same key but is rejected", func(t *testing.T) {
		mal := malleate(base.Sig)
		require.Equal(t, 1, new(big.Int).SetBytes(mal[32:64]).Cmp(halfN))
		// Prove the malleated copy is a real signature of the same key.
		d := base.SigningDigest()
		raw := mal
		raw[64] -= 27
		pub, err := crypto.SigToPub(d[:], raw[:])
		require.NoError(t, err)
		require.Equal(t, testutil.Addr(k0), auth.PubkeyToAddress(pub))

		tx := *base
		tx.Sig = mal
		_, err = tx.RecoverSender()
		requireCode(t, err, "auth", 6)
	})

	type mut func(sig *[65]byte)
	setR := func(r []byte) mut {
		return func(sig *[65]byte) { copy(sig[:32], make([]byte, 32)); copy(sig[32-len(r):32], r) }
	}
	setS := func(s []byte) mut {
		return func(sig *[65]byte) { copy(sig[32:64], make([]byte, 32)); copy(sig[64-len(s):64], s) }
	}
	bad := []struct {
		name string
		mut  mut
	}{
		{"v=0", func(s *[65]byte) { s[64] = 0 }},
		{"v=1", func(s *[65]byte) { s[64] = 1 }},
		{"v=26", func(s *[65]byte) { s[64] = 26 }},
		{"v=29", func(s *[65]byte) { s[64] = 29 }},
		{"v=255", func(s *[65]byte) { s[64] = 255 }},
		{"r=0", setR(nil)},
		{"s=0", setS(nil)},
		{"r=N", setR(n.Bytes())},
		{"r=2^256-1", setR(maxU256.PaddedBytes(32))},
		{"s=N", setS(n.Bytes())},
		{"s=halfN+1", setS(new(big.Int).Add(halfN, big.NewInt(1)).Bytes())},
		{"r not an x coordinate", setR(nonXCoordinate())},
		{"all zero", func(s *[65]byte) { *s = [65]byte{} }},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			tx := *base
			tc.mut(&tx.Sig)
			_, err := tx.RecoverSender()
			requireCode(t, err, "auth", 6)
		})
	}

	t.Run("s=halfN is still accepted as low", func(t *testing.T) {
		tx := *base
		setS(halfN.Bytes())(&tx.Sig)
		_, err := tx.RecoverSender()
		// A signature in range that is not by From: mismatch, not invalid.
		requireCode(t, err, "auth", 7)
	})

	mismatch := []struct {
		name string
		mut  func(tx *auth.Tx)
	}{
		{"other from", func(tx *auth.Tx) { tx.From = testutil.Addr(testutil.Key(5)) }},
		{"other chain", func(tx *auth.Tx) { tx.ChainID++ }},
		{"other nonce", func(tx *auth.Tx) { tx.Nonce++ }},
		{"other fee", func(tx *auth.Tx) { tx.Fee.AddUint64(&tx.Fee, 1) }},
		{"other amount", func(tx *auth.Tx) { tx.Msg = transferMsg(tx.Msg.(*bank.Transfer).To, 12346) }},
		{"other recipient", func(tx *auth.Tx) { tx.Msg = transferMsg(testutil.Addr(testutil.Key(7)), 12345) }},
		{"other action, same fields", func(tx *auth.Tx) {
			m := tx.Msg.(*bank.Transfer)
			tx.Msg = &bank.MultiSend{Outputs: []bank.Output{{To: m.To, Amount: m.Amount}}}
		}},
		{"signed by another key", func(tx *auth.Tx) {
			from := tx.From
			require.NoError(t, tx.Sign(testutil.Key(1)))
			tx.From = from
		}},
	}
	for _, tc := range mismatch {
		t.Run(tc.name, func(t *testing.T) {
			tx := *base
			tc.mut(&tx)
			signer, err := tx.RecoverSender()
			requireCode(t, err, "auth", 7)
			require.NotEqual(t, tx.From, signer)
		})
	}
}

func TestSignSetsFrom(t *testing.T) {
	tx := &auth.Tx{ChainID: 1, Msg: transferMsg(testutil.Addr(testutil.Key(1)), 1)}
	tx.From = testutil.Addr(testutil.Key(9)) // a lie: Sign must overwrite it
	require.NoError(t, tx.Sign(testutil.Key(2)))
	require.Equal(t, testutil.Addr(testutil.Key(2)), tx.From)
	signer, err := tx.RecoverSender()
	require.NoError(t, err)
	require.Equal(t, tx.From, signer)
}

func TestSigningDigestCoversEveryField(t *testing.T) {
	base, _ := validTransfer(t)
	seen := map[[32]byte]string{base.SigningDigest(): "base"}
	variants := map[string]func(tx *auth.Tx){
		"chain":  func(tx *auth.Tx) { tx.ChainID = 1 },
		"from":   func(tx *auth.Tx) { tx.From[19] ^= 1 },
		"nonce":  func(tx *auth.Tx) { tx.Nonce++ },
		"fee":    func(tx *auth.Tx) { tx.Fee.AddUint64(&tx.Fee, 1) },
		"to":     func(tx *auth.Tx) { m := *tx.Msg.(*bank.Transfer); m.To[0] ^= 1; tx.Msg = &m },
		"amount": func(tx *auth.Tx) { m := *tx.Msg.(*bank.Transfer); m.Amount.AddUint64(&m.Amount, 1); tx.Msg = &m },
		"action": func(tx *auth.Tx) {
			m := tx.Msg.(*bank.Transfer)
			tx.Msg = &bank.MultiSend{Outputs: []bank.Output{{To: m.To, Amount: m.Amount}}}
		},
	}
	for name, f := range variants {
		tx := *base
		f(&tx)
		d := tx.SigningDigest()
		prev, dup := seen[d]
		require.False(t, dup, "%s collides with %s", name, prev)
		seen[d] = name
	}
	// The domain separator depends on the chain id only through chainId.
	require.NotEqual(t, auth.DomainSeparator(1), auth.DomainSeparator(2))
	require.Equal(t, auth.DomainSeparator(testutil.ChainID), auth.DomainSeparator(testutil.ChainID))
}

func TestAccountEncoding(t *testing.T) {
	accs := []auth.Account{{}, {Nonce: 1, Balance: *uint256.NewInt(5)}, {Nonce: ^uint64(0), Balance: *maxU256}}
	for _, a := range accs {
		b := a.Marshal()
		require.Len(t, b, auth.AccountValueLen)
		back, err := auth.UnmarshalAccount(b)
		require.NoError(t, err)
		require.Equal(t, a, back)
	}
	b := (&auth.Account{Nonce: 0x0102, Balance: *uint256.NewInt(0x0304)}).Marshal()
	require.Equal(t, "0000000000000102"+"0000000000000000000000000000000000000000000000000000000000000304", hex.EncodeToString(b))
	for _, n := range []int{0, 39, 41} {
		_, err := auth.UnmarshalAccount(make([]byte, n))
		require.Error(t, err)
	}
	// The key layout is 0x01 0x01 ‖ address.
	a := testutil.Addr(testutil.Key(0))
	require.Equal(t, append([]byte{0x01, 0x01}, a[:]...), auth.AccountKey(a))
}

func TestParamsValidate(t *testing.T) {
	require.NoError(t, auth.DefaultParams().Validate())
	for _, p := range []auth.Params{
		{ChainID: 0, MaxTxBytes: 8192},
		{ChainID: 1, MaxTxBytes: 255},
		{ChainID: 1, MaxTxBytes: 1<<20 + 1},
	} {
		require.Error(t, p.Validate(), "%+v", p)
	}
	p := auth.Params{ChainID: 99, MaxTxBytes: 4096}
	back, err := auth.UnmarshalParams(p.Marshal())
	require.NoError(t, err)
	require.Equal(t, p, back)
	require.Equal(t, `{"chain_id":99,"max_tx_bytes":4096}`, string(p.Marshal()))
}

// TestDecodeEveryByteMutation replaces every byte of a Transfer and a
// MultiSend with RLP boundary values: whatever still decodes must re-encode to
// exactly the mutated bytes (no second encoding of any tx), and whatever does
// not must fail with a registered code.
func TestDecodeEveryByteMutation(t *testing.T) {
	_, transfer := validTransfer(t)
	k0 := testutil.Key(0)
	multi := signEncode(t, k0, mkTx(k0, testutil.ChainID, 300, uint256.NewInt(10_000), &bank.MultiSend{Outputs: []bank.Output{
		{To: testutil.Addr(testutil.Key(1)), Amount: *uint256.NewInt(1)}, {To: testutil.Addr(testutil.Key(2)), Amount: *u256("1000000000000")},
	}}))
	c := newCodec()
	for _, raw := range [][]byte{transfer, multi} {
		decoded, rejected := 0, 0
		buf := make([]byte, len(raw))
		for i := range raw {
			// RLP's boundary values (single byte / short string / long
			// string / short list / long list prefixes) and neighbours.
			for _, v := range []byte{0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0xb7, 0xb8, 0xb9, 0xbf, 0xc0, 0xc1, 0xf7, 0xf8, 0xf9, 0xff,
				raw[i] ^ 0x01, raw[i] ^ 0x80, raw[i] + 1, raw[i] - 1} {
				if v == raw[i] {
					continue
				}
				copy(buf, raw)
				buf[i] = v
				tx, err := c.Decode(buf)
				if err != nil {
					s, _, _ := codes.ABCIInfo(err)
					require.Contains(t, []string{"auth", "bank"}, s, "%v", err)
					rejected++
					continue
				}
				out, err := tx.Encode()
				require.NoError(t, err)
				require.Equal(t, buf, out, "byte %d = %#x decodes but re-encodes differently", i, v)
				decoded++
			}
		}
		require.Greater(t, decoded, 0)
		require.Greater(t, rejected, 0)
	}
}
