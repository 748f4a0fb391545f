package fleet

import (
	"strings"
	"testing"
)

// A port that cannot exist is a usage error naming it, not a run that reports the tenant
// unreachable (exit 3) after dialling.
func TestAttackTargetPortOutOfRange(t *testing.T) {
	for _, d := range []string{"host:99999", "host:0", "host:-1", "host:65536", "host:abc"} {
		if _, err := domainURL(d); err == nil || !strings.Contains(err.Error(), "port") {
			t.Errorf("--domain %s: got %v, want an error about its port", d, err)
		}
		if _, err := baseURL("https://" + d); err == nil || !strings.Contains(err.Error(), "port") {
			t.Errorf("--base-url https://%s: got %v, want an error about its port", d, err)
		}
	}
	for _, d := range []string{"host:1", "host:65535", "host", "[::1]:8443"} {
		if _, err := domainURL(d); err != nil {
			t.Errorf("--domain %s: %v", d, err)
		}
		if _, err := baseURL("https://" + d); err != nil {
			t.Errorf("--base-url https://%s: %v", d, err)
		}
	}
}

// A tenant named with and without its scheme's default port is one tenant: never two sessions
// on it at once, and named twice is an error.
func TestAttackTenantKeyDefaultPort(t *testing.T) {
	same := [][2]string{
		{"https://acme.example", "https://Acme.example:443"},
		{"http://acme.example", "http://acme.example:80"},
		{"https://acme.example/prefix", "https://acme.example:443/prefix"},
	}
	for _, p := range same {
		if tenantKey(p[0]) != tenantKey(p[1]) {
			t.Errorf("%s and %s are one tenant: keys %q, %q", p[0], p[1], tenantKey(p[0]), tenantKey(p[1]))
		}
	}
	differ := [][2]string{
		{"https://acme.example", "https://acme.example:8443"},
		{"https://127.0.0.1:19101", "https://127.0.0.1:19102"},
		{"http://acme.example:443", "https://acme.example:80"},
	}
	for _, p := range differ {
		if tenantKey(p[0]) == tenantKey(p[1]) {
			t.Errorf("%s and %s are two tenants: both keyed %q", p[0], p[1], tenantKey(p[0]))
		}
	}
}
