package runner

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/uccheck/uccheck/collections"
)

// roleRequest builds a role item's request (login, probe, logout) through Build with the run's
// scopes, vars set as literal local values, then the contract's own form fields and
// Authorization header ("" removes it; nil keeps the item's). Both flows use it, the cleanup too.
func roleRequest(c *collections.Collection, it *collections.Item, sc *Scopes, vars, form map[string]string, auth *string) (Outgoing, []string, error) {
	local := NewVarScope("local", nil)
	if sc.Local != nil {
		local = sc.Local.Clone()
	}
	for _, k := range sortedKeys(vars) {
		local.SetLiteral(k, vars[k])
	}
	scopes := *sc
	scopes.Local = local
	b, err := Build(Template(c, it), BuildOptions{Item: it.PathString(), Scopes: &scopes, Profile: ProtocolProfile(c, it)})
	if err != nil {
		return Outgoing{}, nil, err
	}
	o := outgoingOf(b)
	if !hasHeader(it.Headers, "Accept") {
		// The contract's requests are what the vendor page documents: no Newman default Accept.
		o.Header.Del("Accept")
	}
	if form != nil {
		o.Body = setForm(o.Body, form)
		if o.Header.Get("Content-Type") == "" {
			o.Header.Set("Content-Type", FormContentType)
		}
	}
	if auth != nil {
		if *auth == "" {
			o.Header.Del("Authorization")
		} else {
			o.Header.Set("Authorization", *auth)
		}
	}
	o.Item = it.PathString()
	return o, b.Secrets, nil
}

// outgoingOf turns a built request into the exchange path's request.
func outgoingOf(b *Built) Outgoing {
	hdr := http.Header{}
	for _, h := range b.Header {
		hdr.Add(h.Key, h.Value)
	}
	return Outgoing{Method: b.Method, URL: b.URL, Header: hdr, Body: string(b.Body)}
}

// setForm replaces (or adds) the given fields of a urlencoded body, keeping the others in order.
func setForm(body string, fields map[string]string) string {
	var parts []string
	seen := map[string]bool{}
	for _, kv := range strings.Split(body, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		key, _ := url.QueryUnescape(k)
		if v, ok := fields[key]; ok {
			if !seen[key] {
				parts = append(parts, formEscape(key)+"="+formEscape(v))
				seen[key] = true
			}
			continue
		}
		parts = append(parts, kv)
	}
	for _, k := range sortedKeys(fields) {
		if !seen[k] {
			parts = append(parts, formEscape(k)+"="+formEscape(fields[k]))
		}
	}
	return strings.Join(parts, "&")
}

// hasHeader reports whether an enabled header named key is among hs.
func hasHeader(hs []collections.Header, key string) bool {
	for _, h := range hs {
		if !h.Disabled && strings.EqualFold(h.Key, key) {
			return true
		}
	}
	return false
}
