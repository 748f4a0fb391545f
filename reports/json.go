package reports

import (
	"encoding/json"
	"time"
)

// JSONSchema names the version of the --json document; it changes only with an incompatible change.
const JSONSchema = "uccheck.report/v1"

// JSONReport is the --json document (see docs/fleet.md).
type JSONReport struct {
	Schema     string          `json:"schema"`
	Version    string          `json:"uccheck"`
	Collection string          `json:"collection"`
	Started    time.Time       `json:"started"`
	DurationMS float64         `json:"duration_ms"`
	Shard      string          `json:"shard,omitempty"`
	Totals     JSONTotals      `json:"totals"`
	Latency    []JSONLatency   `json:"latency"`
	Targets    []JSONTargetRun `json:"targets"`
}

// JSONTotals counts targets and checks by outcome.
type JSONTotals struct {
	Targets       int `json:"targets"`
	TargetsFailed int `json:"targets_failed"` // targets with a failed or errored check
	Passed        int `json:"passed"`
	Failed        int `json:"failed"`
	Errors        int `json:"errors"`
	Skipped       int `json:"skipped"`
	Retries       int `json:"retries"`
}

// JSONLatency is a step's latency across targets.
type JSONLatency struct {
	Step  string  `json:"step"`
	N     int     `json:"n"`
	P50MS float64 `json:"p50_ms"`
	P95MS float64 `json:"p95_ms"`
	MaxMS float64 `json:"max_ms"`
}

// JSONTargetRun is one target's run.
type JSONTargetRun struct {
	Target     string         `json:"target"`
	User       string         `json:"user,omitempty"`
	Simulator  bool           `json:"simulator"`
	APIToken   bool           `json:"api_token"`
	Insecure   bool           `json:"insecure"`
	Aborted    string         `json:"aborted,omitempty"`
	DurationMS float64        `json:"duration_ms"`
	Checks     []JSONCheck    `json:"checks"`
	Exchanges  []JSONExchange `json:"exchanges"`
}

// JSONCheck is one check's result.
type JSONCheck struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Outcome   Outcome `json:"outcome"`
	Message   string  `json:"message,omitempty"`
	Step      string  `json:"step,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
	See       string  `json:"see"`
}

// JSONExchange is one request of a run, with its timings; no headers or bodies.
type JSONExchange struct {
	Exchange
	TimingsMS JSONTimings `json:"timings_ms"`
}

// JSONTimings are an exchange's phases in milliseconds.
type JSONTimings struct {
	DNS       float64 `json:"dns"`
	Connect   float64 `json:"connect"`
	TLS       float64 `json:"tls"`
	FirstByte float64 `json:"first_byte"`
	Total     float64 `json:"total"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// JSON renders the fleet as the --json document, secrets redacted.
func JSON(f *Fleet) ([]byte, error) {
	// Redact every string before encoding: JSON escaping would hide a secret from a pass over
	// the encoded document (a password with a quote in it, say).
	rd := f.Redactor().Redact
	doc := JSONReport{
		Schema: JSONSchema, Version: f.Version, Collection: rd(f.Collection), Started: f.Started.UTC(),
		DurationMS: ms(f.Duration), Shard: f.Shard, Latency: []JSONLatency{}, Targets: []JSONTargetRun{},
	}
	for _, s := range f.LatencyStats() {
		doc.Latency = append(doc.Latency, JSONLatency{Step: s.Step, N: s.N, P50MS: ms(s.P50), P95MS: ms(s.P95), MaxMS: ms(s.Max)})
	}
	for _, run := range f.Runs {
		c := run.Counts()
		doc.Totals.Targets++
		if c.Failed+c.Errors > 0 {
			doc.Totals.TargetsFailed++
		}
		doc.Totals.Passed += c.Passed
		doc.Totals.Failed += c.Failed
		doc.Totals.Errors += c.Errors
		doc.Totals.Skipped += c.Skipped
		doc.Totals.Retries += run.Retries()
		t := JSONTargetRun{Target: rd(run.Target), User: rd(run.User), Simulator: run.Simulated, APIToken: run.APIToken,
			Insecure: run.Insecure, Aborted: rd(run.Aborted), DurationMS: ms(run.Duration), Checks: []JSONCheck{}, Exchanges: []JSONExchange{}}
		for _, r := range run.Results {
			id, see := r.ID, r.Anchor
			if r.Kind != "" {
				id, see = r.Kind, "docs/postman.md"
			}
			t.Checks = append(t.Checks, JSONCheck{ID: id, Title: rd(r.Title), Outcome: r.Outcome, Message: rd(r.Message), Step: r.Step, LatencyMS: ms(r.Latency), See: see})
		}
		for _, e := range run.Exchanges {
			e.Request, e.Error = rd(e.Request), rd(e.Error)
			e.Retries = redactAll(e.Retries, f.Redactor())
			t.Exchanges = append(t.Exchanges, JSONExchange{Exchange: e, TimingsMS: JSONTimings{DNS: ms(e.DNS), Connect: ms(e.Connect), TLS: ms(e.TLS), FirstByte: ms(e.FirstByte), Total: ms(e.Total)}})
		}
		doc.Targets = append(doc.Targets, t)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return []byte(f.Redactor().Redact(string(b)) + "\n"), nil
}
