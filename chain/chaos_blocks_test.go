package chain_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pingo-chain/pingo/chain/client"
)

// blockTx is one tx as the blocks themselves record it: its height and
// position, its result code and, from its "auth" event, the sender and
// nonce (empty sender: the proposer's vote-extension tx, which has none).
type blockTx struct {
	height int64
	index  int
	code   uint32
	sender string // lower-case 0x hex
	nonce  uint64
}

// blockTxs reads every tx of heights 1..top from one node, /block for the
// bytes (the hash) and /block_results for the result. The chaos checks
// count committed txs this way and never through CometBFT's tx index
// (/tx, tx_search): the index is written asynchronously after a block is
// committed, so a SIGKILL between the two loses that block's entries for
// good (nothing backfills them on restart), and a check built on it fails
// a run in which the chain lost nothing. It returns the txs by hash and
// the hashes in block order.
func blockTxs(ctx context.Context, c *client.Client, top int64) (map[string]blockTx, []string, error) {
	byHash := map[string]blockTx{}
	var order []string
	for h := int64(1); h <= top; h++ {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		b, err := c.RPC().Block(cctx, &h)
		if err != nil {
			cancel()
			return nil, nil, fmt.Errorf("block %d: %w", h, err)
		}
		if len(b.Block.Txs) == 0 {
			cancel()
			continue
		}
		br, err := c.RPC().BlockResults(cctx, &h)
		cancel()
		if err != nil {
			return nil, nil, fmt.Errorf("block_results %d: %w", h, err)
		}
		if len(br.TxsResults) != len(b.Block.Txs) {
			return nil, nil, fmt.Errorf("height %d: %d txs but %d results", h, len(b.Block.Txs), len(br.TxsResults))
		}
		for i, tx := range b.Block.Txs {
			res := br.TxsResults[i]
			x := blockTx{height: h, index: i, code: res.Code}
			for _, ev := range res.Events {
				if ev.Type != "auth" {
					continue
				}
				for _, a := range ev.Attributes {
					switch a.Key {
					case "sender":
						x.sender = strings.ToLower(a.Value)
					case "nonce":
						if x.nonce, err = strconv.ParseUint(a.Value, 10, 64); err != nil {
							return nil, nil, fmt.Errorf("height %d tx %d: nonce %q", h, i, a.Value)
						}
					}
				}
			}
			hash := hex.EncodeToString(tx.Hash())
			if _, dup := byHash[hash]; dup {
				return nil, nil, fmt.Errorf("tx %s is in two blocks (the second at %d)", hash, h)
			}
			byHash[hash] = x
			order = append(order, hash)
		}
	}
	return byHash, order, nil
}

// indexMisses counts the hashes node c's tx index cannot find: a figure
// (what a tx_search-based check would have called lost), never a verdict.
func indexMisses(ctx context.Context, c *client.Client, hashes []string) int {
	miss := 0
	for _, hash := range hashes {
		h, _ := hex.DecodeString(hash)
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := c.RPC().Tx(cctx, h, false)
		cancel()
		if err != nil {
			miss++
		}
	}
	return miss
}
