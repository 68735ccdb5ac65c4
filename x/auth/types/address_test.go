package types_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/stretchr/testify/require"
)

// The four mixed-case examples of EIP-55 itself.
var eip55Examples = []string{
	"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
	"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
	"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
}

func TestAddressHexIsEIP55(t *testing.T) {
	for _, s := range eip55Examples {
		a, err := auth.ParseAddress(s)
		require.NoError(t, err, s)
		require.Equal(t, s, a.Hex())
		require.Equal(t, s, a.String())
		require.Equal(t, common.HexToAddress(s).Hex(), a.Hex())
	}
	// Against go-ethereum for the test keys and a few edge bytes.
	cases := []auth.Address{{}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
	for i := uint64(0); i < 16; i++ {
		cases = append(cases, testutil.Addr(testutil.Key(i)))
	}
	for _, a := range cases {
		require.Equal(t, common.Address(a).Hex(), a.Hex())
	}
}

func TestParseAddress(t *testing.T) {
	good := eip55Examples[0]
	lower := strings.ToLower(good)
	upperBody := "0x" + strings.ToUpper(good[2:])
	// Flip the case of the first letter whose case matters: a checksum typo.
	badSum := []byte(good)
	for i := 2; i < len(badSum); i++ {
		c := badSum[i]
		if c >= 'a' && c <= 'f' {
			badSum[i] = c - 32
			break
		}
		if c >= 'A' && c <= 'F' {
			badSum[i] = c + 32
			break
		}
	}
	want := common.HexToAddress(good)

	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"checksummed", good, true},
		{"all lower", lower, true},
		{"all upper body", upperBody, true},
		{"upper 0X prefix", "0X" + lower[2:], true},
		{"bad checksum", string(badSum), false},
		{"empty", "", false},
		{"prefix only", "0x", false},
		{"no prefix", lower[2:], false},
		{"no prefix, 42 chars", "00" + lower[2:], false},
		{"short", lower[:41], false},
		{"long", lower + "0", false},
		{"non-hex", "0x" + strings.Repeat("g", 40), false},
		{"space", "0x" + strings.Repeat("0", 39) + " ", false},
		{"unicode", "0x" + strings.Repeat("0", 38) + "é", false},
		{"NUL", "0x" + strings.Repeat("0", 39) + "\x00", false},
		{"very long", "0x" + strings.Repeat("a", 10_000), false},
		{"1x prefix", "1x" + lower[2:], false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := auth.ParseAddress(tc.in)
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, want.Bytes(), a[:])
				return
			}
			require.Error(t, err)
			require.ErrorIs(t, err, auth.ErrInvalidAddress)
			space, code, log := codes.ABCIInfo(err)
			require.Equal(t, "auth", space)
			require.Equal(t, uint32(12), code)
			require.NotEmpty(t, log)
			require.Less(t, len(log), 300, "error text must be clipped for garbage input")
		})
	}
}

func TestAddressDerivation(t *testing.T) {
	for i := uint64(0); i < 8; i++ {
		k := testutil.Key(i)
		want := crypto.PubkeyToAddress(k.PublicKey)
		require.Equal(t, want, common.Address(auth.PubkeyToAddress(&k.PublicKey)))
		a := auth.AddressFromUncompressed(crypto.FromECDSAPub(&k.PublicKey))
		require.Equal(t, want, common.Address(a))
		b, err := auth.AddressFromBytes(want.Bytes())
		require.NoError(t, err)
		require.Equal(t, a, b)
	}
	for _, n := range []int{0, 19, 21, 32} {
		_, err := auth.AddressFromBytes(make([]byte, n))
		require.ErrorIs(t, err, auth.ErrInvalidAddress, n)
	}
}

func TestAddressJSON(t *testing.T) {
	a := testutil.Addr(testutil.Key(3))
	b, err := json.Marshal(struct{ A auth.Address }{a})
	require.NoError(t, err)
	require.Equal(t, `{"A":"`+a.Hex()+`"}`, string(b))
	var back struct{ A auth.Address }
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, a, back.A)

	// A checksum typo in JSON is rejected as well.
	bad := strings.Replace(string(b), a.Hex()[2:], flipFirstLetter(a.Hex()[2:]), 1)
	err = json.Unmarshal([]byte(bad), &back)
	require.Error(t, err)
	require.True(t, errors.Is(err, auth.ErrInvalidAddress), err)
}

// flipFirstLetter flips the case of the first a-f/A-F character.
func flipFirstLetter(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'f':
			b[i] = c - 32
			return string(b)
		case c >= 'A' && c <= 'F':
			b[i] = c + 32
			return string(b)
		}
	}
	return s
}
