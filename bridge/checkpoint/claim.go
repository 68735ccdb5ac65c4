package checkpoint

// The claim_withdrawal message (issue #7): anyone shows the anchor a
// withdrawal leaf and its Merkle path against an anchored epoch's
// withdrawal_root, and the anchor pays the leaf's amount once from its
// jetton wallet. Layout (bridge/contracts/README.md "Claims"):
//
//	claim_withdrawal#3da36280 query_id:uint64 epoch:uint64 index:uint16 depth:uint8
//	    leaf:^Withdrawal path:(depth > 0 ? ^PathNode) = InMsgBody;
//	path_node$_ siblings:(min(3, left) * bits256) next:(left > 3 ? ^PathNode) = PathNode;
//
// Root: 184 bits, refs [leaf] when depth = 0, [leaf, path] otherwise. Each
// path cell holds the next up-to-3 siblings, bottom (the leaf's sibling)
// first; "left" is the number of siblings not yet read, so the shape of the
// chain follows from depth alone and nothing else can vary: at
// MaxWithdrawalDepth = 16 that is 6 cells (3+3+3+3+3+1). No Maybe bits.

import (
	"fmt"

	"github.com/xssnick/tonutils-go/tvm/cell"
)

// OpClaimWithdrawal is sha256("pingo:claim_withdrawal")[0:4], reserved by the
// anchor since issue #6.
const OpClaimWithdrawal = 0x3da36280

const (
	claimRootBits   = 32 + 64 + 64 + 16 + 8
	siblingsPerCell = 3
)

// Claim is a parsed claim_withdrawal body.
type Claim struct {
	QueryID    uint64
	Epoch      uint64 // equals Withdrawal.Epoch (the contract checks it)
	Index      uint16 // the leaf's position in its epoch's tree
	Path       [][32]byte
	Withdrawal Withdrawal
}

// ClaimBody builds the claim for leaf w at index with its path from
// WithdrawalPath. The epoch claimed is the leaf's own. It refuses what the
// contract would refuse for shape alone (invalid leaf, depth above
// MaxWithdrawalDepth, index not below 2^depth); whether the path reaches an
// anchored root is the contract's to judge.
func ClaimBody(queryID uint64, w Withdrawal, index uint64, path [][32]byte) (*cell.Cell, error) {
	leaf, err := w.Cell()
	if err != nil {
		return nil, err
	}
	if len(path) > MaxWithdrawalDepth {
		return nil, fmt.Errorf("%w: path of %d siblings (max %d)", ErrBadMessage, len(path), MaxWithdrawalDepth)
	}
	if index>>uint(len(path)) != 0 {
		return nil, fmt.Errorf("%w: index %d does not fit a tree of depth %d", ErrBadMessage, index, len(path))
	}
	return rawClaimBody(queryID, w.Epoch, uint16(index), leaf, path), nil
}

// rawClaimBody lays out a body without checks (tests build bad ones: wrong
// epoch, wrong path).
func rawClaimBody(queryID, epoch uint64, index uint16, leaf *cell.Cell, path [][32]byte) *cell.Cell {
	b := cell.BeginCell().
		MustStoreUInt(OpClaimWithdrawal, 32).
		MustStoreUInt(queryID, 64).
		MustStoreUInt(epoch, 64).
		MustStoreUInt(uint64(index), 16).
		MustStoreUInt(uint64(len(path)), 8).
		MustStoreRef(leaf)
	if p := pathChain(path); p != nil {
		b.MustStoreRef(p)
	}
	return b.EndCell()
}

// pathChain packs siblings 3 to a cell, first sibling in the outermost cell.
func pathChain(path [][32]byte) *cell.Cell {
	var next *cell.Cell
	for start := (len(path) - 1) / siblingsPerCell * siblingsPerCell; start >= 0 && len(path) > 0; start -= siblingsPerCell {
		b := cell.BeginCell()
		for i := start; i < start+siblingsPerCell && i < len(path); i++ {
			b.MustStoreSlice(path[i][:], 256)
		}
		if next != nil {
			b.MustStoreRef(next)
		}
		next = b.EndCell()
	}
	return next
}

// ParseClaimBody reads a claim strictly: exact layout, a canonical leaf
// (ParseWithdrawal) whose epoch is the claimed one, depth ≤
// MaxWithdrawalDepth, index < 2^depth, the path chain shaped by depth. What
// it accepts, ClaimBody rebuilds to the identical cell. The path is not
// verified (that needs the anchored root).
func ParseClaimBody(c *cell.Cell) (Claim, error) {
	var cl Claim
	if c == nil || c.GetType() != cell.OrdinaryCellType || c.BitsSize() != claimRootBits {
		return cl, fmt.Errorf("%w: claim body is not %d bits", ErrMalformed, claimRootBits)
	}
	s := c.BeginParse()
	if op := s.MustLoadUInt(32); op != OpClaimWithdrawal {
		return cl, fmt.Errorf("%w: opcode %#08x", ErrMalformed, op)
	}
	cl.QueryID = s.MustLoadUInt(64)
	cl.Epoch = s.MustLoadUInt(64)
	cl.Index = uint16(s.MustLoadUInt(16))
	depth := int(s.MustLoadUInt(8))
	if depth > MaxWithdrawalDepth {
		return Claim{}, fmt.Errorf("%w: depth %d (max %d)", ErrMalformed, depth, MaxWithdrawalDepth)
	}
	if uint64(cl.Index)>>uint(depth) != 0 {
		return Claim{}, fmt.Errorf("%w: index %d at depth %d", ErrMalformed, cl.Index, depth)
	}
	wantRefs := uint(1)
	if depth > 0 {
		wantRefs = 2
	}
	if c.RefsNum() != wantRefs {
		return Claim{}, fmt.Errorf("%w: claim body has %d refs, want %d", ErrMalformed, c.RefsNum(), wantRefs)
	}
	w, err := ParseWithdrawal(c.MustPeekRef(0))
	if err != nil {
		return Claim{}, err
	}
	if w.Epoch != cl.Epoch {
		return Claim{}, fmt.Errorf("%w: leaf of epoch %d claimed for epoch %d", ErrBadMessage, w.Epoch, cl.Epoch)
	}
	cl.Withdrawal = w
	if depth > 0 {
		if cl.Path, err = parsePathChain(c.MustPeekRef(1), depth); err != nil {
			return Claim{}, err
		}
	}
	again, err := ClaimBody(cl.QueryID, cl.Withdrawal, uint64(cl.Index), cl.Path)
	if err != nil {
		return Claim{}, err
	}
	if string(again.Hash()) != string(c.Hash()) {
		return Claim{}, fmt.Errorf("%w: claim does not hash as its fields rebuild", ErrMalformed)
	}
	return cl, nil
}

// parsePathChain reads exactly depth siblings; depth ≤ 16 bounds the walk.
func parsePathChain(c *cell.Cell, depth int) ([][32]byte, error) {
	path := make([][32]byte, 0, depth)
	for node := c; ; {
		left := depth - len(path)
		n := min(left, siblingsPerCell)
		wantRefs := uint(0)
		if left > siblingsPerCell {
			wantRefs = 1
		}
		if node.GetType() != cell.OrdinaryCellType || node.BitsSize() != uint(256*n) || node.RefsNum() != wantRefs {
			return nil, fmt.Errorf("%w: path cell of %d bits, %d refs (want %d, %d)", ErrMalformed, node.BitsSize(), node.RefsNum(), 256*n, wantRefs)
		}
		s := node.BeginParse()
		for i := 0; i < n; i++ {
			var h [32]byte
			copy(h[:], s.MustLoadSlice(256))
			path = append(path, h)
		}
		if wantRefs == 0 {
			return path, nil
		}
		node = node.MustPeekRef(0)
	}
}

// ParseClaimBOC parses untrusted bytes holding a claim body (pingod and the
// relayer accept claims from users). It never panics.
func ParseClaimBOC(boc []byte) (cl Claim, err error) {
	c, err := fromBOC(boc)
	if err != nil {
		return cl, err
	}
	defer func() {
		if r := recover(); r != nil {
			cl, err = Claim{}, fmt.Errorf("%w: %v", ErrMalformed, r)
		}
	}()
	return ParseClaimBody(c)
}
