package app

import (
	bridgekeeper "github.com/pingo-chain/pingo/x/bridge/keeper"
	computekeeper "github.com/pingo-chain/pingo/x/compute/keeper"
)

// bridgeBeacons gives x/compute the validator beacon of x/bridge (issue #5:
// SHA-256 over the deterministic ed25519 signatures on (chain id, h) of
// > 2/3 power, carried in vote extensions), through computekeeper.Beacons.
//
// The contract holds because of where x/bridge writes it: the beacon of h
// is written only by the vote-extension tx of block h+1, which is always
// that block's first tx. So every user tx (a Reveal) and compute's EndBlock
// in block h+1 already see it, and from block h+2 on height h is settled:
// it has its beacon or never will. The value is never rewritten; x/bridge
// deletes it after beacon_retention_blocks (≥ 100), and genesis validation
// keeps compute's whole reveal window (beacon_window + reveal_blocks) inside
// that retention, so a pending receipt can never see its beacon vanish.
type bridgeBeacons struct{}

func (bridgeBeacons) BeaconAt(kv computekeeper.KV, h uint64) ([32]byte, bool, error) {
	b, ok, err := bridgekeeper.GetBeacon(kv, h)
	if err != nil || !ok {
		return [32]byte{}, false, err
	}
	return b.Value, true, nil
}
