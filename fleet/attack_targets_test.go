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
