package contributor_test

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
)

// postJSON posts req to base+path signed by key for node (protocol v2).
func postJSON(base, path string, key *ecdsa.PrivateKey, node auth.Address, req, resp any) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	hr, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	a, err := agentproto.SignRequest(key, node, http.MethodPost, path, b, time.Now())
	if err != nil {
		return err
	}
	a.Set(hr.Header)
	r, err := http.DefaultClient.Do(hr)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	if r.StatusCode != 200 {
		return fmt.Errorf("HTTP %d", r.StatusCode)
	}
	return json.NewDecoder(r.Body).Decode(resp)
}
