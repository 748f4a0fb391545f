package runner

import (
	"net/http"
	"time"
)

// Step names one request of the contract flow. Steps are sent in the order of Flow.
type Step string

// The steps of the contract flow, in the order they are sent.
const (
	StepLogin        Step = "login"         // getUserToken with the real credentials
	StepLoginBad     Step = "login-bad"     // getUserToken with a user name that cannot exist
	StepProbeNoAuth  Step = "probe-noauth"  // the probe without Authorization
	StepProbeBogus   Step = "probe-bogus"   // the probe with a well-formed, never-issued token
	StepProbe        Step = "probe"         // the probe with the live token
	StepLogout       Step = "logout"        // EndSession of the live token
	StepProbeEnded   Step = "probe-ended"   // the probe with the ended token
	StepLogoutRepeat Step = "logout-repeat" // EndSession of the ended token, again
	StepLogoutBogus  Step = "logout-bogus"  // EndSession of a never-issued token
	StepCleanup      Step = "cleanup"       // EndSession of a token the flow could not end itself
)

// Flow lists the contract steps in the order they are sent. No step ends a session a later step
// needs: the live token is ended only by StepLogout, after every probe that needs it alive, and
// EndSession of a never-issued token comes last, so that a server that ends the session named by
// the Authorization header (instead of the form's token) cannot spoil a later check.
var Flow = []Step{
	StepLogin, StepLoginBad, StepProbeNoAuth, StepProbeBogus,
	StepProbe, StepLogout, StepProbeEnded, StepLogoutRepeat, StepLogoutBogus,
}

// Transcript is everything a run sent and received, in order: the values the suites judge.
type Transcript struct {
	Target     string // base URL the flow ran against, e.g. https://acme.ucontactcloud.com
	Collection string // the collection's source (file path or embedded name)
	User       string // the user the flow logged in as
	Started    time.Time
	Duration   time.Duration
	Exchanges  []*Exchange

	Token       string      // the token the flow extracted from StepLogin ("" if none)
	TokenSource TokenSource // how the token was found in the login body

	// Aborted says why the flow stopped early ("" when it ran to its end): the target could not
	// be reached, or the run was interrupted. Steps after it were not sent.
	Aborted     string
	Interrupted bool

	// ContractSkipped, when set, says why no contract check is judged (the collection's roles
	// could not be recognised); the collection pass may still have run.
	ContractSkipped string

	// Pass is the collection pass run after the contract flow, or nil.
	Pass *PassTranscript

	// Secrets holds every secret value the run knew or received (the password and every token
	// issued to it), then each as the runner encoded it in what it sent (withSentForms). Reports
	// redact them, in every encoding, before writing anything.
	Secrets []string
}

// Exchange is one request as sent and what came back.
type Exchange struct {
	Step     Step
	Item     string // the collection item the request was built from ("API Security / EndSession")
	Request  Request
	Response *Response // nil when the request could not be made
	Err      *Error    // why the request could not be made; nil when a response came
	// Late is a login's answer that came after --timeout (within the cleanup grace): judged as a
	// timeout, but its token, if any, is ended.
	Late *Response
	// RedirectRefused says why a redirect was not followed (it would have carried credentials
	// to another origin than the target's); the redirect response is the Response.
	RedirectRefused string
	Start           time.Time
	Timings         Timings // of the last attempt
	Retries         []Retry // the attempts that failed before the last one
}

// Retry is one failed attempt that was sent again.
type Retry struct {
	Attempt int           // 1 for the first attempt
	Reason  string        // why it failed and why it could be retried
	Wait    time.Duration // the wait before the next attempt
}

// Request is a request as sent.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   string
}

// Response is what the server answered.
type Response struct {
	Status    int
	Proto     string // "HTTP/2.0", "HTTP/1.1"
	Header    http.Header
	Body      []byte
	Truncated bool     // the body was longer than the cap and was cut
	TLS       *TLSInfo // nil over plain HTTP

	read []byte // the body as read, past --max-body for a login: where its token is looked for
}

// TLSInfo holds the facts of the TLS connection a response came over.
type TLSInfo struct {
	Version    string // "TLS 1.3"
	Cipher     string
	ALPN       string // negotiated application protocol: "h2", "http/1.1" or ""
	ServerName string
	Subject    string    // leaf certificate subject
	Issuer     string    // leaf certificate issuer
	NotAfter   time.Time // leaf certificate expiry
}

// Timings are the phases of one exchange; zero where a phase did not happen (a reused connection).
type Timings struct {
	DNS       time.Duration
	Connect   time.Duration
	TLS       time.Duration
	FirstByte time.Duration // from sending to the first response byte
	Total     time.Duration // from start to the whole body read
}

// ErrorKind classifies why a request could not be made.
type ErrorKind string

// The kinds of failure to exchange.
const (
	ErrDNS         ErrorKind = "dns"
	ErrRefused     ErrorKind = "connection refused"
	ErrTimeout     ErrorKind = "timeout"
	ErrTLS         ErrorKind = "tls"
	ErrInterrupted ErrorKind = "interrupted"
	ErrDeadline    ErrorKind = "deadline"
	ErrOther       ErrorKind = "network"
)

// Error says why a request could not be made.
type Error struct {
	Kind    ErrorKind
	Message string
	Sent    bool // the request was written before it failed (the server may have acted on it)
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Message }

// TokenSource says where the lenient extraction found the token in the login body.
type TokenSource struct {
	Shape string // "array", "string", "text" or "" when no token was found
	Index int    // index in the array (for Shape "array")
	Len   int    // array length (for Shape "array")
}

// All returns every exchange of the run in order: the contract flow's, then the collection
// pass's (its items, then the EndSessions that ended what they left open).
func (t *Transcript) All() []*Exchange {
	if t.Pass == nil {
		return t.Exchanges
	}
	all := append([]*Exchange(nil), t.Exchanges...)
	for _, r := range t.Pass.Runs {
		if r.Exchange != nil {
			all = append(all, r.Exchange)
		}
	}
	return append(all, t.Pass.Cleanup...)
}

// Get returns the exchange of the given step, or nil when it was not sent.
func (t *Transcript) Get(s Step) *Exchange {
	for _, e := range t.Exchanges {
		if e.Step == s {
			return e
		}
	}
	return nil
}

// ProtoMajor returns the major HTTP version of the response: 2 for "HTTP/2.0", 1 for "HTTP/1.1".
func (r *Response) ProtoMajor() int {
	if len(r.Proto) >= 6 && r.Proto[:5] == "HTTP/" && r.Proto[5] >= '0' && r.Proto[5] <= '9' {
		return int(r.Proto[5] - '0')
	}
	return 0
}

// CompactBody is how much of a body Compact keeps, for every step but the login (whose whole body
// the login checks parse).
const CompactBody = 64 << 10

// Compact drops what judging does not need, so that a run of many targets can hold their
// transcripts until they are judged: request bodies and headers (the password, the tokens),
// response headers other than Location and Content-Type, and body bytes past CompactBody except
// the login's. Every check judges a compacted transcript as it would the whole one.
func (t *Transcript) Compact() {
	for _, ex := range t.Exchanges {
		ex.Request.Body = ""
		ex.Request.Header = nil
		r := ex.Response
		if r == nil {
			continue
		}
		h := http.Header{}
		for _, k := range []string{"Location", "Content-Type"} {
			if v := r.Header.Get(k); v != "" {
				h.Set(k, v)
			}
		}
		r.Header = h
		r.read = nil
		if ex.Step != StepLogin && len(r.Body) > CompactBody {
			r.Body = append([]byte(nil), r.Body[:CompactBody]...)
		}
	}
}
