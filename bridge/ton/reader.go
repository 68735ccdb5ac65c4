package ton

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/liteclient"
	"github.com/xssnick/tonutils-go/tlb"
	lite "github.com/xssnick/tonutils-go/ton"

	"github.com/pingo-chain/pingo/bridge/checkpoint"
)

// Reader is a read-only view of the anchor: what a validator's TON watcher
// needs to check reported facts against its own liteservers. It holds no
// wallet key and never sends anything.
//
// It deliberately avoids GetAccount (account-state parsing): tonutils-go
// v1.12.0 cannot parse the anchor's storage_extra (bridge/tonlocal README),
// so the watcher relies only on get-methods and on transactions looked up
// by (hash, lt), which it can parse.
type Reader struct {
	api    lite.APIClientWrapped
	anchor *address.Address
	pool   *liteclient.ConnectionPool
	wallet jettonWalletCache
}

// DialReader connects to the liteservers of globalConfig (unsafe: skip
// proofs, for bridge/tonlocal only). The pool reconnects by itself.
func DialReader(ctx context.Context, globalConfig string, anchor *address.Address, unsafe bool) (*Reader, error) {
	gc, err := liteclient.GetConfigFromFile(globalConfig)
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: %w", err)
	}
	pool := liteclient.NewConnectionPool()
	if err := pool.AddConnectionsFromConfig(ctx, gc); err != nil {
		pool.Stop()
		return nil, fmt.Errorf("bridge/ton: connect: %w", err)
	}
	policy := lite.ProofCheckPolicyFast
	if unsafe {
		policy = lite.ProofCheckPolicyUnsafe
	}
	// No retries: the caller's per-query time budget is the only bound.
	api := lite.NewAPIClient(pool, policy).WithTimeout(5 * time.Second)
	return &Reader{api: api, anchor: anchor, pool: pool}, nil
}

// Close drops the connections.
func (r *Reader) Close() { r.pool.Stop() }

func (r *Reader) get(ctx context.Context, method string, args ...any) (*lite.ExecutionResult, error) {
	b, err := r.api.CurrentMasterchainInfo(ctx)
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: masterchain: %w", err)
	}
	res, err := r.api.WaitForBlock(b.SeqNo).RunGetMethod(ctx, b, r.anchor, method, args...)
	if err != nil {
		return nil, fmt.Errorf("bridge/ton: %s: %w", method, err)
	}
	return res, nil
}

// CheckpointByEpoch is the anchor's checkpoint for epoch (ErrNotAnchored
// if it holds none).
func (r *Reader) CheckpointByEpoch(ctx context.Context, epoch uint64) (checkpoint.Checkpoint, error) {
	return checkpointByEpoch(ctx, r.get, epoch)
}

// ErrNoSuchTransaction: the anchor has no transaction with that (hash, lt).
var ErrNoSuchTransaction = errors.New("bridge/ton: no such anchor transaction")

// AnchorTransaction fetches the anchor's transaction (hash, lt). tonutils-go
// checks that the returned cell hashes to hash, so its contents are bound
// to the claim.
func (r *Reader) AnchorTransaction(ctx context.Context, hash []byte, lt uint64) (*tlb.Transaction, error) {
	list, err := r.api.ListTransactions(ctx, r.anchor, 1, lt, hash)
	if errors.Is(err, lite.ErrNoTransactionsWereFound) {
		return nil, ErrNoSuchTransaction
	}
	if err != nil {
		return nil, err
	}
	tx := list[len(list)-1]
	if tx.LT != lt || !bytes.Equal(tx.Hash, hash) {
		return nil, ErrNoSuchTransaction
	}
	return tx, nil
}

// ErrNotAnchoring: the transaction exists but did not anchor that
// checkpoint.
var ErrNotAnchoring = errors.New("bridge/ton: transaction did not anchor the checkpoint")

// VerifyAnchoring checks that tx is the anchor accepting the checkpoint
// with digest for epoch: an ordinary transaction, not aborted, compute
// phase exit 0 (200 "already anchored" is a duplicate, not the anchoring),
// whose inbound internal message is a submit_checkpoint of exactly that
// checkpoint.
func VerifyAnchoring(tx *tlb.Transaction, epoch uint64, digest [32]byte) error {
	d, ok := tx.Description.(tlb.TransactionDescriptionOrdinary)
	if !ok || d.Aborted {
		return fmt.Errorf("%w: not an ordinary committed transaction", ErrNotAnchoring)
	}
	if exit := exitCode(tx); exit != checkpoint.ExitOK {
		return fmt.Errorf("%w: exit %d (%s)", ErrNotAnchoring, exit, ExitName(exit))
	}
	if tx.IO.In == nil || tx.IO.In.MsgType != tlb.MsgTypeInternal || tx.IO.In.AsInternal().Body == nil {
		return fmt.Errorf("%w: no inbound internal message", ErrNotAnchoring)
	}
	sub, err := checkpoint.ParseSubmitBody(tx.IO.In.AsInternal().Body)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotAnchoring, err)
	}
	if sub.Checkpoint.Epoch != epoch || sub.Checkpoint.Digest() != digest {
		return fmt.Errorf("%w: it carries epoch %d, digest %x", ErrNotAnchoring, sub.Checkpoint.Epoch, sub.Checkpoint.Digest())
	}
	return nil
}

// VerifyAnchor is the whole check a watcher makes for a FactAnchor fact:
// the transaction (hash, lt) anchored (epoch, digest), and the anchor's
// getter does not contradict it (it holds that digest for epoch, or no
// longer holds epoch at all — its ring of recent checkpoints moved on).
func (r *Reader) VerifyAnchor(ctx context.Context, epoch uint64, digest [32]byte, hash []byte, lt uint64) error {
	tx, err := r.AnchorTransaction(ctx, hash, lt)
	if err != nil {
		return err
	}
	if err := VerifyAnchoring(tx, epoch, digest); err != nil {
		return err
	}
	cp, err := r.CheckpointByEpoch(ctx, epoch)
	switch {
	case errors.Is(err, ErrNotAnchored):
		return nil
	case err != nil:
		return err
	case cp.Digest() != digest:
		return fmt.Errorf("%w: the anchor holds another checkpoint for epoch %d", ErrNotAnchoring, epoch)
	}
	return nil
}

// ValsetHash is the hash of the set the anchor holds (getter valsetHash):
// after a rotating checkpoint lands, its next_valset_hash.
func (r *Reader) ValsetHash(ctx context.Context) ([32]byte, error) {
	var h [32]byte
	res, err := r.get(ctx, "valsetHash")
	if err != nil {
		return h, err
	}
	v, err := res.Int(0)
	if err != nil || v.Sign() < 0 || v.BitLen() > 256 {
		return h, fmt.Errorf("bridge/ton: valsetHash: %v", err)
	}
	v.FillBytes(h[:])
	return h, nil
}

// LastEpoch is the anchor's last anchored epoch (getter lastEpoch).
func (r *Reader) LastEpoch(ctx context.Context) (uint64, error) {
	res, err := r.get(ctx, "lastEpoch")
	if err != nil {
		return 0, err
	}
	v, err := res.Int(0)
	if err != nil {
		return 0, fmt.Errorf("bridge/ton: lastEpoch: %w", err)
	}
	return v.Uint64(), nil
}
