package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/cosmos/iavl"
)

// The snapshot stream (format 1) is IAVL's export order, one record per node:
//
//	uvarint(len(key)) key  uvarint(len(value)+1) value  uvarint(version)  byte(height)
//
// A value length field of 0 marks an inner node (no value). Records never
// depend on chunk boundaries; chunks are plain slices of the stream.

// maxRecordField bounds a key or value in a snapshot record; real ones are
// tiny, so anything larger is a corrupt or hostile stream.
const maxRecordField = 1 << 20

// ExportTo streams version v of the tree to w. It reads through a second,
// read-only IAVL instance on the same database, with its own node cache, so
// a long export shares no node objects with the working tree and needs no
// lock that would stall block execution.
func (t *Tree) ExportTo(v int64, w io.Writer) (nodes int, err error) {
	reader := iavl.NewMutableTree(t.db, 10_000, true, iavl.NewNopLogger())
	imm, err := reader.GetImmutable(v)
	if err != nil {
		return 0, fmt.Errorf("export version %d: %w", v, err)
	}
	exp, err := imm.Export()
	if err != nil {
		return 0, err
	}
	defer exp.Close()
	var buf []byte
	for {
		n, err := exp.Next()
		if errors.Is(err, iavl.ErrorExportDone) {
			return nodes, nil
		}
		if err != nil {
			return nodes, err
		}
		buf = appendRecord(buf[:0], n)
		if _, err := w.Write(buf); err != nil {
			return nodes, err
		}
		nodes++
	}
}

func appendRecord(b []byte, n *iavl.ExportNode) []byte {
	b = binary.AppendUvarint(b, uint64(len(n.Key)))
	b = append(b, n.Key...)
	if n.Value == nil {
		b = binary.AppendUvarint(b, 0)
	} else {
		b = binary.AppendUvarint(b, uint64(len(n.Value))+1)
		b = append(b, n.Value...)
	}
	b = binary.AppendUvarint(b, uint64(n.Version))
	return append(b, byte(n.Height))
}

// ErrIncomplete means the buffer ends inside a record: feed more bytes.
var ErrIncomplete = errors.New("snapshot record incomplete")

// decodeRecord parses one record from b and returns it and its length.
func decodeRecord(b []byte) (*iavl.ExportNode, int, error) {
	off := 0
	field := func(allowNil bool) ([]byte, bool, error) {
		l, n := uvarint(b[off:])
		if n == 0 {
			return nil, false, ErrIncomplete
		}
		if n < 0 || l > maxRecordField+1 {
			return nil, false, fmt.Errorf("snapshot: bad field length")
		}
		off += n
		if allowNil {
			if l == 0 {
				return nil, true, nil
			}
			l--
		}
		if uint64(len(b)-off) < l {
			return nil, false, ErrIncomplete
		}
		v := append([]byte{}, b[off:off+int(l)]...)
		off += int(l)
		return v, false, nil
	}
	key, _, err := field(false)
	if err != nil {
		return nil, 0, err
	}
	val, isNil, err := field(true)
	if err != nil {
		return nil, 0, err
	}
	if isNil {
		val = nil
	}
	ver, n := uvarint(b[off:])
	if n == 0 {
		return nil, 0, ErrIncomplete
	}
	if n < 0 || ver > 1<<62 {
		return nil, 0, fmt.Errorf("snapshot: bad version")
	}
	off += n
	if off >= len(b) {
		return nil, 0, ErrIncomplete
	}
	h := int8(b[off])
	off++
	return &iavl.ExportNode{Key: key, Value: val, Version: int64(ver), Height: h}, off, nil
}

// uvarint is binary.Uvarint that also refuses non-minimal encodings (n < 0),
// so each record has exactly one encoding.
func uvarint(b []byte) (uint64, int) {
	v, n := binary.Uvarint(b)
	if n > 0 && n != len(binary.AppendUvarint(nil, v)) {
		return 0, -1
	}
	return v, n
}

// Importer rebuilds an empty tree from a snapshot stream fed in pieces.
type Importer struct {
	t       *Tree
	imp     *iavl.Importer
	pending []byte
	version int64
}

// NewImporter starts importing version v into the tree, which must be empty.
func (t *Tree) NewImporter(v int64) (*Importer, error) {
	if t.tree.Version() != 0 {
		return nil, fmt.Errorf("import: tree already has version %d", t.tree.Version())
	}
	imp, err := t.tree.Import(v)
	if err != nil {
		return nil, err
	}
	return &Importer{t: t, imp: imp, version: v}, nil
}

// Write feeds the next slice of the stream.
func (im *Importer) Write(p []byte) error {
	im.pending = append(im.pending, p...)
	for len(im.pending) > 0 {
		n, used, err := decodeRecord(im.pending)
		if errors.Is(err, ErrIncomplete) {
			break
		}
		if err != nil {
			return err
		}
		if err := im.imp.Add(n); err != nil {
			return fmt.Errorf("import node: %w", err)
		}
		im.pending = im.pending[used:]
	}
	// Compact so a long restore does not keep every chunk reachable.
	im.pending = append([]byte(nil), im.pending...)
	return nil
}

// Commit finishes the import and loads the restored version; the stream
// must have ended on a record boundary.
func (im *Importer) Commit() error {
	if len(im.pending) != 0 {
		return fmt.Errorf("import: %d trailing bytes", len(im.pending))
	}
	if err := im.imp.Commit(); err != nil {
		return err
	}
	im.imp.Close()
	if _, err := im.t.tree.LoadVersion(im.version); err != nil {
		return err
	}
	return im.t.markCommitted(im.version)
}

// Close abandons an unfinished import.
func (im *Importer) Close() { im.imp.Close() }
