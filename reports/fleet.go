package reports

import (
	"sort"
	"time"
)

// Fleet is a run over one or more targets.
type Fleet struct {
	Version    string
	Collection string
	Started    time.Time
	Duration   time.Duration
	Shard      string // "2/8" when the run took a share of the targets
	Runs       []*Run
}

// FleetOf returns a fleet of one run.
func FleetOf(run *Run) *Fleet {
	return &Fleet{Version: run.Version, Collection: run.Collection, Started: run.Started, Duration: run.Duration, Runs: []*Run{run}}
}

// Redactor returns a redactor for every run's secrets.
func (f *Fleet) Redactor() *Redactor {
	var all []string
	for _, r := range f.Runs {
		if r.Redactor != nil {
			all = append(all, r.Redactor.secrets...)
		}
	}
	return NewRedactor(all)
}

// Counts returns the totals over every run.
func (f *Fleet) Counts() Counts {
	var c Counts
	for _, r := range f.Runs {
		c = c.Add(r.Counts())
	}
	return c
}

// Interrupted reports whether any run was interrupted.
func (f *Fleet) Interrupted() bool {
	for _, r := range f.Runs {
		if r.Interrupted {
			return true
		}
	}
	return false
}

// Retries returns how many attempts of the run's requests were sent again.
func (r *Run) Retries() int {
	n := 0
	for _, e := range r.Exchanges {
		n += len(e.Retries)
	}
	return n
}

// Stats are latency figures of one step across targets.
type Stats struct {
	Step          string
	N             int
	P50, P95, Max time.Duration
}

// LatencyStats returns p50, p95 and max of each step's total time across runs, in flow order of
// first appearance. Exchanges that got no answer are left out.
func (f *Fleet) LatencyStats() []Stats {
	var order []string
	samples := map[string][]time.Duration{}
	for _, r := range f.Runs {
		for _, e := range r.Exchanges {
			if e.Error != "" || e.Step == "cleanup" {
				continue
			}
			if _, seen := samples[e.Step]; !seen {
				order = append(order, e.Step)
			}
			samples[e.Step] = append(samples[e.Step], e.Total)
		}
	}
	var out []Stats
	for _, step := range order {
		d := samples[step]
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		out = append(out, Stats{Step: step, N: len(d), P50: percentile(d, 50), P95: percentile(d, 95), Max: d[len(d)-1]})
	}
	return out
}

// percentile returns the nearest-rank percentile of sorted samples.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}
