package types_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// Helpers that give vectorCases realistic field values: keys from public
// seeds, real proofs and Merkle paths, TON addresses in their wire form.

// vectorSeed is submit-job-1's job seed.
func vectorSeed() [32]byte { return compute.Hash(crypto.Keccak256([]byte("vector seed"))) }

// consKey is the ed25519 public key of seed sha256("pingo/test-cons/<i>"),
// a public test consensus key.
func consKey(i int) staking.ConsPubKey {
	s := sha256.Sum256(fmt.Appendf(nil, "pingo/test-cons/%d", i))
	return staking.ConsPubKey(ed25519.NewKeyFromSeed(s[:]).Public().(ed25519.PublicKey))
}

// bridgeTestKey is bridge/checkpoint's test validator i: ed25519 seed
// sha256("pingo/test-validator/<i>").
func bridgeTestKey(i int) ed25519.PrivateKey {
	s := sha256.Sum256(fmt.Appendf(nil, "pingo/test-validator/%d", i))
	return ed25519.NewKeyFromSeed(s[:])
}

// setBridgeKeyMsg registers test validator 0's bridge key for operator,
// with the proof of possession the keeper verifies.
func setBridgeKeyMsg(chainID uint64, operator auth.Address) *bridge.SetBridgeKey {
	priv := bridgeTestKey(0)
	m := &bridge.SetBridgeKey{BridgeKey: bridge.Hash32(priv.Public().(ed25519.PublicKey))}
	copy(m.Proof[:], ed25519.Sign(priv, bridge.KeyProofMessage(chainID, operator)))
	return m
}

func tonTxHash(h string) bridge.Hash32 {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 32 {
		panic(fmt.Sprintf("TON tx hash %q", h))
	}
	return bridge.Hash32(b)
}

func tonAddr(s string) bridge.TONAddr {
	a, err := bridge.ParseTONAddr(s)
	if err != nil {
		panic(err)
	}
	return a
}

// TestVectorsCoverEveryAction: every action the app's codec decodes has a
// vector, and no vector names an action twice under different types. The
// codec has no list of its actions, so the test asks it about every number
// up to 255: an envelope with an unknown action is auth/4 before the body is
// looked at.
func TestVectorsCoverEveryAction(t *testing.T) {
	c := newCodec()
	registered := map[uint64]bool{}
	for a := uint64(0); a < 256; a++ {
		raw, err := rlp.EncodeToBytes([]any{testutil.ChainID, a, auth.Address{}, uint64(0), uint256.NewInt(0), []any{}, make([]byte, 65)})
		require.NoError(t, err)
		_, err = c.Decode(raw)
		var ce *codes.Error
		if err != nil && errors.As(err, &ce) && errors.Is(err, auth.ErrUnknownAction) {
			continue
		}
		registered[a] = true
	}
	require.Len(t, registered, 22, "actions registered in the codec (docs/protocol.md §Actions; 62 is reserved, never a tx)")

	covered := map[uint64]string{}
	for _, vc := range vectorCases() {
		a := vc.tx.Msg.Action()
		p, _ := vc.tx.Msg.Type()
		if prev, ok := covered[a]; ok {
			require.Equal(t, prev, p.Name, "action %d", a)
		}
		covered[a] = p.Name
	}
	for a := range registered {
		require.Contains(t, covered, a, "action %d has no vector in vectorCases", a)
	}
	for a := range covered {
		require.True(t, registered[a], "vector for action %d, which the codec does not know", a)
	}
}

// TestVectorCasesValid: every vector is a transaction the node would admit
// as far as state-free checks go (ValidateBasic, SetBridgeKey's proof, a
// Reveal's paths folding to the committed sub-roots), so a wallet maker who
// replays one sees a real action, not a refused one.
func TestVectorCasesValid(t *testing.T) {
	for _, vc := range vectorCases() {
		t.Run(vc.name, func(t *testing.T) {
			tx := vc.tx
			require.Equal(t, testutil.Addr(testutil.Key(vc.key)), tx.From, "signer key")
			require.NoError(t, tx.Msg.ValidateBasic(&tx.Header))
			switch m := tx.Msg.(type) {
			case *bridge.SetBridgeKey:
				require.NoError(t, m.VerifyProof(tx.ChainID, tx.From))
			case *compute.Reveal:
				w := testutil.DoWork(tx.ChainID, 12, vectorSeed(), tx.From, 0, 16, 5000, testutil.KeysFrom(8, 2), nil)
				require.Equal(t, w.Attest.AttestationID, m.AttestationID)
				for i, o := range m.Openings {
					unit := []uint64{3, 11}[i]
					require.Equal(t, kernel.Digest(vectorSeed(), unit), [32]byte(o.Digest))
					share := w.Attest.Shares[unit/8]
					sib, err := kernel.DecodePath(o.Path)
					require.NoError(t, err)
					root, ok := kernel.Fold(kernel.Leaf(12, unit, share.Contributor, o.Digest), unit%8, 8, sib)
					require.True(t, ok)
					require.Equal(t, [32]byte(share.SubRoot), root, "opening %d folds to its share's sub-root", i)
				}
			case *bridge.Withdraw:
				require.Equal(t, "0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8", m.To.String())
			}
		})
	}
}

// TestProtocolActionTable: the action table of docs/protocol.md §Actions
// lists exactly the actions that have vectors, each with the vector's
// number and its full EIP-712 encodeType, so a wallet maker reading the
// table signs what the node hashes.
func TestProtocolActionTable(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/protocol.md")
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| ([A-Za-z]+) \\| ([0-9]+) \\| `([^`]+)`")
	table := map[uint64][2]string{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		n, err := strconv.ParseUint(m[2], 10, 64)
		require.NoError(t, err)
		_, dup := table[n]
		require.False(t, dup, "action %d listed twice", n)
		table[n] = [2]string{m[1], m[3]}
	}
	seen := map[uint64]bool{}
	for _, vc := range vectorCases() {
		p, refs := vc.tx.Msg.Type()
		enc := p.EncodeType()
		for _, r := range refs {
			enc += r.EncodeType()
		}
		a := vc.tx.Msg.Action()
		require.Contains(t, table, a, "docs/protocol.md action table has no row for %s (%d)", p.Name, a)
		require.Equal(t, [2]string{p.Name, enc}, table[a], "docs/protocol.md row for action %d", a)
		seen[a] = true
	}
	require.Len(t, table, len(seen), "rows without a vector")
}
