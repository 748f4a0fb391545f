package crossdomain

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// The scenarios a form is put through, one tab each. Their names are the suffixes of the check IDs
// that judge them ("crossdomain.disposition-call").
const (
	ScenarioDisposition = "disposition-call" // the documented DISPOSITION_CALL
	ScenarioCloseTab    = "close-tab"        // the documented CLOSE_TAB
	ScenarioUnknown     = "unknown-ignored"  // other actions and malformed messages
	ScenarioOrigin      = "origin"           // the documented messages from other origins
)

// Scenarios lists the form scenarios in the order they run.
var Scenarios = []string{ScenarioDisposition, ScenarioCloseTab, ScenarioUnknown, ScenarioOrigin}

// DispositionFields are the fields of a DISPOSITION_CALL's disposition, in the order the form
// passes them to UC_DispositionCall (before onOk and onError).
var DispositionFields = []string{"campaign", "callerid", "guid", "l1", "l2", "l3", "d1", "d2", "comment", "schedule"}

// DocumentedDisposition returns the disposition of the vendor page's example: every value is
// distinct, so that an argument in the wrong place shows which field it came from.
func DocumentedDisposition() *Object {
	return Obj(
		"campaign", "CampañaTest",
		"callerid", "123456Test",
		"guid", "3123-3123-3123-312-3123",
		"l1", "nivel1",
		"l2", "nivel2",
		"l3", "nivel3",
		"d1", "data1",
		"d2", "data2",
		"comment", "ComentarioTest",
		"schedule", "2019-05-04 15:55:55",
	)
}

// DispositionMessage returns the vendor page's DISPOSITION_CALL message.
func DispositionMessage() *Object {
	return Obj("action", "DISPOSITION_CALL", "disposition", DocumentedDisposition())
}

// CloseTabMessage returns the vendor page's CLOSE_TAB message.
func CloseTabMessage() *Object { return Obj("action", "CLOSE_TAB") }

// Probe is a message the form must ignore.
type Probe struct {
	Name    string // what is wrong with it
	Message Value
}

// Malformed returns the messages that a form must ignore without calling anything or throwing:
// other actions, and DISPOSITION_CALLs whose disposition is missing or of the wrong type.
func Malformed() []Probe {
	wrongTypes := DocumentedDisposition()
	wrongTypes.Fields["callerid"] = float64(123456)
	wrongTypes.Fields["schedule"] = nil
	return []Probe{
		{"an unknown action", Obj("action", "HANGUP")},
		{"a message with no action", Obj("campaign", "CampañaTest")},
		{"a bare string", "CLOSE_TAB"},
		{"null", nil},
		{"a DISPOSITION_CALL with no disposition", Obj("action", "DISPOSITION_CALL")},
		{"a DISPOSITION_CALL whose disposition is a string", Obj("action", "DISPOSITION_CALL", "disposition", "CampañaTest")},
		{"a DISPOSITION_CALL with a number and a null field", Obj("action", "DISPOSITION_CALL", "disposition", wrongTypes)},
	}
}

// Origin is a parsed web origin: scheme, host and port (the default port of the scheme when the
// origin leaves it out).
type Origin struct {
	Scheme string // "https" or "http"
	Host   string // lower case; an IPv6 address without brackets
	Port   string
}

// ParseOrigin parses "https://crm.example.test" or "http://127.0.0.1:8080": a scheme (http or
// https), a host and an optional port, nothing else.
func ParseOrigin(s string) (Origin, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return Origin{}, fmt.Errorf("origin %q: want http(s)://HOST[:PORT]", s)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return Origin{}, fmt.Errorf("origin %q: an origin has no path, query, fragment or user (want http(s)://HOST[:PORT])", s)
	}
	o := Origin{Scheme: u.Scheme, Host: strings.ToLower(u.Hostname()), Port: u.Port()}
	if o.Port == "" {
		o.Port = defaultPort(o.Scheme)
	}
	return o, nil
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// String returns the origin as a browser serialises it: the port only when it is not the default.
func (o Origin) String() string {
	host := o.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if o.Port == defaultPort(o.Scheme) {
		return o.Scheme + "://" + host
	}
	return o.Scheme + "://" + host + ":" + o.Port
}

// Loopback says that the origin's host is a loopback address or localhost: the harness then
// listens on its very port instead of mapping the name in the browser.
func (o Origin) Loopback() bool {
	if o.Host == "localhost" {
		return true
	}
	ip := net.ParseIP(o.Host)
	return ip != nil && ip.IsLoopback()
}

// attackerHost is the site the harness posts from as "another site"; the browser resolves it, and
// every name under it, to the harness.
const attackerHost = "attacker.uccheck.invalid"

// Foreign is an origin other than the expected one, from which a form must ignore messages.
type Foreign struct {
	Origin string // as the form sees it in event.origin ("null" for a sandboxed frame)
	Why    string // how it relates to the expected origin ("starts with the expected origin")
}

// ForeignOrigins returns the origins the origin scenario posts from, for a form that must trust
// only expected: another site; look-alikes that defeat the usual half-checks (one that starts
// with the expected origin defeats startsWith and unanchored patterns, one that ends with the
// expected host defeats endsWith and substring checks); the expected host over the other scheme
// (defeats host-only checks); and a sandboxed frame, whose origin is "null".
func ForeignOrigins(expected Origin) []Foreign {
	out := []Foreign{{Origin: "https://" + attackerHost, Why: "another site"}}
	port := ""
	if expected.Port != defaultPort(expected.Scheme) {
		port = ":" + expected.Port
	}
	host := expected.Host
	if strings.Contains(host, ":") { // IPv6: no look-alike names
		host = ""
	}
	if host != "" {
		out = append(out, Foreign{
			Origin: expected.Scheme + "://" + host + "." + attackerHost + port,
			Why:    "starts with the expected origin",
		})
	}
	if host != "" && net.ParseIP(host) == nil {
		out = append(out, Foreign{
			Origin: expected.Scheme + "://attacker-" + host + port,
			Why:    "ends with the expected host",
		})
	}
	if !expected.Loopback() && expected.Port == defaultPort(expected.Scheme) {
		other := "http"
		if expected.Scheme == "http" {
			other = "https"
		}
		out = append(out, Foreign{Origin: other + "://" + host, Why: "the expected host over " + other})
	}
	out = append(out, Foreign{Origin: "null", Why: "a sandboxed frame"})
	return out
}
