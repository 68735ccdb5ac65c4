package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// rpcClient is a minimal CometBFT JSON-RPC client over HTTP/1.1 keep-alive
// connections, with batch requests (an array of calls in one POST, which
// CometBFT's HTTP handler serves in order): the RPC round trip, not the
// node, would otherwise bound a single-machine load test.
type rpcClient struct {
	url string
	hc  *http.Client
}

type rpcRequest struct {
	JSONRPC string `json:"jsonrpc"`
	ID      int    `json:"id"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

type rpcResponse struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *rpcError       `json:"error"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("rpc %d %s: %s", e.Code, e.Message, e.Data) }

// newRPC accepts only loopback endpoints: this tool floods whatever it is
// pointed at.
func newRPC(raw string, conns int) (*rpcClient, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("--rpc %q: %w", raw, err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("--rpc %q: want http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--rpc %q: only loopback addresses are allowed", raw)
	}
	tr := &http.Transport{
		MaxIdleConns:        conns + 4,
		MaxIdleConnsPerHost: conns + 4,
		MaxConnsPerHost:     conns + 4, // senders + the commit follower + queries
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &rpcClient{url: u.String(), hc: &http.Client{Transport: tr, Timeout: 60 * time.Second}}, nil
}

// post sends a prepared JSON-RPC body (one request or a batch) and returns
// the responses by id.
func (c *rpcClient) post(ctx context.Context, body []byte) ([]rpcResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var out []rpcResponse
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, fmt.Errorf("decode batch response (HTTP %d): %w", res.StatusCode, err)
		}
		return out, nil
	}
	var one rpcResponse
	if err := json.Unmarshal(b, &one); err != nil {
		return nil, fmt.Errorf("decode response (HTTP %d): %.200s", res.StatusCode, b)
	}
	return []rpcResponse{one}, nil
}

// call runs one method and decodes its result into out.
func (c *rpcClient) call(ctx context.Context, method string, params any, out any) error {
	if params == nil {
		params = map[string]any{}
	}
	body, err := json.Marshal(rpcRequest{JSONRPC: "2.0", ID: 1, Method: method, Params: params})
	if err != nil {
		return err
	}
	rs, err := c.post(ctx, body)
	if err != nil {
		return err
	}
	if len(rs) != 1 {
		return fmt.Errorf("%s: %d responses", method, len(rs))
	}
	if rs[0].Error != nil {
		return rs[0].Error
	}
	return json.Unmarshal(rs[0].Result, out)
}

// appHeight is the height the app last committed (abci_info), i.e. the
// newest block whose transactions' effects are in state.
func (c *rpcClient) appHeight(ctx context.Context) (int64, error) {
	var r struct {
		Response struct {
			LastBlockHeight string `json:"last_block_height"`
		} `json:"response"`
	}
	if err := c.call(ctx, "abci_info", nil, &r); err != nil {
		return 0, err
	}
	if r.Response.LastBlockHeight == "" {
		return 0, nil
	}
	return strconv.ParseInt(r.Response.LastBlockHeight, 10, 64)
}

// blockTxs returns a block's transactions and header time.
func (c *rpcClient) blockTxs(ctx context.Context, h int64) ([][]byte, time.Time, error) {
	var r struct {
		Block struct {
			Header struct {
				Time time.Time `json:"time"`
			} `json:"header"`
			Data struct {
				Txs [][]byte `json:"txs"`
			} `json:"data"`
		} `json:"block"`
	}
	if err := c.call(ctx, "block", map[string]string{"height": strconv.FormatInt(h, 10)}, &r); err != nil {
		return nil, time.Time{}, err
	}
	return r.Block.Data.Txs, r.Block.Header.Time, nil
}
