package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/uccheck/uccheck/crossdomain"
	"github.com/uccheck/uccheck/crossdomain/check"
	"github.com/uccheck/uccheck/ucsim"
)

// CrossdomainOptions are the options of `uccheck crossdomain`, filled from flags and UCCHECK_*
// variables.
type CrossdomainOptions struct {
	check.Options      // what the flags fill; Path, Color, Version and the writers are set by the run
	NoColor       bool // --no-color (also NO_COLOR)

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

// runCrossdomain runs the harness: an error is exit 2, else the exit code follows the results.
func runCrossdomain(o *CrossdomainOptions) error {
	path, _ := o.IO.getenv("PATH")
	ctx := o.IO.ctx()
	c := o.Options
	c.Path, c.Color, c.Version, c.Out, c.Err = path, o.IO.Terminal && !o.NoColor, Version, o.IO.Out, o.IO.Err
	fleet, err := check.Run(ctx, &c)
	if err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	return exitFor(ctx, fleet)
}
