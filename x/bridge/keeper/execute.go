package keeper

import (
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/bridge/types"
	"github.com/pingo-chain/pingo/x/codes"
	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
)

// Execute runs a bridge action for h.From on chain chainID in block height.
func Execute(kv KV, chainID uint64, h *auth.Header, msg auth.Msg, height int64) ([]Event, error) {
	if err := msg.ValidateBasic(h); err != nil {
		return nil, err
	}
	switch m := msg.(type) {
	case *types.SetBridgeKey:
		return setBridgeKey(kv, chainID, h.From, m)
	case *types.ReportAnchor:
		return reportAnchor(kv, h.From, m, height)
	case *types.ReportDeposit:
		return reportDeposit(kv, h.From, m.Fact(), height)
	case *types.ReportRefund:
		return reportDeposit(kv, h.From, m.Fact(), height)
	}
	return nil, codes.Wrapf(auth.ErrUnknownAction, "bridge cannot execute %T", msg)
}

// setBridgeKey registers or rotates op's key. The old key stays reserved
// for op (KeyOwner), so it can never be registered by anyone again; a
// checkpoint taken before the rotation still verifies against the key its
// set recorded.
func setBridgeKey(kv KV, chainID uint64, op auth.Address, m *types.SetBridgeKey) ([]Event, error) {
	if _, found, err := stakingkeeper.GetValidator(kv, op); err != nil {
		return nil, err
	} else if !found {
		return nil, codes.Wrapf(types.ErrNotValidator, "%s", op)
	}
	if err := m.VerifyProof(chainID, op); err != nil {
		return nil, err
	}
	if owner, found, err := KeyOwner(kv, m.BridgeKey); err != nil {
		return nil, err
	} else if found {
		return nil, codes.Wrapf(types.ErrBridgeKeyInUse, "%x registered by %s", m.BridgeKey[:], owner)
	}
	setKey(kv, op, m.BridgeKey)
	k, _ := m.BridgeKey.MarshalText()
	return []Event{{Type: "set_bridge_key", Attrs: [][2]string{{"validator", op.Hex()}, {"bridge_key", string(k)}}}}, nil
}
