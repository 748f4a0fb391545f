// Package check runs `uccheck crossdomain`: it plans the pages to check from the options (the
// simulator's reference or faulty pages, or a user's form and iframe page), drives them in a
// headless Chromium, judges the result with the suites package and reports it (console, JUnit,
// screenshots of failed checks). The command only fills Options and maps the result to an exit
// code. It is not part of package crossdomain because the judging (suites) imports that package.
package check

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	xd "github.com/uccheck/uccheck/crossdomain"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/suites"
)

// Options are what one crossdomain run checks and where it reports.
type Options struct {
	Form               string // URL or FILE of the uContact form under test
	ExpectOrigin       string // the integrator's origin the form must trust
	Embed              string // URL or FILE of the integrator's iframe page under test
	Click              string // CSS selector the user clicks in the iframe page
	Eval               string // JavaScript run in the iframe page instead of a click
	ExpectTargetOrigin string // the uContact origin the iframe page must post to
	Faults             []string
	JUnit              string // write a JUnit report there
	Timeout            time.Duration
	Artifacts          string // write a screenshot of each failed check to this folder
	Chromium           string // the browser; "" looks it up in Path
	Path               string // the PATH to look the browser up in
	Color              bool   // colours in the console output
	Version            string // uccheck's version, for the reports

	Out, Err io.Writer // the console report; warnings
}

// Run checks the pages o names and reports on o.Out (and o.JUnit, o.Artifacts). The fleet it
// returns holds the judged results, for the exit code. An error means the run could not be
// set up or reported (a *UsageError for bad options): nothing was judged, or a report is missing.
func Run(ctx context.Context, o *Options) (*reports.Fleet, error) {
	p, err := o.plan()
	if err != nil {
		return nil, err
	}
	if o.Artifacts != "" {
		if err := os.MkdirAll(o.Artifacts, 0o755); err != nil {
			return nil, usageErr("--artifacts: %v", err)
		}
	}
	out := o.Out
	if p.intro != "" {
		fmt.Fprint(out, p.intro)
	}
	res := o.drive(ctx, p)
	if res.Browser != "" {
		fmt.Fprintf(out, "Browser: %s\n", res.Browser)
	}
	return o.report(res, p)
}

// drive runs the planned checks in one browser session, closed before it returns.
func (o *Options) drive(ctx context.Context, p *plan) *xd.Result {
	res := &xd.Result{Started: time.Now()}
	sess, startErr := o.startBrowser(ctx, p)
	if startErr != nil {
		// Nothing could be asked: every check is an error (or skipped, when interrupted).
		if p.form != nil {
			res.Form = &xd.FormResult{Page: p.form.Page.Name, ExpectOrigin: p.form.ExpectOrigin, Err: startErr}
		}
		if p.embed != nil {
			res.Embed = &xd.EmbedResult{Page: p.embed.Page.Name, Err: startErr}
		}
	} else {
		defer sess.Close()
		res.Browser = sess.Version()
		var wg sync.WaitGroup
		if p.form != nil {
			wg.Go(func() { res.Form = sess.CheckForm(ctx, *p.form) })
		}
		if p.embed != nil {
			wg.Go(func() { res.Embed = sess.CheckEmbed(ctx, *p.embed) })
		}
		wg.Wait()
		if err := sess.Close(); err != nil {
			fmt.Fprintf(o.Err, "uccheck: warning: closing the browser: %v\n", err)
		}
	}
	res.Duration = time.Since(res.Started)
	res.Interrupted = ctx.Err() != nil
	return res
}

// report judges res and writes the console report, the JUnit report and the screenshots.
func (o *Options) report(res *xd.Result, p *plan) (*reports.Fleet, error) {
	greport, err := suites.JudgeCrossdomain(res)
	if err != nil {
		return nil, err
	}
	run := &reports.Run{
		Version: o.Version, Target: suites.CrossdomainTarget(res), Collection: "crossdomain harness",
		Simulated: p.simulated, Started: res.Started, Duration: res.Duration,
		Interrupted: res.Interrupted,
		Results:     reports.ResultsFromGinkgo(greport),
		Redactor:    reports.NewRedactor(nil),
	}
	if res.Interrupted {
		run.Aborted = "interrupted"
	}
	if err := reports.Console(o.Out, run, reports.ConsoleOptions{Color: o.Color}); err != nil {
		return nil, err
	}
	if o.JUnit != "" {
		if err := reports.WriteJUnit(o.JUnit, greport, reports.FleetOf(run)); err != nil {
			return nil, fmt.Errorf("writing the JUnit report %s: %w", o.JUnit, err)
		}
	}
	if o.Artifacts != "" {
		written, err := writeScreenshots(o.Artifacts, res, run.Results)
		if err != nil {
			fmt.Fprintf(o.Err, "uccheck: warning: --artifacts: %v\n", err)
		}
		for _, path := range written {
			fmt.Fprintf(o.Out, "screenshot: %s\n", path)
		}
	}
	return reports.FleetOf(run), nil
}

// startBrowser finds the browser and starts the session; the error is why no check could run.
func (o *Options) startBrowser(ctx context.Context, p *plan) (*xd.Session, *xd.Error) {
	chromium := o.Chromium
	if chromium == "" {
		found, err := xd.FindChromium(o.Path)
		if err != nil {
			return nil, &xd.Error{Kind: xd.ErrBrowser, Message: err.Error()}
		}
		chromium = found
	}
	var origins []string
	if p.form != nil && p.form.ExpectOrigin != "" {
		origins = append(origins, p.form.ExpectOrigin)
	}
	sess, err := xd.Start(ctx, xd.Options{
		Chromium: chromium, Origins: origins, Timeout: o.Timeout, Screenshots: o.Artifacts != "",
	})
	if err != nil {
		e, ok := err.(*xd.Error)
		if !ok {
			e = &xd.Error{Kind: xd.ErrBrowser, Message: err.Error()}
		}
		return nil, e
	}
	return sess, nil
}

// writeScreenshots writes the harness's screenshot of each failed or errored check to dir, as
// <check ID>.png, and returns the paths written.
func writeScreenshots(dir string, res *xd.Result, results []reports.Result) ([]string, error) {
	var written []string
	for _, r := range results {
		if r.Outcome != reports.Failed && r.Outcome != reports.Errored {
			continue
		}
		var png []byte
		c, ok := suites.LookupCrossdomain(r.ID)
		switch {
		case !ok:
		case c.Side == suites.SideIframe && res.Embed != nil:
			png = res.Embed.Screenshot
		case c.Side == suites.SideForm && res.Form != nil:
			if sc := res.Form.Scenario(c.Scenario); sc != nil {
				png = sc.Screenshot
			}
		}
		if len(png) == 0 {
			continue
		}
		path := filepath.Join(dir, r.ID+".png")
		if err := reports.WriteFileAtomic(path, png); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}
