package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/uccheck/uccheck/crossdomain"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/suites"
	"github.com/uccheck/uccheck/ucsim"
)

// CrossdomainOptions are the options of `uccheck crossdomain`, filled from flags and UCCHECK_*
// variables.
type CrossdomainOptions struct {
	Form               string // URL or FILE of the uContact form under test
	ExpectOrigin       string // the integrator's origin the form must trust
	Embed              string // URL or FILE of the integrator's iframe page under test
	Click              string // CSS selector the user clicks in the iframe page
	Eval               string // JavaScript run in the iframe page instead of a click
	ExpectTargetOrigin string // the uContact origin the iframe page must post to
	Faults             []string
	JUnit              string
	Timeout            time.Duration
	Artifacts          string
	Chromium           string
	NoColor            bool

	IO IO
}

// crossdomainExitCodes is the exit code table of `uccheck crossdomain` for --help.
const crossdomainExitCodes = `Exit codes:
  0    every check passed (checks that do not apply are skipped)
  1    a check failed: a page broke the documented CrossDomain protocol
  2    usage or local file error (bad flag, unreadable file)
  3    the browser could not be started, or a page could not be loaded or driven, and no check failed
  130  interrupted by SIGINT (143: SIGTERM); the browser was closed and reports written`

func newCrossdomainCmd(streams IO, runF func(*CrossdomainOptions) error) *cobra.Command {
	o := &CrossdomainOptions{IO: streams}
	var faults []string
	for _, p := range ucsim.CrossdomainPages {
		if p.Name != ucsim.CrossdomainForm && p.Name != ucsim.CrossdomainIframe {
			faults = append(faults, fmt.Sprintf("%-22s %s", p.Name, p.Doc))
		}
	}
	cmd := &cobra.Command{
		Use:   "crossdomain [flags]",
		Short: "Check a form's and an iframe's CrossDomain postMessage protocol in a headless Chromium",
		Long: `Crossdomain checks the CrossDomain integration of the vendor page in a real headless
Chromium: an integrator's page, in an iframe of a uContact form, posts
{action: 'DISPOSITION_CALL', disposition: {...}} or {action: 'CLOSE_TAB'} to the form, whose
message listener calls UC_DispositionCall(campaign, callerid, guid, l1, l2, l3, d1, d2, comment,
schedule, onOk, onError) or parent.closeActiveTab().

The form side (--form URL|FILE): a harness on 127.0.0.1 plays the uContact agent window (it provides
closeActiveTab and a recording UC_DispositionCall), serves the form from its own origin (a URL is
fetched through a proxy, a file is served over HTTP), and posts messages to it from child frames,
as an integrator's iframe would. It judges crossdomain.disposition-call, crossdomain.close-tab,
crossdomain.unknown-ignored and, with --expect-origin, crossdomain.origin.

The iframe side (--embed URL|FILE with --click SELECTOR or --eval JS): the page is loaded in a
frame of a stand-in form that records every message; the harness performs the user action and
judges crossdomain.message-shape (with --expect-target-origin, the message must not go to '*').

With no --form and no --embed it checks the built-in reference pages of the uContact simulator;
--fault NAME swaps in a page that breaks one behaviour:
  ` + strings.Join(faults, "\n  ") + `

The browser is found in PATH (` + strings.Join(crossdomain.ChromiumNames, ", ") + `) unless
--chromium says where; it is kept off the network and closed on every exit path. Every flag can
also be set by UCCHECK_<FLAG> (e.g. UCCHECK_CHROMIUM, UCCHECK_JUNIT); a flag on the command line wins.

` + crossdomainExitCodes,
		Example: `  uccheck crossdomain
  uccheck crossdomain --fault form-swapped-args
  uccheck crossdomain --form form.html --expect-origin https://crm.example.com --junit crossdomain.xml
  uccheck crossdomain --embed https://crm.example.com/uc-frame --click '#save' \
      --expect-target-origin https://acme.ucontactcloud.com --artifacts shots/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd.Flags(), streams); err != nil {
				return err
			}
			if _, ok := streams.getenv("NO_COLOR"); ok {
				o.NoColor = true
			}
			if runF != nil {
				return runF(o)
			}
			return runCrossdomain(o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Form, "form", "", "the uContact form under test: an http(s) `URL` or an HTML FILE")
	f.StringVar(&o.ExpectOrigin, "expect-origin", "", "the integrator iframe's `ORIGIN` the form must trust (judges crossdomain.origin), e.g. https://crm.example.com")
	f.StringVar(&o.Embed, "embed", "", "the integrator's iframe page under test: an http(s) `URL` or an HTML FILE")
	f.StringVar(&o.Click, "click", "", "CSS `SELECTOR` of the element to click in the --embed page")
	f.StringVar(&o.Eval, "eval", "", "`JS` to run in the --embed page instead of a click")
	f.StringVar(&o.ExpectTargetOrigin, "expect-target-origin", "", "the uContact `ORIGIN` the --embed page must post to (not '*')")
	f.StringArrayVar(&o.Faults, "fault", nil, "check a built-in page that breaks one behaviour (`NAME`); repeatable, one per side")
	f.StringVar(&o.JUnit, "junit", "", "write a JUnit XML report to `FILE` (written even when checks fail)")
	f.DurationVar(&o.Timeout, "timeout", crossdomain.DefaultTimeout, "the longest wait for a page to load, a message to arrive or the user action's message")
	f.StringVar(&o.Artifacts, "artifacts", "", "write a screenshot of the harness for each failed check to `DIR`")
	f.StringVar(&o.Chromium, "chromium", "", "the Chromium or Chrome binary `PATH` (default: looked up in PATH)")
	f.BoolVar(&o.NoColor, "no-color", false, "no colours in the console output (also: NO_COLOR)")
	return cmd
}

// crossdomainPlan is what a crossdomain run checks, once the options are validated.
type crossdomainPlan struct {
	form      *crossdomain.FormOptions
	embed     *crossdomain.EmbedOptions
	simulated bool
	intro     string // what the console says first about the built-in pages
}

// plan validates the options and builds the pages to check.
func (o *CrossdomainOptions) plan() (*crossdomainPlan, error) {
	if o.Timeout <= 0 {
		return nil, usageErr("--timeout must be positive, got %s", o.Timeout)
	}
	for flag, v := range map[string]string{"--expect-origin": o.ExpectOrigin, "--expect-target-origin": o.ExpectTargetOrigin} {
		if v == "" {
			continue
		}
		if _, err := crossdomain.ParseOrigin(v); err != nil {
			return nil, usageErr("%s: %v", flag, err)
		}
	}
	if o.Click != "" && o.Eval != "" {
		return nil, usageErr("--click and --eval both given: use one")
	}
	p := &crossdomainPlan{}
	if len(o.Faults) > 0 || (o.Form == "" && o.Embed == "") {
		if o.Form != "" || o.Embed != "" {
			return nil, usageErr("--fault picks a built-in page: give it without --form and --embed")
		}
		return p, o.builtin(p)
	}
	if o.Form != "" {
		page, err := pageOf("--form", o.Form)
		if err != nil {
			return nil, err
		}
		p.form = &crossdomain.FormOptions{Page: page, ExpectOrigin: o.ExpectOrigin}
	} else if o.ExpectOrigin != "" {
		return nil, usageErr("--expect-origin judges a form: give --form")
	}
	if o.Embed != "" {
		if o.Click == "" && o.Eval == "" {
			return nil, usageErr("--embed needs the user action that makes the page post: --click SELECTOR or --eval JS")
		}
		page, err := pageOf("--embed", o.Embed)
		if err != nil {
			return nil, err
		}
		p.embed = &crossdomain.EmbedOptions{Page: page, Click: o.Click, Eval: o.Eval, ExpectTargetOrigin: o.ExpectTargetOrigin}
	} else {
		switch {
		case o.Click != "":
			return nil, usageErr("--click acts in the iframe page: give --embed")
		case o.Eval != "":
			return nil, usageErr("--eval acts in the iframe page: give --embed")
		case o.ExpectTargetOrigin != "":
			return nil, usageErr("--expect-target-origin judges an iframe page: give --embed")
		}
	}
	return p, nil
}

// builtin plans a run against the simulator's pages: the references, or the faults asked for.
func (o *CrossdomainOptions) builtin(p *crossdomainPlan) error {
	pages := map[string]ucsim.CrossdomainPage{}
	for _, side := range []string{"form", "iframe"} {
		pages[side], _ = ucsim.LookupCrossdomainPage(side)
	}
	chosen := map[string]string{}
	for _, name := range o.Faults {
		pg, err := ucsim.LookupCrossdomainPage(name)
		if err != nil || pg.Name == ucsim.CrossdomainForm || pg.Name == ucsim.CrossdomainIframe {
			return usageErr("--fault %q: not a built-in faulty page (see uccheck crossdomain --help)", name)
		}
		if prev, dup := chosen[pg.Side]; dup {
			return usageErr("--fault %s and --fault %s both replace the %s: give one per side", prev, name, pg.Side)
		}
		chosen[pg.Side] = name
		pages[pg.Side] = pg
	}
	handler := ucsim.CrossdomainHandler()
	form, iframe := pages["form"], pages["iframe"]
	p.simulated = true
	p.form = &crossdomain.FormOptions{
		Page:         crossdomain.HandlerPage("simulator "+form.Path(), handler, form.Path()),
		ExpectOrigin: nonEmpty(o.ExpectOrigin, ucsim.CrossdomainIntegratorOrigin),
	}
	click := o.Click
	if click == "" && o.Eval == "" {
		click = "#save"
	}
	p.embed = &crossdomain.EmbedOptions{
		Page:               crossdomain.HandlerPage("simulator "+iframe.Path(), handler, iframe.Path()),
		Click:              click,
		Eval:               o.Eval,
		ExpectTargetOrigin: nonEmpty(o.ExpectTargetOrigin, ucsim.CrossdomainFormOrigin),
	}
	p.intro = fmt.Sprintf("No --form or --embed given: checking the uContact simulator's pages %s (--expect-origin %s) and %s (%s, --expect-target-origin %s).\n",
		form.Path(), p.form.ExpectOrigin, iframe.Path(), actionText(p.embed), p.embed.ExpectTargetOrigin)
	return nil
}

func actionText(e *crossdomain.EmbedOptions) string {
	if e.Eval != "" {
		return "--eval"
	}
	return "--click " + e.Click
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// pageOf turns --form or --embed into a page: an http(s) URL is proxied, anything else is a file.
func pageOf(flag, v string) (crossdomain.Page, error) {
	lower := strings.ToLower(v)
	switch {
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		p, err := crossdomain.URLPage(v, nil)
		if err != nil {
			return p, usageErr("%s %v", flag, err)
		}
		return p, nil
	case strings.Contains(v, "://"):
		return crossdomain.Page{}, usageErr("%s %q: give an http(s) URL or a file's path (a file is served over HTTP by the harness)", flag, v)
	}
	p, err := crossdomain.FilePage(v)
	if err != nil {
		return p, usageErr("%s: %v", flag, err)
	}
	return p, nil
}

// runCrossdomain runs the harness and reports it.
func runCrossdomain(o *CrossdomainOptions) error {
	p, err := o.plan()
	if err != nil {
		return err
	}
	if o.Artifacts != "" {
		if err := os.MkdirAll(o.Artifacts, 0o755); err != nil {
			return usageErr("--artifacts: %v", err)
		}
	}
	out := o.IO.Out
	ctx := o.IO.ctx()
	if p.intro != "" {
		fmt.Fprint(out, p.intro)
	}

	res := &crossdomain.Result{Started: time.Now()}
	sess, startErr := o.startBrowser(p)
	if startErr != nil {
		// Nothing could be asked: every check is an error (or skipped, when interrupted).
		if p.form != nil {
			res.Form = &crossdomain.FormResult{Page: p.form.Page.Name, ExpectOrigin: p.form.ExpectOrigin, Err: startErr}
		}
		if p.embed != nil {
			res.Embed = &crossdomain.EmbedResult{Page: p.embed.Page.Name, Err: startErr}
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
			fmt.Fprintf(o.IO.Err, "uccheck: warning: closing the browser: %v\n", err)
		}
	}
	res.Duration = time.Since(res.Started)
	res.Interrupted = ctx.Err() != nil
	if res.Browser != "" {
		fmt.Fprintf(out, "Browser: %s\n", res.Browser)
	}

	greport, err := suites.JudgeCrossdomain(res)
	if err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	run := &reports.Run{
		Version: Version, Target: suites.CrossdomainTarget(res), Collection: "crossdomain harness",
		Simulated: p.simulated, Started: res.Started, Duration: res.Duration,
		Interrupted: res.Interrupted,
		Results:     reports.ResultsFromGinkgo(greport),
		Redactor:    reports.NewRedactor(nil),
	}
	if res.Interrupted {
		run.Aborted = "interrupted"
	}
	if err := reports.Console(out, run, reports.ConsoleOptions{Color: o.IO.Terminal && !o.NoColor}); err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	if o.JUnit != "" {
		if err := reports.WriteJUnit(o.JUnit, greport, reports.FleetOf(run)); err != nil {
			return &exitError{code: ExitUsage, err: fmt.Errorf("writing the JUnit report %s: %w", o.JUnit, err)}
		}
	}
	if o.Artifacts != "" {
		written, err := writeScreenshots(o.Artifacts, res, run.Results)
		if err != nil {
			fmt.Fprintf(o.IO.Err, "uccheck: warning: --artifacts: %v\n", err)
		}
		for _, path := range written {
			fmt.Fprintf(out, "screenshot: %s\n", path)
		}
	}
	return exitFor(ctx, reports.FleetOf(run))
}

// startBrowser finds the browser and starts the session; the error is why no check could run.
func (o *CrossdomainOptions) startBrowser(p *crossdomainPlan) (*crossdomain.Session, *crossdomain.Error) {
	chromium := o.Chromium
	if chromium == "" {
		path, _ := o.IO.getenv("PATH")
		found, err := crossdomain.FindChromium(path)
		if err != nil {
			return nil, &crossdomain.Error{Kind: crossdomain.ErrBrowser, Message: err.Error()}
		}
		chromium = found
	}
	var origins []string
	if p.form != nil && p.form.ExpectOrigin != "" {
		origins = append(origins, p.form.ExpectOrigin)
	}
	sess, err := crossdomain.Start(o.IO.ctx(), crossdomain.Options{
		Chromium: chromium, Origins: origins, Timeout: o.Timeout, Screenshots: o.Artifacts != "",
	})
	if err != nil {
		e, ok := err.(*crossdomain.Error)
		if !ok {
			e = &crossdomain.Error{Kind: crossdomain.ErrBrowser, Message: err.Error()}
		}
		return nil, e
	}
	return sess, nil
}

// writeScreenshots writes the harness's screenshot of each failed or errored check to dir, as
// <check ID>.png, and returns the paths written.
func writeScreenshots(dir string, res *crossdomain.Result, results []reports.Result) ([]string, error) {
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
