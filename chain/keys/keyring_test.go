package keys

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

const pass = "correct horse battery staple"

var backends = []string{BackendFile, BackendTest}

func openTest(t *testing.T, backend string) (*Keyring, string) {
	t.Helper()
	dir := Dir(t.TempDir(), backend)
	kr, err := Open(dir, backend, WithScrypt(keystore.LightScryptN, keystore.LightScryptP))
	require.NoError(t, err)
	return kr, dir
}

func TestAddThenRecoverGivesSameKey(t *testing.T) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			kr, _ := openTest(t, b)
			info, mnemonic, err := kr.Add("alice", pass)
			require.NoError(t, err)
			require.Len(t, strings.Fields(mnemonic), 24)
			require.NoError(t, ValidateMnemonic(mnemonic))
			require.Equal(t, Info{Name: "alice", Address: info.Address, Path: "m/44'/60'/0'/0/0", Backend: b}, info)

			other, _ := openTest(t, b)
			rec, err := other.Recover("alice2", mnemonic, "", pass, 0)
			require.NoError(t, err)
			require.Equal(t, info.Address, rec.Address)

			k1, err := kr.Key("alice", pass)
			require.NoError(t, err)
			k2, err := other.Key("alice2", pass)
			require.NoError(t, err)
			require.Equal(t, crypto.FromECDSA(k1), crypto.FromECDSA(k2))

			// The same account under a second name in one keyring is refused.
			_, err = kr.Recover("alias", mnemonic, "", pass, 0)
			require.ErrorIs(t, err, ErrKeyExists)
		})
	}
}

func TestRecoverHardhatAccounts(t *testing.T) {
	kr, _ := openTest(t, BackendFile)
	for i, want := range []string{"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"} {
		name := []string{"acc0", "acc1"}[i]
		info, err := kr.Recover(name, hardhatMnemonic, "", pass, uint32(i))
		require.NoError(t, err)
		require.Equal(t, want, info.Address.Hex())
		shown, err := kr.Show(name)
		require.NoError(t, err)
		require.Equal(t, info, shown)
		require.Equal(t, DefaultPath(uint32(i)).String(), shown.Path)
	}
}

func TestErrors(t *testing.T) {
	kr, dir := openTest(t, BackendFile)
	orig, err := kr.Recover("alice", hardhatMnemonic, "", pass, 0)
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		run  func() error
		want error
	}{
		{"wrong passphrase", func() error { _, err := kr.Key("alice", "wrong"); return err }, ErrBadPassphrase},
		{"wrong passphrase export", func() error { _, err := kr.Export("alice", "wrong"); return err }, ErrBadPassphrase},
		{"duplicate name via add", func() error { _, _, err := kr.Add("alice", pass); return err }, ErrKeyExists},
		{"duplicate name via recover", func() error { _, err := kr.Recover("alice", hardhatMnemonic, "", pass, 1); return err }, ErrKeyExists},
		{"duplicate name via import", func() error { k, _ := crypto.GenerateKey(); _, err := kr.Import("alice", k, pass); return err }, ErrKeyExists},
		{"bad checksum", func() error { _, err := kr.Recover("bob", strings.Repeat("test ", 12), "", pass, 0); return err }, ErrInvalidMnemonic},
		{"empty passphrase", func() error { _, _, err := kr.Add("bob", ""); return err }, ErrEmptyPassphrase},
		{"missing key", func() error { _, err := kr.Show("bob"); return err }, ErrKeyNotFound},
		{"missing address", func() error { _, err := kr.Show("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"); return err }, ErrKeyNotFound},
		{"delete missing", func() error { return kr.Delete("bob") }, ErrKeyNotFound},
		{"bad address checksum", func() error { _, err := kr.Show("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"); return err }, auth.ErrInvalidAddress},
		{"unknown backend", func() error { _, err := Open(t.TempDir(), "os"); return err }, ErrUnknownBackend},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.run(), tc.want)
		})
	}

	// Nothing above may have touched alice or left files behind.
	key, err := kr.Key("alice", pass)
	require.NoError(t, err)
	require.Equal(t, orig.Address, auth.PubkeyToAddress(&key.PublicKey))
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, ents, 2, "one key file and one address record")
}

func TestInvalidNames(t *testing.T) {
	kr, _ := openTest(t, BackendTest)
	for _, name := range []string{"", "a b", "../x", "a/b", "a.json", "é", strings.Repeat("a", 65), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"} {
		t.Run(name, func(t *testing.T) {
			_, _, err := kr.Add(name, "")
			require.ErrorIs(t, err, ErrInvalidName)
		})
	}
	for _, name := range []string{"a", "A-b_9", strings.Repeat("z", 64)} {
		require.NoError(t, ValidateName(name), name)
	}
}

func TestExportDecryptsWithGeth(t *testing.T) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			kr, _ := openTest(t, b)
			want, err := crypto.GenerateKey()
			require.NoError(t, err)
			_, err = kr.Import("imported", want, pass)
			require.NoError(t, err)

			exportPass := pass
			if b == BackendTest {
				exportPass = "export passphrase"
			}
			js, err := kr.Export("imported", exportPass)
			require.NoError(t, err)
			got, err := keystore.DecryptKey(js, exportPass)
			require.NoError(t, err)
			require.Equal(t, crypto.FromECDSA(want), crypto.FromECDSA(got.PrivateKey))
			_, err = keystore.DecryptKey(js, "not it")
			require.ErrorIs(t, err, keystore.ErrDecrypt)

			info, err := kr.Show("imported")
			require.NoError(t, err)
			require.Empty(t, info.Path)
		})
	}
}

func TestFileBackendStoresV3Keystore(t *testing.T) {
	kr, dir := openTest(t, BackendFile)
	_, err := kr.Recover("alice", hardhatMnemonic, "", pass, 0)
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(dir, "alice.json"))
	require.NoError(t, err)
	require.NotContains(t, string(raw), "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")

	var v3 struct {
		Version int
		Address string
		Crypto  struct{ KDFParams struct{ N int } }
	}
	require.NoError(t, json.Unmarshal(raw, &v3))
	require.Equal(t, 3, v3.Version)
	require.Equal(t, "f39fd6e51aad88f6f4ce6ab8827279cfffb92266", v3.Address)
	require.Equal(t, keystore.LightScryptN, v3.Crypto.KDFParams.N)

	key, err := keystore.DecryptKey(raw, pass)
	require.NoError(t, err)
	require.Equal(t, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", key.Address.Hex())

	// A keyring opened without options must use the standard (slow) cost.
	def, err := Open(filepath.Join(t.TempDir(), "k"), "")
	require.NoError(t, err)
	require.Equal(t, BackendFile, def.Backend())
	require.Equal(t, keystore.StandardScryptN, def.scryptN)
}

func TestTestBackendRoundTrip(t *testing.T) {
	kr, dir := openTest(t, BackendTest)
	info, err := kr.Recover("val", hardhatMnemonic, "", "", 1)
	require.NoError(t, err)

	key, err := kr.Key("val", "ignored")
	require.NoError(t, err)
	require.Equal(t, info.Address, auth.PubkeyToAddress(&key.PublicKey))

	raw, err := os.ReadFile(filepath.Join(dir, "val.json"))
	require.NoError(t, err)
	require.Contains(t, string(raw), "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
	require.Contains(t, string(raw), "UNENCRYPTED")

	// A reopened keyring sees the same key.
	again, err := Open(dir, BackendTest)
	require.NoError(t, err)
	list, err := again.List()
	require.NoError(t, err)
	require.Equal(t, []Info{info}, list)

	// The other backend must not treat a plaintext key as a protected one.
	fileKR, err := Open(dir, BackendFile)
	require.NoError(t, err)
	_, err = fileKR.Key("val", pass)
	require.ErrorContains(t, err, "test-backend key")
}

func TestListShowDelete(t *testing.T) {
	kr, _ := openTest(t, BackendTest)
	for i, name := range []string{"b", "a-b", "a", "c_1"} {
		_, err := kr.Recover(name, hardhatMnemonic, "", "", uint32(i))
		require.NoError(t, err)
	}
	list, err := kr.List()
	require.NoError(t, err)
	var names []string
	for _, in := range list {
		names = append(names, in.Name)
	}
	require.Equal(t, []string{"a", "a-b", "b", "c_1"}, names)

	b := list[2]
	for _, q := range []string{"b", b.Address.Hex(), strings.ToLower(b.Address.Hex())} {
		got, err := kr.Show(q)
		require.NoError(t, err, q)
		require.Equal(t, b, got)
	}

	require.NoError(t, kr.Delete(b.Address.Hex()))
	_, err = kr.Show("b")
	require.ErrorIs(t, err, ErrKeyNotFound)
	_, err = kr.Show(b.Address.Hex())
	require.ErrorIs(t, err, ErrKeyNotFound)

	// Deleting frees the address for another name.
	again, err := kr.Recover("b2", hardhatMnemonic, "", "", 0)
	require.NoError(t, err)
	require.Equal(t, b.Address, again.Address)
}

func TestStaleAddressRecordIsIgnored(t *testing.T) {
	kr, dir := openTest(t, BackendTest)
	info, err := kr.Recover("old", hardhatMnemonic, "", "", 0)
	require.NoError(t, err)
	// Simulate a crash in Delete after the key file went but not the record.
	require.NoError(t, os.Remove(filepath.Join(dir, "old.json")))

	_, err = kr.Show(info.Address.Hex())
	require.ErrorIs(t, err, ErrKeyNotFound)
	got, err := kr.Recover("new", hardhatMnemonic, "", "", 0)
	require.NoError(t, err)
	require.Equal(t, info.Address, got.Address)
	shown, err := kr.Show(info.Address.Hex())
	require.NoError(t, err)
	require.Equal(t, "new", shown.Name)
}

func TestPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes")
	}
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			kr, dir := openTest(t, b)
			_, _, err := kr.Add("alice", pass)
			require.NoError(t, err)
			st, err := os.Stat(dir)
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o700), st.Mode().Perm())
			ents, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Len(t, ents, 2)
			for _, e := range ents {
				fi, err := e.Info()
				require.NoError(t, err)
				require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), e.Name())
			}
		})
	}

	open := t.TempDir()
	require.NoError(t, os.Chmod(open, 0o777))
	_, err := Open(open, BackendTest)
	require.ErrorContains(t, err, "writable by group or others")
}

func TestTamperedAddressIsRejected(t *testing.T) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			kr, dir := openTest(t, b)
			_, err := kr.Recover("alice", hardhatMnemonic, "", pass, 0)
			require.NoError(t, err)
			path := filepath.Join(dir, "alice.json")
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			raw = []byte(strings.Replace(string(raw), "f39fd6e51aad88f6f4ce6ab8827279cfffb92266", "70997970c51812dc3a010c7d01b50e0d17dc79c8", 1))
			require.NoError(t, os.WriteFile(path, raw, 0o600))

			_, err = kr.Key("alice", pass)
			require.ErrorContains(t, err, "but the file claims")
		})
	}
}
