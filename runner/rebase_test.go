package runner

import "testing"

func TestRebase(t *testing.T) {
	tests := []struct {
		name, raw, base, want string
	}{
		{"domain URL", "https://acme.ucontactcloud.com/Integra/resources/auth/getUserToken",
			"https://127.0.0.1:8443", "https://127.0.0.1:8443/Integra/resources/auth/getUserToken"},
		{"base URL with a prefix", "https://acme.ucontactcloud.com/Integra/resources/auth/EndSession",
			"http://localhost:8080/uc/tenant", "http://localhost:8080/uc/tenant/Integra/resources/auth/EndSession"},
		{"item URL with its own prefix", "https://old.example.com/proxy/Integra/resources/Supervisor/campaignstatus?queue=",
			"https://acme.ucontactcloud.com", "https://acme.ucontactcloud.com/Integra/resources/Supervisor/campaignstatus?queue="},
		{"no scheme in the item URL", "acme.ucontactcloud.com/Integra/resources/auth/getUserToken",
			"https://127.0.0.1:1", "https://127.0.0.1:1/Integra/resources/auth/getUserToken"},
		{"URL without /Integra/: its whole path kept", "https://acme.ucontactcloud.com/api/v6/campaigns?x=1#f",
			"https://127.0.0.1:8443", "https://127.0.0.1:8443/api/v6/campaigns?x=1#f"},
		{"URL without a path", "https://acme.ucontactcloud.com",
			"https://127.0.0.1:8443", "https://127.0.0.1:8443"},
		{"URL with only a query", "https://acme.ucontactcloud.com?a=b",
			"https://127.0.0.1:8443", "https://127.0.0.1:8443?a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rebase(tt.raw, tt.base)
			if err != nil || got != tt.want {
				t.Errorf("rebase(%q, %q) = %q, %v; want %q", tt.raw, tt.base, got, err, tt.want)
			}
		})
	}
	if got, err := rebase("https://x/Integra/a", "https://[::1"); err == nil {
		t.Errorf("rebase onto a malformed base = %q, want an error", got)
	}
}

func TestSetForm(t *testing.T) {
	tests := []struct {
		body   string
		fields map[string]string
		want   string
	}{
		{"user=%7B%7Buser%7D%7D&token=x", map[string]string{"user": "Admin", "token": "a+b/c="}, "user=Admin&token=a%2Bb%2Fc%3D"},
		{"queue=", map[string]string{"user": "u"}, "queue=&user=u"},
		{"", map[string]string{"b": "2", "a": "1"}, "a=1&b=2"},
		{"user=1&user=2&x=3", map[string]string{"user": "U"}, "user=U&x=3"},
	}
	for _, tt := range tests {
		if got := setForm(tt.body, tt.fields); got != tt.want {
			t.Errorf("setForm(%q, %v) = %q, want %q", tt.body, tt.fields, got, tt.want)
		}
	}
}
