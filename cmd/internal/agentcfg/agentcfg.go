// Package agentcfg is the configuration plumbing shared by the agents
// (cmd/pingo-cdn, cmd/pingo-contributor): viper with the precedence flag >
// env (PREFIX_…, dashes as underscores) > file (<home>/<name>.toml) >
// default, as pingod does, and the signing key from the environment or a
// chain/keys keyring.
package agentcfg

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/pingo-chain/pingo/chain/keys"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Load reads <home>/<file> if present, then env prefix_KEY, then the
// changed flags, over the flags' defaults.
func Load(flags *pflag.FlagSet, prefix, file string) (*viper.Viper, error) {
	v := viper.New()
	v.SetEnvPrefix(prefix)
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_", ".", "_"))
	v.AutomaticEnv()
	if err := v.BindPFlags(flags); err != nil {
		return nil, err
	}
	home := ExpandHome(v.GetString("home"))
	path := filepath.Join(home, file)
	if _, err := os.Stat(path); err == nil {
		v.SetConfigFile(path)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	v.Set("home", home)
	return v, nil
}

// ExpandHome turns a leading ~ into the user's home directory.
func ExpandHome(p string) string {
	if strings.HasPrefix(p, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, p[2:])
		}
	}
	return p
}

// KeyFlags adds the key selection flags.
func KeyFlags(f *pflag.FlagSet) {
	f.String("key-hex", "", "secp256k1 private key, hex (prefer the env var; a flag shows in ps)")
	f.String("keyring-dir", "", "chain/keys keyring directory (e.g. ~/.pingod/keyring-file)")
	f.String("keyring-backend", keys.BackendFile, "keyring backend: file or test")
	f.String("from", "", "key name or address in the keyring")
}

// Key loads the signing key: key-hex if set, else the keyring's key named
// by from (passphrase from env <prefix>_PASSPHRASE for the file backend).
func Key(v *viper.Viper, prefix string) (*ecdsa.PrivateKey, error) {
	if h := strings.TrimPrefix(v.GetString("key-hex"), "0x"); h != "" {
		return crypto.HexToECDSA(h)
	}
	dir, from := ExpandHome(v.GetString("keyring-dir")), v.GetString("from")
	if dir == "" || from == "" {
		return nil, errors.New("no key: set " + prefix + "_KEY_HEX, or --keyring-dir and --from")
	}
	kr, err := keys.Open(dir, v.GetString("keyring-backend"))
	if err != nil {
		return nil, err
	}
	return kr.Key(from, os.Getenv(prefix+"_PASSPHRASE"))
}

// Logger is a text (or, with format "json", JSON) logger at level.
func Logger(format, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	o := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, o))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, o))
}
