package runner_test

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/ucsim"
)

func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here")
	}
	return len(entries)
}

// settle waits for goroutines to wind down and returns their count.
func settle(limit int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 100 && n > limit; i++ {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// TestNoLeaksAfterManyRuns runs the flow many times in one process, against good, failing and
// silent servers, and checks that goroutines and file descriptors come back to where they were.
func TestNoLeaksAfterManyRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the leak test waits for goroutines and descriptors to settle between 60 runs")
	}
	roles, err := collections.Embedded().Roles()
	if err != nil {
		t.Fatal(err)
	}
	baseG, baseFD := settle(0), openFDs(t)
	for round := 0; round < 3; round++ {
		for _, faults := range [][]ucsim.Fault{nil, {ucsim.FaultNoRevocation}, {ucsim.FaultAnyUserLogin}, {ucsim.HostileHang}, {ucsim.HostileHugeBody}} {
			sim := ucsim.New(ucsim.Options{Faults: faults})
			for i := 0; i < 4; i++ {
				client := runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()})
				_, err := runner.Run(context.Background(), runner.Options{
					BaseURL: sim.URL, User: sim.User(), Password: sim.Password(), Roles: roles,
					Client: client, Timeout: 100 * time.Millisecond,
				})
				client.CloseIdleConnections()
				if err != nil {
					t.Fatal(err)
				}
			}
			sim.Close()
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("faults %v: %d sessions left open", faults, n)
			}
		}
	}
	if g := settle(baseG + 2); g > baseG+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after 60 runs\n%s", baseG, g, buf[:runtime.Stack(buf, true)])
	}
	if fd := openFDs(t); fd > baseFD+2 {
		t.Errorf("file descriptors: %d before, %d after 60 runs", baseFD, fd)
	}
}

// TestLateLoginIsEnded: a login that answers after --timeout has opened a session on the server;
// the runner waits a grace period to learn its token, judges the login as timed out, and ends it.
func TestLateLoginIsEnded(t *testing.T) {
	roles, _ := collections.Embedded().Roles()
	sim := ucsim.New(ucsim.Options{Latency: 150 * time.Millisecond})
	defer sim.Close()
	tr, err := runner.Run(context.Background(), runner.Options{
		BaseURL: sim.URL, User: sim.User(), Password: sim.Password(), Roles: roles,
		Client: sim.Client(), Timeout: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	login := tr.Get(runner.StepLogin)
	if login.Err == nil || login.Err.Kind != runner.ErrTimeout || login.Response != nil {
		t.Fatalf("the late login: err %v, response %v; want a timeout and no judged response", login.Err, login.Response)
	}
	if len(sim.IssuedTokens()) == 0 {
		t.Fatal("the simulator issued no token: the test proves nothing")
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open by a late login", n)
	}
	if tr.Get(runner.StepCleanup) == nil {
		t.Error("no cleanup EndSession was sent")
	}
}

// TestPasswordWithBraces: a password holding "{{...}}" is sent as it is, never read as a variable.
func TestPasswordWithBraces(t *testing.T) {
	roles, _ := collections.Embedded().Roles()
	const pw = "Tr{{ustMe9}}"
	sim := ucsim.New(ucsim.Options{Password: pw})
	defer sim.Close()
	tr, err := runner.Run(context.Background(), runner.Options{
		BaseURL: sim.URL, User: sim.User(), Password: pw, Roles: roles, Client: sim.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Token == "" {
		t.Fatalf("no token: the password was not sent as it is (login answered %s)", tr.Get(runner.StepLogin).Response.Body)
	}
	if bad := tr.Get(runner.StepLoginBad); strings.Contains(bad.Request.Body, "Tr%7B%7B") || strings.Contains(bad.Request.Body, sim.User()) {
		t.Errorf("the failed login carries the real user or password: %s", bad.Request.Body)
	}
}

// TestSmallMaxBodyStillEndsTheSession: a login body cut by --max-body is judged as cut, but its
// token is still learned and its session ended.
func TestSmallMaxBodyStillEndsTheSession(t *testing.T) {
	roles, _ := collections.Embedded().Roles()
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	tr, err := runner.Run(context.Background(), runner.Options{
		BaseURL: sim.URL, User: sim.User(), Password: sim.Password(), Roles: roles, Client: sim.Client(), MaxBody: 40,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Get(runner.StepLogin).Response.Truncated {
		t.Fatal("the login body was not cut: the test proves nothing")
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
}
