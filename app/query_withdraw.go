package app

import (
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
)

// parseWithdrawalPath maps x/bridge's withdrawal paths (after "/bridge/"),
// each one stored key so every answer carries its proof:
//
//	withdrawal/{id}                WithdrawalRecord, JSON
//	withdrawal_leaves/{epoch}      the checkpointed epoch's leaf hashes, 32 bytes each
//	withdrawal_epoch/{epoch}       count u32 BE ‖ first own id u64 BE ‖ [re-included count u32 BE, when > 0]
//	reincluded/{epoch}             ids u64 BE each of the withdrawals re-included at indices 0..k-1
//	withdrawals/{from}/count       the account's withdrawal count, u64 BE
//	withdrawals/{from}/{seq}       id of its seq-th withdrawal (from 0), u64 BE
//	next_withdrawal_id             u64 BE (absent before the first)
//	withdrawn_total                upingo burned by Withdraw, uint256 BE
func parseWithdrawalPath(p []string, num func(string) (uint64, error)) (queryRoute, bool, error) {
	route := func(name string, key []byte) (queryRoute, bool, error) {
		return queryRoute{name: "bridge/" + name, key: key}, true, nil
	}
	switch {
	case len(p) == 1 && p[0] == "next_withdrawal_id":
		return route("next_withdrawal_id", bridge.NextWithdrawalIDKey)
	case len(p) == 1 && p[0] == "withdrawn_total":
		return route("withdrawn_total", bridge.WithdrawnTotalKey)
	case len(p) == 2 && (p[0] == "withdrawal" || p[0] == "withdrawal_leaves" || p[0] == "withdrawal_epoch" || p[0] == "reincluded"):
		n, err := num(p[1])
		if err != nil {
			return queryRoute{}, false, err
		}
		switch p[0] {
		case "withdrawal":
			return route(p[0], bridge.WithdrawalKey(n))
		case "withdrawal_leaves":
			return route(p[0], bridge.EpochLeavesKey(n))
		case "reincluded":
			return route(p[0], bridge.ReincludedKey(n))
		default:
			return route(p[0], bridge.EpochCountKey(n))
		}
	case len(p) == 3 && p[0] == "withdrawals":
		from, err := auth.ParseAddress(p[1])
		if err != nil {
			return queryRoute{}, false, err
		}
		if p[2] == "count" {
			return route("withdrawals/count", bridge.AccountWithdrawalCountKey(from))
		}
		seq, err := num(p[2])
		if err != nil {
			return queryRoute{}, false, err
		}
		return route("withdrawals", bridge.AccountWithdrawalKey(from, seq))
	}
	return queryRoute{}, false, nil
}
