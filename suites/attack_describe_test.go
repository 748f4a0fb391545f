package suites_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The suite a user writes from the README's Go API section, against a simulator whose probe
// trickles: SIGINT arrives while the flow holds a live session.
const interruptedSuite = `package attack_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/uccheck/uccheck/suites"
	"github.com/uccheck/uccheck/ucsim"
)

func TestMine(t *testing.T) { RunSpecs(t, "mine") }

var sim = ucsim.New(ucsim.Options{Faults: []ucsim.Fault{ucsim.Fault("trickle")}})
var _ = AfterSuite(func() { fmt.Fprintf(os.Stderr, "LIVE=%d\n", sim.LiveSessions()); sim.Close() })
var _ = BeforeSuite(func() { fmt.Fprintln(os.Stderr, "STARTED") })
var _ = suites.Describe(suites.Target{BaseURL: sim.URL, User: sim.User(), Password: sim.Password(), RootCAs: sim.CertPool()},
	suites.DescribeOptions{Timeout: 20 * time.Second})
`

// Ctrl-C during suites.Describe's flow ends the session it opened: the BeforeAll takes Ginkgo's
// SpecContext and the flow runs under it, instead of being abandoned with the session live.
func TestAttackDescribeInterruptEndsSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	_, here, _, _ := runtime.Caller(0)
	dir, err := os.MkdirTemp(filepath.Dir(filepath.Dir(here)), "attack-describe-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "mine_test.go"), []byte(interruptedSuite), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "mine.test")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	var out strings.Builder
	cmd := exec.Command(bin)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(2 * time.Second) // the login has answered; the trickling probe holds the session
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the suite did not end after SIGINT:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "STARTED") {
		t.Fatalf("the suite never started:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "LIVE=0") {
		t.Fatalf("a session was left open after SIGINT (want LIVE=0):\n%s", out.String())
	}
}
