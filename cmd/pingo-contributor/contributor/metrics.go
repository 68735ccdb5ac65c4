package contributor

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the agent's Prometheus series, on their own registry so
// several agents can live in one process (tests) without colliding.
// Floats here are monitoring only; nothing from them reaches the chain.
type Metrics struct {
	Registry  *prometheus.Registry
	Units     prometheus.Counter
	Accepted  prometheus.Counter
	Errors    *prometheus.CounterVec
	Rate      prometheus.Gauge
	Balance   prometheus.Gauge
	NFTUnits  prometheus.Gauge
	Connected prometheus.Gauge

	mu      sync.Mutex
	winFrom time.Time
	winN    uint64
}

func newMetrics() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry(), winFrom: time.Now()}
	ns := "pingo_contributor"
	m.Units = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "units_computed_total", Help: "Work units computed."})
	m.Accepted = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "units_accepted_total", Help: "Work units whose result the CDN node accepted."})
	m.Errors = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "errors_total", Help: "Errors by kind."}, []string{"kind"})
	m.Rate = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "units_per_second", Help: "Units computed per second over the last window (≥ 5 s)."})
	m.Balance = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "balance_upingo", Help: "Account balance read from the chain (upingo)."})
	m.NFTUnits = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "nft_verified_units", Help: "Verified units on the contributor NFT."})
	m.Connected = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "connected", Help: "1 while registered with the CDN node."})
	m.Registry.MustRegister(m.Units, m.Accepted, m.Errors, m.Rate, m.Balance, m.NFTUnits, m.Connected)
	return m
}

// unit counts one computed unit and refreshes the rate every 5 s.
func (m *Metrics) unit() {
	m.Units.Inc()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.winN++
	if d := time.Since(m.winFrom); d >= 5*time.Second {
		m.Rate.Set(float64(m.winN) / d.Seconds())
		m.winN, m.winFrom = 0, time.Now()
	}
}
