package bench

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/ucsim"
)

// sent is a request as a client handed it to its transport, with secrets and random values
// replaced by their roles so that two flows can be compared.
type sent struct {
	Method, Path, Auth, Form string
	Header                   []string
}

// recording is a RoundTripper that records what passes through it.
type recording struct {
	next http.RoundTripper
	mu   sync.Mutex
	got  []*http.Request
	body []string
}

func (r *recording) RoundTrip(req *http.Request) (*http.Response, error) {
	body := ""
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(rc)
		body = string(b)
	}
	r.mu.Lock()
	r.got, r.body = append(r.got, req), append(r.body, body)
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// roles describes the recorded requests: the simulator's user, password and issued token by
// name, any other non-empty value as <other>.
func (r *recording) roles(sim *ucsim.Server) []sent {
	issued := sim.IssuedTokens()
	role := func(v string) string {
		switch {
		case v == "":
			return ""
		case v == sim.User():
			return "<user>"
		case v == sim.Password():
			return "<password>"
		case slices.Contains(issued, v):
			return "<token>"
		}
		return "<other>"
	}
	var out []sent
	for i, req := range r.got {
		s := sent{Method: req.Method, Path: req.URL.Path}
		if a := req.Header.Get("Authorization"); a != "" {
			scheme, v, _ := strings.Cut(a, " ")
			s.Auth = scheme + " " + role(v)
		}
		form, _ := url.ParseQuery(r.body[i])
		var fields []string
		for k, vs := range form {
			fields = append(fields, k+"="+role(vs[0]))
		}
		sort.Strings(fields)
		s.Form = strings.Join(fields, "&")
		for k, vs := range req.Header {
			if k != "Authorization" {
				s.Header = append(s.Header, k+": "+strings.Join(vs, ","))
			}
		}
		sort.Strings(s.Header)
		out = append(out, s)
	}
	return out
}

// TestBareFlowSendsWhatUccheckSends keeps the benchmark honest: the bare client sends the same
// requests as runner.Run, in the same order.
func TestBareFlowSendsWhatUccheckSends(t *testing.T) {
	simU := ucsim.New(ucsim.Options{})
	defer simU.Close()
	recU := &recording{next: bareTransport(simU)}
	o, err := uccheckOptions(simU, &http.Client{Transport: recU})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runner.Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}

	simB := ucsim.New(ucsim.Options{})
	defer simB.Close()
	recB := &recording{next: bareTransport(simB)}
	if err := newBareFlow(simB, recB).run(); err != nil {
		t.Fatal(err)
	}

	u, b := recU.roles(simU), recB.roles(simB)
	if len(u) != len(runner.Flow) || len(b) != len(u) {
		t.Fatalf("uccheck sent %d requests, the bare flow %d; want %d", len(u), len(b), len(runner.Flow))
	}
	for i := range u {
		if !slices.Equal(u[i].Header, b[i].Header) || u[i].Method != b[i].Method || u[i].Path != b[i].Path || u[i].Auth != b[i].Auth || u[i].Form != b[i].Form {
			t.Errorf("request %d (%s):\nuccheck %+v\nbare    %+v", i+1, runner.Flow[i], u[i], b[i])
		}
	}
}
