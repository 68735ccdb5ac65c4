package chain

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// The mempool lives in CometBFT, not the app, so its size is read from the
// running node at scrape time. One gauge serves the process; in tests that
// run several nodes in one process it reports their sum.
var (
	mempoolOnce  sync.Once
	mempoolMu    sync.Mutex
	mempoolNodes = map[*Node]struct{}{}
)

func trackMempool(n *Node) {
	mempoolOnce.Do(func() {
		prometheus.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "pingo", Name: "mempool_txs",
			Help: "Transactions waiting in the mempool."}, mempoolSize))
	})
	mempoolMu.Lock()
	mempoolNodes[n] = struct{}{}
	mempoolMu.Unlock()
}

func untrackMempool(n *Node) {
	mempoolMu.Lock()
	delete(mempoolNodes, n)
	mempoolMu.Unlock()
}

func mempoolSize() float64 {
	mempoolMu.Lock()
	defer mempoolMu.Unlock()
	total := 0
	for n := range mempoolNodes {
		if mp := n.Cmt.Mempool(); mp != nil {
			total += mp.Size()
		}
	}
	return float64(total)
}
