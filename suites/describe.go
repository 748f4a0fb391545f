package suites

import (
	"context"
	"crypto/x509"
	"net/http"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
)

// Target is the uContact tenant Describe checks.
type Target struct {
	BaseURL  string // https://HOST[:PORT], e.g. a ucsim.Server's URL
	User     string
	Password string
	// APIToken, when set, runs in API-token mode: no login and no EndSession (the login.* and
	// logout.* checks are skipped).
	APIToken    string
	TokenScheme string // "Basic" (default) or "Bearer", for APIToken
	// RootCAs are the roots the server's certificate is verified with (nil: the system roots;
	// ucsim.Server.CertPool() for the simulator).
	RootCAs *x509.CertPool
	// Client, when set, sends every request instead (it must not follow redirects: see
	// runner.NewClient); RootCAs is then unused.
	Client *http.Client
}

// DescribeOptions configures the checks Describe registers.
type DescribeOptions struct {
	Only, Skip []string      // check IDs or prefixes, as uccheck run --only/--skip
	Config     Config        // certificate and latency settings
	Timeout    time.Duration // per request; 0: runner.DefaultTimeout
	Retries    int
	// Collection is the collection the requests are built from; nil: the embedded one.
	Collection *collections.Collection
	// Args are more Ginkgo decorators for the container (Label("contract"), ...).
	Args []any
}

// Describe registers the contract checks against a target as specs of the caller's own Ginkgo
// suite: an Ordered container named after the target whose BeforeAll runs the contract flow
// (runner.Run, which ends every session it opened before it returns), one It per check judged
// with Gomega, and an AfterAll that releases the client's connections. Call it where Ginkgo's
// Describe is allowed (at the top level of a _test.go file or inside a container), under the
// caller's RunSpecs; unlike JudgeAll it never runs a suite itself. It returns Ginkgo's Describe
// value; a bad selection or collection fails the container's BeforeAll.
func Describe(target Target, opts DescribeOptions) bool {
	checks := ChecksFor(opts.Config)
	sel, selErr := SelectFrom(checks, opts.Only, opts.Skip)
	coll := opts.Collection
	if coll == nil {
		coll = collections.Embedded()
	}
	var client *http.Client
	next := func(ctx context.Context) *runner.Transcript {
		if selErr != nil {
			ginkgo.Fail("uccheck: " + selErr.Error())
		}
		roles, err := coll.RolesWith(collections.RoleOverrides{})
		if err != nil {
			ginkgo.Fail("uccheck: " + err.Error())
		}
		client = target.Client
		if client == nil {
			client = runner.NewClient(runner.ClientOptions{RootCAs: target.RootCAs})
		}
		t, err := runner.Run(ctx, runner.Options{
			BaseURL: target.BaseURL, User: target.User, Password: target.Password,
			APIToken: target.APIToken, TokenScheme: target.TokenScheme,
			CollectionVars: coll.Variables, Roles: roles, Source: coll.Source,
			Steps: sel.Steps(), Client: client, Timeout: opts.Timeout, Retries: opts.Retries,
		})
		if err != nil {
			ginkgo.Fail("uccheck: the flow could not be built: " + err.Error())
		}
		return t
	}
	after := func() {
		if client != nil && target.Client == nil {
			client.CloseIdleConnections()
		}
	}
	return declare("uccheck "+target.BaseURL, types.NewCodeLocation(1), checks, sel, false, next, after, opts.Args...)
}
