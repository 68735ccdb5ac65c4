package app

import (
	"strconv"
	"sync"
	"time"

	stakingkeeper "github.com/pingo-chain/pingo/x/staking/keeper"
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
	valPower   *prometheus.GaugeVec
	valMissed  *prometheus.GaugeVec
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
				Help: "Commit time (the commit marker and pruning; IAVL SaveVersion runs in FinalizeBlock).", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
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
			valPower: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "pingo", Name: "validator_power",
				Help: "Voting power of each validator in the active set, by operator address."}, []string{"operator"}),
			valMissed: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "pingo", Name: "validator_missed_blocks",
				Help: "Blocks each active validator missed in the current downtime window."}, []string{"operator"}),
		}
		prometheus.MustRegister(m.blockExec, m.commit, m.txs, m.checkTxs, m.blockTxs, m.iavlVer, m.iavlLeaves, m.height,
			m.valPower, m.valMissed)
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

// observeValidators reads the committed active set (a few point reads per
// validator) so operators can alert on their own power and missed blocks
// without querying. Errors only leave the gauges as they were.
func (m *metrics) observeValidators(kv stakingkeeper.KV) {
	set, err := stakingkeeper.LastValidatorSet(kv)
	if err != nil {
		return
	}
	m.valPower.Reset()
	m.valMissed.Reset()
	for _, v := range set {
		op := v.Operator.Hex()
		m.valPower.WithLabelValues(op).Set(float64(v.Power))
		if si, err := stakingkeeper.GetSigningInfo(kv, v.Operator); err == nil {
			m.valMissed.WithLabelValues(op).Set(float64(si.Missed))
		}
	}
}

func (m *metrics) observeCheck(recheck bool, codespace string, code uint32) {
	t := "new"
	if recheck {
		t = "recheck"
	}
	m.checkTxs.WithLabelValues(t, codespace, strconv.FormatUint(uint64(code), 10)).Inc()
}
