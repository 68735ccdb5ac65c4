package chain

import (
	"context"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/pingo-chain/pingo/app"
	"github.com/pingo-chain/pingo/x/codes"
)

// p2pFilterPrefix starts the paths CometBFT's p2p layer queries when
// config FilterPeers is on (NewNode turns it on): /p2p/filter/addr/{ip:port}
// for every TCP connection before its handshake, /p2p/filter/id/{node id}
// for every peer before it is added.
const p2pFilterPrefix = "/p2p/filter/"

// Query answers the p2p filter queries here, on the node's query
// connection, and passes every other query to the app. Every peer is
// accepted until Stop begins; from then on every one is refused.
//
// Why: CometBFT v0.38's Stop disconnects the peers first and closes the
// p2p listener only afterwards. The peers, whose persistent-peer loop
// redials at once, get through the handshake in between, and the stopping
// switch ("Won't start a peer - switch is not running") neither starts
// nor closes those connections. Each peer is then left holding a
// connection to nobody under this node's id and refuses the restarted
// node as a duplicate until the leaked socket is garbage-collected (tens
// of seconds): in chain/TestDepositWithdrawNetwork a validator restarted
// in-process stayed without peers for ~30 s and fell behind. Refusing the
// connection in the filter closes it before the handshake, so the peer's
// dial fails and it reconnects to the restarted node instead.
func (c *precheckClient) Query(ctx context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	if !strings.HasPrefix(req.Path, p2pFilterPrefix) {
		return c.Client.Query(ctx, req)
	}
	if c.stopping.Load() {
		space, code, log := codes.ABCIInfo(app.ErrNodeStopping)
		return &abci.ResponseQuery{Codespace: space, Code: code, Log: log}, nil
	}
	return &abci.ResponseQuery{Code: abci.CodeTypeOK}, nil
}
