package types_test

import (
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

func key(i uint64) *ecdsa.PrivateKey {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], i)
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("pingo-staking-test"), b[:]))
	if err != nil {
		panic(err)
	}
	return k
}

func addr(i uint64) auth.Address { return auth.PubkeyToAddress(&key(i).PublicKey) }

var consKey = types.ConsPubKey{0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
	0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a} // RFC 8032 test 1

func mkTx(k *ecdsa.PrivateKey, chainID, nonce uint64, fee *uint256.Int, msg auth.Msg) *auth.Tx {
	tx := &auth.Tx{ChainID: chainID, Msg: msg}
	tx.From = auth.PubkeyToAddress(&k.PublicKey)
	tx.Nonce = nonce
	tx.Fee = *fee
	return tx
}

func maxU() *uint256.Int { return new(uint256.Int).SetAllOne() }

func cases() []struct {
	name      string
	tx        *auth.Tx
	exactOnly bool
} {
	k := key
	return []struct {
		name      string
		tx        *auth.Tx
		exactOnly bool
	}{
		{"create", mkTx(k(0), 7447, 0, uint256.NewInt(10_000), &types.CreateValidator{ConsensusKey: consKey, Moniker: "node-0 ✓", CommissionBps: 500, Amount: *uint256.NewInt(10_000_000_000)}), false},
		{"create extreme", mkTx(k(1), ^uint64(0), ^uint64(0), maxU(), &types.CreateValidator{ConsensusKey: types.ConsPubKey{0xff}, Moniker: "", CommissionBps: ^uint32(0), Amount: *maxU()}), true},
		{"delegate", mkTx(k(2), 7447, 3, uint256.NewInt(10_000), &types.Delegate{Validator: addr(0), Amount: *uint256.NewInt(1_500_000_000)}), false},
		{"delegate extreme", mkTx(k(2), 1, 1<<60, maxU(), &types.Delegate{Validator: addr(0), Amount: *maxU()}), true},
		{"undelegate", mkTx(k(3), 7447, 9, uint256.NewInt(10_000), &types.Undelegate{Validator: addr(0), Amount: *uint256.NewInt(7)}), false},
		{"unjail", mkTx(k(0), 7447, 12, uint256.NewInt(10_000), &types.Unjail{}), false},
		{"withdraw", mkTx(k(4), 7447, 1, uint256.NewInt(20_000), &types.WithdrawRewards{Validator: addr(0)}), false},
	}
}

func toAPI(t *testing.T, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = toAPI(t, e)
		}
		return out
	case uint64:
		return new(big.Int).SetUint64(x)
	case string:
		return x
	}
	t.Fatalf("unexpected %T", v)
	return nil
}

func apiExact(t *testing.T, tx *auth.Tx) apitypes.TypedData {
	m := tx.TypedData()
	td := apitypes.TypedData{Types: apitypes.Types{}, PrimaryType: m["primaryType"].(string)}
	for name, fields := range m["types"].(map[string]any) {
		for _, f := range fields.([]auth.Field) {
			td.Types[name] = append(td.Types[name], apitypes.Type{Name: f.Name, Type: f.Type})
		}
	}
	dom := m["domain"].(map[string]any)
	td.Domain = apitypes.TypedDataDomain{Name: dom["name"].(string), Version: dom["version"].(string),
		ChainId: (*math.HexOrDecimal256)(new(big.Int).SetUint64(dom["chainId"].(uint64)))}
	td.Message = toAPI(t, m["message"]).(map[string]any)
	return td
}

func apiJSON(t *testing.T, tx *auth.Tx) apitypes.TypedData {
	b, err := json.Marshal(tx.TypedData())
	require.NoError(t, err)
	var td apitypes.TypedData
	require.NoError(t, json.Unmarshal(b, &td))
	return td
}

// TestEIP712MatchesGoEthereum: the hand-rolled hashing equals
// go-ethereum's signer/core/apitypes, and a signature made either way
// recovers to the sender.
func TestEIP712MatchesGoEthereum(t *testing.T) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			tx := tc.tx
			convs := map[string]apitypes.TypedData{"exact": apiExact(t, tx)}
			if !tc.exactOnly {
				convs["json"] = apiJSON(t, tx)
			}
			primary, _ := tx.Msg.Type()
			for how, td := range convs {
				require.Equal(t, string(td.EncodeType(td.PrimaryType)), primary.EncodeType(), how)
				sh, err := td.HashStruct(td.PrimaryType, td.Message)
				require.NoError(t, err, how)
				ours := tx.Msg.HashStruct(&tx.Header)
				require.Equal(t, []byte(sh), ours[:], how)
				digest, _, err := apitypes.TypedDataAndHash(td)
				require.NoError(t, err, how)
				d := tx.SigningDigest()
				require.Equal(t, digest, d[:], how)
			}
			k := key(0)
			for i := uint64(0); i < 5; i++ {
				if auth.PubkeyToAddress(&key(i).PublicKey) == tx.From {
					k = key(i)
				}
			}
			require.NoError(t, tx.Sign(k))
			raw, err := tx.Encode()
			require.NoError(t, err)
			c := auth.NewCodec()
			types.Register(c)
			back, err := c.Decode(raw)
			require.NoError(t, err)
			require.Equal(t, tx.Msg, back.Msg)
			signer, err := back.RecoverSender()
			require.NoError(t, err)
			require.Equal(t, tx.From, signer)
			raw2, err := back.Encode()
			require.NoError(t, err)
			require.Equal(t, raw, raw2)
		})
	}
}

func TestTypeStrings(t *testing.T) {
	want := map[auth.Msg]string{
		&types.CreateValidator{}: "CreateValidator(address from,bytes32 consensusKey,string moniker,uint32 commissionBps,uint256 amount,uint256 fee,uint64 nonce)",
		&types.Delegate{}:        "Delegate(address from,address validator,uint256 amount,uint256 fee,uint64 nonce)",
		&types.Undelegate{}:      "Undelegate(address from,address validator,uint256 amount,uint256 fee,uint64 nonce)",
		&types.Unjail{}:          "Unjail(address from,uint256 fee,uint64 nonce)",
		&types.WithdrawRewards{}: "WithdrawRewards(address from,address validator,uint256 fee,uint64 nonce)",
	}
	actions := map[uint64]bool{}
	for m, s := range want {
		p, refs := m.Type()
		require.Empty(t, refs)
		require.Equal(t, s, p.EncodeType())
		actions[m.Action()] = true
	}
	require.Equal(t, map[uint64]bool{10: true, 11: true, 12: true, 13: true, 14: true}, actions)
	b, err := (&types.Unjail{}).EncodeBody()
	require.NoError(t, err)
	require.Equal(t, []byte{0xc0}, b)
}

// TestDecodeRejects: non-canonical or trailing bodies do not decode.
func TestDecodeRejects(t *testing.T) {
	good, err := (&types.Delegate{Validator: addr(0), Amount: *uint256.NewInt(5)}).EncodeBody()
	require.NoError(t, err)
	_, err = types.DecodeDelegate(append(append([]byte{}, good...), 0x00))
	require.Error(t, err)
	_, err = types.DecodeUnjail([]byte{0xc1, 0x80})
	require.Error(t, err)
	_, err = types.DecodeCreateValidator([]byte{0xc0})
	require.Error(t, err)
	_, err = types.DecodeWithdrawRewards([]byte{0xd5, 0x93, 0x01})
	require.Error(t, err)
}

func TestValidateBasic(t *testing.T) {
	h := &auth.Header{From: addr(0)}
	require.NoError(t, (&types.CreateValidator{ConsensusKey: consKey, Moniker: "x", CommissionBps: 10_000, Amount: *uint256.NewInt(1)}).ValidateBasic(h))
	require.ErrorIs(t, (&types.CreateValidator{ConsensusKey: consKey, Moniker: "x", CommissionBps: 10_001, Amount: *uint256.NewInt(1)}).ValidateBasic(h), types.ErrCommission)
	hf := &auth.Header{From: addr(0), Fee: *uint256.NewInt(1)}
	require.ErrorIs(t, (&types.Delegate{Validator: addr(1), Amount: *maxU()}).ValidateBasic(hf), types.ErrOverflow)
	require.NoError(t, consKey.Validate())
}

func TestParamsDefaultValid(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	p := types.DefaultParams()
	p.SlashFractionDoubleSignPpb = types.PpbDenom
	require.Error(t, p.Validate())
	g := types.DefaultGenesis()
	require.NoError(t, g.Validate())
}
