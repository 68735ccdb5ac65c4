package types

import "time"

// BlockInfo is what BeginBlock needs from RequestFinalizeBlock; the app
// converts CometBFT's types so this module stays CometBFT-independent.
type BlockInfo struct {
	Height int64
	Time   time.Time
	// Votes is DecidedLastCommit.Votes: the set of the previous block and
	// whether each member's precommit made it into the commit.
	Votes []Vote
	// Evidence is RequestFinalizeBlock.Misbehavior.
	Evidence []Evidence
}

// Vote is one member of the last commit.
type Vote struct {
	ConsAddr []byte // 20-byte CometBFT address = sha256(pubkey)[:20]
	Power    int64
	Signed   bool // BlockIDFlag == Commit
}

// Evidence is one piece of misbehavior CometBFT verified.
type Evidence struct {
	ConsAddr []byte
	Height   int64 // infraction height
	Power    int64
	// DoubleSign: duplicate vote; false: light-client attack. Both are
	// equivocation and punished the same way.
	DoubleSign bool
}

// ValidatorUpdate is one change for CometBFT (ed25519 key); Power 0
// removes the validator.
type ValidatorUpdate struct {
	PubKey [32]byte
	Power  int64
}
