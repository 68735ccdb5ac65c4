package types_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/stretchr/testify/require"
)

// decodeSeeds are the committed seeds of FuzzDecodeTx (also written to
// testdata/fuzz/FuzzDecodeTx by TestWriteFuzzCorpus -update).
func decodeSeeds(t testing.TB) map[string][]byte {
	k0, k1, k2 := testutil.Key(0), testutil.Key(1), testutil.Key(2)
	transfer := signEncode(t, k0, mkTx(k0, testutil.ChainID, 0, uint256.NewInt(10_000), transferMsg(testutil.Addr(k1), 500)))
	multi := signEncode(t, k0, mkTx(k0, testutil.ChainID, 1, uint256.NewInt(10_000), &bank.MultiSend{Outputs: []bank.Output{
		{To: testutil.Addr(k1), Amount: *uint256.NewInt(1)}, {To: testutil.Addr(k2), Amount: *uint256.NewInt(2)},
	}}))
	multi0 := signEncode(t, k0, mkTx(k0, testutil.ChainID, 2, uint256.NewInt(10_000), &bank.MultiSend{}))
	extreme := signEncode(t, k1, mkTx(k1, ^uint64(0), ^uint64(0), maxU256, &bank.Transfer{To: testutil.Addr(k2), Amount: *maxU256}))
	zero := signEncode(t, k2, mkTx(k2, 0, 0, new(uint256.Int), transferMsg(auth.Address{}, 0)))
	seeds := map[string][]byte{
		"transfer":       transfer,
		"multisend-2":    multi,
		"multisend-0":    multi0,
		"extreme-values": extreme,
		"zero-values":    zero,
		"truncated":      transfer[:len(transfer)/2],
		"trailing":       append(append([]byte{}, transfer...), 0),
		"empty":          {},
		"empty-list":     {0xc0},
		"unknown-action": envelope(t, uint64(1), uint64(99), make([]byte, 20), uint64(0), uint64(0), rlp.RawValue{0xc0}, make([]byte, 65)),
		"noncanon-nonce": envelope(t, uint64(1), uint64(1), make([]byte, 20), rlp.RawValue{0x82, 0x00, 0x01}, uint64(0), rlp.RawValue(envelope(t, make([]byte, 20), uint64(1))), make([]byte, 65)),
		"long-list":      append([]byte{0xf9, 0x01, 0x00}, bytes.Repeat([]byte{0x80}, 256)...),
		// Bodies a module decoder refuses with its own code (bridge/4, bridge/41).
		"set-bridge-key-short-proof": envelope(t, uint64(1), bridge.ActionSetBridgeKey, make([]byte, 20), uint64(0), uint64(0),
			rlp.RawValue(envelope(t, make([]byte, 32), make([]byte, 63))), make([]byte, 65)),
		"withdraw-35-byte-to": envelope(t, uint64(1), bridge.ActionWithdraw, make([]byte, 20), uint64(0), uint64(0),
			rlp.RawValue(envelope(t, make([]byte, 35), uint64(1))), make([]byte, 65)),
	}
	// One valid signed transaction of every action: the test vectors.
	for _, vc := range vectorCases() {
		seeds["vector-"+vc.name] = signEncode(t, testutil.Key(vc.key), vc.tx)
	}
	return seeds
}

// FuzzDecodeTx: decoding arbitrary bytes never panics, and whatever decodes
// re-encodes to exactly the input (one tx, one encoding, one hash). Every
// rejection carries a registered code: auth's for the envelope, the action's
// module's for a body its decoder refuses.
func FuzzDecodeTx(f *testing.F) {
	for _, s := range decodeSeeds(f) {
		f.Add(s)
	}
	c := newCodec()
	f.Fuzz(func(t *testing.T, in []byte) {
		tx, err := c.Decode(in)
		if err != nil {
			require.Nil(t, tx)
			var ce *codes.Error
			require.True(t, errors.As(err, &ce), "unregistered error %T: %v", err, err)
			// Module decoders refuse some bodies with their own codes
			// (bridge/4 for a proof that is not 64 bytes, bridge/41 for a TON
			// address that is not 36, compute for too many openings).
			require.Contains(t, []string{"auth", "bank", "staking", "nft", "compute", "bridge"}, ce.Codespace())
			return
		}
		out, err := tx.Encode()
		require.NoError(t, err)
		require.Equal(t, in, out, "decoded tx re-encodes differently: non-canonical input accepted")
		// The rest of the pipeline must not panic on any decodable tx.
		_ = tx.SigningDigest()
		_ = tx.TypedData()
		_ = tx.Msg.ValidateBasic(&tx.Header)
		if signer, err := tx.RecoverSender(); err == nil {
			require.Equal(t, tx.From, signer)
		} else {
			require.True(t, errors.Is(err, auth.ErrInvalidSignature) || errors.Is(err, auth.ErrSignerMismatch), "%v", err)
		}
		// Decode of the re-encoding is a fixed point.
		again, err := c.Decode(out)
		require.NoError(t, err)
		require.Equal(t, tx.Header, again.Header)
		require.Equal(t, tx.SigningDigest(), again.SigningDigest())
	})
}

func addressSeeds() map[string]string {
	a := testutil.Addr(testutil.Key(0)).Hex()
	return map[string]string{
		"checksummed": a,
		"lower":       strings.ToLower(a),
		"upper":       "0x" + strings.ToUpper(a[2:]),
		"bad-sum":     "0x" + flipFirstLetter(a[2:]),
		"0X":          "0X" + a[2:],
		"short":       a[:41],
		"empty":       "",
		"unicode":     "0x" + strings.Repeat("é", 20),
		"eip55":       eip55Examples[1],
	}
}

// FuzzParseAddress: ParseAddress never panics, accepts exactly go-ethereum's
// notion of a hex address with a 0x prefix, and when it accepts, the input is
// all-lower, all-upper or the exact EIP-55 form, and Hex round-trips.
func FuzzParseAddress(f *testing.F) {
	for _, s := range addressSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := auth.ParseAddress(s)
		if err != nil {
			require.ErrorIs(t, err, auth.ErrInvalidAddress)
			// Whatever is rejected must be not hex, not 40 digits, or have
			// a wrong mixed-case checksum.
			if len(s) == 42 && (s[:2] == "0x" || s[:2] == "0X") && common.IsHexAddress(s) {
				body := s[2:]
				require.False(t, body == strings.ToLower(body) || body == strings.ToUpper(body),
					"rejected a plain hex address %q", s)
				require.NotEqual(t, common.HexToAddress(s).Hex()[2:], body, "rejected a valid checksum %q", s)
			}
			return
		}
		require.True(t, common.IsHexAddress(s), "accepted %q", s)
		require.True(t, s[:2] == "0x" || s[:2] == "0X")
		require.Equal(t, common.HexToAddress(s), common.Address(a))
		body := s[2:]
		require.True(t, body == strings.ToLower(body) || body == strings.ToUpper(body) || "0x"+body == a.Hex(), "accepted bad checksum %q", s)
		back, err := auth.ParseAddress(a.Hex())
		require.NoError(t, err)
		require.Equal(t, a, back)
		require.Equal(t, common.Address(a).Hex(), a.Hex())
	})
}

// TestWriteFuzzCorpus writes the seeds above as committed corpus files in
// the "go test fuzz v1" format (only with -update); plain `go test` then
// replays them as ordinary tests.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/fuzz")
	}
	for name, b := range decodeSeeds(t) {
		writeCorpus(t, "FuzzDecodeTx", name, fmt.Sprintf("[]byte(%q)", b))
	}
	for name, s := range addressSeeds() {
		writeCorpus(t, "FuzzParseAddress", name, fmt.Sprintf("string(%q)", s))
	}
}

func writeCorpus(t *testing.T, fuzzName, name, value string) {
	dir := filepath.Join("testdata", "fuzz", fuzzName)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "seed-"+name), []byte("go test fuzz v1\n"+value+"\n"), 0o644))
}
