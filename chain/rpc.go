package chain

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/libs/log"
	cmtpubsub "github.com/cometbft/cometbft/libs/pubsub"
	"github.com/cometbft/cometbft/node"
	grpccore "github.com/cometbft/cometbft/rpc/grpc"
	rpcserver "github.com/cometbft/cometbft/rpc/jsonrpc/server"
	"github.com/rs/cors"
)

// rpcServers is the node's RPC (CometBFT's routes, served by PinGo so
// that Stop can close it). CometBFT v0.38's own server is not stoppable:
// its OnStop only closes the listeners, so every keep-alive connection a
// client already holds goes on being served by the stopped node, whose app
// state is closed — after an in-process restart such a client read
// "query/3 height N pruned" (N = the old node's last height) for as long
// as it kept polling (chain/TestRestartDropsRPCConnections).
type rpcServers struct {
	http []*http.Server
	grpc []net.Listener
	// ws holds the open websocket connections by remote address: net/http
	// forgets a connection once it is hijacked, so Close would leave
	// subscribers talking to the stopped node.
	mu sync.Mutex
	ws map[string]net.Conn
}

// startRPC serves cn's RPC routes exactly as CometBFT's node.startRPC
// would (same routes, websocket, limits, CORS, TLS, legacy gRPC) on the
// addresses in c.ListenAddress (comma separated).
func startRPC(cn *node.Node, c *cmtcfg.RPCConfig, laddrs string, logger log.Logger) (*rpcServers, error) {
	env, err := cn.ConfigureRPC()
	if err != nil {
		return nil, err
	}
	routes := env.GetRoutes()
	if c.Unsafe {
		env.AddUnsafeRoutes(routes)
	}
	cfg := rpcserver.DefaultConfig()
	cfg.MaxRequestBatchSize = c.MaxRequestBatchSize
	cfg.MaxBodyBytes = c.MaxBodyBytes
	cfg.MaxHeaderBytes = c.MaxHeaderBytes
	cfg.MaxOpenConnections = c.MaxOpenConnections
	if cfg.WriteTimeout <= c.TimeoutBroadcastTxCommit {
		cfg.WriteTimeout = c.TimeoutBroadcastTxCommit + time.Second
	}
	s := &rpcServers{ws: map[string]net.Conn{}}
	rpcLogger := logger.With("module", "rpc-server")
	for _, laddr := range strings.Split(laddrs, ",") {
		if laddr = strings.TrimSpace(laddr); laddr == "" {
			continue
		}
		mux := http.NewServeMux()
		wm := rpcserver.NewWebsocketManager(routes,
			rpcserver.OnDisconnect(func(remoteAddr string) {
				s.mu.Lock()
				delete(s.ws, remoteAddr)
				s.mu.Unlock()
				if err := env.EventBus.UnsubscribeAll(context.Background(), remoteAddr); err != nil && !errors.Is(err, cmtpubsub.ErrSubscriptionNotFound) {
					rpcLogger.Error("unsubscribe on websocket disconnect", "addr", remoteAddr, "err", err)
				}
			}),
			rpcserver.ReadLimit(cfg.MaxBodyBytes),
			rpcserver.WriteChanCapacity(c.WebSocketWriteBufferSize),
		)
		wm.SetLogger(rpcLogger.With("protocol", "websocket"))
		mux.HandleFunc("/websocket", wm.WebsocketHandler)
		rpcserver.RegisterRPCFuncs(mux, routes, rpcLogger)
		ln, err := rpcserver.Listen(laddr, cfg.MaxOpenConnections)
		if err != nil {
			s.close()
			return nil, err
		}
		var h http.Handler = mux
		if c.IsCorsEnabled() {
			h = cors.New(cors.Options{AllowedOrigins: c.CORSAllowedOrigins, AllowedMethods: c.CORSAllowedMethods,
				AllowedHeaders: c.CORSAllowedHeaders}).Handler(mux)
		}
		srv := &http.Server{
			Handler:           rpcserver.PreChecksHandler(rpcserver.RecoverAndLogHandler(h, rpcLogger), cfg),
			ReadTimeout:       cfg.ReadTimeout,
			ReadHeaderTimeout: cfg.ReadTimeout,
			WriteTimeout:      cfg.WriteTimeout,
			MaxHeaderBytes:    cfg.MaxHeaderBytes,
			ConnState: func(c net.Conn, st http.ConnState) {
				if st == http.StateHijacked { // a websocket upgrade
					s.mu.Lock()
					s.ws[c.RemoteAddr().String()] = c
					s.mu.Unlock()
				}
			},
		}
		s.http = append(s.http, srv)
		tls := c.IsTLSEnabled()
		go func() {
			rpcLogger.Info("serve", "addr", ln.Addr(), "tls", tls)
			var err error
			if tls {
				err = srv.ServeTLS(ln, c.CertFile(), c.KeyFile())
			} else {
				err = srv.Serve(ln)
			}
			if !errors.Is(err, http.ErrServerClosed) {
				rpcLogger.Error("RPC server stopped", "err", err)
			}
		}()
	}
	if c.GRPCListenAddress != "" {
		ln, err := rpcserver.Listen(c.GRPCListenAddress, c.GRPCMaxOpenConnections)
		if err != nil {
			s.close()
			return nil, err
		}
		s.grpc = append(s.grpc, ln)
		go func() {
			//nolint:staticcheck // the legacy BroadcastAPI, as CometBFT v0.38 serves it
			if err := grpccore.StartGRPCServer(env, ln); err != nil && !errors.Is(err, net.ErrClosed) {
				rpcLogger.Error("gRPC server stopped", "err", err)
			}
		}()
	}
	return s, nil
}

// close closes the listeners and every open connection (http.Server.Close,
// not Shutdown: a long-poll like broadcast_tx_commit must not hold a
// stop), websocket ones included.
func (s *rpcServers) close() {
	if s == nil {
		return
	}
	for _, srv := range s.http {
		_ = srv.Close()
	}
	s.mu.Lock()
	for _, c := range s.ws {
		_ = c.Close()
	}
	clear(s.ws)
	s.mu.Unlock()
	for _, ln := range s.grpc {
		_ = ln.Close()
	}
}
