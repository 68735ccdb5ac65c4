package app

import (
	"strconv"

	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
)

// parseComputePath maps nft and compute query paths to the state key each
// reads (one key per path, so every answer carries one ICS23 proof; lists
// are index records or pages of them). ok is false for paths of other
// modules.
//
//	/nft/params                          nft params, JSON
//	/nft/nft/{id}                        NFT, RLP
//	/nft/owner/{addr}                    ids held, 8 bytes BE each
//	/nft/contributor/{addr}              id of the contributor's NFT, 8 bytes BE
//	/compute/params                      compute params, JSON
//	/compute/incentive_pool              uint256 BE (32 bytes)
//	/compute/escrow_total                Σ job escrow, uint256 BE
//	/compute/bond_total                  Σ node bonds, uint256 BE
//	/compute/nodes                       every operator, 20 bytes each
//	/compute/node/{op}                   Node, RLP
//	/compute/job/{id}                    Job, RLP (its escrow balance included)
//	/compute/jobs/state/{open|assigned}  live job ids, 8 bytes BE each
//	/compute/jobs/state/{done|expired|cancelled}[/{page}]  jobs that
//	                                     entered that end state (length,
//	                                     or a page of up to 64 ids)
//	/compute/jobs/{owner|node}/{addr}    list length, 8 bytes BE
//	/compute/jobs/{owner|node}/{addr}/{page}  up to 64 job ids
//	/compute/jobs/epoch/{epoch}[/{page}] network jobs of an epoch
//	/compute/receipt/{id}                Receipt, RLP
//	/compute/receipts/job/{id}[/{page}]  receipts of a job
//	/compute/receipts/contributor/{addr}/{page}  receipts naming a contributor
//	                                     (length: the receipts of its NFT)
//	/compute/attestation/{0x id}         receipt id of a spent attestation id
//	/compute/deadline/{h}                receipt ids whose deadline is h
//	/compute/beacon/{h}                  alias of /bridge/beacon/{h}: the
//	                                     sampling beacon, 48 bytes (value ‖
//	                                     signed power ‖ total power)
//	/compute/emission_total              Σ undistributed epoch emission, uint256 BE
//	/compute/emission/queue              epochs awaiting their payout, 8 bytes BE each
//	/compute/emission/{epoch}            EmissionEpoch, RLP
//	/compute/emission/{epoch}/{addr}     the account's unpaid weight in the
//	                                     epoch, 8 bytes BE (absent: none, or paid)
func parseComputePath(parts []string) (queryRoute, bool, error) {
	if len(parts) < 2 {
		return queryRoute{}, false, nil
	}
	r := func(key []byte) (queryRoute, bool, error) {
		return queryRoute{name: parts[0] + "/" + parts[1], key: key}, true, nil
	}
	switch parts[0] {
	case "nft":
		switch {
		case len(parts) == 2 && parts[1] == "params":
			return r(nft.ParamsKey)
		case len(parts) == 3 && parts[1] == "nft":
			id, err := parseID(parts[2])
			if err != nil {
				return queryRoute{}, true, err
			}
			return r(nft.NFTKey(id))
		case len(parts) == 3 && (parts[1] == "owner" || parts[1] == "contributor"):
			a, err := auth.ParseAddress(parts[2])
			if err != nil {
				return queryRoute{}, true, err
			}
			if parts[1] == "owner" {
				return r(nft.OwnerKey(a))
			}
			return r(nft.ContributorKey(a))
		}
	case "compute":
		if len(parts) == 2 {
			switch parts[1] {
			case "params":
				return r(compute.ParamsKey)
			case "incentive_pool":
				return r(compute.IncentivePoolKey)
			case "escrow_total":
				return r(compute.EscrowTotalKey)
			case "bond_total":
				return r(compute.BondTotalKey)
			case "nodes":
				return r(compute.NodeListKey)
			case "pending_count":
				return r(compute.PendingCountKey)
			case "reveal_budget":
				return r(compute.RevealBudgetKey)
			case "emission_total":
				return r(compute.EmissionTotalKey)
			}
			return queryRoute{}, false, nil
		}
		switch parts[1] {
		case "node":
			if len(parts) == 3 {
				a, err := auth.ParseAddress(parts[2])
				if err != nil {
					return queryRoute{}, true, err
				}
				return r(compute.NodeKey(a))
			}
		case "deadline", "beacon":
			// beacon: an alias of /bridge/beacon/{h} (the record compute
			// samples with: value(32) ‖ signed power(8) ‖ total power(8)),
			// kept so clients of the compute API need not know the module.
			if len(parts) == 3 {
				h, err := parseID(parts[2])
				if err != nil {
					return queryRoute{}, true, err
				}
				if parts[1] == "deadline" {
					return r(compute.DeadlineKey(h))
				}
				return r(bridge.BeaconKey(h))
			}
		case "job", "receipt":
			if len(parts) == 3 {
				id, err := parseID(parts[2])
				if err != nil {
					return queryRoute{}, true, err
				}
				if parts[1] == "job" {
					return r(compute.JobKey(id))
				}
				return r(compute.ReceiptKey(id))
			}
		case "attestation":
			if len(parts) == 3 {
				h, err := compute.ParseHash(parts[2])
				if err != nil {
					return queryRoute{}, true, codes.Wrapf(ErrUnknownPath, "attestation id: %v", err)
				}
				return r(compute.AttestationKey(h))
			}
		case "emission":
			if len(parts) == 3 && parts[2] == "queue" {
				return r(compute.EmissionQueueKey)
			}
			if len(parts) == 3 || len(parts) == 4 {
				epoch, err := parseID(parts[2])
				if err != nil {
					return queryRoute{}, true, err
				}
				if len(parts) == 3 {
					return r(compute.EmissionEpochKey(epoch))
				}
				a, err := auth.ParseAddress(parts[3])
				if err != nil {
					return queryRoute{}, true, err
				}
				return queryRoute{name: "compute/emission/weight", key: compute.EmissionWeightKey(epoch, a)}, true, nil
			}
		case "jobs", "receipts":
			return parseListPath(parts)
		}
	}
	return queryRoute{}, false, nil
}

// parseListPath reads /compute/{jobs|receipts}/{by}/{subject}[/{page}]:
// without a page the list head (its length), with one that page.
func parseListPath(parts []string) (queryRoute, bool, error) {
	if len(parts) >= 4 && parts[1] == "jobs" && parts[2] == "state" {
		return parseStatePath(parts)
	}
	if len(parts) != 4 && len(parts) != 5 {
		return queryRoute{}, false, nil
	}
	var kind byte
	byAddr := true
	switch parts[1] + "/" + parts[2] {
	case "jobs/owner":
		kind = compute.ListJobsByOwner
	case "jobs/node":
		kind = compute.ListJobsByNode
	case "jobs/epoch":
		kind, byAddr = compute.ListNetworkJobsByEpoch, false
	case "receipts/job":
		kind, byAddr = compute.ListReceiptsByJob, false
	case "receipts/contributor":
		kind = compute.ListReceiptsByContrib
	default:
		return queryRoute{}, false, nil
	}
	var subject []byte
	if byAddr {
		a, err := auth.ParseAddress(parts[3])
		if err != nil {
			return queryRoute{}, true, err
		}
		subject = compute.AddrSubject(a)
	} else {
		id, err := parseID(parts[3])
		if err != nil {
			return queryRoute{}, true, err
		}
		subject = compute.IDSubject(id)
	}
	name := "compute/" + parts[1] + "/" + parts[2]
	if len(parts) == 4 && kind == compute.ListReceiptsByContrib {
		return queryRoute{}, true, codes.Wrap(ErrUnknownPath, "give a page; the list length is the receipts of the contributor's nft")
	}
	if len(parts) == 4 {
		return queryRoute{name: name, key: compute.ListHeadKey(kind, subject)}, true, nil
	}
	page, err := strconv.ParseUint(parts[4], 10, 32)
	if err != nil || !canonicalDecimal(parts[4]) {
		return queryRoute{}, true, codes.Wrapf(ErrUnknownPath, "page %q", clipPath(parts[4]))
	}
	return queryRoute{name: name + "/page", key: compute.ListPageKey(kind, subject, uint32(page))}, true, nil
}

// parseStatePath reads /compute/jobs/state/{state}[/{page}]. The live
// states are one bounded set record each (no page); the end states are
// paged lists, whose head is their length.
func parseStatePath(parts []string) (queryRoute, bool, error) {
	var s compute.JobState
	switch parts[3] {
	case "open":
		s = compute.JobOpen
	case "assigned":
		s = compute.JobAssigned
	case "done":
		s = compute.JobDone
	case "expired":
		s = compute.JobExpired
	case "cancelled":
		s = compute.JobCancelled
	default:
		return queryRoute{}, true, codes.Wrapf(ErrUnknownPath, "job state %q (open, assigned, done, expired or cancelled)", clipPath(parts[3]))
	}
	live := s == compute.JobOpen || s == compute.JobAssigned
	switch {
	case len(parts) == 4 && live:
		return queryRoute{name: "compute/jobs/state", key: compute.JobSetKey(s)}, true, nil
	case len(parts) == 4:
		return queryRoute{name: "compute/jobs/state", key: compute.ListHeadKey(compute.ListJobsByEndState, []byte{byte(s)})}, true, nil
	case len(parts) == 5 && !live:
		page, err := strconv.ParseUint(parts[4], 10, 32)
		if err != nil || !canonicalDecimal(parts[4]) {
			return queryRoute{}, true, codes.Wrapf(ErrUnknownPath, "page %q", clipPath(parts[4]))
		}
		return queryRoute{name: "compute/jobs/state/page", key: compute.ListPageKey(compute.ListJobsByEndState, []byte{byte(s)}, uint32(page))}, true, nil
	}
	return queryRoute{}, true, codes.Wrapf(ErrUnknownPath, "job state %s takes no page (one record)", s)
}

// parseID reads a canonical decimal uint64 (no sign, no leading zeros), so
// each record has exactly one path.
func parseID(s string) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || !canonicalDecimal(s) {
		return 0, codes.Wrapf(ErrUnknownPath, "id %q: want a decimal integer", clipPath(s))
	}
	return v, nil
}

func canonicalDecimal(s string) bool { return s == "0" || (len(s) > 0 && s[0] != '0') }
