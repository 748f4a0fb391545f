// Package fleet runs uccheck against a fleet of targets: it reads the targets (--domain,
// --base-url, --domains-file), takes a shard of them, runs each one's contract flow then its
// collection pass in a tenant-locked worker pool while suites judges them in one Ginkgo run, maps
// the results to report values and writes the reports. cmd/uccheck fills Options from its flags
// and calls Run.
package fleet

import (
	"crypto/x509"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
)

// Options are the options of a run of the contract flow (and collection pass) against a fleet
// of targets: what `uccheck run` fills from its flags and UCCHECK_* variables.
type Options struct {
	Domains       []string
	BaseURLs      []string
	DomainsFile   string
	Parallel      int
	Shard         string
	User          string
	Password      string // from UCCHECK_PASSWORD, --password-file or --password-stdin; never a flag
	PasswordFile  string
	PasswordStdin bool
	CACert        string
	Insecure      bool
	Timeout       time.Duration
	Deadline      time.Duration
	MaxBody       int64
	Verbose       bool
	JUnit         string
	Skip, Only    []string
	Collections   []string
	Roles         collections.RoleOverrides // --login-item, --probe-item, --logout-item
	Vars          []string
	NoColor       bool

	APIToken     string // from UCCHECK_API_TOKEN or --api-token-file; never a flag value
	APITokenFile string
	TokenScheme  string
	Retries      int
	MaxLatency   string
	CertMinDays  int
	JSON         string
	HTML         string
	HARDir       string

	// The collection pass (see docs/postman.md).
	Environment   string        // --environment FILE: a Postman environment export
	Globals       string        // --globals FILE: a Postman globals export
	Folders       []string      // --folder NAME: also run this folder's items; repeatable
	AllItems      bool          // --all-items: run every item of the collection
	IterationData string        // --iteration-data FILE.csv|json
	Iterations    int           // --iteration-count N
	ScriptTimeout time.Duration // --timeout-script
	WorkingDir    string        // --working-dir: where file bodies are read from

	// Version is uccheck's version, for the reports.
	Version string

	io Streams
	// planOnly: Plan describes the run; a collection without its role items is not an error
	// there (the plan says why a run would stop).
	planOnly bool
}

func (o *Options) validate() error {
	switch {
	case o.Timeout <= 0:
		return usageErr("--timeout must be positive, got %s", o.Timeout)
	case o.Deadline < 0:
		return usageErr("--deadline must not be negative, got %s", o.Deadline)
	case o.MaxBody <= 0:
		return usageErr("--max-body must be positive, got %d", o.MaxBody)
	case o.Parallel < 1:
		return usageErr("--parallel must be at least 1, got %d", o.Parallel)
	case o.Retries < 0:
		return usageErr("--retries must not be negative, got %d", o.Retries)
	case o.CertMinDays < 0:
		return usageErr("--cert-min-days must not be negative, got %d", o.CertMinDays)
	case !strings.EqualFold(o.TokenScheme, "Basic") && !strings.EqualFold(o.TokenScheme, "Bearer"):
		return usageErr("--token-scheme %q: want Basic or Bearer", o.TokenScheme)
	}
	return nil
}

// parseBudgets reads --max-latency: one duration for every step, or step=duration pairs.
func parseBudgets(s string) (map[runner.Step]time.Duration, error) {
	if s == "" {
		return nil, nil
	}
	out := map[runner.Step]time.Duration{}
	if !strings.Contains(s, "=") {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, usageErr("--max-latency %q: want a positive duration (2s) or step=duration pairs (login=2s,probe=1s)", s)
		}
		for _, step := range runner.Flow {
			out[step] = d
		}
		return out, nil
	}
	known := map[runner.Step]bool{}
	var names []string
	for _, step := range runner.Flow {
		known[step] = true
		names = append(names, string(step))
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		d, err := time.ParseDuration(v)
		if !ok || err != nil || d <= 0 {
			return nil, usageErr("--max-latency %q: %q is not step=duration", s, part)
		}
		if !known[runner.Step(k)] {
			return nil, usageErr("--max-latency: unknown step %q (steps: %s)", k, strings.Join(names, ", "))
		}
		out[runner.Step(k)] = d
	}
	return out, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimRight(line, "\r")
}

func loadCA(path string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if path == "" {
		return pool, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("--ca-cert: %v", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usageErr("--ca-cert %s: no PEM certificate in the file", path)
	}
	return pool, nil
}

func hostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	return u.Host
}

// ParseVars reads --var KEY=VALUE pairs.
func ParseVars(vars []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageErr("--var %q: want KEY=VALUE", kv)
		}
		out[k] = v
	}
	return out, nil
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// splitCommas lets --skip and --only take "a,b" as the environment variables do.
func splitCommas(in []string) []string {
	var out []string
	for _, v := range in {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
