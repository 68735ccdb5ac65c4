package cdn

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"math/big"
	"net/http"
	"time"

	"github.com/pingo-chain/pingo/cmd/internal/agentproto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves the v2 contributor protocol, /status and /metrics.
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(agentproto.PathInfo, d.handleInfo)
	mux.HandleFunc(agentproto.PathRegister, d.post(d.handleRegister))
	mux.HandleFunc(agentproto.PathAssignment, d.post(d.handleAssignment))
	mux.HandleFunc(agentproto.PathResult, d.post(d.handleResult))
	mux.HandleFunc(agentproto.V1Prefix, func(w http.ResponseWriter, r *http.Request) {
		agentproto.WriteError(w, agentproto.Errf(agentproto.CodeVersion, "protocol v1 (unsigned requests) is no longer served; speak v%d", agentproto.Version))
	})
	mux.HandleFunc("/status", d.handleStatus)
	mux.Handle("/metrics", promhttp.HandlerFor(d.metrics.Registry, promhttp.HandlerOpts{}))
	return mux
}

// handler is a POST endpoint: the raw body and the contributor that
// signed it (agentproto.Authenticate), the answer or a protocol error.
type handler func(r *http.Request, body []byte, signer auth.Address) (any, error)

// post authenticates a request before anything in it is looked at: no
// work is handed out and no output accepted for a contributor that did
// not sign this very request, freshly, once.
func (d *Daemon) post(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			agentproto.WriteError(w, agentproto.Errf(agentproto.CodeMethodNotAllowed, "%s wants POST", r.URL.Path))
			return
		}
		body, err := agentproto.ReadBody(r)
		if err != nil {
			agentproto.WriteError(w, err)
			return
		}
		signer, err := agentproto.Authenticate(r, body, d.addr, d.replay, time.Now())
		if err != nil {
			code := agentproto.CodeInternal
			if pe := (*agentproto.Error)(nil); errors.As(err, &pe) {
				code = pe.Code
			}
			d.metrics.AuthFailures.WithLabelValues(code).Inc()
			agentproto.WriteError(w, err)
			return
		}
		v, err := h(r, body, signer)
		if err != nil {
			agentproto.WriteError(w, err)
			return
		}
		agentproto.WriteJSON(w, http.StatusOK, v)
	}
}

func (d *Daemon) handleInfo(w http.ResponseWriter, _ *http.Request) {
	agentproto.WriteJSON(w, http.StatusOK, agentproto.Info{Version: agentproto.Version, ChainID: d.chainID,
		Node: d.addr, UnitKinds: d.cfg.UnitKinds})
}

// checkHeader refuses a request of another protocol version or chain, or
// one whose body names a contributor other than its signer.
func (d *Daemon) checkHeader(version int, chainID uint64, contributor, signer auth.Address) error {
	if version != agentproto.Version {
		return agentproto.Errf(agentproto.CodeVersion, "protocol version %d, node speaks %d", version, agentproto.Version)
	}
	if chainID != d.chainID {
		return agentproto.Errf(agentproto.CodeWrongChain, "chain id %d, node is on %d", chainID, d.chainID)
	}
	if contributor == auth.ZeroAddress {
		return agentproto.Errf(agentproto.CodeMalformed, "zero contributor address")
	}
	if contributor != signer {
		return agentproto.Errf(agentproto.CodeBadAuth, "request for %s signed by %s", contributor, signer)
	}
	return nil
}

func (d *Daemon) handleRegister(_ *http.Request, body []byte, signer auth.Address) (any, error) {
	var req agentproto.RegisterRequest
	if err := agentproto.DecodeJSON(body, &req); err != nil {
		return nil, err
	}
	if err := d.checkHeader(req.Version, req.ChainID, req.Contributor, signer); err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.seen[req.Contributor] = time.Now()
	n := d.activeLocked()
	d.mu.Unlock()
	d.wake()
	return agentproto.RegisterResponse{Node: d.addr, PollMillis: int(d.cfg.Poll / time.Millisecond), Contributors: n}, nil
}

// activeLocked counts contributors seen within ContributorTimeout.
func (d *Daemon) activeLocked() int {
	n := 0
	for a, t := range d.seen {
		if time.Since(t) <= d.cfg.ContributorTimeout {
			n++
		} else {
			delete(d.seen, a)
		}
	}
	d.metrics.Contributors.Set(float64(n))
	return n
}

// handleAssignment long-polls for a part: an unassigned one, or one whose
// contributor let it expire, in a batch this contributor has no part of
// (an attestation names each contributor once).
func (d *Daemon) handleAssignment(r *http.Request, body []byte, signer auth.Address) (any, error) {
	var req agentproto.AssignmentRequest
	if err := agentproto.DecodeJSON(body, &req); err != nil {
		return nil, err
	}
	if err := d.checkHeader(req.Version, req.ChainID, req.Contributor, signer); err != nil {
		return nil, err
	}
	d.mu.Lock()
	_, known := d.seen[req.Contributor]
	d.mu.Unlock()
	if !known {
		return nil, agentproto.Errf(agentproto.CodeUnknownContrib, "%s is not registered (register again)", req.Contributor)
	}
	wait := time.Duration(min(max(req.WaitMillis, 0), agentproto.MaxWaitMillis)) * time.Millisecond
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		d.mu.Lock()
		d.seen[req.Contributor] = time.Now()
		ch := d.notify
		d.mu.Unlock()
		a, err := d.assign(req.Contributor)
		if err != nil || a != nil {
			return agentproto.AssignmentResponse{Assignment: a}, err
		}
		select {
		case <-ch:
		case <-deadline.C:
			return agentproto.AssignmentResponse{}, nil
		case <-r.Context().Done():
			return agentproto.AssignmentResponse{}, nil
		case <-d.stopping:
			return agentproto.AssignmentResponse{}, nil
		}
	}
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// assign hands contributor a free part, persisting the assignment first.
func (d *Daemon) assign(contributor auth.Address) (*agentproto.Assignment, error) {
	var out *agentproto.Assignment
	now := time.Now().UnixMilli()
	err := d.journal.Update(func(j *Journal) error {
		for _, b := range j.Sorted() {
			if b.State != StateGathering {
				continue
			}
			mine := false
			for _, p := range b.Parts {
				mine = mine || p.Contributor == contributor && (p.Done || p.ExpiresMs > now)
			}
			if mine {
				continue
			}
			job := j.Jobs[b.JobID]
			for _, p := range b.Parts {
				if p.Done || p.Contributor != auth.ZeroAddress && p.ExpiresMs > now {
					continue
				}
				p.ID, p.Contributor, p.ExpiresMs = newID(), contributor, now+d.cfg.AssignTTL.Milliseconds()
				out = &agentproto.Assignment{ID: p.ID, ChainID: d.chainID, Node: d.addr, JobID: b.JobID, Seed: job.Seed,
					UnitKind: job.UnitKind, SpecHash: job.SpecHash, Start: p.Start, End: p.End, AttStart: b.Start,
					AttEnd: b.End, ExpiresUnixMs: p.ExpiresMs}
				return nil
			}
		}
		return errUnchanged
	})
	return out, err
}

// handleResult checks and stores a contributor's result: its part, its
// digest count, the sub-root over its leaves, its share signature, and a
// spot check of one random unit re-executed here (a lazy contributor is
// caught by the node before it can make the node fail on chain).
func (d *Daemon) handleResult(_ *http.Request, body []byte, signer auth.Address) (any, error) {
	var req agentproto.ResultRequest
	if err := agentproto.DecodeJSON(body, &req); err != nil {
		d.metrics.Results.WithLabelValues(agentproto.CodeMalformed).Inc()
		return nil, err
	}
	resp, err := d.result(&req, signer)
	if err != nil {
		code := agentproto.CodeInternal
		if pe, ok := err.(*agentproto.Error); ok {
			code = pe.Code
		}
		d.metrics.Results.WithLabelValues(code).Inc()
		return nil, err
	}
	d.metrics.Results.WithLabelValues("accepted").Inc()
	d.wake()
	return resp, nil
}

func (d *Daemon) result(req *agentproto.ResultRequest, signer auth.Address) (any, error) {
	if err := d.checkHeader(req.Version, req.ChainID, req.Contributor, signer); err != nil {
		return nil, err
	}
	var units uint64
	err := d.journal.Update(func(j *Journal) error {
		b, p := findPart(j, req.AssignmentID)
		if p == nil {
			return agentproto.Errf(agentproto.CodeUnknownAssign, "no assignment %q", req.AssignmentID)
		}
		if p.Contributor != req.Contributor {
			return agentproto.Errf(agentproto.CodeNotYours, "assignment %s is not %s's", req.AssignmentID, req.Contributor)
		}
		if p.Done {
			return agentproto.Errf(agentproto.CodeDuplicate, "assignment %s already delivered", req.AssignmentID)
		}
		if time.Now().UnixMilli() > p.ExpiresMs {
			return agentproto.Errf(agentproto.CodeExpired, "assignment %s expired", req.AssignmentID)
		}
		units = p.End - p.Start
		if uint64(len(req.Digests)) != units {
			return agentproto.Errf(agentproto.CodeBadResult, "%d digests for %d units", len(req.Digests), units)
		}
		job := j.Jobs[b.JobID]
		sub := kernel.Root(agentproto.Leaves(b.JobID, p.Start, p.Contributor, req.Digests))
		if sub != req.SubRoot {
			return agentproto.Errf(agentproto.CodeBadResult, "sub-root %s, digests give %s", req.SubRoot.Hex(), compute.Hash(sub).Hex())
		}
		a := agentproto.Assignment{ChainID: d.chainID, Node: d.addr, JobID: b.JobID, Start: p.Start, End: p.End, AttStart: b.Start, AttEnd: b.End}
		if err := agentproto.VerifyShare(&a, p.Contributor, req.SubRoot, req.Signature); err != nil {
			return err
		}
		k, _ := rand.Int(rand.Reader, new(big.Int).SetUint64(units))
		idx := p.Start + k.Uint64()
		if kernel.Digest(job.Seed, idx) != req.Digests[idx-p.Start] {
			return agentproto.Errf(agentproto.CodeBadResult, "spot check of unit %d failed", idx)
		}
		p.Done, p.Digests, p.SubRoot, p.Signature = true, req.Digests, req.SubRoot, req.Signature
		return nil
	})
	if err != nil {
		return nil, err
	}
	return agentproto.ResultResponse{Accepted: true, Units: units}, nil
}

// findPart finds a part by assignment id in any batch: a delivered part
// of an attested batch still answers "duplicate" to a retried upload.
func findPart(j *Journal, id string) (*Batch, *Part) {
	if id == "" {
		return nil, nil
	}
	for _, b := range j.Batches {
		for _, p := range b.Parts {
			if p.ID == id {
				return b, p
			}
		}
	}
	return nil, nil
}
