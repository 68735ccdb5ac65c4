// Package codes gives every rejection the chain can return a stable
// (codespace, code) pair. Wallets branch on these numbers, so a code, once
// published in docs/protocol.md, is never renumbered or reused.
package codes

import (
	"errors"
	"fmt"
	"sync"
)

// Error is a registered, stable error. Wrap it with Wrap/Wrapf to add detail;
// errors.Is and ABCIInfo still find the registered code underneath.
type Error struct {
	codespace string
	code      uint32
	desc      string
}

func (e *Error) Error() string     { return e.desc }
func (e *Error) Codespace() string { return e.codespace }
func (e *Error) Code() uint32      { return e.code }

// Is matches on identity of (codespace, code) so a re-registered copy in a
// test binary still compares equal.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.codespace == e.codespace && t.code == e.code
}

var (
	mu       sync.Mutex
	registry = map[string]*Error{}
)

// Register declares a code. It panics on a duplicate because two errors
// sharing a code would make the published table ambiguous; that is a
// programming error caught at init.
func Register(codespace string, code uint32, desc string) *Error {
	if code == 0 {
		panic("codes: code 0 is reserved for success")
	}
	key := fmt.Sprintf("%s/%d", codespace, code)
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[key]; dup {
		panic("codes: duplicate registration " + key)
	}
	e := &Error{codespace: codespace, code: code, desc: desc}
	registry[key] = e
	return e
}

// Wrap adds context to a registered error without losing its code.
func Wrap(err *Error, detail string) error {
	return &wrapped{err: err, detail: detail}
}

// Wrapf is Wrap with formatting.
func Wrapf(err *Error, format string, args ...any) error {
	return &wrapped{err: err, detail: fmt.Sprintf(format, args...)}
}

type wrapped struct {
	err    *Error
	detail string
}

func (w *wrapped) Error() string { return w.err.desc + ": " + w.detail }
func (w *wrapped) Unwrap() error { return w.err }

// Internal is returned for failures that are the node's fault rather than
// the transaction's (a database error, a broken invariant).
var Internal = Register("pingo", 1, "internal error")

// ABCIInfo maps any error to the triple an ABCI response carries. Unregistered
// errors become Internal so that no raw Go error text decides a code.
func ABCIInfo(err error) (codespace string, code uint32, log string) {
	if err == nil {
		return "", 0, ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.codespace, e.code, err.Error()
	}
	return Internal.codespace, Internal.code, Internal.desc + ": " + err.Error()
}
