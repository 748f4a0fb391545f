package runner

import (
	"net/http"
	"strings"
	"sync"
)

// Sessions is the one session tracker of a target: every token an item in the login role yields
// (in the contract flow or in the collection pass) is registered once, as a secret to redact and
// as a live session, until an EndSession built from the logout role item ends it. The contract
// flow and the pass of one target may share one (Options.Sessions, PassOptions.Sessions).
type Sessions struct {
	mu     sync.Mutex
	live   []liveToken
	seen   map[string]bool
	shared bool // an API token stands for a session that is never ended
}

type liveToken struct {
	user, token string
}

// NewSessions returns an empty tracker.
func NewSessions() *Sessions { return &Sessions{seen: map[string]bool{}} }

// Issued registers a token a login yielded for user; it reports whether the token is new (then
// the caller records it as a secret of its transcript).
func (s *Sessions) Issued(user, token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token == "" || s.seen[token] {
		return false
	}
	s.seen[token] = true
	s.live = append(s.live, liveToken{user: user, token: token})
	return true
}

// Login registers the sessions a login exchange yielded for user: the token of its answer, and
// of an answer that came after --timeout (Exchange.Late). It returns the answer's token and where
// it was found ("" when none), and the tokens new to the tracker: secrets of the caller's
// transcript. Every login, in the contract flow or in the pass, is learned here.
func (s *Sessions) Login(user string, ex *Exchange) (token string, src TokenSource, fresh []string) {
	for _, r := range []*Response{ex.Response, ex.Late} {
		if r == nil {
			continue
		}
		tok, where := ExtractToken(r.read)
		if tok == "" {
			continue
		}
		if r == ex.Response {
			token, src = tok, where
		}
		if s.Issued(user, tok) {
			fresh = append(fresh, tok)
		}
	}
	return token, src, fresh
}

// Ended forgets a token once the server answered its EndSession.
func (s *Sessions) Ended(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.live[:0]
	for _, l := range s.live {
		if l.token != token {
			kept = append(kept, l)
		}
	}
	s.live = kept
}

// Live returns the sessions issued and not ended, oldest first.
func (s *Sessions) Live() []liveToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]liveToken(nil), s.live...)
}

// Opened reports whether any session was issued (or an API token stands for one).
func (s *Sessions) Opened() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shared || len(s.seen) > 0
}

// Tokens returns every token registered, in no particular order.
func (s *Sessions) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.seen))
	for t := range s.seen {
		out = append(out, t)
	}
	return out
}

// endedBy reports whether an EndSession answer ended its session: a 200 with "1" (or a
// deviating "OK"), whatever BOM, whitespace, quotes or brackets dress it, ends it. Anything else
// ("0", the documented ERROR, dressed or not; an HTML page; an empty body) leaves it live, so
// that the cleanup ends it: one EndSession too many is harmless, one too few leaves a session.
func endedBy(r *Response) bool {
	if r == nil || r.Status != http.StatusOK {
		return false
	}
	s := string(r.Body)
	for prev := ""; prev != s; {
		prev = s
		s = strings.TrimPrefix(strings.TrimSpace(s), "\ufeff")
		s = strings.TrimSpace(strings.Trim(s, `"'[]`))
	}
	return s == "1" || strings.EqualFold(s, "ok")
}
