package keeper

import (
	bankkeeper "github.com/pingo-chain/pingo/x/bank/keeper"
	"sort"
	"strconv"

	"github.com/holiman/uint256"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/codes"
	"github.com/pingo-chain/pingo/x/compute/types"
)

func mustNode(kv KV, op auth.Address) (types.Node, error) {
	n, found, err := GetNode(kv, op)
	if err != nil {
		return n, err
	}
	if !found || n.Status == types.NodeUnbonded {
		return n, codes.Wrapf(types.ErrNodeNotFound, "%s", op)
	}
	return n, nil
}

// CheckServing is the rule for taking and attesting jobs: registered,
// bonded (not unbonding, bond ≥ min_node_bond) and not jailed.
func CheckServing(p *types.Params, n *types.Node) error {
	if n.Jailed {
		return codes.Wrapf(types.ErrNodeJailed, "%s jailed until height %d", n.Operator, n.JailedUntil)
	}
	if n.Status != types.NodeActive {
		return codes.Wrapf(types.ErrNodeInactive, "%s is unbonding", n.Operator)
	}
	if n.Bond.Lt(p.MinNodeBond) {
		return codes.Wrapf(types.ErrNodeInactive, "%s bond %s < min_node_bond %s", n.Operator, n.Bond.Dec(), p.MinNodeBond.Dec())
	}
	return nil
}

func registerNode(kv KV, p *types.Params, op auth.Address, m *types.RegisterNode, height uint64) (Event, error) {
	if m.Bond.Lt(p.MinNodeBond) {
		return Event{}, codes.Wrapf(types.ErrBondTooLow, "%s < min_node_bond %s upingo", m.Bond.Dec(), p.MinNodeBond.Dec())
	}
	old, found, err := GetNode(kv, op)
	if err != nil {
		return Event{}, err
	}
	if found && old.Status != types.NodeUnbonded {
		return Event{}, codes.Wrapf(types.ErrNodeExists, "%s", op)
	}
	list, err := NodeList(kv)
	if err != nil {
		return Event{}, err
	}
	if !found && len(list) >= int(p.MaxNodes) {
		return Event{}, codes.Wrapf(types.ErrTooManyNodes, "max_nodes %d", p.MaxNodes)
	}
	if err := debit(kv, op, &m.Bond); err != nil {
		return Event{}, err
	}
	if err := addUint(kv, types.BondTotalKey, &m.Bond); err != nil {
		return Event{}, err
	}
	n := types.Node{Operator: op, Endpoint: m.Endpoint, Region: m.Region, UnitKinds: m.UnitKinds,
		Bond: m.Bond, Status: types.NodeActive, Registered: height, Receipts: old.Receipts, Slashes: old.Slashes,
		// A jail outlives unbonding and registering again.
		Jailed: old.Jailed, JailedUntil: old.JailedUntil}
	setNode(kv, &n)
	if !found {
		i := sort.Search(len(list), func(i int) bool { return string(list[i][:]) >= string(op[:]) })
		list = append(list, auth.Address{})
		copy(list[i+1:], list[i:])
		list[i] = op
		setNodeList(kv, list)
	}
	return Event{Type: "node_register", Attrs: [][2]string{
		{"node", op.Hex()}, {"bond", m.Bond.Dec()}, {"endpoint", m.Endpoint}, {"region", m.Region},
	}}, nil
}

func updateNode(kv KV, op auth.Address, m *types.UpdateNode) (Event, error) {
	n, err := mustNode(kv, op)
	if err != nil {
		return Event{}, err
	}
	if !m.AddBond.IsZero() {
		if err := debit(kv, op, &m.AddBond); err != nil {
			return Event{}, err
		}
		if _, of := n.Bond.AddOverflow(&n.Bond, &m.AddBond); of {
			return Event{}, codes.Wrap(types.ErrOverflow, "bond")
		}
		if err := addUint(kv, types.BondTotalKey, &m.AddBond); err != nil {
			return Event{}, err
		}
	}
	n.Endpoint, n.Region, n.UnitKinds = m.Endpoint, m.Region, m.UnitKinds
	setNode(kv, &n)
	return Event{Type: "node_update", Attrs: [][2]string{
		{"node", op.Hex()}, {"bond", n.Bond.Dec()}, {"endpoint", m.Endpoint}, {"region", m.Region},
	}}, nil
}

func unbondNode(kv KV, p *types.Params, op auth.Address, height uint64) (Event, error) {
	n, err := mustNode(kv, op)
	if err != nil {
		return Event{}, err
	}
	if n.Status != types.NodeActive {
		return Event{}, codes.Wrapf(types.ErrNodeInactive, "%s is already unbonding", op)
	}
	n.Status = types.NodeUnbonding
	n.UnbondHeight = height + p.NodeUnbondingBlocks
	key := types.UnbondQueueKey(n.UnbondHeight)
	q, err := bankkeeper.Get(kv, key)
	if err != nil {
		return Event{}, err
	}
	kv.Set(key, append(append([]byte(nil), q...), op[:]...))
	setNode(kv, &n)
	return Event{Type: "node_unbond", Attrs: [][2]string{
		{"node", op.Hex()}, {"bond", n.Bond.Dec()}, {"completion_height", strconv.FormatUint(n.UnbondHeight, 10)},
	}}, nil
}

func unjailNode(kv KV, op auth.Address, height uint64) (Event, error) {
	n, err := mustNode(kv, op)
	if err != nil {
		return Event{}, err
	}
	if !n.Jailed {
		return Event{}, codes.Wrapf(types.ErrNotJailed, "%s", op)
	}
	if height < n.JailedUntil {
		return Event{}, codes.Wrapf(types.ErrJailPeriod, "%s jailed until height %d, now %d", op, n.JailedUntil, height)
	}
	n.Jailed, n.JailedUntil = false, 0
	setNode(kv, &n)
	return Event{Type: "node_unjail", Attrs: [][2]string{{"node", op.Hex()}}}, nil
}

// Slash takes fractionPpb/1e9 of op's bond (active or unbonding, rounded
// down) into the incentive pool and counts the slash. The proof layer
// calls it on a FAIL or a missed reveal. A node whose bond falls below
// min_node_bond stops serving until it tops up with UpdateNode.
func Slash(kv KV, op auth.Address, fractionPpb uint64) (Event, error) {
	n, err := mustNode(kv, op)
	if err != nil {
		return Event{}, err
	}
	if fractionPpb > types.PpbDenom {
		fractionPpb = types.PpbDenom
	}
	// Exact floor(bond × ppb / 1e9) with a 512-bit intermediate: no overflow.
	var amt uint256.Int
	amt.MulDivOverflow(&n.Bond, uint256.NewInt(fractionPpb), uint256.NewInt(types.PpbDenom))
	n.Bond.Sub(&n.Bond, &amt)
	n.Slashes++
	setNode(kv, &n)
	if err := subUint(kv, types.BondTotalKey, &amt); err != nil {
		return Event{}, err
	}
	if err := addUint(kv, types.IncentivePoolKey, &amt); err != nil {
		return Event{}, err
	}
	return Event{Type: "node_slash", Attrs: [][2]string{
		{"node", op.Hex()}, {"amount", amt.Dec()}, {"bond", n.Bond.Dec()},
	}}, nil
}

// Jail stops op's node from taking and attesting jobs until it unjails, no
// earlier than node_jail_blocks after height. The proof layer calls it
// after repeated failures.
func Jail(kv KV, p *types.Params, op auth.Address, height uint64) (Event, error) {
	n, err := mustNode(kv, op)
	if err != nil {
		return Event{}, err
	}
	n.Jailed = true
	n.JailedUntil = height + p.NodeJailBlocks
	setNode(kv, &n)
	return Event{Type: "node_jail", Attrs: [][2]string{
		{"node", op.Hex()}, {"jailed_until", strconv.FormatUint(n.JailedUntil, 10)},
	}}, nil
}

// completeUnbondings pays the bonds of nodes whose unbonding ends at height.
func completeUnbondings(kv KV, height uint64) ([]Event, error) {
	key := types.UnbondQueueKey(height)
	q, err := bankkeeper.Get(kv, key)
	if err != nil || q == nil {
		return nil, err
	}
	if len(q)%auth.AddressLen != 0 {
		return nil, bankkeeper.Corrupt(key, errLen)
	}
	var evs []Event
	for i := 0; i < len(q); i += auth.AddressLen {
		op := auth.Address(q[i : i+auth.AddressLen])
		n, found, err := GetNode(kv, op)
		if err != nil {
			return nil, err
		}
		if !found || n.Status != types.NodeUnbonding || n.UnbondHeight != height {
			continue
		}
		amt := n.Bond
		if err := subUint(kv, types.BondTotalKey, &amt); err != nil {
			return nil, err
		}
		if err := credit(kv, op, &amt); err != nil {
			return nil, err
		}
		n.Bond.Clear()
		n.Status = types.NodeUnbonded
		setNode(kv, &n)
		evs = append(evs, Event{Type: "node_unbonded", Attrs: [][2]string{{"node", op.Hex()}, {"amount", amt.Dec()}}})
	}
	kv.Delete(key)
	return evs, nil
}
