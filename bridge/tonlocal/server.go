package tonlocal

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/xssnick/tonutils-go/adnl"
	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/tl"
	"github.com/xssnick/tonutils-go/ton"
	"github.com/xssnick/tonutils-go/tvm/cell"
)

// Liteserver error codes the endpoint answers with (liteServer.error).
// tonutils-go only treats code 0 on getTransactions specially ("no
// transactions"); the rest is carried as text.
const (
	lsErrNotReady    = 651 // waitMasterchainSeqno timed out
	lsErrUnsupported = 400 // a query the endpoint does not serve
	lsErrRefused     = 500 // the external message was not accepted
	lsErrInternal    = 503
)

// maxWait bounds what one waitMasterchainSeqno may hold a query.
const maxWait = 30 * time.Second

// sidecarTimeout bounds one query's work in the sandbox.
const sidecarTimeout = time.Minute

// handle is liteclient.Server's message handler. The TCP-level messages are
// answered inline; queries run in their own goroutine, because a query
// waiting for a block must not hold up the connection's other queries.
func (e *Endpoint) handle(ctx context.Context, c *liteclient.ServerClient, msg tl.Serializable) error {
	switch m := msg.(type) {
	case liteclient.TCPPing:
		return c.Send(liteclient.TCPPong{RandomID: m.RandomID})
	case liteclient.TCPAuthenticate:
		// The client signs (its nonce ++ ours) and blocks until it has
		// sent that; the endpoint serves anyone, so the signature is not
		// checked, but without a nonce the client never finishes connecting.
		nonce := make([]byte, 32)
		if _, err := rand.Read(nonce); err != nil {
			return err
		}
		return c.Send(liteclient.TCPAuthenticationNonce{Nonce: nonce})
	case liteclient.TCPAuthenticationComplete:
		return nil
	case adnl.MessageQuery:
		q, ok := m.Data.(liteclient.LiteServerQuery)
		if !ok {
			return fmt.Errorf("tonlocal: unexpected adnl query %T", m.Data)
		}
		go func() {
			var resp tl.Serializable = ton.LSError{Code: lsErrInternal, Text: "internal error"}
			defer func() {
				// A query that panics (tonutils-go's parsers can, on
				// malformed cells) fails alone; the endpoint keeps serving.
				if r := recover(); r != nil {
					e.logf("query %T panicked: %v", q.Data, r)
				}
				if err := c.Send(adnl.MessageAnswer{ID: m.ID, Data: resp}); err != nil {
					e.logf("answer: %v", err)
				}
			}()
			resp = e.query(ctx, q.Data)
		}()
		return nil
	default:
		return fmt.Errorf("tonlocal: unexpected message %T", msg)
	}
}

// query unwraps the waitMasterchainSeqno prefix tonutils-go puts in front of
// most queries (it arrives as a two-element list) and answers the query.
func (e *Endpoint) query(ctx context.Context, data any) tl.Serializable {
	if list, ok := data.([]tl.Serializable); ok {
		if len(list) == 0 {
			return ton.LSError{Code: lsErrUnsupported, Text: "empty query"}
		}
		for _, p := range list[:len(list)-1] {
			w, ok := p.(ton.WaitMasterchainSeqno)
			if !ok {
				return ton.LSError{Code: lsErrUnsupported, Text: fmt.Sprintf("unsupported query prefix %T", p)}
			}
			wait := min(time.Duration(w.Timeout)*time.Millisecond, maxWait)
			if !e.ledger.waitSeqno(ctx, uint32(w.Seqno), wait) {
				return ton.LSError{Code: lsErrNotReady, Text: fmt.Sprintf("masterchain block %d not reached", w.Seqno)}
			}
		}
		data = list[len(list)-1]
	}
	// The sidecar call must not inherit the client's cancellation: a
	// client hanging up mid-query would otherwise abort the call, and an
	// aborted call ends the sidecar (its reply stream is then out of step).
	// Only a sandbox that is truly stuck hits sidecarTimeout.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sidecarTimeout)
	defer cancel()
	resp, err := e.answer(actx, data)
	if err != nil {
		var ls ton.LSError
		if errors.As(err, &ls) {
			return ls
		}
		e.logf("query %T: %v", data, err)
		return ton.LSError{Code: lsErrInternal, Text: err.Error()}
	}
	return resp
}

func (e *Endpoint) answer(ctx context.Context, q any) (tl.Serializable, error) {
	switch q := q.(type) {
	case ton.GetMasterchainInf:
		seq := e.ledger.last()
		return ton.MasterchainInfo{Last: blockID(-1, seq), StateRootHash: blockHash("state", -1, seq), Init: zeroState()}, nil
	case ton.GetMasterchainInfoExt:
		seq := e.ledger.last()
		now := uint32(time.Now().Unix())
		return ton.MasterchainInfoExt{Mode: q.Mode, Version: 0x101, Capabilities: 7, Last: blockID(-1, seq), LastUTime: now, Now: now, StateRootHash: blockHash("state", -1, seq), Init: zeroState()}, nil
	case ton.GetTime:
		return ton.CurrentTime{Now: uint32(time.Now().Unix())}, nil
	case ton.GetVersion:
		return ton.Version{Version: 0x101, Capabilities: 7, Now: uint32(time.Now().Unix())}, nil
	case ton.GetAccountState:
		return e.accountState(ctx, q.ID, q.Account)
	case *ton.RunSmcMethod:
		return e.runMethod(ctx, q)
	case ton.RunSmcMethod:
		return e.runMethod(ctx, &q)
	case ton.SendMessage:
		return e.sendMessage(ctx, q.Body)
	case ton.GetTransactions:
		return e.transactions(q)
	case ton.GetOneTransaction:
		return e.oneTransaction(q)
	default:
		return nil, ton.LSError{Code: lsErrUnsupported, Text: fmt.Sprintf("tonlocal does not serve %T", q)}
	}
}

func zeroState() *ton.ZeroStateIDExt {
	return &ton.ZeroStateIDExt{Workchain: -1, RootHash: blockHash("zero-root", -1, 0), FileHash: blockHash("zero-file", -1, 0)}
}

func rawAddr(a ton.AccountID) string {
	return fmt.Sprintf("%d:%s", a.Workchain, hex.EncodeToString(a.ID))
}

type accountReply struct {
	ShardAccount string `json:"shard_account"`
	ClientView   string `json:"client_view"`
	Active       bool   `json:"active"`
	Exists       bool   `json:"exists"`
	Balance      string `json:"balance"`
}

func (e *Endpoint) account(ctx context.Context, addr string) (*accountReply, *cell.Cell, error) {
	var r accountReply
	if err := e.sc.call(ctx, "account", map[string]string{"address": addr}, &r); err != nil {
		return nil, nil, err
	}
	view := r.ClientView
	if e.opts.ServeStorageExtra {
		view = r.ShardAccount
	}
	b, err := base64.StdEncoding.DecodeString(view)
	if err != nil {
		return nil, nil, err
	}
	c, err := cell.FromBOC(b)
	if err != nil {
		return nil, nil, err
	}
	return &r, c, nil
}

func (e *Endpoint) accountState(ctx context.Context, id *ton.BlockIDExt, acc ton.AccountID) (tl.Serializable, error) {
	if len(acc.ID) != 32 {
		return nil, ton.LSError{Code: lsErrUnsupported, Text: "bad account id"}
	}
	r, sa, err := e.account(ctx, rawAddr(acc))
	if err != nil {
		return nil, err
	}
	seq := e.ledger.last()
	out := ton.AccountState{ID: id, Shard: blockID(0, seq)}
	if id == nil {
		out.ID = blockID(-1, seq)
	}
	var shardAcc *cell.Cell
	if r.Exists {
		shardAcc = sa
		// ShardAccount: account:^Account last_trans_hash:bits256 last_trans_lt:uint64
		accCell, err := sa.BeginParse().LoadRef()
		if err != nil {
			return nil, err
		}
		out.State, err = accCell.ToCell()
		if err != nil {
			return nil, err
		}
	}
	bal, _ := new(big.Int).SetString(r.Balance, 10)
	if bal == nil {
		bal = new(big.Int)
	}
	out.Proof, err = accountProof(acc.ID, shardAcc, bal, seq, uint32(time.Now().Unix()), 0)
	if err != nil {
		return nil, err
	}
	return out, nil
}

type runGetReply struct {
	ExitCode int32  `json:"exit_code"`
	Stack    string `json:"stack"`
}

// runMethod answers runSmcMethod with the result stack only (mode bit 2):
// proofs (bits 0 and 1) cannot be produced, which the unsafe policy does
// not ask for.
func (e *Endpoint) runMethod(ctx context.Context, q *ton.RunSmcMethod) (tl.Serializable, error) {
	req := map[string]string{"address": rawAddr(q.Account), "method_id": fmt.Sprint(q.MethodID)}
	if q.Params != nil {
		req["stack"] = base64.StdEncoding.EncodeToString(q.Params.ToBOCWithFlags(false))
	}
	var r runGetReply
	if err := e.sc.call(ctx, "run_get", req, &r); err != nil {
		return nil, err
	}
	seq := e.ledger.last()
	out := ton.RunMethodResult{Mode: 1 << 2, ID: q.ID, ShardBlock: blockID(0, seq), ExitCode: r.ExitCode}
	if out.ID == nil {
		out.ID = blockID(-1, seq)
	}
	if r.Stack != "" {
		b, err := base64.StdEncoding.DecodeString(r.Stack)
		if err != nil {
			return nil, err
		}
		if out.Result, err = cell.FromBOC(b); err != nil {
			return nil, err
		}
	} else {
		out.Result = cell.BeginCell().MustStoreUInt(0, 24).EndCell() // empty vm_stack
	}
	return out, nil
}
