package suites

import (
	"fmt"
	"io"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"
	"github.com/uccheck/uccheck/crossdomain"
	"github.com/uccheck/uccheck/reports"
)

// CrossdomainCheck is one documented behaviour of the CrossDomain protocol (the vendor page's
// "Conexión CrossDomain"): of the form's message listener, or of the integrator's iframe page.
type CrossdomainCheck struct {
	ID    string // stable public name, e.g. "crossdomain.disposition-call"
	Title string // one line: what the page must do
	Doc   string // where the vendor page says so
	Side  string // SideForm or SideIframe: which page it judges
	// Scenario is the form scenario judged (crossdomain.Scenario*); "" for the iframe check.
	Scenario string
	// Pre returns why the check cannot be judged (it is then skipped with that reason), or "".
	Pre func(r *crossdomain.Result) string
	// Judge asserts the behaviour with Gomega matchers on the result.
	Judge func(g gomega.Gomega, r *crossdomain.Result)
}

// The sides a CrossdomainCheck judges.
const (
	SideForm   = "form"   // the uContact form's listener (uccheck crossdomain --form)
	SideIframe = "iframe" // the integrator's iframe page (uccheck crossdomain --embed)
)

// Anchor returns the check's documentation link, "docs/checks.md#crossdomain.origin".
func (c *CrossdomainCheck) Anchor() string { return DocsURL + "#" + c.ID }

const crossdomainPage = "uContact API page, section \"Conexión CrossDomain\""

// CrossdomainChecks lists the CrossDomain checks, in the order they are reported.
var CrossdomainChecks = []*CrossdomainCheck{
	{
		ID: "crossdomain.disposition-call", Title: "DISPOSITION_CALL makes the form call UC_DispositionCall once, with the ten values in order",
		Doc:  crossdomainPage + ": the listener calls UC_DispositionCall(campaign, callerid, guid, l1, l2, l3, d1, d2, comment, schedule, onOk, onError)",
		Side: SideForm, Scenario: crossdomain.ScenarioDisposition,
		Judge: func(g gomega.Gomega, r *crossdomain.Result) {
			sc := r.Form.Scenario(crossdomain.ScenarioDisposition)
			g.Expect(sc).To(CallDispositionOnce(crossdomain.DocumentedDisposition(), r.Form.ExpectOrigin), "%s", stepHeader(r.Form, sc))
		},
	},
	{
		ID: "crossdomain.close-tab", Title: "CLOSE_TAB makes the form call parent.closeActiveTab() once",
		Doc:  crossdomainPage + ": \"if (event.data.action === 'CLOSE_TAB') { parent.closeActiveTab(); }\"",
		Side: SideForm, Scenario: crossdomain.ScenarioCloseTab,
		Judge: func(g gomega.Gomega, r *crossdomain.Result) {
			sc := r.Form.Scenario(crossdomain.ScenarioCloseTab)
			g.Expect(sc).To(CallCloseTabOnce(r.Form.ExpectOrigin), "%s", stepHeader(r.Form, sc))
		},
	},
	{
		ID: "crossdomain.unknown-ignored", Title: "other actions and malformed messages make the form call nothing and throw nothing",
		Doc:  crossdomainPage + ": the listener acts on action DISPOSITION_CALL (with a disposition object) and CLOSE_TAB only",
		Side: SideForm, Scenario: crossdomain.ScenarioUnknown,
		Judge: func(g gomega.Gomega, r *crossdomain.Result) {
			sc := r.Form.Scenario(crossdomain.ScenarioUnknown)
			g.Expect(sc).To(IgnoreEveryMessage(""), "%s", fmt.Sprintf("%d malformed messages, each posted from %s by a child frame of the form", len(sc.Steps), r.Form.Sender))
		},
	},
	{
		ID: "crossdomain.origin", Title: "the form ignores messages from every origin but the integrator's",
		Doc:  crossdomainPage + ": the documented listener does not check event.origin (postMessage's own advice: always check it)",
		Side: SideForm, Scenario: crossdomain.ScenarioOrigin,
		Pre: func(r *crossdomain.Result) string {
			if sc := r.Form.Scenario(crossdomain.ScenarioDisposition); sc == nil || sc.Err != nil || len(sc.Steps) == 0 || len(sc.Steps[0].Calls) == 0 {
				return "the form did not act on the documented DISPOSITION_CALL from the expected origin either (see crossdomain.disposition-call): ignoring other origins would prove nothing"
			}
			return ""
		},
		Judge: func(g gomega.Gomega, r *crossdomain.Result) {
			sc := r.Form.Scenario(crossdomain.ScenarioOrigin)
			origins := map[string]bool{}
			for _, st := range sc.Steps {
				origins[st.From] = true
			}
			g.Expect(sc).To(IgnoreEveryMessage(r.Form.ExpectOrigin), "%s", fmt.Sprintf("the documented messages, posted from %d other origins than %s by child frames of the form", len(origins), r.Form.ExpectOrigin))
		},
	},
	{
		ID: "crossdomain.message-shape", Title: "the iframe posts one documented message to its parent",
		Doc:  crossdomainPage + ": window.parent.postMessage({action: 'DISPOSITION_CALL', disposition: {campaign, …, schedule}}, …) or {action: 'CLOSE_TAB'}; schedule like 2019-05-04 15:55:55",
		Side: SideIframe,
		Judge: func(g gomega.Gomega, r *crossdomain.Result) {
			e := r.Embed
			g.Expect(e).To(PostOneDocumentedMessage(e.ExpectTargetOrigin), "%s", fmt.Sprintf("%s, in %s (served at %s)", e.Action, e.Page, e.URL))
		},
	},
}

// CrossdomainIDs returns every CrossDomain check ID in report order.
func CrossdomainIDs() []string {
	out := make([]string, len(CrossdomainChecks))
	for i, c := range CrossdomainChecks {
		out[i] = c.ID
	}
	return out
}

// LookupCrossdomain returns the CrossDomain check with the given ID.
func LookupCrossdomain(id string) (*CrossdomainCheck, bool) {
	for _, c := range CrossdomainChecks {
		if c.ID == id {
			return c, true
		}
	}
	return nil, false
}

// JudgeCrossdomain runs every CrossDomain check on the result as a Ginkgo spec, inside one Ordered
// container named by the pages checked, and returns Ginkgo's report. Each spec carries a
// reports.CheckEntry, so reports.Console and reports.JUnit render it as they render the API
// checks. Like Judge, it runs once per process, and not after Judge (Ginkgo runs one suite per
// process).
func JudgeCrossdomain(r *crossdomain.Result) (types.Report, error) {
	var report types.Report
	ran := false
	judged.Do(func() {
		ran = true
		report = judgeCrossdomain(r)
	})
	if !ran {
		return report, ErrJudgedTwice
	}
	return report, nil
}

// CrossdomainTarget names what a result checked, for reports: "form <page> + iframe <page>".
func CrossdomainTarget(r *crossdomain.Result) string {
	var parts []string
	if r.Form != nil {
		parts = append(parts, "form "+r.Form.Page)
	}
	if r.Embed != nil {
		parts = append(parts, "iframe "+r.Embed.Page)
	}
	if len(parts) == 0 {
		return "crossdomain"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return parts[0] + " + " + parts[1]
}

func judgeCrossdomain(r *crossdomain.Result) types.Report {
	var report types.Report
	gomega.RegisterFailHandler(ginkgo.Fail)

	ginkgo.Describe(CrossdomainTarget(r), ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		for i, c := range CrossdomainChecks {
			// A distinct code location per spec keeps the report in the order of CrossdomainChecks.
			loc := types.CodeLocation{FileName: DocsURL, LineNumber: len(Checks) + i + 1}
			ginkgo.It(fmt.Sprintf("[%s] %s", c.ID, c.Title), loc, func() { crossdomainSpec(c, r) })
		}
	})
	ginkgo.ReportAfterSuite("uccheck report", func(rep types.Report) { report = rep })

	suiteConfig := types.NewDefaultSuiteConfig()
	suiteConfig.RandomSeed = 1
	reporterConfig := types.NewDefaultReporterConfig()
	reporterConfig.NoColor = true
	reporterConfig.Succinct = true

	stdout, stderr := formatter.ColorableStdOut, formatter.ColorableStdErr
	formatter.ColorableStdOut, formatter.ColorableStdErr = io.Discard, io.Discard
	defer func() { formatter.ColorableStdOut, formatter.ColorableStdErr = stdout, stderr }()

	ginkgo.RunSpecs(&testingT{}, SuiteName, suiteConfig, reporterConfig)
	return report
}

// crossdomainSpec is the body of one CrossDomain check's spec: it records the check's entry and
// turns the check's verdict into Ginkgo's outcome.
func crossdomainSpec(c *CrossdomainCheck, r *crossdomain.Result) {
	entry := CrossdomainEntry(c, r)
	ginkgo.AddReportEntry(reports.EntryName, entry)
	v := EvaluateCrossdomain(c, r)
	switch v.Outcome {
	case reports.Skipped:
		ginkgo.Skip(v.Message)
	case reports.Errored:
		entry.ErrorKind = v.ErrorKind
		ginkgo.Fail(v.Message)
	case reports.Failed:
		ginkgo.Fail(v.Message)
	}
}

// Verdict is a check's judgement outside Ginkgo.
type Verdict struct {
	Outcome   reports.Outcome
	Message   string // the failure or error message, or the skip reason
	ErrorKind string // why the page could not be checked, for an error
}

// EvaluateCrossdomain judges one CrossDomain check on the result, as its spec does, without
// Ginkgo (which runs once per process): a check that does not apply is skipped with the reason, a
// page that could not be checked is an error, and otherwise the check's Gomega assertion decides.
func EvaluateCrossdomain(c *CrossdomainCheck, r *crossdomain.Result) (v Verdict) {
	if why := CrossdomainSkip(c, r); why != "" {
		return Verdict{Outcome: reports.Skipped, Message: why}
	}
	if err := crossdomainError(c, r); err != nil {
		return Verdict{Outcome: reports.Errored, Message: err.Message, ErrorKind: string(err.Kind)}
	}
	if c.Pre != nil {
		if why := c.Pre(r); why != "" {
			return Verdict{Outcome: reports.Skipped, Message: why}
		}
	}
	defer func() {
		if p := recover(); p != nil {
			v = Verdict{Outcome: reports.Errored, Message: fmt.Sprintf("uccheck bug: the check panicked: %v", p), ErrorKind: "bug"}
		}
	}()
	failed := ""
	g := gomega.NewGomega(func(message string, _ ...int) {
		if failed == "" {
			failed = message
		}
	})
	c.Judge(g, r)
	if failed != "" {
		return Verdict{Outcome: reports.Failed, Message: failed}
	}
	return Verdict{Outcome: reports.Passed}
}

// CrossdomainSkip returns why a check does not apply to the result ("" when it does): its page
// was not given, the run was interrupted before it, or (origin) no origin was expected.
func CrossdomainSkip(c *CrossdomainCheck, r *crossdomain.Result) string {
	switch c.Side {
	case SideForm:
		if r.Form == nil {
			return "no form given (--form URL|FILE)"
		}
		if r.Form.Err != nil {
			if r.Form.Err.Kind == crossdomain.ErrInterrupted {
				return "not run: interrupted"
			}
			return ""
		}
		sc := r.Form.Scenario(c.Scenario)
		switch {
		case sc == nil && c.Scenario == crossdomain.ScenarioOrigin && r.Form.ExpectOrigin == "":
			return "no origin to trust given: run with --expect-origin ORIGIN (the integrator iframe's origin)"
		case sc == nil && r.Interrupted:
			return "not run: interrupted"
		case sc == nil:
			return "not run"
		case sc.Err != nil && sc.Err.Kind == crossdomain.ErrInterrupted:
			return "not run: interrupted"
		}
	case SideIframe:
		if r.Embed == nil {
			return "no iframe page given (--embed URL|FILE with --click SELECTOR or --eval JS)"
		}
		if r.Embed.Err != nil && r.Embed.Err.Kind == crossdomain.ErrInterrupted {
			return "not run: interrupted"
		}
	}
	return ""
}

// crossdomainError returns why the check's page could not be checked, or nil.
func crossdomainError(c *CrossdomainCheck, r *crossdomain.Result) *crossdomain.Error {
	switch c.Side {
	case SideForm:
		if r.Form.Err != nil {
			return r.Form.Err
		}
		if sc := r.Form.Scenario(c.Scenario); sc != nil && sc.Err != nil {
			return &crossdomain.Error{Kind: sc.Err.Kind, Message: fmt.Sprintf("the %s scenario could not run to its end: %s", sc.Name, sc.Err.Message)}
		}
	case SideIframe:
		return r.Embed.Err
	}
	return nil
}

// CrossdomainEntry returns the facts of a check's run for reports: what was posted (Request), what
// the page did (Answer), the page (Item) and the scenario's time.
func CrossdomainEntry(c *CrossdomainCheck, r *crossdomain.Result) *reports.CheckEntry {
	e := &reports.CheckEntry{Target: CrossdomainTarget(r), ID: c.ID, Title: c.Title, Doc: c.Doc, Anchor: c.Anchor(), Step: c.Scenario}
	switch c.Side {
	case SideForm:
		if r.Form == nil {
			return e
		}
		e.Item = r.Form.Page
		sc := r.Form.Scenario(c.Scenario)
		if sc == nil {
			return e
		}
		e.Latency = sc.Duration
		e.Request, e.Answer = scenarioSummary(r.Form, sc)
	case SideIframe:
		e.Step = "message"
		if r.Embed == nil {
			return e
		}
		e.Item, e.Latency = r.Embed.Page, r.Embed.Duration
		e.Request = r.Embed.Action + " in " + r.Embed.URL
		switch n := len(r.Embed.Posts); n {
		case 0:
			e.Answer = "no message to the parent"
		case 1:
			e.Answer = "1 message to the parent"
		default:
			e.Answer = fmt.Sprintf("%d messages to the parent", n)
		}
	}
	return e
}

// scenarioSummary says what a scenario posted and what the form did, in a few words.
func scenarioSummary(f *crossdomain.FormResult, sc *crossdomain.Scenario) (request, answer string) {
	acted := 0
	for _, st := range sc.Steps {
		if len(st.Calls) > 0 || len(st.Errors) > 0 {
			acted++
		}
	}
	switch sc.Name {
	case crossdomain.ScenarioDisposition, crossdomain.ScenarioCloseTab:
		if len(sc.Steps) == 0 {
			return "", ""
		}
		st := sc.Steps[0]
		request = fmt.Sprintf("postMessage %s from %s", crossdomain.JS(st.Message), st.From)
		answer = callSummary(st)
	case crossdomain.ScenarioUnknown:
		request = fmt.Sprintf("postMessage of %d malformed messages from %s", len(sc.Steps), f.Sender)
		answer = fmt.Sprintf("%d of %d acted on", acted, len(sc.Steps))
	case crossdomain.ScenarioOrigin:
		origins := map[string]bool{}
		for _, st := range sc.Steps {
			origins[st.From] = true
		}
		request = fmt.Sprintf("postMessage of the documented messages from %d other origins", len(origins))
		answer = fmt.Sprintf("%d of %d acted on", acted, len(sc.Steps))
	}
	return request, answer
}

// callSummary says what calls a step led to: "1 call of UC_DispositionCall", "no call".
func callSummary(st *crossdomain.Step) string {
	if len(st.Calls) == 0 {
		if len(st.Errors) > 0 {
			return "no call, " + plural(len(st.Errors), "uncaught error")
		}
		return "no call"
	}
	counts := map[string]int{}
	var order []string
	for _, c := range st.Calls {
		if counts[c.Func] == 0 {
			order = append(order, c.Func)
		}
		counts[c.Func]++
	}
	s := ""
	for i, fn := range order {
		if i > 0 {
			s += ", "
		}
		s += plural(counts[fn], "call") + " of " + fn
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// stepHeader is the first line of a one-step scenario's failure message: what was posted, from
// where, to which form.
func stepHeader(f *crossdomain.FormResult, sc *crossdomain.Scenario) string {
	if sc == nil || len(sc.Steps) == 0 {
		return "the form " + f.Page
	}
	st := sc.Steps[0]
	return fmt.Sprintf("%s, posted from %s by a child frame of the form %s", st.Name, st.From, f.Page)
}
