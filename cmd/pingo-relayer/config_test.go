package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSettingsPrecedence: flag > PINGO_RELAYER_… environment > config
// file > default, and the wallet key from a file.
func TestSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	if err := os.WriteFile(keyFile, []byte("0x11"+repeat("22", 31)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "relayer.yaml")
	if err := os.WriteFile(cfg, []byte("ton-config: /file/global.json\nanchor: \"0:"+repeat("ab", 32)+"\"\npoll: 7s\njournal-dir: /file/journal\nwallet-key-file: "+keyFile+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PINGO_RELAYER_POLL", "5s")
	t.Setenv("PINGO_RELAYER_JOURNAL_DIR", "/env/journal")
	s, err := loadSettings([]string{"--config", cfg, "--journal-dir", "/flag/journal"})
	if err != nil {
		t.Fatal(err)
	}
	if s.JournalDir != "/flag/journal" || s.Poll != 5*time.Second || s.TONConfig != "/file/global.json" || s.ChainRPC != "http://127.0.0.1:26657" {
		t.Fatalf("settings: %+v", s)
	}
	if s.WalletKey == nil || s.WalletKey.Seed()[0] != 0x11 || s.WalletKey.Seed()[1] != 0x22 {
		t.Fatal("wallet key not read from the file")
	}
	if _, err := loadSettings([]string{"--ton-config", "x", "--anchor", "0:" + repeat("ab", 32)}); err == nil {
		t.Fatal("settings without a wallet key accepted")
	}
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

// TestFaultShuffleSetting: the chaos seam is off by default, on with the
// hidden flag, with PINGO_RELAYER_…, or with PINGO_FAULT_SHUFFLE_DEPOSITS
// (the route through pingod localnet); a bad value is refused.
func TestFaultShuffleSetting(t *testing.T) {
	base := []string{"--ton-config", "x", "--anchor", "0:" + repeat("ab", 32), "--wallet-key", repeat("11", 32)}
	cases := []struct {
		name string
		args []string
		env  [2]string
		want uint64
		err  bool
	}{
		{"off", nil, [2]string{}, 0, false},
		{"flag", []string{"--fault-shuffle-deposits", "7"}, [2]string{}, 7, false},
		{"relayer env", nil, [2]string{"PINGO_RELAYER_FAULT_SHUFFLE_DEPOSITS", "8"}, 8, false},
		{"chaos env", nil, [2]string{faultShuffleEnv, "9"}, 9, false},
		{"flag wins", []string{"--fault-shuffle-deposits", "7"}, [2]string{faultShuffleEnv, "9"}, 7, false},
		{"bad chaos env", nil, [2]string{faultShuffleEnv, "x"}, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env[0] != "" {
				t.Setenv(tc.env[0], tc.env[1])
			}
			s, err := loadSettings(append(append([]string(nil), base...), tc.args...))
			if (err != nil) != tc.err {
				t.Fatalf("err %v", err)
			}
			if err == nil && s.FaultShuffleDeposits != tc.want {
				t.Fatalf("seed %d, want %d", s.FaultShuffleDeposits, tc.want)
			}
		})
	}
}
