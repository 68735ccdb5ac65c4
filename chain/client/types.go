package client

import (
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmttypes "github.com/cometbft/cometbft/types"
)

type cmtProofOp = cmtcrypto.ProofOp

func validatorSet(vals []*cmttypes.Validator) (*cmttypes.ValidatorSet, error) {
	vs := cmttypes.NewValidatorSet(vals)
	return vs, vs.ValidateBasic()
}
