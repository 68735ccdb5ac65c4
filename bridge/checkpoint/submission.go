package checkpoint

import (
	"fmt"

	"github.com/xssnick/tonutils-go/tvm/cell"
)

// Submission is a parsed submit_checkpoint body. Validators confirming an
// anchoring read it back from the anchor's inbound message in their own
// TON view; a relayer reads its journal with it.
type Submission struct {
	QueryID    uint64
	Checkpoint Checkpoint
	Signatures []Signature
	NewSet     []Validator // nil unless the checkpoint rotates the set
}

const (
	submitRootBits = 32 + 64 + 1 // op, query_id, new_valset's Maybe bit
	sigNodeBits    = 16 + 512 + 1
)

// ParseSubmitBody parses a body under the same rules SubmitBody builds by:
// exact layout, 1..MaxValidators signatures in strictly ascending index, a
// canonical new set present exactly when the checkpoint rotates and hashing
// to next_valset_hash. Whatever it accepts, SubmitBody rebuilds to the same
// cell. Signatures are not verified (that needs the set on TON).
func ParseSubmitBody(c *cell.Cell) (Submission, error) {
	var sub Submission
	if c == nil || c.GetType() != cell.OrdinaryCellType || c.BitsSize() != submitRootBits {
		return sub, fmt.Errorf("%w: submit body is not %d bits", ErrMalformed, submitRootBits)
	}
	s := c.BeginParse()
	if op := s.MustLoadUInt(32); op != OpSubmitCheckpoint {
		return sub, fmt.Errorf("%w: opcode %#08x", ErrMalformed, op)
	}
	sub.QueryID = s.MustLoadUInt(64)
	hasSet := s.MustLoadBoolBit()
	wantRefs := uint(2)
	if hasSet {
		wantRefs = 3
	}
	if c.RefsNum() != wantRefs {
		return sub, fmt.Errorf("%w: submit body has %d refs, want %d", ErrMalformed, c.RefsNum(), wantRefs)
	}
	cpCell, sigCell := c.MustPeekRef(0), c.MustPeekRef(1)
	var err error
	if sub.Checkpoint, err = Parse(cpCell); err != nil {
		return sub, err
	}
	if sub.Signatures, err = parseSignatureChain(sigCell); err != nil {
		return sub, err
	}
	if hasSet != sub.Checkpoint.Rotates() {
		return sub, fmt.Errorf("%w: new set present=%v but rotates=%v", ErrBadMessage, hasSet, sub.Checkpoint.Rotates())
	}
	if hasSet {
		setCell := c.MustPeekRef(2)
		if sub.NewSet, err = ParseValset(setCell); err != nil {
			return sub, err
		}
		var h [32]byte
		copy(h[:], setCell.Hash())
		if h != sub.Checkpoint.NextValsetHash {
			return sub, fmt.Errorf("%w: new set does not hash to next_valset_hash", ErrBadMessage)
		}
	}
	// Canonical: the parsed values rebuild to this very cell.
	again, err := SubmitBody(sub.QueryID, sub.Checkpoint, sub.Signatures, sub.NewSet)
	if err != nil {
		return Submission{}, err
	}
	if string(again.Hash()) != string(c.Hash()) {
		return Submission{}, fmt.Errorf("%w: body does not hash as its fields rebuild", ErrMalformed)
	}
	return sub, nil
}

// parseSignatureChain walks at most MaxValidators SigNode cells.
func parseSignatureChain(c *cell.Cell) ([]Signature, error) {
	var out []Signature
	for node := c; node != nil; {
		if len(out) == MaxValidators {
			return nil, fmt.Errorf("%w: more than %d signatures", ErrBadMessage, MaxValidators)
		}
		if node.GetType() != cell.OrdinaryCellType || node.BitsSize() != sigNodeBits {
			return nil, fmt.Errorf("%w: signature cell of %d bits", ErrMalformed, node.BitsSize())
		}
		s := node.BeginParse()
		var sig Signature
		sig.Index = uint16(s.MustLoadUInt(16))
		copy(sig.Sig[:], s.MustLoadSlice(512))
		hasNext := s.MustLoadBoolBit()
		wantRefs := uint(0)
		if hasNext {
			wantRefs = 1
		}
		if node.RefsNum() != wantRefs {
			return nil, fmt.Errorf("%w: signature cell has %d refs, want %d", ErrMalformed, node.RefsNum(), wantRefs)
		}
		if n := len(out); n > 0 && sig.Index <= out[n-1].Index {
			return nil, fmt.Errorf("%w: signer %d after %d", ErrBadMessage, sig.Index, out[n-1].Index)
		}
		out = append(out, sig)
		node = nil
		if hasNext {
			node = s.MustLoadRef().MustToCell()
		}
	}
	return out, nil
}

// ParseSubmitBOC parses untrusted bytes holding a submit_checkpoint body.
// It never panics, whatever the input.
func ParseSubmitBOC(boc []byte) (sub Submission, err error) {
	c, err := fromBOC(boc)
	if err != nil {
		return sub, err
	}
	defer func() {
		if r := recover(); r != nil {
			sub, err = Submission{}, fmt.Errorf("%w: %v", ErrMalformed, r)
		}
	}()
	return ParseSubmitBody(c)
}
