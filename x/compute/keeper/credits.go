package keeper

import (
	"encoding/binary"
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/types"
	nftkeeper "github.com/pingo-chain/pingo/x/nft/keeper"
	nft "github.com/pingo-chain/pingo/x/nft/types"
)

// Contributor credits are applied once per contributor per block.
//
// A PASS pays up to max_shares contributors, and each credit used to read
// and rewrite the contributor's account, NFT and receipt-list page in the
// tx — with 16 contributors the largest part of a settlement. settle now
// stages each share (amount, units, epoch, receipt id) beside the tx's
// writes (store.Cache.Side: merged with them when the tx succeeds, dropped
// with them when it fails), and EndBlock applies the block's credits in
// the order the contributors were first credited in it: one balance
// write, one NFT write and the page appends per contributor.
//
// What a client sees: a contributor's balance, NFT and receipt list
// change at the end of the block of the PASS (the contributor_paid events
// stay on the Reveal tx, with the amounts); an NFT minted by a credit is
// announced by an nft_mint event among the block's end events. A tx later
// in the same block does not see the credit yet (as with fees, which
// reach the pool at the block's end).

// creditsSide names the staged credits in the overlay.
const creditsSide = "compute/credits"

// sideStore is the overlay's typed side values (store.Cache).
type sideStore interface {
	Side(name string, mk func() merger) merger
	TakeSide(name string) merger
}

// merger is store.Merger (x/ packages do not import the app's store).
type merger = interface{ MergeFrom(src any) }

// credits are staged contributor credits in first-credit order. index
// finds a contributor's entry once there are more than a tx's worth.
type credits struct {
	entries []pendingCredit
	index   map[auth.Address]int
}

type pendingCredit struct {
	contributor auth.Address
	amount      uint256.Int
	units       uint64
	firstEpoch  uint64 // epoch of the first credited receipt
	lastEpoch   uint64 // highest epoch credited
	receipts    []uint64
}

func newCredits() merger { return &credits{} }

// linearMax is the entry count up to which a lookup scans (a tx's shares).
const linearMax = 64

func (c *credits) find(a auth.Address) int {
	if c.index != nil {
		if i, ok := c.index[a]; ok {
			return i
		}
		return -1
	}
	for i := range c.entries {
		if c.entries[i].contributor == a {
			return i
		}
	}
	return -1
}

// add stages one credit (or a merged run of them).
func (c *credits) add(a auth.Address, amount *uint256.Int, units, firstEpoch, lastEpoch uint64, receipts ...uint64) {
	i := c.find(a)
	if i < 0 {
		c.entries = append(c.entries, pendingCredit{contributor: a, amount: *amount, units: units,
			firstEpoch: firstEpoch, lastEpoch: lastEpoch, receipts: append([]uint64(nil), receipts...)})
		if c.index != nil {
			c.index[a] = len(c.entries) - 1
		} else if len(c.entries) > linearMax {
			c.index = make(map[auth.Address]int, 2*len(c.entries))
			for j := range c.entries {
				c.index[c.entries[j].contributor] = j
			}
		}
		return
	}
	e := &c.entries[i]
	// Every staged amount left a job's escrow: their sum is below the
	// supply, far from 2^256.
	e.amount.Add(&e.amount, amount)
	e.units += units
	e.lastEpoch = max(e.lastEpoch, lastEpoch)
	e.receipts = append(e.receipts, receipts...)
}

// MergeFrom appends a written tx's credits after the block's.
func (c *credits) MergeFrom(src any) {
	s := src.(*credits)
	for i := range s.entries {
		e := &s.entries[i]
		c.add(e.contributor, &e.amount, e.units, e.firstEpoch, e.lastEpoch, e.receipts...)
	}
}

// stageCredit records share s of receipt r for the block's end — or, on
// a store without side values (keeper tests on a plain map), applies it
// at once, with the same code.
func stageCredit(kv KV, np *nft.Params, s *types.ReceiptShare, r *types.Receipt) (*Event, error) {
	if ss, ok := kv.(sideStore); ok {
		ss.Side(creditsSide, newCredits).(*credits).add(s.Contributor, &s.Paid, s.Units, r.Epoch, r.Epoch, r.ID)
		return nil, nil
	}
	var one credits
	one.add(s.Contributor, &s.Paid, s.Units, r.Epoch, r.Epoch, r.ID)
	evs, err := applyCredits(kv, np, &one)
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	return &evs[0], nil
}

// ApplyStagedCredits applies the credits the block's txs staged (EndBlock,
// first): per contributor in first-credit order, its balance, its NFT
// (minted on its first credit) and its receipt list.
func ApplyStagedCredits(kv KV) ([]Event, error) {
	ss, ok := kv.(sideStore)
	if !ok {
		return nil, nil
	}
	v := ss.TakeSide(creditsSide)
	if v == nil {
		return nil, nil
	}
	np, err := nftkeeper.GetParams(kv)
	if err != nil {
		return nil, err
	}
	return applyCredits(kv, &np, v.(*credits))
}

func applyCredits(kv KV, np *nft.Params, c *credits) ([]Event, error) {
	var evs []Event
	for i := range c.entries {
		e := &c.entries[i]
		if err := credit(kv, e.contributor, &e.amount); err != nil {
			return nil, err
		}
		n := uint64(len(e.receipts))
		count, ev, err := nftkeeper.CreditBlock(kv, np, e.contributor, e.units, e.firstEpoch, e.lastEpoch, n)
		if err != nil {
			return nil, err
		}
		// The NFT's receipt count is this list's length: no head record.
		if err := appendPages(kv, types.ListReceiptsByContrib, types.AddrSubject(e.contributor), count-n, e.receipts); err != nil {
			return nil, err
		}
		if ev != nil {
			evs = append(evs, *ev)
		}
	}
	return evs, nil
}

// appendPages writes ids as entries first, first+1, … of list (kind,
// subject) whose length another record keeps: one append per page.
func appendPages(kv KV, kind byte, subject []byte, first uint64, ids []uint64) error {
	var buf [8 * types.ListPageSize]byte
	for len(ids) > 0 {
		off := first % types.ListPageSize
		n := min(uint64(len(ids)), types.ListPageSize-off)
		for i := uint64(0); i < n; i++ {
			binary.BigEndian.PutUint64(buf[8*i:], ids[i])
		}
		page := types.ListPageKey(kind, subject, uint32(first/types.ListPageSize))
		ok, err := appendBytes(kv, page, buf[:8*n], int(8*off), 8*types.ListPageSize)
		if err != nil {
			return err
		}
		if !ok {
			return bankkeeper.Corrupt(page, errLen)
		}
		first += n
		ids = ids[n:]
	}
	return nil
}
