package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/pingo-chain/pingo/chain"
	"github.com/pingo-chain/pingo/chain/keys"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"
)

// pingodBin is the binary TestMain builds once for every CLI test.
var pingodBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pingod-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pingodBin = filepath.Join(dir, "pingod")
	build := exec.Command("go", "build", "-o", pingodBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building pingod:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// cleanEnv is the test process environment without any PINGOD_ setting (so
// a developer's shell cannot change what the binary does) and with HOME
// pointing at a scratch directory (so nothing touches ~/.pingod).
func cleanEnv(t *testing.T, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PINGOD_") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+t.TempDir())
	return append(env, extra...)
}

// pingod runs the binary to completion (bounded at 90 s) with env added to a
// clean environment and stdin closed.
func pingod(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, pingodBin, args...)
	cmd.Env = cleanEnv(t, env...)
	cmd.Stdin = strings.NewReader("")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		require.True(t, ok, "pingod %v: %v", args, err)
		r.code = ee.ExitCode()
	}
	require.NoError(t, ctx.Err(), "pingod %v timed out", args)
	return r
}

func mustOK(t *testing.T, r result, what string) {
	t.Helper()
	require.Equal(t, 0, r.code, "%s: %s", what, r)
}

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m), "not a JSON object: %s", s)
	return m
}

func addrHex(i uint32) string {
	k := chain.DevKey(i)
	return auth.PubkeyToAddress(&k.PublicKey).Hex()
}

func balanceOf(t *testing.T, home string, a auth.Address) string {
	t.Helper()
	g, err := chain.ReadGenesis(chain.GenesisFile(home))
	require.NoError(t, err)
	for _, b := range g.State.Bank.Balances {
		if b.Address == a {
			return b.Amount.Dec()
		}
	}
	return ""
}

// init writes every file a node needs and a genesis that validates; genesis
// add-account funds by address and by key name, adds up, and refuses bad
// input with a clear message and without touching the file.
func TestCLIInitAndGenesis(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	r := pingod(t, nil, "init", "--home", home, "--chain-id", "pingo-cli-test", "--moniker", "m1")
	mustOK(t, r, "init")
	out := decodeJSON(t, r.stdout)
	require.Equal(t, "pingo-cli-test", out["chain_id"])
	require.NotEmpty(t, out["validator_address"])
	for _, f := range []string{"config.toml", "app.toml", "genesis.json", "node_key.json", "priv_validator_key.json"} {
		st, err := os.Stat(filepath.Join(home, "config", f))
		require.NoError(t, err, f)
		require.Positive(t, st.Size(), f)
	}
	g, err := chain.ReadGenesis(chain.GenesisFile(home))
	require.NoError(t, err)
	require.Equal(t, int64(chain.DefaultBlockMaxBytes), g.Doc.ConsensusParams.Block.MaxBytes,
		"a fresh genesis caps blocks at 2 MiB, not CometBFT's 21 MiB")
	r = pingod(t, nil, "genesis", "validate", "--home", home)
	mustOK(t, r, "validate fresh genesis")
	require.Contains(t, r.stdout, "is valid")
	require.Contains(t, r.stdout, "1 validators, 0 accounts")

	// By address, in display units.
	target, err := auth.ParseAddress("0x000000000000000000000000000000000000dEaD")
	require.NoError(t, err)
	r = pingod(t, nil, "genesis", "add-account", target.Hex(), "1.5pingo", "--home", home)
	mustOK(t, r, "add-account by address")
	require.Equal(t, "1500000000", balanceOf(t, home, target))
	// A second grant adds up.
	r = pingod(t, nil, "genesis", "add-account", strings.ToLower(target.Hex()), "7upingo", "--home", home)
	mustOK(t, r, "add-account again (lower-case address)")
	require.Equal(t, "1500000007", balanceOf(t, home, target))

	// By key name from a test keyring under the same home.
	r = pingod(t, nil, "keys", "add", "bob", "--home", home, "--keyring-backend", "test")
	mustOK(t, r, "keys add bob")
	bob, err := auth.ParseAddress(decodeJSON(t, r.stdout)["address"].(string))
	require.NoError(t, err)
	r = pingod(t, nil, "genesis", "add-account", "bob", "42", "--home", home, "--keyring-backend", "test")
	mustOK(t, r, "add-account by key name")
	require.Contains(t, r.stdout, bob.Hex())
	require.Equal(t, "42", balanceOf(t, home, bob))

	r = pingod(t, nil, "genesis", "validate", "--home", home)
	mustOK(t, r, "validate funded genesis")
	require.Contains(t, r.stdout, "2 accounts")

	// Bad input: non-zero exit, a message naming the problem, file unchanged.
	before, err := os.ReadFile(chain.GenesisFile(home))
	require.NoError(t, err)
	for _, tc := range []struct {
		name, addr, amount, want string
	}{
		{"not a number", target.Hex(), "abc", `amount "abc"`},
		{"too many decimals", target.Hex(), "1.0000000001pingo", "more than 9 decimals"},
		{"zero", target.Hex(), "0", "amount must be positive"},
		{"negative", target.Hex(), "-5", `amount "-5"`},
		{"bad hex address", "0xzz", "5", "0xzz"},
		{"short address", "0x1234", "5", "0x1234"},
		{"unknown key name", "carol", "5", "neither an address nor a key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := pingod(t, nil, "genesis", "add-account", "--home", home, "--keyring-backend", "test", "--", tc.addr, tc.amount)
			require.NotEqual(t, 0, r.code, "%s", r)
			require.Contains(t, r.stderr, "Error:", "%s", r)
			require.Contains(t, r.stderr, tc.want, "%s", r)
		})
	}
	after, err := os.ReadFile(chain.GenesisFile(home))
	require.NoError(t, err)
	require.Equal(t, string(before), string(after), "a refused add-account changed genesis.json")

	// init again keeps genesis and keys; --overwrite replaces genesis but
	// never the validator key.
	pvKey, err := os.ReadFile(filepath.Join(home, "config", "priv_validator_key.json"))
	require.NoError(t, err)
	mustOK(t, pingod(t, nil, "init", "--home", home, "--chain-id", "other"), "init again")
	again, err := os.ReadFile(chain.GenesisFile(home))
	require.NoError(t, err)
	require.Equal(t, string(before), string(again), "init without --overwrite replaced genesis")
	r = pingod(t, nil, "init", "--home", home, "--chain-id", "other", "--overwrite")
	mustOK(t, r, "init --overwrite")
	require.Equal(t, out["validator_address"], decodeJSON(t, r.stdout)["validator_address"])
	pvKey2, err := os.ReadFile(filepath.Join(home, "config", "priv_validator_key.json"))
	require.NoError(t, err)
	require.Equal(t, string(pvKey), string(pvKey2), "--overwrite replaced the validator key")
	r = pingod(t, nil, "genesis", "validate", "--home", home)
	mustOK(t, r, "validate overwritten genesis")
	require.Contains(t, r.stdout, "chain other")
	require.Contains(t, r.stdout, "0 accounts")

	// validate fails on a broken app_state (unknown field) and names it.
	var doc map[string]any
	require.NoError(t, json.Unmarshal(before, &doc))
	doc["app_state"].(map[string]any)["bank"].(map[string]any)["typo_field"] = 1
	badRaw, err := json.Marshal(doc)
	require.NoError(t, err)
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, badRaw, 0o600))
	r = pingod(t, nil, "genesis", "validate", bad, "--home", home)
	require.NotEqual(t, 0, r.code, "%s", r)
	require.Contains(t, r.stderr, "typo_field")
}

// keys add prints a fresh 24-word mnemonic for the key it stored; recover
// reproduces the published dev accounts; list/show agree; the file backend
// exports a standard v3 keystore that go-ethereum decrypts.
func TestCLIKeys(t *testing.T) {
	home := t.TempDir()
	test := []string{"--home", home, "--keyring-backend", "test"}

	r := pingod(t, nil, append([]string{"keys", "add", "alice"}, test...)...)
	mustOK(t, r, "keys add")
	out := decodeJSON(t, r.stdout)
	mnemonic := out["mnemonic"].(string)
	require.Len(t, strings.Fields(mnemonic), 24, mnemonic)
	require.NoError(t, keys.ValidateMnemonic(mnemonic))
	k, err := keys.DerivePrivateKey(mnemonic, "", 0)
	require.NoError(t, err)
	alice := auth.PubkeyToAddress(&k.PublicKey).Hex()
	require.Equal(t, alice, out["address"], "printed mnemonic does not derive the stored address")
	require.Equal(t, "m/44'/60'/0'/0/0", out["path"])
	require.Contains(t, r.stderr, "Write the mnemonic down")
	// Names are never reused.
	r = pingod(t, nil, append([]string{"keys", "add", "alice"}, test...)...)
	require.NotEqual(t, 0, r.code, "%s", r)
	require.Contains(t, r.stderr, "already exists")

	dev := "PINGOD_MNEMONIC=" + chain.DevMnemonic()
	r = pingod(t, []string{dev}, append([]string{"keys", "recover", "dev0"}, test...)...)
	mustOK(t, r, "recover index 0")
	require.Equal(t, addrHex(0), decodeJSON(t, r.stdout)["address"])
	r = pingod(t, []string{dev}, append([]string{"keys", "recover", "dev3", "--index", "3"}, test...)...)
	mustOK(t, r, "recover index 3")
	out = decodeJSON(t, r.stdout)
	require.Equal(t, addrHex(3), out["address"])
	require.Equal(t, "m/44'/60'/0'/0/3", out["path"])
	// A mnemonic with a broken checksum is refused and its words not echoed.
	words := strings.Fields(chain.DevMnemonic())
	words[0], words[1] = words[1], words[0]
	r = pingod(t, []string{"PINGOD_MNEMONIC=" + strings.Join(words, " ")}, append([]string{"keys", "recover", "broken"}, test...)...)
	require.NotEqual(t, 0, r.code, "%s", r)
	require.Contains(t, r.stderr, "invalid mnemonic")
	require.NotContains(t, r.stderr, words[2]+" "+words[3])
	// The mnemonic can also come on stdin (the interactive path, scripted).
	cmd := exec.Command(pingodBin, append([]string{"keys", "recover", "dev5", "--index", "5"}, test...)...)
	cmd.Env = cleanEnv(t)
	cmd.Stdin = strings.NewReader("  " + strings.ToUpper(chain.DevMnemonic()) + "\n")
	stdout, err := cmd.Output()
	require.NoError(t, err)
	require.Equal(t, addrHex(5), decodeJSON(t, string(stdout))["address"])

	r = pingod(t, nil, append([]string{"keys", "list"}, test...)...)
	mustOK(t, r, "keys list")
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list), r.stdout)
	got := map[string]string{}
	for _, e := range list {
		got[e["name"].(string)] = e["address"].(string)
	}
	require.Equal(t, map[string]string{"alice": alice, "dev0": addrHex(0), "dev3": addrHex(3), "dev5": addrHex(5)}, got)

	r = pingod(t, nil, append([]string{"keys", "show", "dev3", "--address"}, test...)...)
	mustOK(t, r, "show --address")
	require.Equal(t, addrHex(3)+"\n", r.stdout)
	r = pingod(t, nil, append([]string{"keys", "show", strings.ToLower(addrHex(3))}, test...)...)
	mustOK(t, r, "show by address")
	require.Equal(t, "dev3", decodeJSON(t, r.stdout)["name"])
	r = pingod(t, nil, append([]string{"keys", "show", "nobody"}, test...)...)
	require.NotEqual(t, 0, r.code)
	require.Contains(t, r.stderr, "not found")

	// File backend: encrypted with PINGOD_KEYRING_PASSPHRASE, exported as v3.
	pass := "PINGOD_KEYRING_PASSPHRASE=correct horse battery staple"
	file := []string{"--home", home, "--keyring-backend", "file"}
	r = pingod(t, []string{pass}, append([]string{"keys", "add", "carol"}, file...)...)
	mustOK(t, r, "keys add (file)")
	out = decodeJSON(t, r.stdout)
	require.Len(t, strings.Fields(out["mnemonic"].(string)), 24)
	carol := out["address"].(string)
	require.Equal(t, "file", out["backend"])
	// The test keyring does not see file keys and vice versa.
	r = pingod(t, nil, append([]string{"keys", "show", "carol"}, test...)...)
	require.NotEqual(t, 0, r.code)

	r = pingod(t, []string{pass}, append([]string{"keys", "export", "carol"}, file...)...)
	mustOK(t, r, "keys export")
	var v3 map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v3), r.stdout)
	require.EqualValues(t, 3, v3["version"])
	dk, err := keystore.DecryptKey([]byte(r.stdout), "correct horse battery staple")
	require.NoError(t, err)
	require.Equal(t, carol, auth.PubkeyToAddress(&dk.PrivateKey.PublicKey).Hex())
	// Show needs no passphrase; export with a wrong one fails.
	r = pingod(t, nil, append([]string{"keys", "show", "carol", "--address"}, file...)...)
	mustOK(t, r, "show (file, no passphrase)")
	require.Equal(t, carol+"\n", r.stdout)
	r = pingod(t, []string{"PINGOD_KEYRING_PASSPHRASE=wrong"}, append([]string{"keys", "export", "carol"}, file...)...)
	require.NotEqual(t, 0, r.code, "%s", r)
	require.Contains(t, r.stderr, "wrong passphrase")
	require.NotContains(t, r.stdout, "ciphertext")
}

// Scripts restore a file-backend key by piping the mnemonic and then the
// passphrase on stdin: both documented sources (the mnemonic "read from
// stdin", the passphrase "else the first line of stdin") must work together.
func TestCLIKeysRecoverFromStdinFileBackend(t *testing.T) {
	home := t.TempDir()
	cmd := exec.Command(pingodBin, "keys", "recover", "piped", "--index", "2", "--home", home, "--keyring-backend", "file")
	cmd.Env = cleanEnv(t)
	cmd.Stdin = strings.NewReader(chain.DevMnemonic() + "\nsecret passphrase\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "keys recover with mnemonic and passphrase piped on stdin:\n%s", stderr.String())
	require.Equal(t, addrHex(2), decodeJSON(t, stdout.String())["address"])
	r := pingod(t, []string{"PINGOD_KEYRING_PASSPHRASE=secret passphrase"}, "keys", "export", "piped", "--home", home, "--keyring-backend", "file")
	mustOK(t, r, "export with the piped passphrase")
	_, err = keystore.DecryptKey([]byte(r.stdout), "secret passphrase")
	require.NoError(t, err)
}

// localnet --generate-only writes N homes sharing one genesis, each with its
// own loopback address, the others as persistent peers, and the block time.
func TestCLILocalnetGenerateOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ln")
	r := pingod(t, nil, "localnet", "--validators", "3", "--first-ip", "60", "--dir", dir, "--block-time", "350ms", "--generate-only")
	mustOK(t, r, "localnet --generate-only")
	var nodes []chain.LocalnetNode
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &nodes), r.stdout)
	require.Len(t, nodes, 3)
	var gen0 []byte
	for i, n := range nodes {
		ip := fmt.Sprintf("127.0.0.%d", 60+i)
		require.Equal(t, ip, n.IP)
		require.Equal(t, "http://"+ip+":26657", n.RPC)
		g, err := os.ReadFile(chain.GenesisFile(n.Home))
		require.NoError(t, err)
		if i == 0 {
			gen0 = g
		}
		require.Equal(t, string(gen0), string(g), "node%d genesis differs from node0's", i)
		r := pingod(t, nil, "genesis", "validate", "--home", n.Home)
		mustOK(t, r, "validate node genesis")
		require.Contains(t, r.stdout, "3 validators, 14 accounts") // 10 dev, 3 operators, the CDN node
		cfg, err := chain.LoadConfig(n.Home, nil)
		require.NoError(t, err)
		require.Equal(t, "tcp://"+ip+":26657", cfg.Cmt.RPC.ListenAddress)
		require.Equal(t, "tcp://"+ip+":26656", cfg.Cmt.P2P.ListenAddress)
		require.Equal(t, 350*time.Millisecond, cfg.Cmt.Consensus.TimeoutCommit)
		for j, p := range nodes {
			if j == i {
				require.NotContains(t, cfg.Cmt.P2P.PersistentPeers, p.P2P, "node%d peers with itself", i)
			} else {
				require.Contains(t, cfg.Cmt.P2P.PersistentPeers, p.P2P)
			}
		}
	}
	// Out-of-range input is refused before anything is written.
	r = pingod(t, nil, "localnet", "--validators", "3", "--first-ip", "254", "--dir", filepath.Join(t.TempDir(), "x"), "--generate-only")
	require.NotEqual(t, 0, r.code)
	require.Contains(t, r.stderr, "out of range")

	// start on a home without genesis points at init.
	r = pingod(t, nil, "start", "--home", filepath.Join(t.TempDir(), "empty"))
	require.Equal(t, 1, r.code, "%s", r)
	require.Contains(t, r.stderr, "pingod init")
}

// setRPCLaddr rewrites config.toml with rpc.laddr = addr.
func setRPCLaddr(t *testing.T, home, addr string) {
	t.Helper()
	cfg, err := chain.LoadConfig(home, nil)
	require.NoError(t, err)
	cfg.Cmt.RPC.ListenAddress = addr
	cmtcfg.WriteConfigFile(chain.ConfigFile(home), cfg.Cmt)
}

// startFlags parses args with the start command's own flag set, as
// `pingod start` would.
func startFlags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	cmd := newStartCmd()
	require.NoError(t, cmd.ParseFlags(args))
	return cmd.Flags()
}

// LoadConfig: flag > env > file > default, for config.toml and app.toml keys.
func TestConfigPrecedence(t *testing.T) {
	home := t.TempDir()
	_, err := chain.InitHome(home, chain.InitOptions{Moniker: "p", ChainID: "pingo-p", L2ChainID: 7447})
	require.NoError(t, err)
	const (
		fileAddr = "tcp://127.0.0.1:10001"
		envAddr  = "tcp://127.0.0.1:10002"
		flagAddr = "tcp://127.0.0.1:10003"
	)
	setRPCLaddr(t, home, fileAddr)
	raw, err := os.ReadFile(chain.ConfigFile(home))
	require.NoError(t, err)
	require.Contains(t, string(raw), `laddr = "`+fileAddr+`"`)
	for _, k := range []string{"PINGOD_RPC_LADDR", "PINGOD_MEMPOOL_MIN_FEE", "PINGOD_CONSENSUS_TIMEOUT_COMMIT", "PINGOD_MONIKER"} {
		t.Setenv(k, "")
		require.NoError(t, os.Unsetenv(k))
	}

	load := func(args ...string) *chain.Config {
		t.Helper()
		cfg, err := chain.LoadConfig(home, startFlags(t, args...))
		require.NoError(t, err)
		return cfg
	}

	require.Equal(t, fileAddr, load().Cmt.RPC.ListenAddress, "file")
	t.Setenv("PINGOD_RPC_LADDR", envAddr)
	require.Equal(t, envAddr, load().Cmt.RPC.ListenAddress, "env over file")
	require.Equal(t, flagAddr, load("--rpc.laddr="+flagAddr).Cmt.RPC.ListenAddress, "flag over env")
	require.NoError(t, os.Unsetenv("PINGOD_RPC_LADDR"))
	require.Equal(t, fileAddr, load().Cmt.RPC.ListenAddress, "file again without env")
	require.Equal(t, flagAddr, load("--rpc.laddr", flagAddr).Cmt.RPC.ListenAddress, "flag over file")
	// A flag left at its default does not override the file.
	require.Equal(t, fileAddr, load("--moniker=x").Cmt.RPC.ListenAddress)

	// Other types through flags: duration, bool, int.
	cfg := load("--consensus.timeout_commit=250ms", "--instrumentation.prometheus", "--iavl-cache-nodes=1234", "--moniker=flagged")
	require.Equal(t, 250*time.Millisecond, cfg.Cmt.Consensus.TimeoutCommit)
	require.True(t, cfg.Cmt.Instrumentation.Prometheus)
	require.Equal(t, 1234, cfg.App.IAVLCacheNodes)
	require.Equal(t, "flagged", cfg.Cmt.Moniker)
	t.Setenv("PINGOD_CONSENSUS_TIMEOUT_COMMIT", "750ms")
	require.Equal(t, 750*time.Millisecond, load().Cmt.Consensus.TimeoutCommit, "duration from env")

	// app.toml: mempool-min-fee from file (default "0"), env, flag.
	require.Equal(t, "0", load().App.MempoolMinFee)
	t.Setenv("PINGOD_MEMPOOL_MIN_FEE", "777")
	cfg = load()
	require.Equal(t, "777", cfg.App.MempoolMinFee, "env PINGOD_MEMPOOL_MIN_FEE")
	opts, err := cfg.App.AppOptions()
	require.NoError(t, err)
	require.Equal(t, uint64(777), opts.MempoolMinFee.Uint64())
	require.Equal(t, "888", load("--mempool-min-fee=888").App.MempoolMinFee, "flag over env")
	// The app.toml env var does not leak into config.toml and vice versa.
	require.Equal(t, fileAddr, load().Cmt.RPC.ListenAddress)

	// A bad value is an error naming the key, not a silent default.
	t.Setenv("PINGOD_MEMPOOL_MIN_FEE", "lots")
	_, err = chain.LoadConfig(home, startFlags(t))
	require.ErrorContains(t, err, "mempool-min-fee")
}

// Settings must also apply when the key is absent from the file (an
// app.toml from an older release, or a hand-written minimal config.toml):
// the documented precedence is flag > env > file > default, with no
// "only if the file mentions it" condition.
func TestConfigPrecedenceKeyMissingFromFile(t *testing.T) {
	home := t.TempDir()
	_, err := chain.InitHome(home, chain.InitOptions{Moniker: "p", ChainID: "pingo-p", L2ChainID: 7447})
	require.NoError(t, err)
	// An app.toml without mempool-min-fee.
	require.NoError(t, os.WriteFile(chain.AppConfigFile(home), []byte("iavl-cache-nodes = 1000\n"), 0o644))
	t.Setenv("PINGOD_MEMPOOL_MIN_FEE", "")
	require.NoError(t, os.Unsetenv("PINGOD_MEMPOOL_MIN_FEE"))

	cfg, err := chain.LoadConfig(home, startFlags(t))
	require.NoError(t, err)
	require.Equal(t, "0", cfg.App.MempoolMinFee, "default")
	require.Equal(t, 1000, cfg.App.IAVLCacheNodes, "file")
	require.Equal(t, chain.DefaultAppConfig().StateIndexEntries, cfg.App.StateIndexEntries, "default")
	opts, err := cfg.App.AppOptions()
	require.NoError(t, err)
	require.Positive(t, opts.StateIndexEntries, "on by default")

	t.Run("state index off", func(t *testing.T) {
		t.Setenv("PINGOD_STATE_INDEX_ENTRIES", "0")
		cfg, err := chain.LoadConfig(home, startFlags(t))
		require.NoError(t, err)
		opts, err := cfg.App.AppOptions()
		require.NoError(t, err)
		require.Negative(t, opts.StateIndexEntries, "0 in app.toml turns the index off")
	})

	t.Run("flag", func(t *testing.T) {
		cfg, err := chain.LoadConfig(home, startFlags(t, "--mempool-min-fee=555"))
		require.NoError(t, err)
		require.Equal(t, "555", cfg.App.MempoolMinFee, "--mempool-min-fee ignored when app.toml lacks the key")
	})
	t.Run("env", func(t *testing.T) {
		t.Setenv("PINGOD_MEMPOOL_MIN_FEE", "444")
		cfg, err := chain.LoadConfig(home, startFlags(t))
		require.NoError(t, err)
		require.Equal(t, "444", cfg.App.MempoolMinFee, "PINGOD_MEMPOOL_MIN_FEE ignored when app.toml lacks the key")
	})
	t.Run("config.toml", func(t *testing.T) {
		h := t.TempDir()
		_, err := chain.InitHome(h, chain.InitOptions{Moniker: "p", ChainID: "pingo-p", L2ChainID: 7447})
		require.NoError(t, err)
		// A minimal hand-written config.toml: no [rpc] section at all.
		require.NoError(t, os.WriteFile(chain.ConfigFile(h), []byte("moniker = \"minimal\"\n"), 0o644))
		cfg, err := chain.LoadConfig(h, startFlags(t))
		require.NoError(t, err)
		require.Equal(t, "minimal", cfg.Cmt.Moniker)
		require.Equal(t, cmtcfg.DefaultConfig().RPC.ListenAddress, cfg.Cmt.RPC.ListenAddress, "default")
		cfg, err = chain.LoadConfig(h, startFlags(t, "--rpc.laddr=tcp://127.0.0.1:10005"))
		require.NoError(t, err)
		require.Equal(t, "tcp://127.0.0.1:10005", cfg.Cmt.RPC.ListenAddress, "--rpc.laddr ignored when config.toml lacks the key")
		t.Setenv("PINGOD_RPC_LADDR", "tcp://127.0.0.1:10006")
		cfg, err = chain.LoadConfig(h, startFlags(t))
		require.NoError(t, err)
		require.Equal(t, "tcp://127.0.0.1:10006", cfg.Cmt.RPC.ListenAddress, "PINGOD_RPC_LADDR ignored when config.toml lacks the key")
	})
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a subprocess's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type rpcStatus struct {
	Result struct {
		NodeInfo struct {
			ListenAddr string `json:"listen_addr"`
			Network    string `json:"network"`
			Other      struct {
				RPCAddress string `json:"rpc_address"`
			} `json:"other"`
		} `json:"node_info"`
		SyncInfo struct {
			LatestBlockHeight string `json:"latest_block_height"`
		} `json:"sync_info"`
	} `json:"result"`
}

func getStatus(url string) (*rpcStatus, error) {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url + "/status")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var st rpcStatus
	if err := json.Unmarshal(body, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// A dev node run as users run it, driven by the CLI wallet end to end.
func TestCLIDevNodeLive(t *testing.T) {
	home := filepath.Join(t.TempDir(), "node")
	wallet := t.TempDir()
	rpcPort, p2pPort := freePort(t), freePort(t)
	for p2pPort == rpcPort {
		p2pPort = freePort(t)
	}
	rpcLaddr := fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort)
	p2pLaddr := fmt.Sprintf("tcp://127.0.0.1:%d", p2pPort)
	node := fmt.Sprintf("http://127.0.0.1:%d", rpcPort)

	var logs lockedBuffer
	cmd := exec.Command(pingodBin, "start", "--dev", "--home", home, "--rpc.laddr", rpcLaddr, "--p2p.laddr", p2pLaddr)
	cmd.Env = cleanEnv(t)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	defer func() {
		if t.Failed() {
			l := logs.String()
			if len(l) > 6000 {
				l = l[len(l)-6000:]
			}
			t.Logf("node output (tail):\n%s", l)
		}
	}()

	// Wait for RPC and a few blocks.
	deadline := time.Now().Add(60 * time.Second)
	var st *rpcStatus
	for {
		var err error
		st, err = getStatus(node)
		if err == nil {
			if h, _ := strconv.Atoi(st.Result.SyncInfo.LatestBlockHeight); h >= 2 {
				break
			}
		}
		select {
		case err := <-exited:
			stopped = true
			t.Fatalf("node exited early: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "node RPC not up in 60s (last error %v)", err)
	}
	// --dev initialised the home and the flags took effect on it.
	require.Equal(t, chain.DevChainID, st.Result.NodeInfo.Network)
	require.Equal(t, rpcLaddr, st.Result.NodeInfo.Other.RPCAddress, "--rpc.laddr not honoured by start --dev")
	require.Equal(t, p2pLaddr, st.Result.NodeInfo.ListenAddr, "--p2p.laddr not honoured by start --dev")
	require.Contains(t, logs.String(), chain.DevMnemonic())
	require.Contains(t, logs.String(), addrHex(0))
	_, err := os.Stat(chain.GenesisFile(home))
	require.NoError(t, err)

	kr := []string{"--home", wallet, "--keyring-backend", "test"}
	r := pingod(t, []string{"PINGOD_MNEMONIC=" + chain.DevMnemonic()}, append([]string{"keys", "recover", "dev"}, kr...)...)
	mustOK(t, r, "recover dev key")
	require.Equal(t, addrHex(0), decodeJSON(t, r.stdout)["address"])

	to := "0x00000000000000000000000000000000C0FFEE01"
	r = pingod(t, nil, "query", "balance", to, "--node", node)
	mustOK(t, r, "balance before")
	before := decodeJSON(t, r.stdout)
	require.Equal(t, "0", before["balance"])
	require.Equal(t, true, before["proof_verified"])

	r = pingod(t, nil, append([]string{"tx", "transfer", to, "1.5pingo", "--from", "dev", "--node", node}, kr...)...)
	mustOK(t, r, "tx transfer")
	sent := decodeJSON(t, r.stdout)
	height, ok := sent["height"].(float64)
	require.True(t, ok, "no height in %s", r.stdout)
	require.Positive(t, height)
	require.EqualValues(t, 0, sent["code"])
	hash, _ := sent["hash"].(string)
	require.Len(t, hash, 64)

	r = pingod(t, nil, "query", "balance", to, "--node", node)
	mustOK(t, r, "balance after")
	after := decodeJSON(t, r.stdout)
	require.Equal(t, "1500000000", after["balance"])
	require.Equal(t, "1.5", after["balance_pingo"])
	require.Equal(t, true, after["proof_verified"])
	require.GreaterOrEqual(t, after["height"].(float64), height)

	r = pingod(t, nil, "query", "account", addrHex(0), "--node", node)
	mustOK(t, r, "query account")
	acc := decodeJSON(t, r.stdout)
	require.EqualValues(t, 1, acc["nonce"])
	require.Equal(t, true, acc["proof_verified"])
	// 1,000,000 PINGO - 1.5 PINGO - 10000 upingo fee.
	require.Equal(t, "999998499990000", acc["balance"])

	// The balance at a height before the transfer is still provable.
	r = pingod(t, nil, "query", "balance", to, "--node", node, "--height", strconv.Itoa(int(height)-1))
	mustOK(t, r, "balance at old height")
	require.Equal(t, "0", decodeJSON(t, r.stdout)["balance"])

	r = pingod(t, nil, "query", "tx", hash, "--node", node)
	mustOK(t, r, "query tx")
	txr := decodeJSON(t, r.stdout)
	require.EqualValues(t, height, txr["height"])
	require.True(t, strings.EqualFold(hash, fmt.Sprint(txr["hash"])), "%s", r.stdout)
	r = pingod(t, nil, "query", "tx", "0x"+strings.ToUpper(hash), "--node", node)
	mustOK(t, r, "query tx with 0x")

	r = pingod(t, nil, "query", "block", strconv.Itoa(int(height)), "--node", node)
	mustOK(t, r, "query block <h>")
	blk := decodeJSON(t, r.stdout)["block"].(map[string]any)
	hdr := blk["header"].(map[string]any)
	require.EqualValues(t, height, hdr["height"])
	require.Equal(t, "pingo-dev", hdr["chain_id"])
	// The transfer, after the proposer's vote-extension tx (x/bridge).
	txs := blk["data"].(map[string]any)["txs"].([]any)
	require.Len(t, txs, 2, "the transfer's block holds it and the vote-extension tx")
	vtx, err := base64.StdEncoding.DecodeString(txs[0].(string))
	require.NoError(t, err)
	require.True(t, bridge.IsVoteTx(vtx), "first tx is not the vote-extension tx")
	r = pingod(t, nil, "query", "block", "--node", node)
	mustOK(t, r, "query block")
	hdr = decodeJSON(t, r.stdout)["block"].(map[string]any)["header"].(map[string]any)
	require.GreaterOrEqual(t, hdr["height"].(float64), height)
	r = pingod(t, nil, "query", "block", "0", "--node", node)
	require.NotEqual(t, 0, r.code)
	require.Contains(t, r.stderr, "positive integer")

	// A zero transfer: refused by CheckTx with bank/2, exit code 2.
	r = pingod(t, nil, append([]string{"tx", "transfer", to, "0", "--from", "dev", "--node", node}, kr...)...)
	require.Equal(t, 2, r.code, "%s", r)
	require.Contains(t, r.stderr, "bank/2")
	// A bad recipient is a usage error (1), not a tx error (2).
	r = pingod(t, nil, append([]string{"tx", "transfer", "0xnope", "1", "--from", "dev", "--node", node}, kr...)...)
	require.Equal(t, 1, r.code, "%s", r)

	cliCompute(t, node, kr)

	// SIGTERM: clean exit (status 0) within 30 s.
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		stopped = true
		require.NoError(t, err, "node exit status after SIGTERM")
	case <-time.After(30 * time.Second):
		t.Fatal("node did not exit within 30s of SIGTERM")
	}
	require.Contains(t, logs.String(), "shutting down")

	r = pingod(t, nil, "genesis", "validate", "--home", home)
	mustOK(t, r, "dev genesis validates")
	require.Contains(t, r.stdout, "1 validators, 11 accounts")
}
