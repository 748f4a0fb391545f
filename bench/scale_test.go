package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uccheck/uccheck/cmd/uccheck/cli"
	"github.com/uccheck/uccheck/internal/testutil"
	"github.com/uccheck/uccheck/ucsim"
)

// TestScale runs a nightly-sized fleet in one uccheck process: 1,000 tenants (UCCHECK_SCALE_TENANTS
// to change it) spread over five simulators on loopback, two healthy, one slow, one that does not
// revoke ended tokens and one that issues a session to any user name. It checks the outcome of every tenant and that
// no session is left open, and logs wall time, peak heap and peak goroutines (go test -v -run
// TestScale ./bench). It asserts no timing: these machines are noisy.
func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 1,000-tenant run is skipped")
	}
	tenants := 1000
	if v := os.Getenv("UCCHECK_SCALE_TENANTS"); v != "" {
		tenants, _ = strconv.Atoi(v)
	}
	sims := []*ucsim.Server{
		ucsim.New(ucsim.Options{}),
		ucsim.New(ucsim.Options{}),
		ucsim.New(ucsim.Options{Latency: 10 * time.Millisecond}),
		ucsim.New(ucsim.Options{Faults: []ucsim.Fault{ucsim.FaultNoRevocation}}),
		ucsim.New(ucsim.Options{Faults: []ucsim.Fault{ucsim.FaultAnyUserLogin}}),
	}
	for _, s := range sims {
		defer s.Close()
	}
	dir := t.TempDir()
	var bundle []byte
	for _, s := range sims {
		bundle = append(bundle, s.CAPEM()...)
	}
	ca := filepath.Join(dir, "ca.pem")
	_ = os.WriteFile(ca, bundle, 0o600)
	var list strings.Builder
	for i := 0; i < tenants; i++ {
		fmt.Fprintf(&list, "%s/tenant-%04d Admin\n", sims[i%len(sims)].URL, i)
	}
	domains := filepath.Join(dir, "domains.txt")
	_ = os.WriteFile(domains, []byte(list.String()), 0o600)
	junit := filepath.Join(dir, "u.xml")

	// Sample the heap and goroutines while the run goes on.
	var peakHeap uint64
	peakG := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peakHeap = max(peakHeap, ms.HeapInuse)
			peakG = max(peakG, runtime.NumGoroutine())
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	var out, errOut bytes.Buffer
	env := map[string]string{"UCCHECK_PASSWORD": ucsim.DefaultPassword}
	start := time.Now()
	code := cli.Main([]string{"run", "--domains-file", domains, "--ca-cert", ca, "--parallel", "16",
		"--timeout", "10s", "--junit", junit}, cli.IO{
		Out: &out, Err: &errOut, Context: context.Background(),
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	wall := time.Since(start)
	close(stop)
	wg.Wait()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	if code != cli.ExitFailed {
		t.Errorf("exit code %d, want %d\n%s", code, cli.ExitFailed, errOut.String())
	}
	for _, s := range sims {
		if n := s.LiveSessions(); n != 0 {
			t.Errorf("%s: %d sessions left open", s.URL, n)
		}
	}
	doc := testutil.ReadJUnit(t, junit)
	if len(doc.Suites) != tenants {
		t.Fatalf("%d testsuites, want %d", len(doc.Suites), tenants)
	}
	for i, s := range doc.Suites {
		var failed, errored []string
		for _, c := range s.Cases {
			id := c.Name[1:strings.Index(c.Name, "]")]
			if c.Failure != nil {
				failed = append(failed, id)
			}
			if c.Error != nil {
				errored = append(errored, id)
			}
		}
		want, wantErr := "", ""
		switch {
		case strings.HasPrefix(s.Name, sims[3].URL):
			want = "logout.token-revoked"
		case strings.HasPrefix(s.Name, sims[4].URL):
			want = "login.bad-credentials-zero" // and its bogus session must be ended too
		}
		if strings.Join(failed, ",") != want || strings.Join(errored, ",") != wantErr {
			t.Errorf("suite %d %s: failed %v errors %v, want %q and %q", i, s.Name, failed, errored, want, wantErr)
		}
	}
	t.Logf("%d tenants, --parallel 16: wall %s (%.1f ms per tenant), peak heap in use %.1f MiB, live heap after the run %.1f MiB, peak goroutines %d (now %d), JUnit %d KiB",
		tenants, wall.Round(time.Millisecond), float64(wall.Microseconds())/1000/float64(tenants), float64(peakHeap)/(1<<20),
		float64(after.HeapAlloc)/(1<<20), peakG, runtime.NumGoroutine(), fileSize(t, junit)>>10)
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
