package keeper

import (
	"sync"

	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// nodeHex is op.Hex() (EIP-55 checksummed), remembered per operator: the
// attest and reveal events name the node, and the checksum's keccak over
// the hex text was ~2% of an attest or reveal block's labelled CPU
// (profiled, h20).
// Operators are few (max_nodes) and recur in every block; the memo is
// bounded anyway, and past the bound addresses are formatted each time.
// Only a cache: the text is the same either way, so events and state do
// not depend on what it holds.
func nodeHex(op auth.Address) string {
	nodeHexMu.RLock()
	s, ok := nodeHexMemo[op]
	nodeHexMu.RUnlock()
	if ok {
		return s
	}
	s = op.Hex()
	nodeHexMu.Lock()
	if len(nodeHexMemo) < nodeHexMax {
		nodeHexMemo[op] = s
	}
	nodeHexMu.Unlock()
	return s
}

const nodeHexMax = 4096

var (
	nodeHexMu   sync.RWMutex
	nodeHexMemo = make(map[auth.Address]string)
)
