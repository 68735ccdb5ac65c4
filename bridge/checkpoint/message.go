package checkpoint

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/xssnick/tonutils-go/address"
	"github.com/xssnick/tonutils-go/tvm/cell"
)

// OpSubmitCheckpoint is the submit_checkpoint opcode,
// sha256("pingo:submit_checkpoint")[0:4].
const OpSubmitCheckpoint = 0xd14ea15f

// Signature is one validator's ed25519 signature over a checkpoint digest,
// with the validator's index in the set the checkpoint's valset_hash names.
type Signature struct {
	Index uint16
	Sig   [ed25519.SignatureSize]byte
}

// Sign signs the checkpoint's digest (its cell hash) with an app-level key.
func Sign(key ed25519.PrivateKey, cp Checkpoint) [ed25519.SignatureSize]byte {
	d := cp.Digest()
	var s [ed25519.SignatureSize]byte
	copy(s[:], ed25519.Sign(key, d[:]))
	return s
}

// Verify checks one signature over the checkpoint's digest, as the
// contract's CHKSIGNU does.
func Verify(pub ed25519.PublicKey, cp Checkpoint, sig [ed25519.SignatureSize]byte) bool {
	if len(pub) != ed25519.PublicKeySize {
		return false
	}
	d := cp.Digest()
	return ed25519.Verify(pub, d[:], sig[:])
}

// ErrBadMessage is returned for a submit message the contract would refuse
// for its shape alone (order of signers, a missing or stray new set).
var ErrBadMessage = errors.New("checkpoint: bad submit message")

// signatureChain builds the SigNode chain: signer:uint16 signature:bits512
// next:(Maybe ^SigNode), first signer in the first (outermost) cell.
func signatureChain(sigs []Signature) *cell.Cell {
	var next *cell.Cell
	for i := len(sigs) - 1; i >= 0; i-- {
		next = cell.BeginCell().
			MustStoreUInt(uint64(sigs[i].Index), 16).
			MustStoreSlice(sigs[i].Sig[:], 512).
			MustStoreMaybeRef(next).
			EndCell()
	}
	return next
}

// SubmitBody builds the submit_checkpoint message body:
//
//	op:uint32 query_id:uint64 checkpoint:^Checkpoint signatures:^SigNode
//	new_valset:(Maybe ^(Hashmap 16 Validator))
//
// sigs must be in strictly ascending signer index (1..MaxValidators of
// them); newSet must be given exactly when cp rotates the set, and must hash
// to cp.NextValsetHash. Power and signature validity are the contract's to
// judge (a relayer may include whatever signatures it has).
func SubmitBody(queryID uint64, cp Checkpoint, sigs []Signature, newSet []Validator) (*cell.Cell, error) {
	if len(sigs) == 0 || len(sigs) > MaxValidators {
		return nil, fmt.Errorf("%w: %d signatures (want 1..%d)", ErrBadMessage, len(sigs), MaxValidators)
	}
	for i := 1; i < len(sigs); i++ {
		if sigs[i].Index <= sigs[i-1].Index {
			return nil, fmt.Errorf("%w: signer %d after %d (must strictly ascend)", ErrBadMessage, sigs[i].Index, sigs[i-1].Index)
		}
	}
	var setCell *cell.Cell
	switch {
	case cp.Rotates() && newSet == nil:
		return nil, fmt.Errorf("%w: checkpoint rotates the set but no new set given", ErrBadMessage)
	case !cp.Rotates() && newSet != nil:
		return nil, fmt.Errorf("%w: new set given but the checkpoint does not rotate", ErrBadMessage)
	case newSet != nil:
		c, err := ValsetCell(newSet)
		if err != nil {
			return nil, err
		}
		var h [32]byte
		copy(h[:], c.Hash())
		if h != cp.NextValsetHash {
			return nil, fmt.Errorf("%w: new set hash %x != next_valset_hash %x", ErrBadMessage, h, cp.NextValsetHash)
		}
		setCell = c
	}
	return rawSubmitBody(queryID, cp.Cell(), signatureChain(sigs), setCell), nil
}

// rawSubmitBody lays out a body without checks (tests build bad ones).
func rawSubmitBody(queryID uint64, cp, sigs, newSet *cell.Cell) *cell.Cell {
	return cell.BeginCell().
		MustStoreUInt(OpSubmitCheckpoint, 32).
		MustStoreUInt(queryID, 64).
		MustStoreRef(cp).
		MustStoreRef(sigs).
		MustStoreMaybeRef(newSet).
		EndCell()
}

// InitialData builds the anchor's storage for deployment: the genesis set,
// the chain id checkpoints must carry, and the last epoch considered
// anchored (the first accepted checkpoint has a greater one).
//
//	chain_id:uint64 last_epoch:uint64 total_power:uint64
//	valset:(HashmapE 16 Validator) checkpoints:(HashmapE 8 ^Checkpoint)
//	bridge:^[withdrawal_roots:(HashmapE 64 uint256) claimed:(HashmapE 56 bits256)
//	         jetton_master:MsgAddress jetton_wallet:MsgAddress refunds:(HashmapE 267 Coins)]
//
// This anchor has no jetton master: it anchors checkpoints but refuses
// claims and deposits. InitialDataWithJetton names the PINGO master.
func InitialData(chainID, lastEpoch uint64, set []Validator) (*cell.Cell, error) {
	return InitialDataWithJetton(chainID, lastEpoch, set, nil)
}

// InitialDataWithJetton is InitialData for an anchor bridging the PINGO
// jetton whose master is given; the anchor learns its own jetton wallet
// from the master (set_jetton) after deployment.
func InitialDataWithJetton(chainID, lastEpoch uint64, set []Validator, master *address.Address) (*cell.Cell, error) {
	return anchorData(chainID, lastEpoch, set, master, nil)
}

// DataWithJettonWallet is the storage of an anchor deployed with
// InitialDataWithJetton (the address is that data's) whose jetton wallet is
// already known: what set_jetton leaves. A local endpoint that places
// accounts genesis-style (bridge/tonlocal) installs it directly.
func DataWithJettonWallet(chainID, lastEpoch uint64, set []Validator, master, wallet *address.Address) (*cell.Cell, error) {
	if wallet == nil || wallet.Type() != address.StdAddress {
		return nil, fmt.Errorf("%w: jetton wallet must be a std address", ErrBadMessage)
	}
	return anchorData(chainID, lastEpoch, set, master, wallet)
}

func anchorData(chainID, lastEpoch uint64, set []Validator, master, wallet *address.Address) (*cell.Cell, error) {
	vs, err := ValsetCell(set)
	if err != nil {
		return nil, err
	}
	if master == nil {
		master = address.NewAddressNone()
	} else if master.Type() != address.StdAddress {
		return nil, fmt.Errorf("%w: jetton master must be a std address", ErrBadMessage)
	}
	if wallet == nil {
		wallet = address.NewAddressNone()
	}
	bridge := cell.BeginCell().
		MustStoreMaybeRef(nil). // withdrawal_roots: empty
		MustStoreMaybeRef(nil). // claimed: empty
		MustStoreAddr(master).  // jetton_master
		MustStoreAddr(wallet).  // jetton_wallet: addr_none until set_jetton
		MustStoreMaybeRef(nil). // refunds: empty
		EndCell()
	return cell.BeginCell().
		MustStoreUInt(chainID, 64).
		MustStoreUInt(lastEpoch, 64).
		MustStoreUInt(TotalPower(set), 64).
		MustStoreMaybeRef(vs).
		MustStoreMaybeRef(nil). // checkpoints: empty
		MustStoreRef(bridge).
		EndCell(), nil
}
