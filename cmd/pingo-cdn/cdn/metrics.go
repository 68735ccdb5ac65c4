package cdn

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the daemon's Prometheus series on their own registry (several
// daemons can share a test process). Monitoring only: nothing here reaches
// the chain.
type Metrics struct {
	Registry      *prometheus.Registry
	JobsAccepted  prometheus.Counter
	Attestations  prometheus.Counter
	AttestSends   prometheus.Counter
	UnitsAttested prometheus.Counter
	Reveals       prometheus.Counter
	Verdicts      *prometheus.CounterVec
	Results       *prometheus.CounterVec
	Errors        *prometheus.CounterVec
	Contributors  prometheus.Gauge
	AuthFailures  *prometheus.CounterVec
}

func newMetrics() *Metrics {
	ns := "pingo_cdn"
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.JobsAccepted = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "jobs_accepted_total", Help: "AcceptJob txs committed."})
	m.Attestations = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "attestations_total", Help: "Attest txs committed by this process."})
	m.AttestSends = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "attest_sends_total", Help: "Attest txs broadcast, resends included."})
	m.UnitsAttested = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "units_attested_total", Help: "Units in committed attestations."})
	m.Reveals = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "reveals_total", Help: "Reveal txs committed (chunks)."})
	m.Verdicts = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "verdicts_total", Help: "Receipt verdicts seen, by verdict."}, []string{"verdict"})
	m.Results = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "results_total", Help: "Contributor results, by outcome (accepted or the error code)."}, []string{"outcome"})
	m.Errors = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "errors_total", Help: "Errors by kind."}, []string{"kind"})
	m.Contributors = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "contributors_connected", Help: "Contributors seen within the contributor timeout."})
	m.AuthFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "auth_failures_total", Help: "Contributor requests refused by authentication, by error code."}, []string{"code"})
	m.Registry.MustRegister(m.JobsAccepted, m.Attestations, m.AttestSends, m.UnitsAttested, m.Reveals, m.Verdicts, m.Results, m.Errors, m.Contributors, m.AuthFailures)
	return m
}
