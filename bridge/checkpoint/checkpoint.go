// Package checkpoint encodes PinGo checkpoints as TON cells, exactly as the
// anchor contract (bridge/contracts) reads them: the checkpoint cell whose
// hash validators sign, the validator set whose hash the contract stores,
// and the submit_checkpoint message a relayer sends. Layouts are specified
// in bridge/contracts/README.md and docs/protocol.md ("Checkpoints on TON");
// shared vectors in testdata/ keep this package and the contract in step.
package checkpoint

import (
	"errors"
	"fmt"

	"github.com/xssnick/tonutils-go/tvm/cell"
)

// Tag is the checkpoint cell's 32-bit prefix, sha256("pingo:checkpoint:v1")[0:4].
// It separates the checkpoint digest from anything else the validators'
// ed25519 keys sign.
const Tag = 0x03fae044

// Root cell: tag(32) chain_id(64) epoch(64) height(64) valset_hash(256)
// next_valset_hash(256) withdrawal_root(256) = 992 bits, one ref (the tail,
// app_hash(256)). app_hash is the one field the contract never reads, so it
// lives in the ref the contract never loads.
const (
	rootBits = 32 + 3*64 + 3*256
	tailBits = 256
)

// Checkpoint is what the validators sign at the end of each epoch.
type Checkpoint struct {
	ChainID        uint64
	Epoch          uint64
	Height         uint64
	AppHash        [32]byte
	ValsetHash     [32]byte
	NextValsetHash [32]byte
	WithdrawalRoot [32]byte
}

// Rotates reports whether the checkpoint hands over to another validator set
// (the submit message must then carry that set).
func (c Checkpoint) Rotates() bool { return c.NextValsetHash != c.ValsetHash }

// Cell builds the checkpoint cell. Every field is fixed-width, so it cannot fail.
func (c Checkpoint) Cell() *cell.Cell {
	tail := cell.BeginCell().MustStoreSlice(c.AppHash[:], 256).EndCell()
	return cell.BeginCell().
		MustStoreUInt(Tag, 32).
		MustStoreUInt(c.ChainID, 64).
		MustStoreUInt(c.Epoch, 64).
		MustStoreUInt(c.Height, 64).
		MustStoreSlice(c.ValsetHash[:], 256).
		MustStoreSlice(c.NextValsetHash[:], 256).
		MustStoreSlice(c.WithdrawalRoot[:], 256).
		MustStoreRef(tail).
		EndCell()
}

// Digest is the checkpoint cell's representation hash: the 32 bytes every
// validator signs and the contract checks with CHKSIGNU.
func (c Checkpoint) Digest() [32]byte {
	var d [32]byte
	copy(d[:], c.Cell().Hash())
	return d
}

// ErrMalformed wraps every parse failure: the input is not a checkpoint cell
// of exactly the documented layout.
var ErrMalformed = errors.New("checkpoint: malformed cell")

// Parse reads a checkpoint cell strictly: ordinary cells, exact bit lengths,
// the tag, exactly one ref whose cell holds only app_hash. Anything the
// contract would read differently, or that would hash differently when
// rebuilt, is refused.
func Parse(c *cell.Cell) (Checkpoint, error) {
	var cp Checkpoint
	if c == nil {
		return cp, fmt.Errorf("%w: nil cell", ErrMalformed)
	}
	if c.GetType() != cell.OrdinaryCellType || c.BitsSize() != rootBits || c.RefsNum() != 1 {
		return cp, fmt.Errorf("%w: root has %d bits, %d refs (want %d, 1)", ErrMalformed, c.BitsSize(), c.RefsNum(), rootBits)
	}
	tail, err := c.PeekRef(0)
	if err != nil {
		return cp, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if tail.GetType() != cell.OrdinaryCellType || tail.BitsSize() != tailBits || tail.RefsNum() != 0 {
		return cp, fmt.Errorf("%w: tail has %d bits, %d refs (want %d, 0)", ErrMalformed, tail.BitsSize(), tail.RefsNum(), tailBits)
	}
	s := c.BeginParse()
	if tag := s.MustLoadUInt(32); tag != Tag {
		return cp, fmt.Errorf("%w: tag %#08x", ErrMalformed, tag)
	}
	// Bit lengths are checked above, so these loads cannot run short.
	cp.ChainID = s.MustLoadUInt(64)
	cp.Epoch = s.MustLoadUInt(64)
	cp.Height = s.MustLoadUInt(64)
	copy(cp.ValsetHash[:], s.MustLoadSlice(256))
	copy(cp.NextValsetHash[:], s.MustLoadSlice(256))
	copy(cp.WithdrawalRoot[:], s.MustLoadSlice(256))
	copy(cp.AppHash[:], tail.BeginParse().MustLoadSlice(256))
	// The fields must be the whole story: a cell that reads the same but
	// hashes differently (FuzzParseBOC found a level mask on an ordinary
	// cell, which tonutils-go keeps and hashes) would make the digest a
	// validator checks differ from the one it parsed.
	if d := cp.Digest(); string(d[:]) != string(c.Hash()) {
		return Checkpoint{}, fmt.Errorf("%w: cell does not hash as its fields rebuild", ErrMalformed)
	}
	return cp, nil
}

// ParseBOC parses untrusted bytes: a single-root BOC holding a checkpoint
// cell. It never panics, whatever the input.
func ParseBOC(boc []byte) (cp Checkpoint, err error) {
	c, err := fromBOC(boc)
	if err != nil {
		return cp, err
	}
	return Parse(c)
}

// maxBOCBytes and maxBOCCells bound what fromBOC will decode; a checkpoint
// BOC is ~200 bytes and 2 cells, a submit message at MaxValidators
// signatures ~20 KiB and ~800 cells.
const (
	maxBOCBytes = 64 << 10
	maxBOCCells = 4096
)

// checkBOCHeader validates the serialized_boc header (TL-B in TON's
// crypto/tl/boc.tlb) before tonutils-go sees it: its decoder allocates by
// the header's counts (found by FuzzParseBOC: a 5-byte root count asked for
// tens of GiB). One root, no absent cells, sizes within the input.
func checkBOCHeader(b []byte) error {
	if len(b) < 6 || b[0] != 0xb5 || b[1] != 0xee || b[2] != 0x9c || b[3] != 0x72 {
		return fmt.Errorf("%w: not a BOC", ErrMalformed)
	}
	size, offBytes := int(b[4]&7), int(b[5])
	if b[4]&0x18 != 0 || size < 1 || size > 4 || offBytes < 1 || offBytes > 8 {
		return fmt.Errorf("%w: BOC header flags %#02x, offset bytes %d", ErrMalformed, b[4], offBytes)
	}
	p := 6
	read := func(n int) (uint64, bool) {
		if len(b)-p < n {
			return 0, false
		}
		var v uint64
		for _, c := range b[p : p+n] {
			v = v<<8 | uint64(c)
		}
		p += n
		return v, true
	}
	cells, ok1 := read(size)
	roots, ok2 := read(size)
	absent, ok3 := read(size)
	total, ok4 := read(offBytes)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return fmt.Errorf("%w: BOC header truncated", ErrMalformed)
	}
	if roots != 1 || absent != 0 || cells < 1 || cells > maxBOCCells || total > uint64(len(b)) {
		return fmt.Errorf("%w: BOC of %d cells, %d roots, %d absent, %d data bytes", ErrMalformed, cells, roots, absent, total)
	}
	return nil
}

// DecodeBOC decodes a single-root BOC from untrusted bytes with the guards
// ParseBOC uses (size and cell-count bounds checked on the header before
// tonutils-go allocates, its panics turned into ErrMalformed), for callers
// that read other cells than checkpoints (bridge/tonlocal's sendMessage).
func DecodeBOC(boc []byte) (*cell.Cell, error) { return fromBOC(boc) }

// fromBOC decodes a single-root BOC. tonutils-go's decoder assumes
// well-formed input in places (it panics on some truncations), so a panic
// is turned into ErrMalformed here rather than trusted not to happen.
func fromBOC(boc []byte) (c *cell.Cell, err error) {
	if len(boc) > maxBOCBytes {
		return nil, fmt.Errorf("%w: BOC of %d bytes", ErrMalformed, len(boc))
	}
	if err := checkBOCHeader(boc); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("%w: BOC: %v", ErrMalformed, r)
		}
	}()
	roots, err := cell.FromBOCMultiRoot(boc)
	if err != nil {
		return nil, fmt.Errorf("%w: BOC: %v", ErrMalformed, err)
	}
	if len(roots) != 1 {
		return nil, fmt.Errorf("%w: BOC has %d roots", ErrMalformed, len(roots))
	}
	return roots[0], nil
}
