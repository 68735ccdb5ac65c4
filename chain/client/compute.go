package client

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
)

// Send signs msg from key with the chain's next nonce, broadcasts it and
// waits for its block; it returns the tx hash and height. A refused or
// failed tx is a *TxError with its stable code.
func (c *Client) Send(ctx context.Context, key *ecdsa.PrivateKey, msg auth.Msg, fee *uint256.Int) (string, int64, error) {
	tx, err := c.Sign(ctx, key, msg, fee, nil)
	if err != nil {
		return "", 0, err
	}
	hash, err := c.Broadcast(ctx, tx)
	if err != nil {
		return hash, 0, err
	}
	res, err := c.WaitTx(ctx, hash)
	if err != nil {
		return hash, 0, err
	}
	return hash, res.Height, nil
}

// record reads path and decodes it; found is false when the record is
// (provably, with Verify) absent.
func record[T any](ctx context.Context, c *Client, path string, height int64, dec func([]byte) (T, error)) (v T, found bool, h int64, err error) {
	r, err := c.Query(ctx, path, height)
	if err != nil {
		return v, false, 0, err
	}
	if r.Value == nil {
		return v, false, r.Height, nil
	}
	v, err = dec(r.Value)
	if err != nil {
		return v, false, r.Height, fmt.Errorf("%s: %w", path, err)
	}
	return v, true, r.Height, nil
}

// Node reads a CDN node by operator.
func (c *Client) Node(ctx context.Context, op auth.Address) (compute.Node, bool, int64, error) {
	return record(ctx, c, "/compute/node/"+op.Hex(), 0, compute.UnmarshalNode)
}

// Nodes lists every registered operator.
func (c *Client) Nodes(ctx context.Context) ([]auth.Address, int64, error) {
	r, err := c.Query(ctx, "/compute/nodes", 0)
	if err != nil {
		return nil, 0, err
	}
	if len(r.Value)%auth.AddressLen != 0 {
		return nil, r.Height, fmt.Errorf("node list: %d bytes", len(r.Value))
	}
	out := make([]auth.Address, len(r.Value)/auth.AddressLen)
	for i := range out {
		copy(out[i][:], r.Value[i*auth.AddressLen:])
	}
	return out, r.Height, nil
}

// Job reads a job (its escrow balance included).
func (c *Client) Job(ctx context.Context, id uint64) (compute.Job, bool, int64, error) {
	return record(ctx, c, "/compute/job/"+strconv.FormatUint(id, 10), 0, compute.UnmarshalJob)
}

// Receipt reads a receipt.
func (c *Client) Receipt(ctx context.Context, id uint64) (compute.Receipt, bool, int64, error) {
	return record(ctx, c, "/compute/receipt/"+strconv.FormatUint(id, 10), 0, compute.UnmarshalReceipt)
}

// NFT reads a contributor NFT.
func (c *Client) NFT(ctx context.Context, id uint64) (nft.NFT, bool, int64, error) {
	return record(ctx, c, "/nft/nft/"+strconv.FormatUint(id, 10), 0, nft.UnmarshalNFT)
}

// NFTOfContributor returns the id of the NFT recording a contributor's
// work (0 if it has none).
func (c *Client) NFTOfContributor(ctx context.Context, a auth.Address) (uint64, error) {
	ids, _, err := c.ids(ctx, "/nft/contributor/"+a.Hex(), 0)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// NFTsByOwner lists the NFT ids an account holds.
func (c *Client) NFTsByOwner(ctx context.Context, owner auth.Address) ([]uint64, error) {
	ids, _, err := c.ids(ctx, "/nft/owner/"+owner.Hex(), 0)
	return ids, err
}

// JobsByState lists the jobs in a state: "open" or "assigned" (the live
// sets, ascending ids), or "done", "expired" or "cancelled" (the jobs that
// entered that end state, in order; an expired job later cancelled is on
// both of those lists).
func (c *Client) JobsByState(ctx context.Context, state string) ([]uint64, error) {
	switch state {
	case "done", "expired", "cancelled":
		return c.pagedList(ctx, "/compute/jobs/state/"+state)
	}
	ids, _, err := c.ids(ctx, "/compute/jobs/state/"+state, 0)
	return ids, err
}

// JobsByOwner lists the jobs an account submitted, oldest first.
func (c *Client) JobsByOwner(ctx context.Context, owner auth.Address) ([]uint64, error) {
	return c.pagedList(ctx, "/compute/jobs/owner/"+owner.Hex())
}

// JobsByNode lists the jobs a node accepted, oldest first.
func (c *Client) JobsByNode(ctx context.Context, op auth.Address) ([]uint64, error) {
	return c.pagedList(ctx, "/compute/jobs/node/"+op.Hex())
}

// ReceiptsByJob lists a job's receipts, oldest first.
func (c *Client) ReceiptsByJob(ctx context.Context, job uint64) ([]uint64, error) {
	return c.pagedList(ctx, "/compute/receipts/job/"+strconv.FormatUint(job, 10))
}

// ReceiptsByContributor lists the receipts naming a contributor, oldest
// first. The list's length is the receipt count of the contributor's NFT,
// so the pages are read at the height the NFT was.
func (c *Client) ReceiptsByContributor(ctx context.Context, a auth.Address) ([]uint64, error) {
	id, err := c.NFTOfContributor(ctx, a)
	if err != nil || id == 0 {
		return nil, err
	}
	n, found, h, err := c.NFT(ctx, id)
	if err != nil || !found {
		return nil, err
	}
	return c.pages(ctx, "/compute/receipts/contributor/"+a.Hex(), n.Receipts, h)
}

// IncentivePool is the upingo left for network-job emission.
func (c *Client) IncentivePool(ctx context.Context) (*uint256.Int, int64, error) {
	return c.amount(ctx, "/compute/incentive_pool")
}

// EscrowTotal is the upingo held in escrow by all jobs.
func (c *Client) EscrowTotal(ctx context.Context) (*uint256.Int, int64, error) {
	return c.amount(ctx, "/compute/escrow_total")
}

// EmissionTotal is the pooled epoch emission set aside and not paid yet.
func (c *Client) EmissionTotal(ctx context.Context) (*uint256.Int, int64, error) {
	return c.amount(ctx, "/compute/emission_total")
}

// EmissionEpoch reads an epoch's pooled emission record.
func (c *Client) EmissionEpoch(ctx context.Context, epoch uint64) (compute.EmissionEpoch, bool, int64, error) {
	return record(ctx, c, "/compute/emission/"+strconv.FormatUint(epoch, 10), 0, compute.UnmarshalEmissionEpoch)
}

// EmissionWeight is account a's unpaid emission weight in epoch (its
// pending emission is weight × share / the epoch's weight once the epoch
// is paid out; 0 when it has none or was paid).
func (c *Client) EmissionWeight(ctx context.Context, epoch uint64, a auth.Address) (uint64, error) {
	r, err := c.Query(ctx, "/compute/emission/"+strconv.FormatUint(epoch, 10)+"/"+a.Hex(), 0)
	if err != nil || r.Value == nil {
		return 0, err
	}
	if len(r.Value) != 8 {
		return 0, fmt.Errorf("emission weight: %d bytes", len(r.Value))
	}
	return binary.BigEndian.Uint64(r.Value), nil
}

func (c *Client) amount(ctx context.Context, path string) (*uint256.Int, int64, error) {
	r, err := c.Query(ctx, path, 0)
	if err != nil {
		return nil, 0, err
	}
	if r.Value != nil && len(r.Value) != 32 {
		return nil, r.Height, fmt.Errorf("%s: %d bytes", path, len(r.Value))
	}
	return new(uint256.Int).SetBytes(r.Value), r.Height, nil
}

func (c *Client) ids(ctx context.Context, path string, height int64) ([]uint64, int64, error) {
	r, err := c.Query(ctx, path, height)
	if err != nil {
		return nil, 0, err
	}
	ids, ok := compute.UnmarshalIDs(r.Value)
	if !ok {
		return nil, r.Height, fmt.Errorf("%s: not a list of ids", path)
	}
	return ids, r.Height, nil
}

// pagedList reads a list head and then its pages, all at the head's height
// so the answer is one consistent (and, with Verify, proven) state.
func (c *Client) pagedList(ctx context.Context, base string) ([]uint64, error) {
	r, err := c.Query(ctx, base, 0)
	if err != nil {
		return nil, err
	}
	if r.Value == nil {
		return nil, nil
	}
	if len(r.Value) != 8 {
		return nil, fmt.Errorf("%s: list head of %d bytes", base, len(r.Value))
	}
	return c.pages(ctx, base, binary.BigEndian.Uint64(r.Value), r.Height)
}

// pages reads the n ids of a paged list at height.
func (c *Client) pages(ctx context.Context, base string, n uint64, height int64) ([]uint64, error) {
	var out []uint64
	for p := uint64(0); uint64(len(out)) < n; p++ {
		ids, _, err := c.ids(ctx, base+"/"+strconv.FormatUint(p, 10), height)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("%s: page %d missing, %d of %d ids read", base, p, len(out), n)
		}
		out = append(out, ids...)
	}
	return out, nil
}
