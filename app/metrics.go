package app

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the app's pingo_… series. They register in Prometheus'
// default registry, which CometBFT's instrumentation server
// (instrumentation.prometheus_listen_addr) already serves beside its own.
// Timings are observations about the node, never inputs to execution.
type metrics struct {
	blockExec  prometheus.Histogram
	commit     prometheus.Histogram
	txs        *prometheus.CounterVec
	checkTxs   *prometheus.CounterVec
	blockTxs   prometheus.Histogram
	iavlVer    prometheus.Gauge
	iavlLeaves prometheus.Gauge
	height     prometheus.Gauge
}

var (
	metricsOnce sync.Once
	appMetrics  *metrics
)

func getMetrics() *metrics {
	metricsOnce.Do(func() {
		m := &metrics{
			blockExec: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "pingo", Name: "block_execution_seconds",
				Help:    "FinalizeBlock time (execution, or reuse of the ProcessProposal execution, plus flush into IAVL).",
				Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
			commit: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "pingo", Name: "commit_seconds",
				Help: "Commit time (IAVL SaveVersion and pruning).", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
			txs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "pingo", Name: "txs_total",
				Help: "Transactions in finalized blocks by result code."}, []string{"codespace", "code"}),
			checkTxs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "pingo", Name: "checktx_total",
				Help: "CheckTx calls by type and result code."}, []string{"type", "codespace", "code"}),
			blockTxs: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "pingo", Name: "block_txs",
				Help: "Transactions per finalized block.", Buckets: prometheus.ExponentialBuckets(1, 4, 9)}),
			iavlVer: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "pingo", Name: "iavl_version",
				Help: "Last committed IAVL version (= height)."}),
			iavlLeaves: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "pingo", Name: "iavl_leaves",
				Help: "Keys in the committed state tree."}),
			height: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "pingo", Name: "height",
				Help: "Last committed height."}),
		}
		prometheus.MustRegister(m.blockExec, m.commit, m.txs, m.checkTxs, m.blockTxs, m.iavlVer, m.iavlLeaves, m.height)
		appMetrics = m
	})
	return appMetrics
}

func (m *metrics) observeBlock(start time.Time, res *blockResult) {
	m.blockExec.Observe(time.Since(start).Seconds())
	m.blockTxs.Observe(float64(len(res.results)))
	for _, r := range res.results {
		m.txs.WithLabelValues(r.Codespace, strconv.FormatUint(uint64(r.Code), 10)).Inc()
	}
}

func (m *metrics) observeCheck(recheck bool, codespace string, code uint32) {
	t := "new"
	if recheck {
		t = "recheck"
	}
	m.checkTxs.WithLabelValues(t, codespace, strconv.FormatUint(uint64(code), 10)).Inc()
}
