package types

import "github.com/pingo-chain/pingo/x/codes"

// Codespace of every error this module returns.
const Codespace = "compute"

// Stable codes; x/compute/README.md and docs/protocol.md list them. Never
// renumber or reuse.
var (
	// ErrNodeExists: RegisterNode by an operator whose node is registered
	// (active, jailed or unbonding).
	ErrNodeExists = codes.Register(Codespace, 2, "node already registered")
	// ErrNodeNotFound: no node is operated by the sender (or the named
	// operator), or it has fully unbonded.
	ErrNodeNotFound = codes.Register(Codespace, 3, "node not found")
	// ErrBondTooLow: a bond below min_node_bond.
	ErrBondTooLow = codes.Register(Codespace, 4, "node bond below minimum")
	// ErrInsufficientFunds: balance (after the fee) below the bond or the
	// job's escrow.
	ErrInsufficientFunds = codes.Register(Codespace, 5, "insufficient funds")
	// ErrNodeMetadata: endpoint or region empty, too long, not UTF-8 or
	// with control characters; unit kinds empty, zero, unsorted or too many.
	ErrNodeMetadata = codes.Register(Codespace, 6, "invalid node metadata")
	// ErrNodeInactive: the node is unbonding, or its bond fell below
	// min_node_bond (slashed); it cannot take or attest jobs.
	ErrNodeInactive = codes.Register(Codespace, 7, "node not active")
	// ErrNodeJailed: the node is jailed.
	ErrNodeJailed = codes.Register(Codespace, 8, "node jailed")
	// ErrNotJailed: UnjailNode by a node that is not jailed.
	ErrNotJailed = codes.Register(Codespace, 9, "node not jailed")
	// ErrJailPeriod: UnjailNode before the jail period ended.
	ErrJailPeriod = codes.Register(Codespace, 10, "node still jailed")
	// ErrNoNFT: SubmitJob by an account holding no contributor NFT.
	ErrNoNFT = codes.Register(Codespace, 11, "sender holds no contributor nft")
	// ErrZeroUnits: a job of 0 units.
	ErrZeroUnits = codes.Register(Codespace, 12, "job units must be positive")
	// ErrZeroPrice: a job paying 0 per unit.
	ErrZeroPrice = codes.Register(Codespace, 13, "price per unit must be positive")
	// ErrJobLimits: units above max_job_units, max_nodes 0 or above
	// max_nodes_per_job, or unit kind 0.
	ErrJobLimits = codes.Register(Codespace, 14, "job outside limits")
	// ErrExpiry: a job expiry not after the current height or beyond
	// max_job_ttl; an attestation expiry of 0.
	ErrExpiry = codes.Register(Codespace, 15, "invalid expiry height")
	// ErrOverflow: units × price (+ fee) does not fit in 256 bits.
	ErrOverflow = codes.Register(Codespace, 16, "amount overflows 256 bits")
	// ErrJobNotFound: no job has that id.
	ErrJobNotFound = codes.Register(Codespace, 17, "job not found")
	// ErrJobNotOpen: AcceptJob on a job that is fully assigned, finished,
	// cancelled or expired.
	ErrJobNotOpen = codes.Register(Codespace, 18, "job not open")
	// ErrAlreadyAssigned: AcceptJob by a node already assigned to the job.
	ErrAlreadyAssigned = codes.Register(Codespace, 19, "node already assigned to job")
	// ErrUnitKind: the node does not declare the job's unit kind.
	ErrUnitKind = codes.Register(Codespace, 20, "unit kind not supported by node")
	// ErrNotJobOwner: CancelJob by anyone but the job's owner (network jobs
	// have none and cannot be cancelled).
	ErrNotJobOwner = codes.Register(Codespace, 21, "sender does not own the job")
	// ErrCannotCancel: CancelJob on an assigned job before its expiry, or
	// on a finished or cancelled one.
	ErrCannotCancel = codes.Register(Codespace, 22, "job cannot be cancelled now")
	// ErrNotAssigned: Attest by a node that has no assignment in the job.
	ErrNotAssigned = codes.Register(Codespace, 23, "node not assigned to job")
	// ErrRange: an attested range empty or outside the node's assignment.
	ErrRange = codes.Register(Codespace, 24, "unit range outside assignment")
	// ErrRangeOverlap: an attested range overlapping an accepted one.
	ErrRangeOverlap = codes.Register(Codespace, 25, "unit range overlaps an accepted range")
	// ErrAttestationReplay: the attestation id was used before.
	ErrAttestationReplay = codes.Register(Codespace, 26, "attestation id already used")
	// ErrAttestationExpired: the attestation's expiry height (or its job's)
	// has passed.
	ErrAttestationExpired = codes.Register(Codespace, 27, "attestation expired")
	// ErrShareSignature: a contributor share whose signature does not
	// recover to the contributor it names (or is malformed or malleated).
	ErrShareSignature = codes.Register(Codespace, 28, "invalid contributor share signature")
	// ErrShareUnits: contributor units that are 0 or do not sum to the
	// range size.
	ErrShareUnits = codes.Register(Codespace, 29, "contributor units do not match the range")
	// ErrShares: no shares, more than max_shares, a zero or repeated
	// contributor.
	ErrShares = codes.Register(Codespace, 30, "invalid contributor shares")
	// ErrTooManyNodes: max_nodes registrations reached.
	ErrTooManyNodes = codes.Register(Codespace, 31, "too many nodes")
	// ErrTooManyJobs: max_live_jobs live jobs reached.
	ErrTooManyJobs = codes.Register(Codespace, 32, "too many live jobs")
	// ErrOutputRoot: an attestation whose output root is not the tree over
	// its shares' sub-roots (kernel.TopRoot): forged or malformed.
	ErrOutputRoot = codes.Register(Codespace, 33, "output root does not match the shares")
	// ErrUnknownSpec: a job (or network params) naming a unit kind and spec
	// hash the chain cannot re-execute (x/compute/kernel).
	ErrUnknownSpec = codes.Register(Codespace, 34, "unknown unit kind or spec hash")
	// ErrReceiptNotFound: a Reveal naming an attestation id that has no
	// receipt.
	ErrReceiptNotFound = codes.Register(Codespace, 35, "no receipt for attestation")
	// ErrNotPending: a Reveal of a receipt that already has its verdict (a
	// replayed reveal lands here).
	ErrNotPending = codes.Register(Codespace, 36, "receipt not pending")
	// ErrNoBeacon: a Reveal before the randomness beacon that fixes the
	// sample exists (no beacon at a height in (inclusion, min(now−1,
	// inclusion + beacon_window)]).
	ErrNoBeacon = codes.Register(Codespace, 37, "sampling beacon not available yet")
	// ErrRevealOrder: a Reveal whose first position is not the receipt's
	// next unrevealed one (re-ordered or replayed chunk), or that goes
	// past k.
	ErrRevealOrder = codes.Register(Codespace, 38, "reveal out of order")
	// ErrRevealMalformed: no openings, too many, a path badly encoded or of
	// the wrong length for its position.
	ErrRevealMalformed = codes.Register(Codespace, 39, "malformed reveal")
	// ErrRevealPath: an opening whose digest and path do not fold to the
	// contributor's sub-root: not what the node committed (forged).
	ErrRevealPath = codes.Register(Codespace, 40, "reveal does not match the committed root")
	// ErrRevealLate: a Reveal after the receipt's deadline (the deadline
	// hook gives the verdict).
	ErrRevealLate = codes.Register(Codespace, 41, "reveal deadline passed")
	// ErrRevealBudget: the block's verification budget (reveal_budget units
	// re-executed) cannot take this reveal; it waits for a later block.
	ErrRevealBudget = codes.Register(Codespace, 42, "block verification budget exhausted")
)
