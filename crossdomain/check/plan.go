package check

import (
	"fmt"
	"strings"

	xd "github.com/uccheck/uccheck/crossdomain"
	"github.com/uccheck/uccheck/ucsim"
)

// UsageError is a bad option or a flag combination that makes no sense: nothing was checked.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErr(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// plan is what a crossdomain run checks, once the options are validated.
type plan struct {
	form      *xd.FormOptions
	embed     *xd.EmbedOptions
	simulated bool
	intro     string // what the console says first about the built-in pages
}

// plan validates the options and builds the pages to check.
func (o *Options) plan() (*plan, error) {
	if o.Timeout <= 0 {
		return nil, usageErr("--timeout must be positive, got %s", o.Timeout)
	}
	for flag, v := range map[string]string{"--expect-origin": o.ExpectOrigin, "--expect-target-origin": o.ExpectTargetOrigin} {
		if v == "" {
			continue
		}
		if _, err := xd.ParseOrigin(v); err != nil {
			return nil, usageErr("%s: %v", flag, err)
		}
	}
	if o.Click != "" && o.Eval != "" {
		return nil, usageErr("--click and --eval both given: use one")
	}
	p := &plan{}
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
		p.form = &xd.FormOptions{Page: page, ExpectOrigin: o.ExpectOrigin}
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
		p.embed = &xd.EmbedOptions{Page: page, Click: o.Click, Eval: o.Eval, ExpectTargetOrigin: o.ExpectTargetOrigin}
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
func (o *Options) builtin(p *plan) error {
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
	p.form = &xd.FormOptions{
		Page:         xd.HandlerPage("simulator "+form.Path(), handler, form.Path()),
		ExpectOrigin: nonEmpty(o.ExpectOrigin, ucsim.CrossdomainIntegratorOrigin),
	}
	click := o.Click
	if click == "" && o.Eval == "" {
		click = "#save"
	}
	p.embed = &xd.EmbedOptions{
		Page:               xd.HandlerPage("simulator "+iframe.Path(), handler, iframe.Path()),
		Click:              click,
		Eval:               o.Eval,
		ExpectTargetOrigin: nonEmpty(o.ExpectTargetOrigin, ucsim.CrossdomainFormOrigin),
	}
	p.intro = fmt.Sprintf("No --form or --embed given: checking the uContact simulator's pages %s (--expect-origin %s) and %s (%s, --expect-target-origin %s).\n",
		form.Path(), p.form.ExpectOrigin, iframe.Path(), actionText(p.embed), p.embed.ExpectTargetOrigin)
	return nil
}

func actionText(e *xd.EmbedOptions) string {
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
func pageOf(flag, v string) (xd.Page, error) {
	lower := strings.ToLower(v)
	switch {
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		p, err := xd.URLPage(v, nil)
		if err != nil {
			return p, usageErr("%s %v", flag, err)
		}
		return p, nil
	case strings.Contains(v, "://"):
		return xd.Page{}, usageErr("%s %q: give an http(s) URL or a file's path (a file is served over HTTP by the harness)", flag, v)
	}
	p, err := xd.FilePage(v)
	if err != nil {
		return p, usageErr("%s: %v", flag, err)
	}
	return p, nil
}
