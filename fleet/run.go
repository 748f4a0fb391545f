package fleet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
)

// fleet runs the flow against many targets concurrently while Ginkgo judges them, in order, as
// each one's flow ends.
type fleet struct {
	o           *Options
	collections string // every collection's source, for the report
	targets     []target
	optsFor     func(target) runner.Options
	passOptsFor func(target) runner.PassOptions
	simulated   bool
	checks      []*suites.Check
	sel         suites.Selection
	shard       string

	mu       sync.Mutex
	runs     []*reports.Run
	done     int
	failing  int
	started  time.Time
	progress bool
}

func (f *fleet) run(ctx context.Context) (*reports.Fleet, error) {
	o := f.o
	runCtx := ctx
	if o.Deadline > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, o.Deadline)
		defer cancel()
	}
	n := len(f.targets)
	f.runs = make([]*reports.Run, n)
	f.started = time.Now()
	f.progress = o.io.Terminal && n > 1
	if o.HARDir != "" {
		if err := os.MkdirAll(o.HARDir, 0o755); err != nil {
			return nil, usageErr("--har: %v", err)
		}
	}

	// The flows run in a pool while Ginkgo judges: each target's container waits for its own
	// transcript. A worker slot is freed once its target is judged, so at most --parallel
	// transcripts are held at a time.
	p := f.startPool(runCtx)
	names := make([]string, n)
	pass := make([]bool, n)
	for i, t := range f.targets {
		names[i], pass[i] = t.Label, len(t.passItems) > 0
	}
	judged, err := suites.JudgeAll(suites.JudgeOptions{
		Targets: names, Pass: pass,
		Next: p.next,
		Done: func(i int, t *runner.Transcript, results []reports.Result) {
			p.release(i)
			f.judged(i, t, results)
		},
		Selection: f.sel,
		Checks:    f.checks,
	})
	// Ginkgo stopped (all judged, or a signal): stop starting flows, let those in flight end
	// their sessions, and report the targets it did not judge with their own transcripts.
	transcripts := p.stop()
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	if f.progress {
		fmt.Fprint(o.io.Out, "\r\x1b[K")
	}
	fl := &reports.Fleet{Version: o.Version, Collection: f.collections, Started: f.started, Duration: time.Since(f.started), Shard: f.shard}
	for i, r := range f.runs {
		if r == nil {
			tr := transcripts[i]
			if tr == nil {
				tr = notRun(f.targets[i], runCtx)
			}
			r = f.reportRun(tr, judged.Results[i])
		}
		fl.Runs = append(fl.Runs, r)
	}
	color := reports.ConsoleOptions{Color: o.io.Terminal && !o.NoColor}
	if len(fl.Runs) == 1 {
		if !f.simulated {
			fmt.Fprintln(o.io.Out, fl.Runs[0].Redactor.Redact(fmt.Sprintf("%s (collection %s, user %s)", fl.Runs[0].Target, fl.Runs[0].Collection, fl.Runs[0].User)))
		}
		_ = reports.Console(o.io.Out, fl.Runs[0], color)
	} else {
		_ = reports.ConsoleFleet(o.io.Out, fl, color)
	}
	return fl, f.writeReports(judged.Report, fl)
}

// flow runs a target's contract flow, then its collection pass.
func (f *fleet) flow(ctx context.Context, t target) *runner.Transcript {
	var tr *runner.Transcript
	sessions := runner.NewSessions() // one tracker for the target's contract flow and pass
	if t.rolesErr != nil {
		tr = &runner.Transcript{Target: t.Base, Collection: t.coll.Source, User: t.User, Started: time.Now(),
			ContractSkipped: fmt.Sprintf("contract checks skipped: %v (hint: 'uccheck inspect --collection FILE' shows how each role was looked for; --login-item, --probe-item and --logout-item name the items)", t.rolesErr)}
	} else {
		var err error
		opts := f.optsFor(t)
		opts.Sessions = sessions
		if tr, err = runner.Run(ctx, opts); err != nil { // Validate passed: this cannot happen
			tr = &runner.Transcript{Target: t.Base, Collection: t.coll.Source, User: t.User, Aborted: err.Error()}
		}
	}
	if len(t.passItems) > 0 && tr.Aborted == "" {
		po := f.passOptsFor(t)
		po.Sessions = sessions
		pass := runner.RunPass(ctx, po)
		tr.Pass = pass
		tr.Secrets = append(tr.Secrets, pass.Secrets...)
		if pass.Interrupted && tr.Aborted == "" {
			tr.Aborted = pass.Aborted
			tr.Interrupted = !errors.Is(context.Cause(ctx), context.DeadlineExceeded)
		}
	}
	return tr
}

// judged streams what a judged target allows: the HAR, the verbose transcript, and for a run of
// many targets its console line and the progress line; the transcript is dropped after.
func (f *fleet) judged(i int, t *runner.Transcript, results []reports.Result) {
	o := f.o
	run := f.reportRun(t, results)
	if o.HARDir != "" && len(t.All()) > 0 {
		if har, err := reports.HAR(t, o.Version, run.Redactor); err == nil {
			path := filepath.Join(o.HARDir, reports.HARName(t.Target))
			if err := reports.WriteFileAtomic(path, har); err != nil {
				fmt.Fprintf(o.io.Err, "uccheck: --har: %v\n", err)
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if o.Verbose {
		_ = reports.WriteTranscript(o.io.Err, t, run.Redactor)
		if t.Pass != nil {
			for _, l := range t.Pass.Console {
				fmt.Fprintln(o.io.Err, run.Redactor.Redact(fmt.Sprintf("  console.%s [%s, %s]: %s", l.Level, l.Item, l.Event, l.Text)))
			}
		}
	}
	f.runs[i] = run
	f.done++
	if c := run.Counts(); c.Failed+c.Errors > 0 {
		f.failing++
	}
	if len(f.targets) > 1 {
		if f.progress {
			fmt.Fprint(o.io.Out, "\r\x1b[K")
		}
		fmt.Fprintln(o.io.Out, reports.TargetLine(run, reports.ConsoleOptions{Color: o.io.Terminal && !o.NoColor}))
		if f.progress {
			fmt.Fprint(o.io.Out, f.progressLine())
		}
	}
}

// reportRun turns a transcript and its results into a report run.
func (f *fleet) reportRun(t *runner.Transcript, results []reports.Result) *reports.Run {
	run := &reports.Run{
		Version: f.o.Version, Target: t.Target, Collection: t.Collection, User: t.User,
		Simulated: f.simulated, Insecure: f.o.Insecure, APIToken: t.TokenSource.Shape == "api-token",
		Started: t.Started, Duration: t.Duration, Aborted: t.Aborted, Interrupted: t.Interrupted,
		Results: results, Redactor: reports.NewRedactor(t.Secrets),
	}
	if t.Pass != nil {
		run.PassSummary = suites.PassSummary(t.Pass)
		run.Duration += t.Pass.Duration
	}
	for _, ex := range t.Exchanges {
		e := reports.Exchange{Step: string(ex.Step), Request: ex.Request.Method + " " + ex.Request.URL,
			DNS: ex.Timings.DNS, Connect: ex.Timings.Connect, TLS: ex.Timings.TLS, FirstByte: ex.Timings.FirstByte, Total: ex.Timings.Total}
		if ex.Response != nil {
			e.Status, e.Proto = ex.Response.Status, ex.Response.Proto
		}
		if ex.Err != nil {
			e.Error = ex.Err.Error()
		}
		for _, r := range ex.Retries {
			e.Retries = append(e.Retries, fmt.Sprintf("attempt %d: %s; waited %s", r.Attempt, r.Reason, reports.FormatDuration(r.Wait)))
		}
		run.Exchanges = append(run.Exchanges, e)
	}
	return run
}

// progressLine says how far a long run is, for a terminal.
func (f *fleet) progressLine() string {
	n := len(f.targets)
	elapsed := time.Since(f.started)
	eta := time.Duration(float64(elapsed) / float64(f.done) * float64(n-f.done))
	return fmt.Sprintf("[%d/%d] %d with failures · ETA %s", f.done, n, f.failing, eta.Round(time.Second))
}

// notRun is the transcript of a target the run never started: interrupted, or out of time.
func notRun(t target, ctx context.Context) *runner.Transcript {
	tr := &runner.Transcript{Target: t.Label, User: t.User, Collection: t.coll.Source}
	if ctx.Err() == context.DeadlineExceeded {
		tr.Aborted = "the run's deadline (--deadline) was reached before this target started"
	} else {
		tr.Aborted, tr.Interrupted = "interrupted before this target started", true
	}
	return tr
}
