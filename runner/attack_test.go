package runner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/ucsim"
)

// slowLogin is a front wrapper that lets getUserToken reach the simulator (so the session is
// opened there) and answers only after calling cancel and waiting: an interruption (SIGINT)
// while the login is in flight.
func slowLogin(cancel context.CancelFunc) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != ucsim.PathGetUserToken {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r) // the simulator opens the session
			cancel()
			time.Sleep(300 * time.Millisecond)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
}

// TestAttackInterruptDuringLoginEndsItsSession: SIGINT while getUserToken is in flight; the
// server opens the session all the same, so uccheck must learn its token and end it.
func TestAttackInterruptDuringLoginEndsItsSession(t *testing.T) {
	t.Run("contract flow", func(t *testing.T) {
		sim := newSim(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		base, pool := front(t, sim, slowLogin(cancel))
		tr := runCtx(t, ctx, options(t, sim, base, pool))
		if !tr.Interrupted {
			t.Errorf("Interrupted = false; Aborted %q", tr.Aborted)
		}
		if n := sim.LiveSessions(); n != 0 {
			t.Errorf("%d sessions left open after an interruption during the login (issued %v)", n, sim.IssuedTokens())
		}
	})
	t.Run("collection pass", func(t *testing.T) {
		sim := newSim(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		base, pool := front(t, sim, slowLogin(cancel))
		c := collections.Embedded()
		roles, err := c.Roles()
		if err != nil {
			t.Fatal(err)
		}
		p := runner.RunPass(ctx, runner.PassOptions{
			Collection: c, Items: c.Items, BaseURL: base, Roles: roles,
			Preset: map[string]string{"user": sim.User(), "password": sim.Password()},
			Client: runner.NewClient(runner.ClientOptions{RootCAs: pool}), Timeout: 5 * time.Second,
		})
		if !p.Interrupted {
			t.Errorf("Interrupted = false; Aborted %q", p.Aborted)
		}
		if n := sim.LiveSessions(); n != 0 {
			t.Errorf("%d sessions left open after an interruption during the pass login (issued %v)", n, sim.IssuedTokens())
		}
	})
}
