package fleet

import (
	"os"
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

// A domains file saved by Notepad starts with a UTF-8 BOM: it is not part of the first host.
// A line longer than the scanner takes is an error naming it, not the silent end of the list.
func TestAttackDomainsFileBOMAndLongLine(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/d.txt"
	if err := os.WriteFile(path, []byte("\ufeff127.0.0.1:19101\r\n127.0.0.1:19102\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := (&Options{DomainsFile: path}).targets()
	if err != nil || len(got) != 2 || got[0].Base != "https://127.0.0.1:19101" {
		t.Fatalf("got %+v, %v; want https://127.0.0.1:19101 first", got, err)
	}
	long := "127.0.0.1:19101 Admin # " + strings.Repeat("x", 100<<10) + "\n127.0.0.1:19102\n"
	if err := os.WriteFile(path, []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = (&Options{DomainsFile: path}).targets()
	if err == nil || !strings.Contains(err.Error(), "d.txt") {
		t.Fatalf("got %d targets and %v; want an error naming the file", len(got), err)
	}
}
