package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
	"github.com/uccheck/uccheck/ucsim"
)

// target is one tenant to check, with its credentials.
type target struct {
	Base     string // https://HOST[:PORT] or a --base-url
	User     string
	Password string
	APIToken string
	Where    string // where it was named: "--domain", "domains.txt:3"
	credEnv  string // environment variable with its password or API token, from a domains file

	// With more than one --collection, each target runs once per collection.
	Label     string // the target's name in reports: Base, or Base and the collection
	coll      *collections.Collection
	roles     collections.Roles
	rolesErr  error               // the collection's roles could not be recognised
	passItems []*collections.Item // the items of the collection pass
}

// runRun runs the contract flow against every target and reports it.
func runRun(o *RunOptions) error {
	if o.TokenScheme != "" {
		o.TokenScheme = strings.ToUpper(o.TokenScheme[:1]) + strings.ToLower(o.TokenScheme[1:])
	}
	o.Only, o.Skip = splitCommas(o.Only), splitCommas(o.Skip)
	if err := o.checkReportPaths(); err != nil {
		return err
	}
	budgets, err := parseBudgets(o.MaxLatency)
	if err != nil {
		return err
	}
	checks := suites.ChecksFor(suites.Config{CertMinDays: o.CertMinDays, Budgets: budgets})
	sel, err := suites.SelectFrom(checks, o.Only, o.Skip)
	if err != nil {
		return usageErr("%v", err)
	}
	vars, err := parseVars(o.Vars)
	if err != nil {
		return err
	}
	if err := o.readAPIToken(); err != nil {
		return err
	}
	var units []target // one per collection, the target fields left empty
	paths := o.Collections
	if len(paths) == 0 {
		paths = []string{""} // the embedded collection
	}
	for _, path := range paths {
		coll, roles, rolesErr, err := loadCollectionRoles(path, o.Roles)
		if err != nil {
			return err
		}
		if rolesErr != nil && !o.AllItems && len(o.Folders) == 0 {
			return usageErr("%v\n  the contract checks need these items: 'uccheck inspect --collection FILE' shows how each role was looked for, and --login-item, --probe-item and --logout-item name them; to run the collection's own items and scripts instead, use --all-items or --folder NAME", rolesErr)
		}
		var items []*collections.Item
		if o.APIToken == "" { // API-token mode runs no collection pass: its items log in and out
			if items, err = selectItems(coll, roles, rolesErr == nil, o.Folders, o.AllItems); err != nil {
				return err
			}
			// By default the pass takes the role items, and only when a script would run: a
			// collection without pm.tests (the embedded one) has nothing for it to judge.
			if !o.AllItems && len(o.Folders) == 0 && !coll.HasScripts(items) {
				items = nil
			}
		}
		units = append(units, target{coll: coll, roles: roles, rolesErr: rolesErr, passItems: items})
	}
	if o.Iterations < 0 {
		return usageErr("--iteration-count must not be negative, got %d", o.Iterations)
	}
	if o.ScriptTimeout <= 0 {
		return usageErr("--timeout-script must be positive, got %s", o.ScriptTimeout)
	}
	passFiles, err := loadPassFiles(o)
	if err != nil {
		return err
	}
	if err := o.validate(); err != nil {
		return err
	}
	targets, err := o.targets()
	if err != nil {
		return err
	}
	explicit := len(targets) > 0
	shardOf := ""
	if o.Shard != "" {
		i, n, err := parseShard(o.Shard)
		if err != nil {
			return err
		}
		targets, shardOf = shard(targets, i, n), o.Shard
	}

	out := o.IO.Out
	client := runner.NewClient(runner.ClientOptions{Insecure: o.Insecure})
	simulated := false
	switch {
	case explicit:
		if err := o.credentials(targets); err != nil {
			return err
		}
		if o.CACert != "" || o.Insecure {
			pool, err := loadCA(o.CACert)
			if err != nil {
				return err
			}
			client = runner.NewClient(runner.ClientOptions{RootCAs: pool, Insecure: o.Insecure})
		}
		if o.Insecure {
			fmt.Fprintln(o.IO.Err, "uccheck: warning: --insecure: the server's certificate is not verified; the report records it")
		}
	case o.DomainsFile != "" && o.Shard == "":
		return usageErr("--domains-file %s lists no target", o.DomainsFile)
	case o.DomainsFile != "":
		// A domains file whose targets all fall in other shards: nothing to do, and that is fine.
	case o.Password != "" || o.PasswordFile != "" || o.PasswordStdin || o.APIToken != "":
		// Credentials for a tenant, but no tenant: an unset UCCHECK_DOMAIN in CI, say. Running
		// the simulator would turn that into a green run.
		return usageErr("a password or API token was given but no target: set --domain, --base-url or --domains-file (UCCHECK_DOMAIN, ...); with none, uccheck runs against its built-in simulator and needs no credentials")
	default:
		simulated = true
		sim := ucsim.New(ucsim.Options{User: o.User, APIToken: o.APIToken, APITokenScheme: o.TokenScheme})
		defer sim.Close()
		user := o.User
		if user == "" {
			user = sim.User()
		}
		targets = []target{{Base: sim.URL, User: user, Password: sim.Password(), APIToken: o.APIToken, Where: "simulator"}}
		client = runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()})
		fmt.Fprintf(out, "No --domain given: running against the built-in uContact simulator at %s (user %q).\n", sim.URL, user)
	}
	defer client.CloseIdleConnections()
	targets = perCollection(targets, units)

	optsFor := func(t target) runner.Options {
		return runner.Options{
			BaseURL: t.Base, User: t.User, Password: t.Password, APIToken: t.APIToken, TokenScheme: o.TokenScheme,
			Vars: vars, CollectionVars: t.coll.Variables, Roles: t.roles, Source: t.coll.Source,
			Steps: sel.Steps(), Client: client, Timeout: o.Timeout, MaxBody: o.MaxBody, Retries: o.Retries,
		}
	}
	passOptsFor := func(t target) runner.PassOptions {
		return runner.PassOptions{
			Collection: t.coll, Items: t.passItems, BaseURL: t.Base,
			Globals: passFiles.globals, Environment: passFiles.env, EnvName: passFiles.envName,
			Preset: map[string]string{"domain": hostOf(t.Base), "user": t.User, "password": t.Password},
			Vars:   vars, Data: passFiles.data, Iterations: o.Iterations,
			Client: client, Timeout: o.Timeout, MaxBody: o.MaxBody, ScriptTimeout: o.ScriptTimeout, WorkingDir: o.WorkingDir,
		}
	}
	for _, t := range targets {
		if t.rolesErr == nil {
			if err := runner.Validate(optsFor(t)); err != nil {
				return usageErr("%s (%s): %v", t.Base, t.Where, err)
			}
		}
		if len(t.passItems) > 0 {
			if err := runner.Check(passOptsFor(t)); err != nil {
				return usageErr("collection %s: nothing was sent:\n%v", t.coll.Source, err)
			}
		}
	}
	if shardOf != "" {
		fmt.Fprintf(o.IO.Err, "uccheck: shard %s: %d targets\n", shardOf, len(targets))
	}

	var sources []string
	for _, u := range units {
		sources = append(sources, u.coll.Source)
	}
	fl := &fleet{o: o, collections: strings.Join(sources, ", "), targets: targets, optsFor: optsFor, passOptsFor: passOptsFor, simulated: simulated,
		checks: checks, sel: sel, shard: shardOf}
	return fl.run()
}

// fleet runs the flow against many targets concurrently while Ginkgo judges them, in order, as
// each one's flow ends.
type fleet struct {
	o           *RunOptions
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

func (f *fleet) run() error {
	o := f.o
	ctx := o.IO.ctx()
	runCtx := ctx
	if o.Deadline > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, o.Deadline)
		defer cancel()
	}
	n := len(f.targets)
	f.runs = make([]*reports.Run, n)
	f.started = time.Now()
	f.progress = o.IO.Terminal && n > 1
	if o.HARDir != "" {
		if err := os.MkdirAll(o.HARDir, 0o755); err != nil {
			return usageErr("--har: %v", err)
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
		return &exitError{code: ExitUsage, err: err}
	}
	if f.progress {
		fmt.Fprint(o.IO.Out, "\r\x1b[K")
	}
	fl := &reports.Fleet{Version: Version, Collection: f.collections, Started: f.started, Duration: time.Since(f.started), Shard: f.shard}
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
	color := reports.ConsoleOptions{Color: o.IO.Terminal && !o.NoColor}
	if len(fl.Runs) == 1 {
		if !f.simulated {
			fmt.Fprintln(o.IO.Out, fl.Runs[0].Redactor.Redact(fmt.Sprintf("%s (collection %s, user %s)", fl.Runs[0].Target, fl.Runs[0].Collection, fl.Runs[0].User)))
		}
		_ = reports.Console(o.IO.Out, fl.Runs[0], color)
	} else {
		_ = reports.ConsoleFleet(o.IO.Out, fl, color)
	}
	if err := f.writeReports(judged.Report, fl); err != nil {
		return err
	}
	return exitFor(ctx, fl)
}

// pool runs the targets' flows: up to --parallel at once, in target order, never two sessions
// on one tenant at a time.
type pool struct {
	f       *fleet
	ctx     context.Context
	slots   chan struct{}
	mu      sync.Mutex
	out     []*runner.Transcript // each target's transcript, once its flow ended
	ready   []chan struct{}      // closed when out[i] is set
	over    chan struct{}        // closed when the judging ended
	stopped chan struct{}        // closed when no more flows start
	wg      sync.WaitGroup
}

func (f *fleet) startPool(ctx context.Context) *pool {
	p := &pool{f: f, ctx: ctx, slots: make(chan struct{}, f.o.Parallel), over: make(chan struct{}), stopped: make(chan struct{})}
	tenants := map[string]*sync.Mutex{}
	p.out = make([]*runner.Transcript, len(f.targets))
	for range f.targets {
		p.ready = append(p.ready, make(chan struct{}))
	}
	for _, t := range f.targets {
		if tenants[tenantKey(t.Base)] == nil {
			tenants[tenantKey(t.Base)] = &sync.Mutex{}
		}
	}
	go func() {
		defer close(p.stopped)
		for i, t := range f.targets {
			select {
			case p.slots <- struct{}{}:
			case <-ctx.Done():
			case <-p.over:
			}
			if ctx.Err() != nil {
				p.put(i, notRun(t, ctx))
				continue
			}
			select {
			case <-p.over: // the judging ended early: nothing would judge the rest
				return
			default:
			}
			p.wg.Add(1)
			go func(i int, t target) {
				defer p.wg.Done()
				lock := tenants[tenantKey(t.Base)]
				lock.Lock()
				tr := f.flow(ctx, t)
				lock.Unlock()
				tr.Target = t.Label
				p.put(i, tr)
			}(i, t)
		}
	}()
	return p
}

// put hands target i's transcript to its judging.
func (p *pool) put(i int, t *runner.Transcript) {
	p.mu.Lock()
	p.out[i] = t
	p.mu.Unlock()
	close(p.ready[i])
}

// next waits for target i's transcript. The slot keeps it: a BeforeAll Ginkgo abandons on an
// interruption takes nothing from the report.
func (p *pool) next(i int) *runner.Transcript {
	<-p.ready[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out[i]
}

// release drops a judged target's transcript and frees its worker slot.
func (p *pool) release(i int) {
	p.mu.Lock()
	p.out[i] = nil
	p.mu.Unlock()
	select {
	case <-p.slots:
	default:
	}
}

// stop ends the pool once the judging is over: no flow starts any more, those in flight end
// (and end their sessions), and the transcripts nobody judged are returned by target index.
func (p *pool) stop() []*runner.Transcript {
	close(p.over)
	<-p.stopped
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out
}

// flow runs a target's contract flow, then its collection pass.
func (f *fleet) flow(ctx context.Context, t target) *runner.Transcript {
	var tr *runner.Transcript
	if t.rolesErr != nil {
		tr = &runner.Transcript{Target: t.Base, Collection: t.coll.Source, User: t.User, Started: time.Now(),
			ContractSkipped: fmt.Sprintf("contract checks skipped: %v (hint: 'uccheck inspect --collection FILE' shows how each role was looked for; --login-item, --probe-item and --logout-item name the items)", t.rolesErr)}
	} else {
		var err error
		if tr, err = runner.Run(ctx, f.optsFor(t)); err != nil { // Validate passed: this cannot happen
			tr = &runner.Transcript{Target: t.Base, Collection: t.coll.Source, User: t.User, Aborted: err.Error()}
		}
	}
	if len(t.passItems) > 0 && tr.Aborted == "" {
		pass := runner.RunPass(ctx, f.passOptsFor(t))
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
		if har, err := reports.HAR(t, Version, run.Redactor); err == nil {
			path := filepath.Join(o.HARDir, reports.HARName(t.Target))
			if err := reports.WriteFileAtomic(path, har); err != nil {
				fmt.Fprintf(o.IO.Err, "uccheck: --har: %v\n", err)
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if o.Verbose {
		_ = reports.WriteTranscript(o.IO.Err, t, run.Redactor)
		if t.Pass != nil {
			for _, l := range t.Pass.Console {
				fmt.Fprintln(o.IO.Err, run.Redactor.Redact(fmt.Sprintf("  console.%s [%s, %s]: %s", l.Level, l.Item, l.Event, l.Text)))
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
			fmt.Fprint(o.IO.Out, "\r\x1b[K")
		}
		fmt.Fprintln(o.IO.Out, reports.TargetLine(run, reports.ConsoleOptions{Color: o.IO.Terminal && !o.NoColor}))
		if f.progress {
			fmt.Fprint(o.IO.Out, f.progressLine())
		}
	}
}

// reportRun turns a transcript and its results into a report run.
func (f *fleet) reportRun(t *runner.Transcript, results []reports.Result) *reports.Run {
	run := &reports.Run{
		Version: Version, Target: t.Target, Collection: t.Collection, User: t.User,
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

// writeReports writes every report asked for, each atomically, even when checks failed.
func (f *fleet) writeReports(greport types.Report, fl *reports.Fleet) error {
	o := f.o
	var errs []string
	write := func(flag, path string, render func() ([]byte, error)) {
		if path == "" {
			return
		}
		data, err := render()
		if err == nil {
			err = reports.WriteFileAtomic(path, data)
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s %s: %v", flag, path, err))
		}
	}
	write("--junit", o.JUnit, func() ([]byte, error) { return reports.JUnitFleet(greport, fl) })
	write("--json", o.JSON, func() ([]byte, error) { return reports.JSON(fl) })
	write("--html", o.HTML, func() ([]byte, error) { return reports.HTML(fl) })
	if path, ok := o.IO.getenv("GITHUB_STEP_SUMMARY"); ok && path != "" {
		if err := appendFile(path, reports.Markdown(fl)); err != nil {
			errs = append(errs, fmt.Sprintf("GITHUB_STEP_SUMMARY %s: %v", path, err))
		}
	}
	if len(errs) > 0 {
		return &exitError{code: ExitUsage, err: fmt.Errorf("writing reports: %s", strings.Join(errs, "; "))}
	}
	return nil
}

func appendFile(path string, data []byte) error {
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := fh.Write(data); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
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

// perCollection gives every target its collection: with one, the target as it is; with several,
// one target per collection, labelled with the collection.
func perCollection(targets []target, units []target) []target {
	var out []target
	for _, t := range targets {
		for _, c := range units {
			u := t
			u.coll, u.roles, u.rolesErr, u.passItems, u.Label = c.coll, c.roles, c.rolesErr, c.passItems, t.Base
			if len(units) > 1 {
				u.Label = t.Base + " · " + c.coll.Name + " (" + filepath.Base(c.coll.Source) + ")"
			}
			out = append(out, u)
		}
	}
	// Labels name containers and testsuites: two collections with one name and file name get
	// numbered.
	count, seen := map[string]int{}, map[string]int{}
	for _, u := range out {
		count[u.Label]++
	}
	for i := range out {
		if l := out[i].Label; count[l] > 1 {
			seen[l]++
			out[i].Label = fmt.Sprintf("%s #%d", l, seen[l])
		}
	}
	return out
}

func (o *RunOptions) validate() error {
	switch {
	case o.Timeout <= 0:
		return usageErr("--timeout must be positive, got %s", o.Timeout)
	case o.Deadline < 0:
		return usageErr("--deadline must not be negative, got %s", o.Deadline)
	case o.MaxBody <= 0:
		return usageErr("--max-body must be positive, got %d", o.MaxBody)
	case o.Parallel < 1:
		return usageErr("--parallel must be at least 1, got %d", o.Parallel)
	case o.Retries < 0:
		return usageErr("--retries must not be negative, got %d", o.Retries)
	case o.CertMinDays < 0:
		return usageErr("--cert-min-days must not be negative, got %d", o.CertMinDays)
	case !strings.EqualFold(o.TokenScheme, "Basic") && !strings.EqualFold(o.TokenScheme, "Bearer"):
		return usageErr("--token-scheme %q: want Basic or Bearer", o.TokenScheme)
	}
	return nil
}

// targets collects --domain, --base-url and --domains-file, in that order, without duplicates.
func (o *RunOptions) targets() ([]target, error) {
	var out []target
	seen := map[string]string{}
	add := func(t target) error {
		if prev, dup := seen[tenantKey(t.Base)]; dup {
			return usageErr("%s (%s) is named twice (first at %s): one session per tenant at a time", t.Base, t.Where, prev)
		}
		seen[tenantKey(t.Base)] = t.Where
		out = append(out, t)
		return nil
	}
	for _, d := range o.Domains {
		base, err := domainURL(d)
		if err != nil {
			return nil, err
		}
		if err := add(target{Base: base, Where: "--domain"}); err != nil {
			return nil, err
		}
	}
	for _, b := range o.BaseURLs {
		base, err := baseURL(b)
		if err != nil {
			return nil, err
		}
		if err := add(target{Base: base, Where: "--base-url"}); err != nil {
			return nil, err
		}
	}
	if o.DomainsFile != "" {
		data, err := os.ReadFile(o.DomainsFile)
		if err != nil {
			return nil, usageErr("--domains-file: %v", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			text, _, _ := strings.Cut(sc.Text(), "#")
			fields := strings.Fields(text)
			if len(fields) == 0 {
				continue
			}
			where := fmt.Sprintf("%s:%d", o.DomainsFile, line)
			if len(fields) > 3 {
				return nil, usageErr("%s: want HOST[:PORT] or URL, then optionally USER and an environment variable name; got %d fields", where, len(fields))
			}
			var base string
			if strings.Contains(fields[0], "://") {
				base, err = baseURL(fields[0])
			} else {
				base, err = domainURL(fields[0])
			}
			if err != nil {
				return nil, usageErr("%s: %v", where, err.(*exitError).err)
			}
			t := target{Base: base, Where: where}
			if len(fields) > 1 {
				t.User = fields[1]
			}
			if len(fields) > 2 {
				if !envNameRE.MatchString(fields[2]) {
					// Do not echo it: it may be a password typed where its variable's name goes.
					return nil, usageErr("%s: column 3 must be the name of an environment variable holding the password (letters, digits, _); passwords never go in this file (value not shown)", where)
				}
				t.credEnv = fields[2]
			}
			if err := add(t); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// credentials fills each target's user and password (or API token): its own from the domains
// file's environment variable, else the run's.
func (o *RunOptions) credentials(targets []target) error {
	needShared := false
	for i := range targets {
		t := &targets[i]
		if t.User == "" {
			t.User = o.User
		}
		if t.credEnv != "" {
			v, ok := o.IO.getenv(t.credEnv)
			if !ok || v == "" {
				return usageErr("%s: environment variable %s (its %s) is not set", t.Where, t.credEnv, map[bool]string{true: "API token", false: "password"}[o.APIToken != ""])
			}
			if o.APIToken != "" {
				t.APIToken = v
			} else {
				t.Password = v
			}
			continue
		}
		if o.APIToken != "" {
			t.APIToken = o.APIToken
			continue
		}
		if t.User == "" {
			return usageErr("%s (%s): no user: give --user (or UCCHECK_USER), or a user in the domains file", t.Base, t.Where)
		}
		needShared = true
	}
	if needShared {
		if err := o.readPassword(); err != nil {
			return err
		}
		for i := range targets {
			if targets[i].Password == "" && targets[i].APIToken == "" {
				targets[i].Password = o.Password
			}
		}
	}
	return nil
}

// readAPIToken reads --api-token-file; UCCHECK_API_TOKEN was read with the flags.
func (o *RunOptions) readAPIToken() error {
	if o.APITokenFile == "" {
		return nil
	}
	if o.APIToken != "" {
		return usageErr("the API token comes from both UCCHECK_API_TOKEN and --api-token-file: use one")
	}
	data, err := os.ReadFile(o.APITokenFile)
	if err != nil {
		return usageErr("--api-token-file: %v", err)
	}
	o.APIToken = strings.TrimSpace(firstLine(string(data)))
	if o.APIToken == "" {
		return usageErr("--api-token-file %s: empty", o.APITokenFile)
	}
	return nil
}

// parseShard reads "I/N" (1 <= I <= N).
func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, usageErr("--shard %q: want I/N with 1 <= I <= N, e.g. 2/8", s)
	}
	return i, n, nil
}

// shard keeps the targets whose stable hash lands in shard i of n.
func shard(targets []target, i, n int) []target {
	var out []target
	for _, t := range targets {
		if ShardOf(t.Base, n) == i {
			out = append(out, t)
		}
	}
	return out
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// splitCommas lets --skip and --only take "a,b" as the environment variables do.
func splitCommas(in []string) []string {
	var out []string
	for _, v := range in {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// checkReportPaths refuses, before anything is sent, report paths that cannot be written: a
// folder that does not exist, or a path that is a folder.
func (o *RunOptions) checkReportPaths() error {
	for _, r := range []struct{ flag, path string }{{"--junit", o.JUnit}, {"--json", o.JSON}, {"--html", o.HTML}} {
		if r.path == "" {
			continue
		}
		if fi, err := os.Stat(r.path); err == nil && fi.IsDir() {
			return usageErr("%s %s: is a folder; give a file name", r.flag, r.path)
		}
		if fi, err := os.Stat(filepath.Dir(r.path)); err != nil || !fi.IsDir() {
			return usageErr("%s %s: folder %s does not exist", r.flag, r.path, filepath.Dir(r.path))
		}
	}
	return nil
}

// tenantKey names a tenant whatever the case of its host: https://Acme.example and
// https://acme.example are one tenant.
func tenantKey(base string) string { return strings.ToLower(base) }

// ShardOf returns the shard (1..n) a target lands in: FNV-1a of its base URL, so the same tenant
// always lands in the same shard whatever else the list holds.
func ShardOf(base string, n int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(base)))
	return int(h.Sum32()%uint32(n)) + 1
}

// parseBudgets reads --max-latency: one duration for every step, or step=duration pairs.
func parseBudgets(s string) (map[runner.Step]time.Duration, error) {
	if s == "" {
		return nil, nil
	}
	out := map[runner.Step]time.Duration{}
	if !strings.Contains(s, "=") {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, usageErr("--max-latency %q: want a positive duration (2s) or step=duration pairs (login=2s,probe=1s)", s)
		}
		for _, step := range runner.Flow {
			out[step] = d
		}
		return out, nil
	}
	known := map[runner.Step]bool{}
	var names []string
	for _, step := range runner.Flow {
		known[step] = true
		names = append(names, string(step))
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		d, err := time.ParseDuration(v)
		if !ok || err != nil || d <= 0 {
			return nil, usageErr("--max-latency %q: %q is not step=duration", s, part)
		}
		if !known[runner.Step(k)] {
			return nil, usageErr("--max-latency: unknown step %q (steps: %s)", k, strings.Join(names, ", "))
		}
		out[runner.Step(k)] = d
	}
	return out, nil
}
