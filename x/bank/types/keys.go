package types

// ModulePrefix is bank's first key byte (see x/auth/types/keys.go for the map).
const ModulePrefix byte = 0x02

var (
	// SupplyKey: 0x02 0x01 → total supply, uint256 big-endian (32 bytes).
	SupplyKey = []byte{ModulePrefix, 0x01}
	// FeePoolKey: 0x02 0x02 → fees collected and not yet distributed,
	// uint256 big-endian (32 bytes). Fees are summed per block and written
	// once at the end of it, not per transaction.
	FeePoolKey = []byte{ModulePrefix, 0x02}
	// ParamsKey: 0x02 0x03 → Params as JSON (struct field order is fixed,
	// so the bytes are deterministic).
	ParamsKey = []byte{ModulePrefix, 0x03}
)
