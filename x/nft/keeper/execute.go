package keeper

import (
	"strconv"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/nft/types"
)

// Execute runs an nft action for h.From and returns its events. Every check
// precedes the first write.
func Execute(kv KV, p *types.Params, h *auth.Header, msg auth.Msg) ([]Event, error) {
	if err := msg.ValidateBasic(h); err != nil {
		return nil, err
	}
	switch m := msg.(type) {
	case *types.TransferNFT:
		n, found, err := GetNFT(kv, m.ID)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, codes.Wrapf(types.ErrNotFound, "id %d", m.ID)
		}
		if n.Owner != h.From {
			return nil, codes.Wrapf(types.ErrNotOwner, "nft %d is owned by %s", m.ID, n.Owner)
		}
		if err := addOwned(kv, p, m.To, m.ID); err != nil {
			return nil, err
		}
		if err := removeOwned(kv, h.From, m.ID); err != nil {
			return nil, err
		}
		n.Owner = m.To
		setNFT(kv, &n)
		return []Event{{Type: "nft_transfer", Attrs: [][2]string{
			{"id", strconv.FormatUint(m.ID, 10)}, {"sender", h.From.Hex()}, {"recipient", m.To.Hex()},
		}}}, nil
	}
	return nil, codes.Wrapf(auth.ErrUnknownAction, "nft cannot execute %T", msg)
}
