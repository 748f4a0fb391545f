package fleet

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
	"github.com/uccheck/uccheck/ucsim"
)

// Run runs the contract flow (then the collection pass) against every target of opts, judges
// them in one Ginkgo run while the flows go on, streams a console line per judged target (with
// its HAR and, under Verbose, its transcript), and writes every report asked for. Each target
// gets one session at a time and every session is ended, on ctx's cancellation too. With no
// target it runs against the built-in simulator. The error is a *UsageError when the options or
// local files are wrong (then nothing may have been sent) or a report could not be written; the
// fleet's outcomes are in the returned *reports.Fleet.
func Run(ctx context.Context, opts Options, s Streams) (*reports.Fleet, error) {
	o := &opts
	o.io = s
	p, err := o.prepare()
	if err != nil {
		return nil, err
	}
	targets, err := o.targets()
	if err != nil {
		return nil, err
	}
	explicit := len(targets) > 0
	shardOf := ""
	if o.Shard != "" {
		i, n, err := parseShard(o.Shard)
		if err != nil {
			return nil, err
		}
		targets, shardOf = shard(targets, i, n), o.Shard
	}
	targets, client, simulated, closeSim, err := o.resolve(targets, explicit)
	if err != nil {
		return nil, err
	}
	defer closeSim()
	defer client.CloseIdleConnections()
	targets = perCollection(targets, p.units)

	fl := &fleet{o: o, targets: targets, simulated: simulated, checks: p.checks, sel: p.sel, shard: shardOf}
	fl.optsFor, fl.passOptsFor = p.optsFuncs(o, client)
	for _, t := range targets {
		if t.rolesErr == nil {
			if err := runner.Validate(fl.optsFor(t)); err != nil {
				return nil, usageErr("%s (%s): %v", t.Base, t.Where, err)
			}
		}
		if len(t.passItems) > 0 {
			if err := runner.Check(fl.passOptsFor(t)); err != nil {
				return nil, usageErr("collection %s: nothing was sent:\n%v", t.coll.Source, err)
			}
		}
	}
	if shardOf != "" {
		fmt.Fprintf(o.io.Err, "uccheck: shard %s: %d targets\n", shardOf, len(targets))
	}
	var sources []string
	for _, u := range p.units {
		sources = append(sources, u.coll.Source)
	}
	fl.collections = strings.Join(sources, ", ")
	return fl.run(ctx)
}

// prepared is what the options resolve to before any target is known.
type prepared struct {
	checks    []*suites.Check
	sel       suites.Selection
	vars      map[string]string
	units     []target // one per collection, the target fields left empty
	passFiles passFiles
}

// prepare checks the options and loads the local files: checks, selection, variables,
// collections and the collection pass's files.
func (o *Options) prepare() (*prepared, error) {
	if o.TokenScheme != "" {
		o.TokenScheme = strings.ToUpper(o.TokenScheme[:1]) + strings.ToLower(o.TokenScheme[1:])
	}
	o.Only, o.Skip = splitCommas(o.Only), splitCommas(o.Skip)
	if err := o.checkReportPaths(); err != nil {
		return nil, err
	}
	budgets, err := parseBudgets(o.MaxLatency)
	if err != nil {
		return nil, err
	}
	p := &prepared{checks: suites.ChecksFor(suites.Config{CertMinDays: o.CertMinDays, Budgets: budgets})}
	if p.sel, err = suites.SelectFrom(p.checks, o.Only, o.Skip); err != nil {
		return nil, usageErr("%v", err)
	}
	if p.vars, err = ParseVars(o.Vars); err != nil {
		return nil, err
	}
	if err := o.readAPIToken(); err != nil {
		return nil, err
	}
	if p.units, err = o.collectionUnits(); err != nil {
		return nil, err
	}
	if o.Iterations < 0 {
		return nil, usageErr("--iteration-count must not be negative, got %d", o.Iterations)
	}
	if o.ScriptTimeout <= 0 {
		return nil, usageErr("--timeout-script must be positive, got %s", o.ScriptTimeout)
	}
	if p.passFiles, err = loadPassFiles(o); err != nil {
		return nil, err
	}
	return p, o.validate()
}

// collectionUnits loads each collection with its roles and the items of its pass.
func (o *Options) collectionUnits() ([]target, error) {
	var units []target
	paths := o.Collections
	if len(paths) == 0 {
		paths = []string{""} // the embedded collection
	}
	for _, path := range paths {
		coll, roles, rolesErr, err := loadCollectionRoles(path, o.Roles)
		if err != nil {
			return nil, err
		}
		if rolesErr != nil && !o.AllItems && len(o.Folders) == 0 && !o.planOnly {
			return nil, usageErr("%v\n  the contract checks need these items: 'uccheck inspect --collection FILE' shows how each role was looked for, and --login-item, --probe-item and --logout-item name them; to run the collection's own items and scripts instead, use --all-items or --folder NAME", rolesErr)
		}
		var items []*collections.Item
		if o.APIToken == "" { // API-token mode runs no collection pass: its items log in and out
			if items, err = selectItems(coll, roles, rolesErr == nil, o.Folders, o.AllItems); err != nil {
				return nil, err
			}
			// By default the pass takes the role items, and only when a script would run: a
			// collection without pm.tests (the embedded one) has nothing for it to judge.
			if !o.AllItems && len(o.Folders) == 0 && !coll.HasScripts(items) {
				items = nil
			}
		}
		units = append(units, target{coll: coll, roles: roles, rolesErr: rolesErr, passItems: items})
	}
	return units, nil
}

// resolve gives the targets their credentials and the client that trusts them; with no target
// named it starts the simulator (closeSim stops it).
func (o *Options) resolve(targets []target, explicit bool) (_ []target, client *http.Client, simulated bool, closeSim func(), err error) {
	closeSim = func() {}
	client = runner.NewClient(runner.ClientOptions{Insecure: o.Insecure})
	switch {
	case explicit:
		if err := o.credentials(targets); err != nil {
			return nil, nil, false, closeSim, err
		}
		if o.CACert != "" || o.Insecure {
			pool, err := loadCA(o.CACert)
			if err != nil {
				return nil, nil, false, closeSim, err
			}
			client = runner.NewClient(runner.ClientOptions{RootCAs: pool, Insecure: o.Insecure})
		}
		if o.Insecure {
			fmt.Fprintln(o.io.Err, "uccheck: warning: --insecure: the server's certificate is not verified; the report records it")
		}
	case o.DomainsFile != "" && o.Shard == "":
		return nil, nil, false, closeSim, usageErr("--domains-file %s lists no target", o.DomainsFile)
	case o.DomainsFile != "":
		// A domains file whose targets all fall in other shards: nothing to do, and that is fine.
	case o.Password != "" || o.PasswordFile != "" || o.PasswordStdin || o.APIToken != "":
		// Credentials for a tenant, but no tenant: an unset UCCHECK_DOMAIN in CI, say. Running
		// the simulator would turn that into a green run.
		return nil, nil, false, closeSim, usageErr("a password or API token was given but no target: set --domain, --base-url or --domains-file (UCCHECK_DOMAIN, ...); with none, uccheck runs against its built-in simulator and needs no credentials")
	default:
		sim := ucsim.New(ucsim.Options{User: o.User, APIToken: o.APIToken, APITokenScheme: o.TokenScheme})
		user := o.User
		if user == "" {
			user = sim.User()
		}
		targets = []target{{Base: sim.URL, User: user, Password: sim.Password(), APIToken: o.APIToken, Where: "simulator"}}
		client = runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()})
		fmt.Fprintf(o.io.Out, "No --domain given: running against the built-in uContact simulator at %s (user %q).\n", sim.URL, user)
		return targets, client, true, sim.Close, nil
	}
	return targets, client, false, closeSim, nil
}

// optsFuncs builds the runner options of a target's contract flow and of its collection pass.
func (p *prepared) optsFuncs(o *Options, client *http.Client) (func(target) runner.Options, func(target) runner.PassOptions) {
	optsFor := func(t target) runner.Options {
		return runner.Options{
			BaseURL: t.Base, User: t.User, Password: t.Password, APIToken: t.APIToken, TokenScheme: o.TokenScheme,
			Vars: p.vars, CollectionVars: t.coll.Variables, Roles: t.roles, Source: t.coll.Source,
			Steps: p.sel.Steps(), Client: client, Timeout: o.Timeout, MaxBody: o.MaxBody, Retries: o.Retries,
		}
	}
	passOptsFor := func(t target) runner.PassOptions {
		return runner.PassOptions{
			Collection: t.coll, Items: t.passItems, BaseURL: t.Base,
			Globals: p.passFiles.globals, Environment: p.passFiles.env, EnvName: p.passFiles.envName,
			Preset: map[string]string{"domain": hostOf(t.Base), "user": t.User, "password": t.Password},
			Vars:   p.vars, Data: p.passFiles.data, Iterations: o.Iterations,
			Client: client, Timeout: o.Timeout, MaxBody: o.MaxBody, ScriptTimeout: o.ScriptTimeout, WorkingDir: o.WorkingDir,
			Roles: t.roles, Retries: o.Retries,
		}
	}
	return optsFor, passOptsFor
}

// loadCollectionRoles loads a collection; a collection whose roles cannot be recognised is not an
// error here (rolesErr says why): it may still get its collection pass.
func loadCollectionRoles(path string, overrides collections.RoleOverrides) (c *collections.Collection, roles collections.Roles, rolesErr, err error) {
	if path == "" {
		c = collections.Embedded()
	} else if c, err = collections.Load(path); err != nil {
		return nil, roles, nil, usageErr("%v", err)
	}
	roles, rolesErr = c.RolesWith(overrides)
	return c, roles, rolesErr, nil
}

// selectItems returns the items of the collection pass, in collection order: the role items
// (when recognised), the items of each --folder (a folder, or a request of that name, as in
// Newman), or every item with --all-items.
func selectItems(c *collections.Collection, r collections.Roles, haveRoles bool, folders []string, all bool) ([]*collections.Item, error) {
	want := map[*collections.Item]bool{}
	if haveRoles {
		want[r.Login], want[r.Probe], want[r.Logout] = true, true, true
	}
	for _, f := range folders {
		found := false
		for _, it := range c.Items {
			// As Newman's --folder: a folder's items, or a request of that name.
			for i := 0; i < len(it.Path); i++ {
				if it.Path[i] == f {
					want[it], found = true, true
				}
			}
		}
		if !found {
			var names []string
			for _, fo := range c.Folders {
				names = append(names, fmt.Sprintf("%q", fo.Name))
			}
			return nil, usageErr("--folder %q: no folder or request of that name in collection %s (folders: %s)", f, c.Source, strings.Join(names, ", "))
		}
	}
	var out []*collections.Item
	for _, it := range c.Items {
		if all || want[it] {
			out = append(out, it)
		}
	}
	return out, nil
}

type passFiles struct {
	globals, env []collections.Variable
	envName      string
	data         []map[string]any
}

func loadPassFiles(o *Options) (passFiles, error) {
	var pf passFiles
	var err error
	if o.Globals != "" {
		if pf.globals, _, err = collections.LoadVariables(o.Globals); err != nil {
			return pf, usageErr("--globals: %v", err)
		}
	}
	if o.Environment != "" {
		if pf.env, pf.envName, err = collections.LoadVariables(o.Environment); err != nil {
			return pf, usageErr("--environment: %v", err)
		}
	}
	if o.IterationData != "" {
		if pf.data, err = collections.LoadIterationData(o.IterationData); err != nil {
			return pf, usageErr("--iteration-data: %v", err)
		}
	}
	return pf, nil
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
