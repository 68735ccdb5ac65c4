package app

import (
	bridge "github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
)

// parseDepositPath maps x/bridge's deposit paths (after "/bridge/"), each
// one stored key so every answer carries its proof:
//
//	deposit/{0x ton_tx_hash}/{ton_lt}  DepositRecord JSON (reported, voted, credited,
//	                                   returned, refundable); absent: never reported,
//	                                   or every report expired
//	deposited_total                    upingo minted for credited deposits, uint256 BE
//	refundable_total                   jetton units owed by the L2 (refundable: anchor tx
//	                                   failed), re-included as withdrawals, uint256 BE
//	returned_total                     jetton units TON returned itself (returned), uint256 BE
func parseDepositPath(p []string, num func(string) (uint64, error)) (queryRoute, bool, error) {
	switch {
	case len(p) == 1 && p[0] == "deposited_total":
		return queryRoute{name: "bridge/deposited_total", key: bridge.DepositedTotalKey}, true, nil
	case len(p) == 1 && p[0] == "refundable_total":
		return queryRoute{name: "bridge/refundable_total", key: bridge.RefundableTotalKey}, true, nil
	case len(p) == 1 && p[0] == "returned_total":
		return queryRoute{name: "bridge/returned_total", key: bridge.ReturnedTotalKey}, true, nil
	case len(p) == 3 && p[0] == "deposit":
		var h bridge.Hash32
		if err := h.UnmarshalText([]byte(p[1])); err != nil {
			return queryRoute{}, false, codes.Wrapf(ErrUnknownPath, "%q is not a 0x TON transaction hash", clipPath(p[1]))
		}
		lt, err := num(p[2])
		if err != nil {
			return queryRoute{}, false, err
		}
		return queryRoute{name: "bridge/deposit", key: bridge.DepositKey(h, lt)}, true, nil
	}
	return queryRoute{}, false, nil
}
