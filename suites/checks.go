// Package suites judges a runner transcript against the documented uContact auth contract: each
// documented behaviour is a Check with a stable ID, run as a Ginkgo spec with Gomega matchers.
package suites

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/onsi/gomega"
	"github.com/uccheck/uccheck/runner"
)

// Check is one documented behaviour of the contract.
type Check struct {
	ID    string      // stable public name, e.g. "login.token-last"
	Title string      // one line: what the server must do
	Doc   string      // where the contract says so
	Step  runner.Step // the exchange judged; "" for checks over every exchange
	// Pre returns why the check cannot be judged (it is then skipped with that reason), or "".
	Pre func(t *runner.Transcript) string
	// Judge asserts the behaviour with Gomega matchers on the transcript.
	Judge func(g gomega.Gomega, t *runner.Transcript)
}

// DocsURL is where every check is documented; each check has an anchor named by its ID.
const DocsURL = "docs/checks.md"

// Anchor returns the check's documentation link, "docs/checks.md#login.token-last".
func (c *Check) Anchor() string {
	if strings.HasPrefix(c.ID, "latency.") {
		return DocsURL + "#latency"
	}
	return DocsURL + "#" + c.ID
}

const vendorPage = "uContact API page, section \"Autenticación\""

// Checks lists every check, in the order they are reported.
var Checks = []*Check{
	{
		ID: "login.status-ok", Title: "getUserToken answers valid credentials with HTTP 200",
		Doc: vendorPage + ", getUserToken", Step: runner.StepLogin,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepLogin)).To(HaveStatus(http.StatusOK), "%s", header(t, runner.StepLogin))
		},
	},
	{
		ID: "login.json-array", Title: "getUserToken answers with a JSON array",
		Doc: vendorPage + ", getUserToken: \"Resultado: JSON\", the key \"al final de la lista\"", Step: runner.StepLogin,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepLogin)).To(BeJSONArray(), "%s", header(t, runner.StepLogin))
		},
	},
	{
		ID: "login.token-last", Title: "getUserToken puts a non-empty string token as the array's last element",
		Doc: vendorPage + ", getUserToken: \"Supervisor sin teléfono: al final de la lista\"", Step: runner.StepLogin,
		Pre: func(t *runner.Transcript) string {
			if v, ok := decodeJSON(t.Get(runner.StepLogin).Response.Body); ok {
				if _, isArray := v.([]any); isArray {
					return ""
				}
			}
			return "the answer is not a JSON array (see login.json-array)"
		},
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepLogin)).To(HaveTokenLast(), "%s", header(t, runner.StepLogin))
		},
	},
	{
		ID: "login.token-shape", Title: "getUserToken issues a token that is base64 of <user>:<UUID>",
		Doc: vendorPage + ", the example key QWRtaW46OTgz… (base64 of Admin:<UUID>)", Step: runner.StepLogin,
		Pre: needToken,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Token).To(BeUserUUIDToken(t.User), "%s", header(t, runner.StepLogin))
		},
	},
	{
		ID: "login.bad-credentials-zero", Title: "getUserToken answers 0 to credentials that cannot exist",
		Doc: vendorPage + ", getUserToken: \"Si es Error Respuesta 0\" (asked with a random user name, never the real one: lockout)", Step: runner.StepLoginBad,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepLoginBad)).To(BeZeroAnswer(), "%s", header(t, runner.StepLoginBad))
		},
	},
	{
		ID: "transport.https", Title: "the API is served over HTTPS",
		Doc: vendorPage + ", \"uContact usa https por defecto\"",
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			for _, ex := range answered(t) {
				g.Expect(ex).To(BeHTTPS(), "%s", header(t, ex.Step))
			}
		},
	},
	{
		ID: "transport.http2", Title: "the API negotiates HTTP/2",
		Doc: vendorPage + ", \"uContact usa https por defecto (http2)\"",
		Pre: needTLS("HTTP/2 is negotiated over TLS (ALPN)"),
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			for _, ex := range answered(t) {
				g.Expect(ex).To(BeHTTP2(), "%s", header(t, ex.Step))
			}
		},
	},
	CertValid(DefaultCertMinDays, time.Now),
	{
		ID: "auth.basic-accepted", Title: "a service accepts \"Authorization: Basic <token>\" with the live token",
		Doc: vendorPage + ", \"'Authorization': 'Basic <APIKey>'\"", Step: runner.StepProbe,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepProbe)).To(BeAccepted(), "%s", header(t, runner.StepProbe))
		},
	},
	{
		ID: "auth.missing-rejected", Title: "a service rejects a request without Authorization",
		Doc: vendorPage + ", \"Usar el token en el Header Authorization\"", Step: runner.StepProbeNoAuth,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepProbeNoAuth)).To(BeRejected(), "%s", header(t, runner.StepProbeNoAuth))
		},
	},
	{
		ID: "auth.bogus-rejected", Title: "a service rejects a well-formed token that was never issued",
		Doc: vendorPage + ", \"Autenticarse y obtener un token para la sesión\"", Step: runner.StepProbeBogus,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepProbeBogus)).To(BeRejected(), "%s", header(t, runner.StepProbeBogus))
		},
	},
	{
		ID: "logout.ok-one", Title: "EndSession answers 1 for the live token",
		Doc: vendorPage + ", EndSession: \"Result: 1 OK  0 ERROR\"", Step: runner.StepLogout,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepLogout)).To(BeOneAnswer(), "%s", header(t, runner.StepLogout))
		},
	},
	{
		ID: "logout.token-revoked", Title: "a service rejects the token after EndSession",
		Doc: vendorPage + ", EndSession: \"evitaremos problemas de seguridad inhabilitando el token\"", Step: runner.StepProbeEnded,
		Pre: func(t *runner.Transcript) string {
			if ex := t.Get(runner.StepProbe); ex == nil || ex.Response == nil || !accepted(ex.Response) {
				return "the live token was never accepted by the service (see auth.basic-accepted): its rejection after EndSession would prove nothing"
			}
			return ""
		},
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepProbeEnded)).To(BeRejected(), "%s", header(t, runner.StepProbeEnded))
		},
	},
	{
		ID: "logout.repeat-zero", Title: "EndSession answers 0 for a token already ended",
		Doc: vendorPage + ", EndSession: \"Result: 1 OK  0 ERROR\"", Step: runner.StepLogoutRepeat,
		Pre: func(t *runner.Transcript) string {
			if ex := t.Get(runner.StepLogout); ex == nil || ex.Response == nil || ex.Response.Status != http.StatusOK || bodyIs(ex.Response, "0") {
				return "the first EndSession did not end the session (see logout.ok-one): a second one proves nothing"
			}
			return ""
		},
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepLogoutRepeat)).To(BeZeroAnswer(), "%s", header(t, runner.StepLogoutRepeat))
		},
	},
	{
		ID: "logout.bad-token-zero", Title: "EndSession answers 0 for a token that was never issued",
		Doc: vendorPage + ", EndSession: \"Result: 1 OK  0 ERROR\"", Step: runner.StepLogoutBogus,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(runner.StepLogoutBogus)).To(BeZeroAnswer(), "%s", header(t, runner.StepLogoutBogus))
		},
	},
}

// DefaultCertMinDays is how many days a served certificate must still be valid (--cert-min-days).
const DefaultCertMinDays = 14

// CertValid returns the transport.cert-valid check: the served certificate is valid for at least
// minDays more days, judged at now().
func CertValid(minDays int, now func() time.Time) *Check {
	return &Check{
		ID: "transport.cert-valid", Title: fmt.Sprintf("the served certificate is valid for at least %d more days", minDays),
		Doc: vendorPage + ", \"uContact usa https por defecto\" (a certificate about to expire breaks every client)",
		Pre: needTLS("there is no certificate to judge"),
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			ex := answered(t)[0]
			g.Expect(ex).To(HaveCertValidFor(minDays, now()), "%s", header(t, ex.Step))
		},
	}
}

// LatencyCheck returns the latency.<step> check: the step's exchange took at most budget.
func LatencyCheck(step runner.Step, budget time.Duration) *Check {
	return &Check{
		ID: "latency." + string(step), Title: fmt.Sprintf("%s answers within %s", stepNames[step], budget),
		Doc: "the latency budget set with --max-latency", Step: step,
		Judge: func(g gomega.Gomega, t *runner.Transcript) {
			g.Expect(t.Get(step)).To(TakeAtMost(budget), "%s", header(t, step))
		},
	}
}

// Config shapes the checks of a run beyond the documented defaults.
type Config struct {
	CertMinDays int                           // 0: DefaultCertMinDays
	Now         func() time.Time              // nil: time.Now
	Budgets     map[runner.Step]time.Duration // latency budgets; each adds a latency.<step> check
}

// ChecksFor returns the checks of a run: the documented ones, configured, then one latency check
// per budgeted step, in flow order.
func ChecksFor(cfg Config) []*Check {
	if cfg.CertMinDays == 0 {
		cfg.CertMinDays = DefaultCertMinDays
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	out := make([]*Check, 0, len(Checks)+len(cfg.Budgets))
	for _, c := range Checks {
		if c.ID == "transport.cert-valid" {
			c = CertValid(cfg.CertMinDays, cfg.Now)
		}
		out = append(out, c)
	}
	for _, step := range runner.Flow {
		if b, ok := cfg.Budgets[step]; ok {
			out = append(out, LatencyCheck(step, b))
		}
	}
	return out
}

// needTLS is the precondition of checks about TLS: the flow's first answer came over TLS.
func needTLS(why string) func(t *runner.Transcript) string {
	return func(t *runner.Transcript) string {
		if ex := answered(t); len(ex) > 0 && ex[0].Response.TLS == nil {
			return why + " and the API is not served over HTTPS (see transport.https)"
		}
		return ""
	}
}

// stepNames say what each step sent, for the first line of a failure message.
var stepNames = map[runner.Step]string{
	runner.StepLogin:        "getUserToken with the real credentials",
	runner.StepLoginBad:     "getUserToken with a user name that cannot exist",
	runner.StepProbeNoAuth:  "the probe without Authorization",
	runner.StepProbeBogus:   "the probe with a never-issued token",
	runner.StepProbe:        "the probe with the live token",
	runner.StepLogout:       "EndSession of the live token",
	runner.StepProbeEnded:   "the probe with the ended token",
	runner.StepLogoutRepeat: "EndSession of the ended token, again",
	runner.StepLogoutBogus:  "EndSession of a never-issued token",
}

// header is the first line of a failure message: which request, from which item, to where.
func header(t *runner.Transcript, s runner.Step) string {
	ex := t.Get(s)
	if ex == nil {
		return stepNames[s]
	}
	return fmt.Sprintf("%s (item %q, %s %s)", stepNames[s], ex.Item, ex.Request.Method, ex.Request.URL)
}

// answered returns the flow's exchanges that got a response (cleanup excluded).
func answered(t *runner.Transcript) []*runner.Exchange {
	var out []*runner.Exchange
	for _, ex := range t.Exchanges {
		if ex.Response != nil && ex.Step != runner.StepCleanup {
			out = append(out, ex)
		}
	}
	return out
}

func needToken(t *runner.Transcript) string {
	if t.Token == "" {
		return "no token came back from getUserToken (see login.status-ok and login.json-array)"
	}
	return ""
}

// tokenSteps need the live token: without it they are not sent.
var tokenSteps = map[runner.Step]bool{
	runner.StepProbe: true, runner.StepLogout: true, runner.StepProbeEnded: true, runner.StepLogoutRepeat: true,
}

// Lookup returns the check with the given ID.
func Lookup(id string) (*Check, bool) {
	for _, c := range Checks {
		if c.ID == id {
			return c, true
		}
	}
	return nil, false
}

// IDs returns every check ID in report order.
func IDs() []string {
	out := make([]string, len(Checks))
	for i, c := range Checks {
		out[i] = c.ID
	}
	return out
}

// Selection says which checks a run judges; the others are reported as skipped with a reason.
type Selection struct {
	Excluded map[string]string // check ID -> why it is not judged
	checks   []*Check          // the run's checks (nil: Checks)
}

// Select validates --only and --skip (check IDs, or a group prefix such as "logout") and returns
// the selection. An unknown ID is an error that lists the known ones.
func Select(only, skip []string) (Selection, error) {
	return SelectFrom(Checks, only, skip)
}

// SelectFrom is Select over a run's own checks (ChecksFor: latency checks included).
func SelectFrom(checks []*Check, only, skip []string) (Selection, error) {
	sel := Selection{Excluded: map[string]string{}, checks: checks}
	known := make([]string, len(checks))
	for i, c := range checks {
		known[i] = c.ID
	}
	match := func(arg string) ([]string, error) {
		var ids []string
		for _, c := range checks {
			if c.ID == arg || strings.HasPrefix(c.ID, arg+".") {
				ids = append(ids, c.ID)
			}
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("unknown check %q; known checks: %s", arg, strings.Join(known, ", "))
		}
		return ids, nil
	}
	if len(only) > 0 {
		keep := map[string]bool{}
		for _, a := range only {
			ids, err := match(a)
			if err != nil {
				return sel, err
			}
			for _, id := range ids {
				keep[id] = true
			}
		}
		for _, c := range checks {
			if !keep[c.ID] {
				sel.Excluded[c.ID] = "not selected (--only " + strings.Join(only, ",") + ")"
			}
		}
	}
	for _, a := range skip {
		ids, err := match(a)
		if err != nil {
			return sel, err
		}
		for _, id := range ids {
			sel.Excluded[id] = "skipped on request (--skip " + a + ")"
		}
	}
	return sel, nil
}

// Steps returns the flow steps the selected checks need; steps that serve only excluded checks
// are not sent (so --skip login.bad-credentials-zero sends no failed login at all).
func (s Selection) Steps() map[runner.Step]bool {
	steps := map[runner.Step]bool{}
	checks := s.checks
	if checks == nil {
		checks = Checks
	}
	for _, c := range checks {
		if _, out := s.Excluded[c.ID]; out {
			continue
		}
		if c.Step == "" || c.Step == runner.StepLogin {
			steps[runner.StepLogin] = true
		} else {
			steps[c.Step] = true
		}
		if c.ID == "logout.token-revoked" {
			steps[runner.StepProbe] = true // its precondition: the token worked before
		}
	}
	return steps
}

// Judged returns the IDs of the checks a selection judges, sorted.
func (s Selection) Judged() []string {
	var out []string
	for _, c := range Checks {
		if _, out2 := s.Excluded[c.ID]; !out2 {
			out = append(out, c.ID)
		}
	}
	sort.Strings(out)
	return out
}
