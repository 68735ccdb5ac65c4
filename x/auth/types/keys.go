package types

// Every key in the one IAVL tree starts with a module byte; the second byte
// names the record kind inside the module. Module bytes are allocated in
// docs/architecture.md and never renumbered:
//
//	0x01 auth   0x02 bank   0x03 staking   0x04 nft   0x05 compute
//	0x06 bridge
const ModulePrefix byte = 0x01

// AccountPrefix: 0x01 0x01 | address(20) → Account (40 bytes, see account.go).
// Nonce and balance share one key so a transfer writes two leaves, not four.
var AccountPrefix = []byte{ModulePrefix, 0x01}

// AccountKey is the state key of an account.
func AccountKey(a Address) []byte {
	k := make([]byte, 0, len(AccountPrefix)+AddressLen)
	k = append(k, AccountPrefix...)
	return append(k, a[:]...)
}
