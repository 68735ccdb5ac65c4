package relayer

import (
	"math/big"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Metrics are the relayer's Prometheus series, on a registry of their own
// (the relayer may share a process with other instrumented code in tests).
type Metrics struct {
	Registry *prometheus.Registry

	AnchoredEpoch prometheus.Gauge
	SealedEpoch   prometheus.Gauge
	Lag           prometheus.Gauge
	WalletBalance prometheus.Gauge
	Submissions   *prometheus.CounterVec // by result: landed, already_anchored, superseded, refused
	Failures      *prometheus.CounterVec // by class
	Alerts        *prometheus.CounterVec // by reason
	Latency       prometheus.Histogram

	Reports        *prometheus.CounterVec // ReportAnchor txs, by result: sent, failed
	ConfirmedEpoch prometheus.Gauge
	ConfirmedTotal prometheus.Counter
	ConfirmLatency prometheus.Histogram
}

// Failure classes (label "class" of pingo_relayer_failures_total).
const (
	FailTONUnreachable   = "ton_unreachable"
	FailChainUnreachable = "chain_unreachable"
	FailExpired          = "expired"
	FailRefused          = "refused" // a refusal that resolves by itself (202, 206, out of gas)
	FailJournal          = "journal"
	FailBuild            = "build"
)

// NewMetrics registers the relayer's series.
func NewMetrics() *Metrics {
	const ns = "pingo_relayer"
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		AnchoredEpoch: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "anchored_epoch",
			Help: "Last epoch the TON anchor holds (its lastEpoch getter)."}),
		SealedEpoch: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "sealed_epoch",
			Help: "Newest sealed checkpoint epoch on the chain."}),
		Lag: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "lag_epochs",
			Help: "Sealed epoch minus anchored epoch."}),
		WalletBalance: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "wallet_balance_nanoton",
			Help: "The relayer wallet's balance in nanoton."}),
		Submissions: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "submissions_total",
			Help: "Checkpoint submissions resolved, by result."}, []string{"result"}),
		Failures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "failures_total",
			Help: "Failed relayer steps, by class."}, []string{"class"}),
		Alerts: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "alerts_total",
			Help: "Conditions needing an operator (bad signatures, empty wallet), by reason."}, []string{"reason"}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "seal_to_anchor_seconds",
			Help:    "From the block that sealed a checkpoint to the relayer seeing it anchored.",
			Buckets: []float64{1, 2, 5, 10, 20, 60, 180, 600}}),
	}
	m.Reports = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "reports_total",
		Help: "ReportAnchor transactions sent to the chain, by result (sent, failed)."}, []string{"result"})
	m.ConfirmedEpoch = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "confirmed_epoch",
		Help: "Newest epoch this relayer anchored that the chain shows confirmed."})
	m.ConfirmedTotal = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "confirmed_total",
		Help: "Checkpoints this relayer anchored that the chain confirmed."})
	m.ConfirmLatency = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "seal_to_confirmed_seconds",
		Help:    "From the block that sealed a checkpoint to the block that confirmed it (block times).",
		Buckets: []float64{1, 2, 5, 10, 20, 60, 180, 600}})
	m.Registry.MustRegister(m.Reports, m.ConfirmedEpoch, m.ConfirmedTotal, m.ConfirmLatency)
	m.Registry.MustRegister(m.AnchoredEpoch, m.SealedEpoch, m.Lag, m.WalletBalance, m.Submissions, m.Failures, m.Alerts, m.Latency)
	return m
}

func setBig(g prometheus.Gauge, v *big.Int) {
	f, _ := new(big.Float).SetInt(v).Float64()
	g.Set(f)
}

// Value reads a counter or gauge (tests and the status log).
func Value(m prometheus.Metric) float64 {
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		return 0
	}
	switch {
	case d.Counter != nil:
		return d.Counter.GetValue()
	case d.Gauge != nil:
		return d.Gauge.GetValue()
	}
	return 0
}
