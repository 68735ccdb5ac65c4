package chain

import (
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/app"
)

// SetTestAppWrapper makes every node later built by NewNode in home serve
// wrap(app) to CometBFT instead of the app (nil removes it). Tests only:
// this file is compiled into the chain package's test binary alone.
func SetTestAppWrapper(home string, wrap func(*app.App) abci.Application) {
	if wrap == nil {
		testAppWrappers.Delete(home)
		return
	}
	testAppWrappers.Store(home, wrap)
}
