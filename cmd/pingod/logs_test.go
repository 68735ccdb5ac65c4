package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// plainLine is CometBFT's plain log layout ("I[2026-11-24|01:02:03.456] msg
// key=value"); with log_format=json no line may look like it.
var plainLine = regexp.MustCompile(`^[DIEW]\[\d{4}-\d{2}-\d{2}\|`)

// runDevNodeLogs starts a dev node with the given log_format (flag or env),
// lets it commit a few blocks, stops it and returns its output lines.
func runDevNodeLogs(t *testing.T, env []string, args ...string) []string {
	t.Helper()
	home := filepath.Join(t.TempDir(), "node")
	rpc, p2p := freePort(t), freePort(t)
	for p2p == rpc {
		p2p = freePort(t)
	}
	var out lockedBuffer
	cmd := exec.Command(pingodBin, append([]string{"start", "--dev", "--home", home,
		"--rpc.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", rpc),
		"--p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", p2p)}, args...)...)
	cmd.Env = cleanEnv(t, env...)
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	node := fmt.Sprintf("http://127.0.0.1:%d", rpc)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if st, err := getStatus(node); err == nil {
			if h, _ := strconv.Atoi(st.Result.SyncInfo.LatestBlockHeight); h >= 3 {
				break
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("node exited early: %v\n%s", err, out.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			t.Fatalf("node did not reach height 3 in 60s:\n%s", out.String())
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("node did not exit within 30s of SIGTERM")
	}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// log_format=json (flag or PINGOD_LOG_FORMAT) turns every log record into
// one JSON object with level, module and key-value fields; plain stays the
// CometBFT text layout. Operators feed the JSON form to log shippers, so a
// stray plain line would break their parsers.
func TestLogFormats(t *testing.T) {
	if testing.Short() {
		t.Skip("starts nodes")
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"flag", nil, []string{"--log_format", "json"}},
		{"env", []string{"PINGOD_LOG_FORMAT=json"}, nil},
	} {
		t.Run("json-"+tc.name, func(t *testing.T) {
			lines := runDevNodeLogs(t, tc.env, tc.args...)
			var records, committed int
			for _, l := range lines {
				require.False(t, plainLine.MatchString(l), "plain log line under json format: %s", l)
				if !strings.HasPrefix(l, "{") {
					continue // the dev banner (mnemonic) is printed for humans, not logged
				}
				var rec map[string]any
				require.NoError(t, json.Unmarshal([]byte(l), &rec), "log line is not JSON: %s", l)
				require.Contains(t, rec, "level", l)
				require.Contains(t, rec, "_msg", l)
				require.Contains(t, rec, "ts", l)
				records++
				if rec["module"] == "state" && rec["_msg"] == "committed state" {
					require.Contains(t, rec, "height", l)
					require.Contains(t, rec, "block_app_hash", l)
					committed++
				}
			}
			require.Greater(t, records, 10, "too few JSON records:\n%s", strings.Join(lines, "\n"))
			require.GreaterOrEqual(t, committed, 2, "no 'committed state' records with height and app_hash")
		})
	}
	t.Run("plain", func(t *testing.T) {
		lines := runDevNodeLogs(t, nil)
		var plain int
		for _, l := range lines {
			require.False(t, strings.HasPrefix(l, "{\""), "JSON line under plain format: %s", l)
			if plainLine.MatchString(l) {
				plain++
			}
		}
		require.Greater(t, plain, 10)
		require.Contains(t, strings.Join(lines, "\n"), "module=state")
	})
}
