package keeper

import (
	authkeeper "github.com/pingo-chain/pingo/x/auth/keeper"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

func getAccount(kv KV, a auth.Address) (auth.Account, error) { return authkeeper.GetAccount(kv, a) }
func setAccount(kv KV, a auth.Address, acc *auth.Account)    { authkeeper.SetAccount(kv, a, acc) }
