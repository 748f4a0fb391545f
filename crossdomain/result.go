package crossdomain

import "time"

// Result is everything one crossdomain run saw: the values the suites judge. It holds no
// judgement.
type Result struct {
	Browser     string       // the browser's product and version, "HeadlessChrome/156.0.…"
	Form        *FormResult  // the form side; nil when no form was checked
	Embed       *EmbedResult // the iframe side; nil when no iframe page was checked
	Started     time.Time
	Duration    time.Duration
	Interrupted bool // the run was interrupted: what did not run is missing
}

// FormResult is what the harness saw of a form under test: one Scenario per behaviour.
type FormResult struct {
	Page         string // the form as given: a URL, a file, or a simulator page
	URL          string // where the harness served it, inside the agent window
	ExpectOrigin string // the integrator's origin the form must trust (--expect-origin); "" when not given
	Sender       string // the origin the messages of the positive scenarios came from
	Scenarios    []*Scenario
	Err          *Error // why the form could not be checked at all; nil when it was
}

// Scenario returns the scenario with the given name, or nil when it did not run.
func (f *FormResult) Scenario(name string) *Scenario {
	if f == nil {
		return nil
	}
	for _, s := range f.Scenarios {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Scenario is one behaviour tried on a form, in a tab of its own: the steps it took, in order.
type Scenario struct {
	Name       string // ScenarioDisposition, ScenarioCloseTab, ScenarioUnknown or ScenarioOrigin
	Steps      []*Step
	Console    []ConsoleEntry // what the browser reported while the scenario ran
	Started    time.Time
	Duration   time.Duration
	Err        *Error // why the scenario could not run to its end; nil when it did
	Screenshot []byte // PNG of the harness at the end, when screenshots were asked for
}

// Step is one message posted to the form from a child frame, and what the form did before the
// next: the calls it made and the errors it let escape.
type Step struct {
	Name    string // what the message is, "the documented DISPOSITION_CALL"
	From    string // the origin of the child frame that posted it ("null" for a sandboxed frame)
	Message Value  // the message (event.data)
	// Act says whether the form must act on the message (true) or ignore it (false).
	Act    bool
	Calls  []Call      // UC_DispositionCall and parent.closeActiveTab() calls, in order
	Errors []PageError // uncaught exceptions and unhandled rejections in the form
	// Replaced says that the form had replaced the harness's UC_DispositionCall with its own.
	Replaced bool
	// Delivered says that the message reached the form's window (its barrier came back).
	Delivered bool
	Duration  time.Duration // from posting to the end of the settle time
}

// The functions a form may call.
const (
	FuncDispositionCall = "UC_DispositionCall"
	FuncCloseActiveTab  = "closeActiveTab"
)

// Call is one call the form made to a function the harness provides.
type Call struct {
	Func  string  // FuncDispositionCall or FuncCloseActiveTab
	Frame string  // where the function lives: "form" (UC_DispositionCall) or "agent" (closeActiveTab)
	Args  []Value // the arguments, as the page passed them
}

// CallsOf returns the calls of the given function.
func (s *Step) CallsOf(fn string) []Call {
	var out []Call
	for _, c := range s.Calls {
		if c.Func == fn {
			out = append(out, c)
		}
	}
	return out
}

// PageError is an uncaught exception or unhandled rejection in a frame under test.
type PageError struct {
	Frame   string // "form" or "embed"
	Message string // "Uncaught TypeError: Cannot read properties of undefined (reading 'campaign')"
	URL     string
	Line    int
}

// ConsoleEntry is one thing the browser reported in its console: an uncaught exception, a
// console.error or console.warn call, or a browser log entry (security errors, blocked loads).
type ConsoleEntry struct {
	Level string // "exception", "error", "warning", "assert"
	Text  string
	URL   string // the script or page it came from, when known
	Line  int    // 1-based; 0 when unknown
}

// EmbedResult is what the harness saw of an integrator's page under test, embedded in a stand-in
// form, when the user action ran.
type EmbedResult struct {
	Page   string // the page as given: a URL, a file, or a simulator page
	URL    string // where the harness served it, inside the stand-in form
	Action string // the user action: "click #save" or "eval …"
	// ExpectTargetOrigin is the uContact origin the page must post to (--expect-target-origin);
	// "" when not given.
	ExpectTargetOrigin string
	Posts              []Post // what the page posted with window.parent.postMessage, in order
	ToTop              []Post // messages that reached the agent window (top) instead of the form
	Received           []Post // messages the stand-in form received, in order
	Errors             []PageError
	Console            []ConsoleEntry
	Started            time.Time
	Duration           time.Duration
	Err                *Error // why the page could not be checked; nil when it was
	Screenshot         []byte // PNG of the harness at the end, when screenshots were asked for
}

// Post is one postMessage call or delivery.
type Post struct {
	Data Value
	// TargetOrigin is the targetOrigin argument ("*", an origin, "/"); "" when it was left out,
	// which means "/". Empty for a received message.
	TargetOrigin string
	Origin       string // event.origin, for a received message
	// BeforeAction says that it happened while the page loaded, before the user action.
	BeforeAction bool
}

// ErrorKind classifies why something could not be checked (as opposed to a check failing).
type ErrorKind string

// The kinds of errors.
const (
	ErrBrowser     ErrorKind = "browser"     // the browser could not be started, or died
	ErrUnreachable ErrorKind = "unreachable" // the page under test could not be fetched
	ErrTimeout     ErrorKind = "timeout"     // a page or a message took longer than the timeout
	ErrAction      ErrorKind = "action"      // the user action could not be performed (no such element)
	ErrHarness     ErrorKind = "harness"     // the harness itself failed
	ErrInterrupted ErrorKind = "interrupted" // the run was interrupted
)

// Error says why something could not be checked.
type Error struct {
	Kind    ErrorKind
	Message string
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Message }
