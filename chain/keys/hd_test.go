package keys

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

const (
	hardhatMnemonic = "test test test test test test test test test test test junk"
	// vector24 was generated and its accounts computed independently with
	// ethers v6: Mnemonic.fromEntropy(keccak256("pingo keys test vector")),
	// HDNodeWallet.fromPhrase(phrase, pass, path).
	vector24 = "trial wolf boat slot acid drink wheat market sponsor exchange destroy salmon leg section debris alley net excite spike caution trumpet stool nurse robust"
)

func TestDerivePrivateKeyVectors(t *testing.T) {
	for _, tc := range []struct {
		name, mnemonic, pass string
		index                uint32
		addr, priv           string
	}{
		{"hardhat 0", hardhatMnemonic, "", 0, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"},
		{"hardhat 1", hardhatMnemonic, "", 1, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"},
		{"24 words 0", vector24, "", 0, "0x894360A499a7e0dc983760D26d0d34B86747408D", "58407e69ad493f01a2125582c25650d2eccf53a48600a5c9b456dbd784f5500b"},
		{"24 words 7", vector24, "", 7, "0xB0e4c4Aef952af682Eaff1cacE030a8c172cA1c8", "b606f49ce2ca3e1c1b3f83f5bf01bfed04cc1a685ca53053d58a43612660d033"},
		{"bip39 passphrase", vector24, "TREZOR", 3, "0x2560FB3fC5876CaadC7BE066b96CfB8C57b67996", "aa19cfb2f7c321cd8df06cfa82dfa2ac340192b1def1a99200b07ed5226b9dc1"},
		// Both Unicode forms of "pässword" must give ethers' (NFKD) result.
		{"nfc passphrase", vector24, "p\u00e4ssword", 0, "0x4383c12f5D5FF70Fe1190a02d5779c97A12095d8", "eac9b7ab5d6cbadb1c060989f633540851f8e447697d9d113c0e2a3a9e68b5ec"},
		{"nfd passphrase", vector24, "pa\u0308ssword", 0, "0x4383c12f5D5FF70Fe1190a02d5779c97A12095d8", "eac9b7ab5d6cbadb1c060989f633540851f8e447697d9d113c0e2a3a9e68b5ec"},
		{"messy whitespace and case", "  Test test\ttest test test test\ntest test test test TEST junk ", "", 0, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, err := DerivePrivateKey(tc.mnemonic, tc.pass, tc.index)
			require.NoError(t, err)
			require.Equal(t, tc.priv, hex.EncodeToString(crypto.FromECDSA(key)))
			require.Equal(t, tc.addr, auth.PubkeyToAddress(&key.PublicKey).Hex())
		})
	}
}

// BIP32 test vectors 1 and 3 (private keys as printed by ethers for the
// spec's xprvs). Vector 3's master key starts with 0x00, which catches a
// serialisation that drops leading zeros.
func TestDeriveFromSeedBIP32Vectors(t *testing.T) {
	const seed1 = "000102030405060708090a0b0c0d0e0f"
	const seed3 = "4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0d0c64d2e8a1e7d1457df2e5a3c51c73235be"
	for _, tc := range []struct{ seed, path, priv string }{
		{seed1, "m", "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35"},
		{seed1, "m/0'", "edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea"},
		{seed1, "m/0'/1", "3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368"},
		{seed1, "m/0H/1/2h/2/1000000000", "471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8"},
		{seed3, "m", "00ddb80b067e0d4993197fe10f2657a844a384589847602d56f0c629c81aae32"},
		{seed3, "m/0'", "491f7a2eebc7b57028e0d3faa0acda02e75c33b03c48fb288c41e2ea44e1daef"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			seed, err := hex.DecodeString(tc.seed)
			require.NoError(t, err)
			p, err := ParsePath(tc.path)
			require.NoError(t, err)
			key, err := deriveFromSeed(seed, p)
			require.NoError(t, err)
			require.Equal(t, tc.priv, hex.EncodeToString(crypto.FromECDSA(key)))
		})
	}
}

func TestParsePath(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Path
		str  string
		ok   bool
	}{
		{"m/44'/60'/0'/0/5", DefaultPath(5), "m/44'/60'/0'/0/5", true},
		{"m/44h/60H/0'/0/0", DefaultPath(0), "m/44'/60'/0'/0/0", true},
		{"m", Path{}, "m", true},
		{"m/2147483647'", Path{0xffffffff}, "m/2147483647'", true},
		{"m/2147483648", nil, "", false},
		{"44'/60'", nil, "", false},
		{"m//0", nil, "", false},
		{"m/0/", nil, "", false},
		{"m/-1", nil, "", false},
		{"m/x'", nil, "", false},
		{"m/''", nil, "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			p, err := ParsePath(tc.in)
			if !tc.ok {
				require.ErrorIs(t, err, ErrInvalidPath)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, p)
			require.Equal(t, tc.str, p.String())
		})
	}
}

func TestValidateMnemonic(t *testing.T) {
	for _, tc := range []struct {
		name, mnemonic string
		ok             bool
	}{
		{"12 words", hardhatMnemonic, true},
		{"24 words", vector24, true},
		{"18 words", strings.Repeat("abandon ", 17) + "agent", true},
		{"bad checksum 12", "test test test test test test test test test test test test", false},
		{"bad checksum 24", vector24[:len(vector24)-len("robust")] + "abandon", false},
		{"swapped words", "test test test test test test test test test test junk test", false},
		{"unknown word", "test test test test test test test test test test test junkk", false},
		{"11 words", "test test test test test test test test test test junk", false},
		{"13 words", hardhatMnemonic + " test", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateMnemonic(tc.mnemonic)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidMnemonic)
			_, err = DerivePrivateKey(tc.mnemonic, "", 0)
			require.ErrorIs(t, err, ErrInvalidMnemonic)
		})
	}
}

func TestNewMnemonic(t *testing.T) {
	a, err := NewMnemonic()
	require.NoError(t, err)
	b, err := NewMnemonic()
	require.NoError(t, err)
	require.Len(t, strings.Fields(a), 24)
	require.NoError(t, ValidateMnemonic(a))
	require.NotEqual(t, a, b)
}
