package checkpoint

// Withdrawals L2 → TON (issue #7). Each epoch's withdrawals are the leaves of
// a binary Merkle tree whose root is the checkpoint's withdrawal_root; the
// anchor contract pays a withdrawal once when shown its leaf and path against
// the root of an anchored epoch. This file is the one definition of the leaf
// and the tree that x/bridge (building the root), the relayer (claiming) and
// the contract (verifying) share; testdata/withdrawal_vectors.json pins it.
//
// Leaf cell (one ordinary cell, no refs):
//
//	tag(32) = WithdrawalTag ‖ id(64) ‖ epoch(64) ‖ from(160) ‖ to(MsgAddressInt, std, 267) ‖ amount(Coins)
//
// leaf hash = the leaf cell's representation hash (TVM cell.hash()).
//
// Tree over the epoch's leaves in id order, index i = position in the epoch:
//
//	n = 0:  root = 32 zero bytes (the checkpoint's "no withdrawals")
//	n ≥ 1:  depth d = ⌈log₂ n⌉ (0 for one leaf), leaves padded with 32 zero
//	        bytes to 2^d, node = sha256(left(32) ‖ right(32))
//
// A path is the d siblings from the leaf up; bit j of the index says whether
// the node at level j is a right child. A zero pad cannot be claimed: no cell
// hashes to zero. Leaf and node preimages differ in length (a leaf cell's
// representation is ≥ 2+64 bytes with the descriptor, a node's exactly 64),
// so a node can never be passed off as a leaf.

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"math/bits"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tvm/cell"
)

// WithdrawalTag is sha256("pingo:withdrawal:v1")[0:4]: it keeps a withdrawal
// leaf from being any other cell the validators or the contract hash.
const WithdrawalTag = 0x3d37f01f

// MaxWithdrawalDepth bounds a path (and so the gas of a claim): at most
// 2^16 withdrawals per epoch. x/bridge refuses a Withdraw beyond it.
const MaxWithdrawalDepth = 16

// MaxWithdrawalsPerEpoch is the tree's capacity at MaxWithdrawalDepth.
const MaxWithdrawalsPerEpoch = 1 << MaxWithdrawalDepth

// maxCoins is the largest Coins value (VarUInteger 16: 15 bytes).
var maxCoins = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 120), big.NewInt(1))

// ErrBadWithdrawal reports a withdrawal that has no leaf cell: a missing or
// non-basechain/masterchain std recipient, or an amount outside 1..2^120-1.
var ErrBadWithdrawal = errors.New("checkpoint: bad withdrawal")

// Withdrawal is one burned L2 amount owed on TON.
type Withdrawal struct {
	ID     uint64 // global and single-use: the anchor pays each id once
	Epoch  uint64 // the checkpoint whose withdrawal_root holds the leaf
	From   [20]byte
	To     *address.Address // TON std address that receives the jettons
	Amount *big.Int         // jetton units; PINGO has 9 decimals on both sides
}

// Validate checks what Cell needs; x/bridge calls it before burning.
func (w Withdrawal) Validate() error {
	if w.To == nil || w.To.Type() != address.StdAddress {
		return fmt.Errorf("%w: recipient must be a std address", ErrBadWithdrawal)
	}
	if wc := w.To.Workchain(); wc != 0 && wc != -1 {
		return fmt.Errorf("%w: recipient workchain %d", ErrBadWithdrawal, wc)
	}
	if w.Amount == nil || w.Amount.Sign() <= 0 || w.Amount.Cmp(maxCoins) > 0 {
		return fmt.Errorf("%w: amount must be in 1..2^120-1", ErrBadWithdrawal)
	}
	return nil
}

// Cell builds the leaf cell.
func (w Withdrawal) Cell() (*cell.Cell, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return cell.BeginCell().
		MustStoreUInt(WithdrawalTag, 32).
		MustStoreUInt(w.ID, 64).
		MustStoreUInt(w.Epoch, 64).
		MustStoreSlice(w.From[:], 160).
		MustStoreAddr(w.To).
		MustStoreBigCoins(w.Amount).
		EndCell(), nil
}

// LeafHash is the leaf cell's hash.
func (w Withdrawal) LeafHash() ([32]byte, error) {
	var h [32]byte
	c, err := w.Cell()
	if err != nil {
		return h, err
	}
	copy(h[:], c.Hash())
	return h, nil
}

// ParseWithdrawal reads a leaf cell strictly (exact layout, no refs, no
// trailing bits) so a claim's leaf is the cell the chain hashed.
func ParseWithdrawal(c *cell.Cell) (Withdrawal, error) {
	var w Withdrawal
	if c == nil || c.RefsNum() != 0 {
		return w, fmt.Errorf("%w: withdrawal leaf must be one cell without refs", ErrMalformed)
	}
	s := c.BeginParse()
	tag, err := s.LoadUInt(32)
	if err != nil || tag != WithdrawalTag {
		return w, fmt.Errorf("%w: withdrawal tag", ErrMalformed)
	}
	if w.ID, err = s.LoadUInt(64); err != nil {
		return w, fmt.Errorf("%w: id: %v", ErrMalformed, err)
	}
	if w.Epoch, err = s.LoadUInt(64); err != nil {
		return w, fmt.Errorf("%w: epoch: %v", ErrMalformed, err)
	}
	from, err := s.LoadSlice(160)
	if err != nil {
		return w, fmt.Errorf("%w: from: %v", ErrMalformed, err)
	}
	copy(w.From[:], from)
	if w.To, err = s.LoadAddr(); err != nil {
		return w, fmt.Errorf("%w: to: %v", ErrMalformed, err)
	}
	if w.Amount, err = s.LoadBigCoins(); err != nil {
		return w, fmt.Errorf("%w: amount: %v", ErrMalformed, err)
	}
	if s.BitsLeft() != 0 {
		return w, fmt.Errorf("%w: %d trailing bits", ErrMalformed, s.BitsLeft())
	}
	if err := w.Validate(); err != nil {
		return w, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	// The strict read must rebuild the same cell (a non-minimal Coins length
	// would hash differently).
	if rc, _ := w.Cell(); string(rc.Hash()) != string(c.Hash()) {
		return w, fmt.Errorf("%w: non-canonical withdrawal leaf", ErrMalformed)
	}
	return w, nil
}

// treeDepth is ⌈log₂ n⌉ for n ≥ 1.
func treeDepth(n int) int {
	if n <= 1 {
		return 0
	}
	return bits.Len(uint(n - 1))
}

func hashNode(l, r [32]byte) [32]byte {
	var b [64]byte
	copy(b[:32], l[:])
	copy(b[32:], r[:])
	return sha256.Sum256(b[:])
}

// levels returns the tree bottom-up, every level padded to even length.
func levels(leaves [][32]byte) [][][32]byte {
	d := treeDepth(len(leaves))
	lv := make([][][32]byte, 0, d+1)
	cur := append([][32]byte(nil), leaves...)
	for k := 0; k < d; k++ {
		if len(cur)%2 == 1 {
			cur = append(cur, [32]byte{})
		}
		lv = append(lv, cur)
		next := make([][32]byte, len(cur)/2)
		for i := range next {
			next[i] = hashNode(cur[2*i], cur[2*i+1])
		}
		cur = next
	}
	return append(lv, cur)
}

// ErrTooManyWithdrawals reports an epoch beyond MaxWithdrawalsPerEpoch.
var ErrTooManyWithdrawals = errors.New("checkpoint: too many withdrawals in one epoch")

// WithdrawalRoot is the epoch's withdrawal_root over its leaf hashes in id
// order. Padding a level with zero hashes is the same as padding the leaves
// to 2^d, which is how the contract's path check sees it.
func WithdrawalRoot(leaves [][32]byte) ([32]byte, error) {
	if len(leaves) == 0 {
		return [32]byte{}, nil
	}
	if len(leaves) > MaxWithdrawalsPerEpoch {
		return [32]byte{}, ErrTooManyWithdrawals
	}
	lv := levels(leaves)
	return lv[len(lv)-1][0], nil
}

// WithdrawalPath is leaf i's siblings from the bottom up.
func WithdrawalPath(leaves [][32]byte, i int) ([][32]byte, error) {
	if i < 0 || i >= len(leaves) {
		return nil, fmt.Errorf("checkpoint: leaf %d of %d", i, len(leaves))
	}
	if len(leaves) > MaxWithdrawalsPerEpoch {
		return nil, ErrTooManyWithdrawals
	}
	lv := levels(leaves)
	path := make([][32]byte, 0, len(lv)-1)
	for k := 0; k < len(lv)-1; k++ {
		path = append(path, lv[k][i^1])
		i >>= 1
	}
	return path, nil
}

// VerifyWithdrawalPath recomputes the root from a leaf, its index and path:
// the contract's check, in Go.
func VerifyWithdrawalPath(root, leaf [32]byte, index uint64, path [][32]byte) bool {
	// A zero leaf is a pad, never a withdrawal: the contract derives the
	// leaf hash from a leaf cell, which cannot hash to zero.
	if leaf == ([32]byte{}) || len(path) > MaxWithdrawalDepth || index>>uint(len(path)) != 0 {
		return false
	}
	h := leaf
	for _, sib := range path {
		if index&1 == 0 {
			h = hashNode(h, sib)
		} else {
			h = hashNode(sib, h)
		}
		index >>= 1
	}
	return h == root
}

// ParseWithdrawalBOC reads a leaf from untrusted BOC bytes (a claim someone
// hands the relayer or pingod).
func ParseWithdrawalBOC(boc []byte) (Withdrawal, error) {
	c, err := fromBOC(boc)
	if err != nil {
		return Withdrawal{}, err
	}
	return ParseWithdrawal(c)
}
