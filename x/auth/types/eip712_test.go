package types_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
	"github.com/holiman/uint256"
	"github.com/pingo-chain/pingo/testutil"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	staking "github.com/pingo-chain/pingo/x/staking/types"
	"github.com/stretchr/testify/require"
)

// update rewrites golden files (testdata/vectors.json, the fuzz seed corpus)
// instead of comparing against them:
//
//	go test ./x/auth/types -run 'TestVectors|TestWriteFuzzCorpus' -update
var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// apiTypedDataJSON converts tx.TypedData() the way a wallet receives it: as
// JSON, parsed by go-ethereum's eth_signTypedData_v4 implementation.
func apiTypedDataJSON(t testing.TB, tx *auth.Tx) apitypes.TypedData {
	t.Helper()
	b, err := json.Marshal(tx.TypedData())
	require.NoError(t, err)
	var td apitypes.TypedData
	require.NoError(t, json.Unmarshal(b, &td))
	return td
}

// apiTypedDataExact converts tx.TypedData() without JSON, carrying integers
// as *big.Int, so values beyond 2^53 (which JSON numbers cannot carry into
// apitypes) are cross-checked too.
func apiTypedDataExact(t testing.TB, tx *auth.Tx) apitypes.TypedData {
	t.Helper()
	m := tx.TypedData()
	td := apitypes.TypedData{Types: apitypes.Types{}, PrimaryType: m["primaryType"].(string)}
	for name, fields := range m["types"].(map[string]any) {
		for _, f := range fields.([]auth.Field) {
			td.Types[name] = append(td.Types[name], apitypes.Type{Name: f.Name, Type: f.Type})
		}
	}
	dom := m["domain"].(map[string]any)
	td.Domain = apitypes.TypedDataDomain{
		Name: dom["name"].(string), Version: dom["version"].(string),
		ChainId: (*math.HexOrDecimal256)(new(big.Int).SetUint64(dom["chainId"].(uint64))),
	}
	td.Message = toAPIValue(t, m["message"]).(map[string]any)
	return td
}

func toAPIValue(t testing.TB, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = toAPIValue(t, e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toAPIValue(t, e)
		}
		return out
	case []uint64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = new(big.Int).SetUint64(e)
		}
		return out
	case uint64:
		return new(big.Int).SetUint64(x)
	case string:
		return x // addresses and decimal uint256 strings: apitypes parses both
	}
	t.Fatalf("unexpected value %T in TypedData message", v)
	return nil
}

// eip712Cases are transactions whose hashing is cross-checked against
// go-ethereum. Values that do not survive JSON numbers are marked exactOnly.
func eip712Cases() []struct {
	name      string
	key       uint64
	tx        *auth.Tx
	exactOnly bool
} {
	k := testutil.Key
	a := func(i uint64) auth.Address { return testutil.Addr(k(i)) }
	outs := func(n int) []bank.Output {
		o := make([]bank.Output, n)
		for i := range o {
			o[i] = bank.Output{To: a(uint64(i + 1)), Amount: *uint256.NewInt(uint64(1000 * (i + 1)))}
		}
		return o
	}
	return []struct {
		name      string
		key       uint64
		tx        *auth.Tx
		exactOnly bool
	}{
		{"transfer", 0, mkTx(k(0), testutil.ChainID, 0, uint256.NewInt(10_000), transferMsg(a(1), 1_500_000_000)), false},
		{"transfer nonce 2^53", 1, mkTx(k(1), testutil.ChainID, 1<<53, uint256.NewInt(10_000), transferMsg(a(0), 7)), false},
		{"transfer big amount", 2, mkTx(k(2), 1, 42, u256("1000000000000000000000000000000"), &bank.Transfer{To: a(3), Amount: *u256("115792089237316195423570985008687907853269984665640564039457584007913129639935")}), false},
		{"transfer extreme integers", 3, mkTx(k(3), ^uint64(0), ^uint64(0), maxU256, &bank.Transfer{To: a(4), Amount: *maxU256}), true},
		{"transfer to zero address", 4, mkTx(k(4), testutil.ChainID, 0, new(uint256.Int), transferMsg(auth.Address{}, 0)), false},
		{"multisend 0 outputs", 0, mkTx(k(0), testutil.ChainID, 5, uint256.NewInt(10_000), &bank.MultiSend{Outputs: []bank.Output{}}), false},
		{"multisend 1 output", 1, mkTx(k(1), testutil.ChainID, 5, uint256.NewInt(10_000), &bank.MultiSend{Outputs: outs(1)}), false},
		{"multisend 2 outputs", 2, mkTx(k(2), testutil.ChainID, 6, uint256.NewInt(20_000), &bank.MultiSend{Outputs: outs(2)}), false},
		{"multisend 7 outputs", 5, mkTx(k(5), 1, 1<<40, uint256.NewInt(1), &bank.MultiSend{Outputs: outs(7)}), false},
		{"multisend extreme", 6, mkTx(k(6), ^uint64(0), ^uint64(0), maxU256, &bank.MultiSend{Outputs: []bank.Output{{To: a(1), Amount: *maxU256}, {To: auth.Address{}, Amount: uint256.Int{}}}}), true},
	}
}

func TestEIP712MatchesGoEthereum(t *testing.T) {
	cases := eip712Cases()
	// Every test vector too: all actions' types (bytes, bytes32, uint32[],
	// struct arrays, empty bodies) go through apitypes both ways.
	for _, vc := range vectorCases() {
		cases = append(cases, struct {
			name      string
			key       uint64
			tx        *auth.Tx
			exactOnly bool
		}{"vector " + vc.name, vc.key, vc.tx, false})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tx := tc.tx
			conversions := map[string]apitypes.TypedData{"exact": apiTypedDataExact(t, tx)}
			if !tc.exactOnly {
				conversions["json"] = apiTypedDataJSON(t, tx)
			}
			primary, refs := tx.Msg.Type()
			for how, td := range conversions {
				// Type encoding and type hash.
				require.Equal(t, string(td.EncodeType(td.PrimaryType)), func() string {
					s := primary.EncodeType()
					for _, r := range refs {
						s += r.EncodeType()
					}
					return s
				}(), how)
				require.Equal(t, []byte(td.TypeHash(td.PrimaryType)), func() []byte { h := auth.TypeHash(primary, refs...); return h[:] }(), how)

				// Domain separator.
				dom, err := td.HashStruct("EIP712Domain", td.Domain.Map())
				require.NoError(t, err, how)
				ds := auth.DomainSeparator(tx.ChainID)
				require.Equal(t, []byte(dom), ds[:], how)

				// hashStruct(message).
				sh, err := td.HashStruct(td.PrimaryType, td.Message)
				require.NoError(t, err, how)
				ours := tx.Msg.HashStruct(&tx.Header)
				require.Equal(t, []byte(sh), ours[:], how)

				// The digest signTypedData_v4 signs.
				digest, raw, err := apitypes.TypedDataAndHash(td)
				require.NoError(t, err, how)
				d := tx.SigningDigest()
				require.Equal(t, digest, d[:], how)
				require.Equal(t, "\x19\x01"+string(ds[:])+string(ours[:]), raw, how)
				sd := auth.SigningDigest(ds, ours)
				require.Equal(t, d, sd, how)
			}

			// Sign with our code; recover with go-ethereum over its own digest.
			key := testutil.Key(tc.key)
			require.NoError(t, tx.Sign(key))
			digest, _, err := apitypes.TypedDataAndHash(conversions["exact"])
			require.NoError(t, err)
			sig := tx.Sig
			sig[64] -= 27
			pub, err := crypto.SigToPub(digest, sig[:])
			require.NoError(t, err)
			require.Equal(t, crypto.PubkeyToAddress(key.PublicKey), crypto.PubkeyToAddress(*pub))
			require.True(t, crypto.VerifySignature(crypto.CompressPubkey(&key.PublicKey), digest, sig[:64]))

			// And the other way round: a signature made by go-ethereum over
			// apitypes' digest is accepted by RecoverSender.
			gsig, err := crypto.Sign(digest, key)
			require.NoError(t, err)
			gsig[64] += 27
			copy(tx.Sig[:], gsig)
			signer, err := tx.RecoverSender()
			require.NoError(t, err)
			require.Equal(t, testutil.Addr(key), signer)
		})
	}
}

// TestTypedDataShape pins the JSON object a wallet receives: the exact type
// lists (member order is part of the type hash) and the message values as
// strings for uint256 and addresses as EIP-55.
func TestTypedDataShape(t *testing.T) {
	k0, k1 := testutil.Key(0), testutil.Key(1)
	tx := mkTx(k0, testutil.ChainID, 3, uint256.NewInt(10_000), transferMsg(testutil.Addr(k1), 5))
	b, err := json.Marshal(tx.TypedData())
	require.NoError(t, err)
	want := fmt.Sprintf(`{"domain":{"chainId":7447,"name":"PinGo","version":"1"},"message":{"amount":"5","fee":"10000","from":"%s","nonce":3,"to":"%s"},"primaryType":"Transfer","types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"}],"Transfer":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"amount","type":"uint256"},{"name":"fee","type":"uint256"},{"name":"nonce","type":"uint64"}]}}`,
		testutil.Addr(k0).Hex(), testutil.Addr(k1).Hex())
	require.JSONEq(t, want, string(b))

	ms := mkTx(k0, testutil.ChainID, 3, uint256.NewInt(10_000), &bank.MultiSend{Outputs: []bank.Output{{To: testutil.Addr(k1), Amount: *uint256.NewInt(5)}}})
	p, refs := ms.Msg.Type()
	require.Equal(t, "MultiSend(address from,Output[] outputs,uint256 fee,uint64 nonce)", p.EncodeType())
	require.Len(t, refs, 1)
	require.Equal(t, "Output(address to,uint256 amount)", refs[0].EncodeType())
	tp, _ := tx.Msg.Type()
	require.Equal(t, "Transfer(address from,address to,uint256 amount,uint256 fee,uint64 nonce)", tp.EncodeType())
	require.Equal(t, auth.DomainType, "EIP712Domain(string name,string version,uint256 chainId)")
}

// ---- test vectors ----

const vectorsFile = "testdata/vectors.json"

// vector is one worked example for wallet developers. Every hex string is
// 0x-prefixed lower case except addresses, which are EIP-55.
type vector struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	PrivateKey  string          `json:"private_key"`
	Address     string          `json:"address"`
	ChainID     uint64          `json:"chain_id"`
	Action      uint64          `json:"action"`
	TypedData   json.RawMessage `json:"typed_data"`
	EncodeType  string          `json:"encode_type"`
	TypeHash    string          `json:"type_hash"`
	DomainSep   string          `json:"domain_separator"`
	StructHash  string          `json:"struct_hash"`
	Digest      string          `json:"digest"`
	Signature   string          `json:"signature"`
	Wire        wireFields      `json:"wire_fields"`
	Tx          string          `json:"tx"`
	TxHash      string          `json:"tx_hash"`
}

// wireFields spells out the envelope [chainId, action, from, nonce, fee,
// body, sig] field by field.
type wireFields struct {
	ChainID uint64 `json:"chain_id"`
	Action  uint64 `json:"action"`
	From    string `json:"from"`
	Nonce   uint64 `json:"nonce"`
	Fee     string `json:"fee"`
	Body    string `json:"body"`
	Sig     string `json:"sig"`
}

type vectorFile struct {
	Comment string   `json:"comment"`
	Vectors []vector `json:"vectors"`
}

func vectorCases() []struct {
	name, desc string
	key        uint64
	tx         *auth.Tx
} {
	k := testutil.Key
	a := func(i uint64) auth.Address { return testutil.Addr(k(i)) }
	return []struct {
		name, desc string
		key        uint64
		tx         *auth.Tx
	}{
		{"transfer-1", "Transfer of 1.5 PINGO (1500000000 upingo) from key 0 to key 1, fee 10000 upingo, nonce 0, localnet chain id 7447",
			0, mkTx(k(0), testutil.ChainID, 0, uint256.NewInt(10_000), transferMsg(a(1), 1_500_000_000))},
		{"transfer-2", "Transfer with a large amount (2^128 upingo) and nonce 7 from key 1 to key 2, fee 25000, chain id 1",
			1, mkTx(k(1), 1, 7, uint256.NewInt(25_000), &bank.Transfer{To: a(2), Amount: *new(uint256.Int).Lsh(uint256.NewInt(1), 128)})},
		{"multisend-1", "MultiSend from key 2 to key 0 (1 PINGO) and key 3 (0.25 PINGO), fee 20000, nonce 3, chain id 7447",
			2, mkTx(k(2), testutil.ChainID, 3, uint256.NewInt(20_000), &bank.MultiSend{Outputs: []bank.Output{
				{To: a(0), Amount: *uint256.NewInt(1_000_000_000)}, {To: a(3), Amount: *uint256.NewInt(250_000_000)},
			}})},
		{"multisend-2", "MultiSend from key 3 to key 4 and key 5 (1 upingo each), fee 10000, nonce 128, chain id 7447",
			3, mkTx(k(3), testutil.ChainID, 128, uint256.NewInt(10_000), &bank.MultiSend{Outputs: []bank.Output{
				{To: a(4), Amount: *uint256.NewInt(1)}, {To: a(5), Amount: *uint256.NewInt(1)},
			}})},
		{"delegate-1", "Delegate 100 PINGO from key 4 to the validator operated by key 5, fee 10000, nonce 1, chain id 7447",
			4, mkTx(k(4), testutil.ChainID, 1, uint256.NewInt(10_000), &staking.Delegate{Validator: a(5), Amount: *uint256.NewInt(100 * pingo)})},
		{"register-node-1", "RegisterNode by key 6: endpoint https://cdn-eu1.example.org, region eu-west, unit kind 1, bond 10000 PINGO, fee 10000, nonce 0, chain id 7447",
			6, mkTx(k(6), testutil.ChainID, 0, uint256.NewInt(10_000), &compute.RegisterNode{Endpoint: "https://cdn-eu1.example.org",
				Region: "eu-west", UnitKinds: []uint32{1}, Bond: *uint256.NewInt(10_000 * pingo)})},
		{"submit-job-1", "SubmitJob by key 7 (an NFT holder): unit kind 1 (matmul-i8-64, its spec hash), 4096 units at 1000 upingo, at most 4 nodes, expiry height 100000, fee 10000, nonce 2, chain id 7447",
			7, mkTx(k(7), testutil.ChainID, 2, uint256.NewInt(10_000), &compute.SubmitJob{UnitKind: 1,
				SpecHash: compute.Hash(kernel.SpecMatmulI8), Seed: compute.Hash(crypto.Keccak256([]byte("vector seed"))),
				Units: 4096, PricePerUnit: *uint256.NewInt(1000), MaxNodes: 4, Expiry: 100_000})},
		{"accept-job-1", "AcceptJob 12 by the node operated by key 6, fee 10000, nonce 1, chain id 7447",
			6, mkTx(k(6), testutil.ChainID, 1, uint256.NewInt(10_000), &compute.AcceptJob{JobID: 12})},
		{"attest-1", "Attest by the node of key 6 for units [0, 16) of job 12, two contributors (keys 8 and 9, 8 units each, each signing its ContributorShare), expiry 5000, fee 10000, nonce 2, chain id 7447",
			6, mkTx(k(6), testutil.ChainID, 2, uint256.NewInt(10_000), testutil.Attestation(testutil.ChainID, 12, a(6), 0, 16, 5000,
				[]*ecdsa.PrivateKey{k(8), k(9)}))},
		{"transfer-nft-1", "TransferNFT 3 from key 8 to key 9, fee 10000, nonce 0, chain id 7447",
			8, mkTx(k(8), testutil.ChainID, 0, uint256.NewInt(10_000), &nft.TransferNFT{ID: 3, To: a(9)})},

		// Every action from here on was added so that each signed action
		// has a vector (wallet makers asked for all of them); the entries
		// above are unchanged.

		// staking (10-14)
		{"create-validator-1", "CreateValidator by key 10: consensus key = ed25519 public key of seed sha256(\"pingo/test-cons/0\"), moniker \"PinGo EU-1\", commission 500 bps (5%), self-bond 1000 PINGO, fee 10000, nonce 0, chain id 7447",
			10, mkTx(k(10), testutil.ChainID, 0, uint256.NewInt(10_000), &staking.CreateValidator{ConsensusKey: consKey(0),
				Moniker: "PinGo EU-1", CommissionBps: 500, Amount: *uint256.NewInt(1000 * pingo)})},
		{"undelegate-1", "Undelegate 40 PINGO of key 4's delegation to the validator operated by key 5 (after delegate-1), fee 10000, nonce 2, chain id 7447",
			4, mkTx(k(4), testutil.ChainID, 2, uint256.NewInt(10_000), &staking.Undelegate{Validator: a(5), Amount: *uint256.NewInt(40 * pingo)})},
		{"unjail-1", "Unjail by key 5, the operator of a jailed validator (empty body 0xc0), fee 10000, nonce 7, chain id 7447",
			5, mkTx(k(5), testutil.ChainID, 7, uint256.NewInt(10_000), &staking.Unjail{})},
		{"withdraw-rewards-1", "WithdrawRewards of key 4's delegation to the validator operated by key 5, fee 10000, nonce 3, chain id 7447",
			4, mkTx(k(4), testutil.ChainID, 3, uint256.NewInt(10_000), &staking.WithdrawRewards{Validator: a(5)})},

		// compute (31-33, 36, 38)
		{"update-node-1", "UpdateNode by key 6: endpoint https://cdn-eu2.example.org:8443, region eu-central, unit kinds [1, 2], add 500 PINGO to the bond, fee 10000, nonce 4, chain id 7447",
			6, mkTx(k(6), testutil.ChainID, 4, uint256.NewInt(10_000), &compute.UpdateNode{Endpoint: "https://cdn-eu2.example.org:8443",
				Region: "eu-central", UnitKinds: []uint32{1, 2}, AddBond: *uint256.NewInt(500 * pingo)})},
		{"unbond-node-1", "UnbondNode by key 6 (empty body 0xc0), fee 10000, nonce 5, chain id 7447",
			6, mkTx(k(6), testutil.ChainID, 5, uint256.NewInt(10_000), &compute.UnbondNode{})},
		{"unjail-node-1", "UnjailNode by key 6 (empty body 0xc0), fee 10000, nonce 6, chain id 7447",
			6, mkTx(k(6), testutil.ChainID, 6, uint256.NewInt(10_000), &compute.UnjailNode{})},
		{"cancel-job-1", "CancelJob 13 by its submitter, key 7, fee 10000, nonce 3, chain id 7447",
			7, mkTx(k(7), testutil.ChainID, 3, uint256.NewInt(10_000), &compute.CancelJob{JobID: 13})},
		{"reveal-1", "Reveal by the node of key 6 of sample positions [0, 2) of the attestation of job 12 units [0, 16) (same attestation id as attest-1): units 3 (key 8's share) and 11 (key 9's share), each its kernel output digest (submit-job-1's seed) and a 3-sibling Merkle path to its contributor's sub-root, fee 10000, nonce 3, chain id 7447",
			6, mkTx(k(6), testutil.ChainID, 3, uint256.NewInt(10_000), testutil.DoWork(testutil.ChainID, 12, vectorSeed(), a(6), 0, 16, 5000,
				[]*ecdsa.PrivateKey{k(8), k(9)}, nil).Reveal([]uint64{3, 11}, 0, 2))},

		// bridge (60, 61, 63-65; 62 is reserved and never a transaction)
		{"set-bridge-key-1", "SetBridgeKey by key 10 (the operator of create-validator-1): bridge key = ed25519 public key of seed sha256(\"pingo/test-validator/0\") (the bridge/checkpoint test validator 0), proof = its ed25519 signature over \"pingo:bridge-key:v1\" ‖ chain id 7447 (8 bytes BE) ‖ key 10's address, fee 10000, nonce 1, chain id 7447",
			10, mkTx(k(10), testutil.ChainID, 1, uint256.NewInt(10_000), setBridgeKeyMsg(testutil.ChainID, a(10)))},
		{"report-anchor-1", "ReportAnchor by relayer key 11: checkpoint epoch 42 anchored in the TON transaction with hash 0xa6f36427…657d131b at lt 47123456000003, fee 10000, nonce 0, chain id 7447",
			11, mkTx(k(11), testutil.ChainID, 0, uint256.NewInt(10_000), &bridge.ReportAnchor{Epoch: 42,
				TONTxHash: tonTxHash("a6f36427c34a0adaed86724414fd46e3dd6a8e30887485ffc7578887657d131b"), TONLt: 47_123_456_000_003})},
		{"withdraw-1", "Withdraw 12.5 PINGO (12500000000 upingo) from key 12 to the TON address EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N (to = 36 bytes: workchain 0 as int32 BE ‖ account id 83dfd552…), fee 10000, nonce 0, chain id 7447",
			12, mkTx(k(12), testutil.ChainID, 0, uint256.NewInt(10_000), &bridge.Withdraw{
				To: tonAddr("EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N"), Amount: *uint256.NewInt(12_500_000_000)})},
		{"report-deposit-1", "ReportDeposit by relayer key 11: the anchor's TON transaction (hash 0xb040d951…8c269e29, lt 47123460000001) received 250 PINGO (250000000000 jetton units) whose forward payload names key 12, fee 10000, nonce 1, chain id 7447",
			11, mkTx(k(11), testutil.ChainID, 1, uint256.NewInt(10_000), &bridge.ReportDeposit{
				TONTxHash: tonTxHash("b040d9511ba8a6375aa940fb001a07262851cd2429f68c6fac5ca9848c269e29"), TONLt: 47_123_460_000_001,
				Recipient: a(12), Amount: *uint256.NewInt(250 * pingo)})},
		{"report-refund-1", "ReportRefund by relayer key 11: the anchor's TON transaction (hash 0xa14a6d4f…9697fed4, lt 47123470000002) FAILED on a notification of 3 PINGO (3000000000 jetton units) whose payload names no L2 address, sent by the TON wallet 0:83dfd552… (sender = 36 bytes, as withdraw-1's to), fee 10000, nonce 2, chain id 7447",
			11, mkTx(k(11), testutil.ChainID, 2, uint256.NewInt(10_000), &bridge.ReportRefund{
				TONTxHash: tonTxHash("a14a6d4f74a433bd166ab6f464f5b0034afc44cd3b12136025d1081c9697fed4"), TONLt: 47_123_470_000_002,
				Sender: tonAddr("0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8"), Amount: *uint256.NewInt(3 * pingo)})},
	}
}

const pingo = 1_000_000_000

func h32(b [32]byte) string { return hexutil.Encode(b[:]) }

func buildVectors(t *testing.T) []byte {
	t.Helper()
	f := vectorFile{Comment: "PinGo transaction test vectors (generated by x/auth/types/eip712_test.go; regenerate with -update). " +
		"typed_data is the eth_signTypedData_v4 object; digest = keccak256(0x19 0x01 || domain_separator || struct_hash); " +
		"signature = r || s || v with v in {27,28} and low s; tx = RLP [chainId, action, from, nonce, fee, body, sig]; " +
		"tx_hash = sha256(tx), the CometBFT tx hash. The keys are public test keys: never fund them."}
	for _, c := range vectorCases() {
		key := testutil.Key(c.key)
		tx := c.tx
		raw := signEncode(t, key, tx)
		td, err := json.Marshal(tx.TypedData())
		require.NoError(t, err)
		primary, refs := tx.Msg.Type()
		enc := primary.EncodeType()
		for _, r := range refs {
			enc += r.EncodeType()
		}
		body, err := tx.Msg.EncodeBody()
		require.NoError(t, err)
		sum := sha256.Sum256(raw)
		f.Vectors = append(f.Vectors, vector{
			Name: c.name, Description: c.desc,
			PrivateKey: hexutil.Encode(crypto.FromECDSA(key)),
			Address:    testutil.Addr(key).Hex(),
			ChainID:    tx.ChainID,
			Action:     tx.Msg.Action(),
			TypedData:  td,
			EncodeType: enc,
			TypeHash:   h32(auth.TypeHash(primary, refs...)),
			DomainSep:  h32(auth.DomainSeparator(tx.ChainID)),
			StructHash: h32(tx.Msg.HashStruct(&tx.Header)),
			Digest:     h32(tx.SigningDigest()),
			Signature:  hexutil.Encode(tx.Sig[:]),
			Wire: wireFields{
				ChainID: tx.ChainID, Action: tx.Msg.Action(), From: tx.From.Hex(), Nonce: tx.Nonce,
				Fee: tx.Fee.Dec(), Body: hexutil.Encode(body), Sig: hexutil.Encode(tx.Sig[:]),
			},
			Tx:     hexutil.Encode(raw),
			TxHash: hex.EncodeToString(sum[:]),
		})
	}
	out, err := json.MarshalIndent(f, "", "  ")
	require.NoError(t, err)
	return append(out, '\n')
}

func TestVectors(t *testing.T) {
	got := buildVectors(t)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(vectorsFile), 0o755))
		require.NoError(t, os.WriteFile(vectorsFile, got, 0o644))
		t.Logf("wrote %s", vectorsFile)
	}
	want, err := os.ReadFile(vectorsFile)
	require.NoError(t, err, "run with -update to create it")
	if !bytes.Equal(want, got) {
		t.Fatalf("%s differs from what the code produces now: a change of wire format, hashing or signing? "+
			"(if intended, regenerate with -update and tell wallet developers)\n--- got ---\n%s", vectorsFile, got)
	}
}

// TestVectorsSelfConsistent reads the committed file the way a wallet
// developer would: decode tx, recover the signer, and re-derive every hash
// with go-ethereum from typed_data alone.
func TestVectorsSelfConsistent(t *testing.T) {
	b, err := os.ReadFile(vectorsFile)
	require.NoError(t, err)
	var f vectorFile
	require.NoError(t, json.Unmarshal(b, &f))
	require.GreaterOrEqual(t, len(f.Vectors), 4)
	c := newCodec()
	kinds := map[string]bool{}
	for _, v := range f.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			key, err := crypto.ToECDSA(hexutil.MustDecode(v.PrivateKey))
			require.NoError(t, err)
			require.Equal(t, v.Address, crypto.PubkeyToAddress(key.PublicKey).Hex())

			var td apitypes.TypedData
			require.NoError(t, json.Unmarshal(v.TypedData, &td))
			kinds[td.PrimaryType] = true
			dom, err := td.HashStruct("EIP712Domain", td.Domain.Map())
			require.NoError(t, err)
			require.Equal(t, v.DomainSep, hexutil.Encode(dom))
			sh, err := td.HashStruct(td.PrimaryType, td.Message)
			require.NoError(t, err)
			require.Equal(t, v.StructHash, hexutil.Encode(sh))
			require.Equal(t, v.TypeHash, hexutil.Encode(td.TypeHash(td.PrimaryType)))
			require.Equal(t, v.EncodeType, string(td.EncodeType(td.PrimaryType)))
			digest, _, err := apitypes.TypedDataAndHash(td)
			require.NoError(t, err)
			require.Equal(t, v.Digest, hexutil.Encode(digest))

			sig := hexutil.MustDecode(v.Signature)
			require.Len(t, sig, 65)
			require.Contains(t, []byte{27, 28}, sig[64])
			sig[64] -= 27
			pub, err := crypto.SigToPub(digest, sig)
			require.NoError(t, err)
			require.Equal(t, v.Address, crypto.PubkeyToAddress(*pub).Hex())

			raw := hexutil.MustDecode(v.Tx)
			sum := sha256.Sum256(raw)
			require.Equal(t, v.TxHash, hex.EncodeToString(sum[:]))
			tx, err := c.Decode(raw)
			require.NoError(t, err)
			require.Equal(t, v.ChainID, tx.ChainID)
			require.Equal(t, v.Action, tx.Msg.Action())
			require.Equal(t, v.Wire.From, tx.From.Hex())
			require.Equal(t, v.Wire.Nonce, tx.Nonce)
			require.Equal(t, v.Wire.Fee, tx.Fee.Dec())
			require.Equal(t, v.Wire.Sig, hexutil.Encode(tx.Sig[:]))
			body, err := tx.Msg.EncodeBody()
			require.NoError(t, err)
			require.Equal(t, v.Wire.Body, hexutil.Encode(body))
			require.Equal(t, v.Digest, h32(tx.SigningDigest()))
			signer, err := tx.RecoverSender()
			require.NoError(t, err)
			require.Equal(t, v.Address, signer.Hex())
		})
	}
	require.True(t, kinds["Transfer"] && kinds["MultiSend"], "vectors must cover Transfer and MultiSend")
}
