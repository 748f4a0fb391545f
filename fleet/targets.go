package fleet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/uccheck/uccheck/collections"
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

// targets collects --domain, --base-url and --domains-file, in that order, without duplicates.
func (o *Options) targets() ([]target, error) {
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
		data = bytes.TrimPrefix(data, []byte("\ufeff")) // a BOM (Notepad) is not part of the first host
		sc := bufio.NewScanner(bytes.NewReader(data))
		line := 1
		for ; sc.Scan(); line++ {
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
				return nil, usageErr("%s: %v", where, err.(*UsageError).Err)
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
		if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) { // the rest of the list is not read
			return nil, usageErr("%s:%d: line longer than %d KiB", o.DomainsFile, line, bufio.MaxScanTokenSize>>10)
		} else if err != nil {
			return nil, usageErr("%s:%d: %v", o.DomainsFile, line, err)
		}
	}
	return out, nil
}

// credentials fills each target's user and password (or API token): its own from the domains
// file's environment variable, else the run's.
func (o *Options) credentials(targets []target) error {
	needShared := false
	for i := range targets {
		t := &targets[i]
		if t.User == "" {
			t.User = o.User
		}
		if t.credEnv != "" {
			v, ok := o.io.getenv(t.credEnv)
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
func (o *Options) readAPIToken() error {
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

func (o *Options) readPassword() error {
	sources := 0
	for _, set := range []bool{o.Password != "", o.PasswordFile != "", o.PasswordStdin} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return usageErr("the password comes from more than one place (UCCHECK_PASSWORD, --password-file, --password-stdin): use one")
	}
	switch {
	case o.PasswordFile != "":
		data, err := os.ReadFile(o.PasswordFile)
		if err != nil {
			return usageErr("--password-file: %v", err)
		}
		o.Password = firstLine(string(data))
	case o.PasswordStdin:
		if o.io.In == nil {
			return usageErr("--password-stdin: no standard input")
		}
		data, err := io.ReadAll(io.LimitReader(o.io.In, 64<<10))
		if err != nil {
			return usageErr("--password-stdin: %v", err)
		}
		o.Password = firstLine(string(data))
	}
	if o.Password == "" {
		return usageErr("no password: set UCCHECK_PASSWORD, or use --password-file FILE or --password-stdin")
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

// tenantKey names a tenant whatever the case of its host and whether its scheme's default port
// is written: https://Acme.example, https://acme.example and https://acme.example:443 are one
// tenant.
func tenantKey(base string) string {
	key := strings.ToLower(base)
	u, err := url.Parse(key)
	if err != nil {
		return key
	}
	if (u.Scheme == "https" && u.Port() == "443") || (u.Scheme == "http" && u.Port() == "80") {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") { // an IPv6 literal keeps its brackets
			u.Host = "[" + u.Host + "]"
		}
	}
	return u.String()
}

// ShardOf returns the shard (1..n) a target lands in: FNV-1a of its base URL, so the same tenant
// always lands in the same shard whatever else the list holds.
func ShardOf(base string, n int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(base)))
	return int(h.Sum32()%uint32(n)) + 1
}

// domainURL turns --domain HOST[:PORT] into https://HOST[:PORT].
func domainURL(d string) (string, error) {
	if strings.Contains(d, "://") {
		return "", usageErr("--domain %q: give the host only (acme.ucontactcloud.com), or use --base-url for a full URL", d)
	}
	if strings.ContainsAny(d, "/?#@ ,;") {
		return "", usageErr("--domain %q: want HOST[:PORT], with no path", d)
	}
	host := d
	if h, port, err := net.SplitHostPort(d); err == nil {
		if port == "" {
			return "", usageErr("--domain %q: empty port", d)
		}
		if !validPort(port) {
			return "", usageErr("--domain %q: port %q: want a number from 1 to 65535", d, port)
		}
		host = h
	}
	if host == "" {
		return "", usageErr("--domain %q: empty host", d)
	}
	return "https://" + d, nil
}

// validPort reports whether port is a TCP port a server can listen on (1 to 65535).
func validPort(port string) bool {
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535 && !strings.HasPrefix(port, "+")
}

// baseURL validates --base-url: http or https, a host, no query.
func baseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Port() != "" && !validPort(u.Port()) {
		return "", usageErr("--base-url %q: port %q: want a number from 1 to 65535", s, u.Port())
	}
	if err != nil {
		if _, rest, ok := strings.Cut(s, "://"); ok {
			host, _, _ := strings.Cut(rest, "/")
			if _, port, e := net.SplitHostPort(host); e == nil && !validPort(port) {
				return "", usageErr("--base-url %q: port %q: want a number from 1 to 65535", s, port)
			}
		}
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usageErr("--base-url %q: want http(s)://HOST[:PORT][/PREFIX]", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", usageErr("--base-url %q: no query, fragment or user info", s)
	}
	// The vendor's documented base (https://host/Integra/resources) names the API's own prefix,
	// which every request path already has.
	if i := strings.Index(u.Path, "/Integra"); i >= 0 {
		u.Path, u.RawPath = u.Path[:i], ""
	}
	return strings.TrimRight(u.String(), "/"), nil
}
