package types

import "github.com/pingo-chain/pingo/x/codes"

// Codespace of every error this module returns.
const Codespace = "nft"

// Stable codes; x/nft/README.md and docs/protocol.md list them. Never
// renumber.
var (
	// ErrNotFound: no NFT has that id.
	ErrNotFound = codes.Register(Codespace, 2, "nft not found")
	// ErrNotOwner: TransferNFT by an account that does not own the NFT.
	ErrNotOwner = codes.Register(Codespace, 3, "sender does not own the nft")
	// ErrInvalidRecipient: transfer to the zero address (the NFT would be
	// lost) or to the current owner (a no-op that only costs a fee).
	ErrInvalidRecipient = codes.Register(Codespace, 4, "invalid nft recipient")
	// ErrTooManyHeld: the recipient already holds max_per_owner NFTs (the
	// owner list is rewritten on every change, so it is bounded).
	ErrTooManyHeld = codes.Register(Codespace, 5, "recipient holds too many nfts")
)
