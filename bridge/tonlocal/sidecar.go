package tonlocal

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// sidecarJS is written next to the endpoint's state at start, so the binary
// needs only a bridge/contracts checkout with its node_modules, not the
// source tree of this package.
//
//go:embed sidecar.js
var sidecarJS []byte

// sidecar is the Node process running @ton/sandbox: every message and
// get-method runs there, with the real TVM and the real compiled contracts.
// Calls are serialized (one in flight): the sandbox is single-threaded and
// the endpoint's order of execution must be the order of arrival.
type sidecar struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	nextID int64
	done   chan struct{}
}

// startSidecar runs node with the embedded script; contractsDir must hold
// node_modules (npm ci) and scripts/compile.js.
func startSidecar(ctx context.Context, node, contractsDir, workDir string, stderr io.Writer) (*sidecar, error) {
	if _, err := os.Stat(filepath.Join(contractsDir, "node_modules", "@ton", "sandbox")); err != nil {
		return nil, fmt.Errorf("tonlocal: %s has no node_modules/@ton/sandbox (run npm ci there): %w", contractsDir, err)
	}
	script := filepath.Join(workDir, "tonlocal-sidecar.js")
	if err := os.WriteFile(script, sidecarJS, 0o644); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(contractsDir)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(node, script, abs)
	cmd.Stderr = stderr
	// Its own process group: a Ctrl-C or a group-wide SIGTERM reaches only
	// the Go process, which saves the sandbox's state before ending it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("tonlocal: start %s: %w", node, err)
	}
	s := &sidecar{cmd: cmd, stdin: stdin, out: bufio.NewReaderSize(stdout, 1<<20), done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	if err := s.call(ctx, "init", nil, nil); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

type sidecarReply struct {
	ID    int64  `json:"id"`
	OK    bool   `json:"ok"`
	Error string `json:"error"`
}

// errSidecar marks an error the sandbox reported for a request (as opposed
// to the process dying): for sendMessage it means the message was refused.
var errSidecar = errors.New("sandbox")

// call sends op with the fields of req (a struct or map, may be nil) and
// decodes the reply into resp (may be nil).
func (s *sidecar) call(ctx context.Context, op string, req any, resp any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	m := map[string]any{}
	if req != nil {
		b, err := json.Marshal(req)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
	}
	m["id"], m["op"] = s.nextID, op
	line, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if _, err := s.stdin.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("tonlocal: sidecar write: %w", err)
	}
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := s.out.ReadBytes('\n')
		ch <- result{b, err}
	}()
	var r result
	select {
	case r = <-ch:
	case <-ctx.Done():
		// The reader goroutine still owns the stream; the process is
		// unusable from here on, so end it rather than desynchronize.
		s.kill()
		return fmt.Errorf("tonlocal: sidecar %s: %w", op, ctx.Err())
	}
	if r.err != nil {
		return fmt.Errorf("tonlocal: sidecar %s: %w", op, r.err)
	}
	var head sidecarReply
	if err := json.Unmarshal(r.b, &head); err != nil {
		return fmt.Errorf("tonlocal: sidecar %s: bad reply: %w", op, err)
	}
	if head.ID != s.nextID {
		return fmt.Errorf("tonlocal: sidecar %s: reply id %d, want %d", op, head.ID, s.nextID)
	}
	if !head.OK {
		return fmt.Errorf("%w: %s: %s", errSidecar, op, head.Error)
	}
	if resp != nil {
		return json.Unmarshal(r.b, resp)
	}
	return nil
}

func (s *sidecar) kill() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
	}
}

// close ends the process: stdin EOF first (it exits by itself), a kill
// after a grace period.
func (s *sidecar) close() {
	_ = s.stdin.Close()
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		s.kill()
		<-s.done
	}
}
