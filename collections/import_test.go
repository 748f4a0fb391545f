package collections

import (
	"encoding/base64"
	goldenflag "github.com/uccheck/uccheck/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = goldenflag.Update

// The fixtures are realistic exports with a secret in every place Postman puts one. gen.py wrote
// them (python3 testdata/import/gen.py, from that folder); the tests only read them.
var fixtures = []string{
	"vendor-v21.postman_collection.json",
	"vendor-v21-previous.postman_collection.json",
	"vendor-v20.postman_collection.json",
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "import", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSecretKey(t *testing.T) {
	for k, want := range map[string]bool{
		"password": true, "Password": true, "X-API-Key": true, "api_key": true, "apikey": true, "Authorization": true,
		"Proxy-Authorization": true, "access_token": true, "refreshToken": true, "clientSecret": true, "Cookie": true,
		"Set-Cookie": true, "JSESSIONID": true, "pass": true, "pwd": true, "Contraseña": true, "clave": true, "auth": true,
		"user": false, "username": false, "key": false, "value": false, "tokenType": false, "accessTokenUrl": false,
		"addTokenTo": false, "tokenName": false, "queue": false, "domain": false, "passwordPolicy": false, "author": false,
	} {
		if got := SecretKey(k); got != want {
			t.Errorf("SecretKey(%q) = %t, want %t", k, got, want)
		}
	}
}

func TestLooksLikeCredential(t *testing.T) {
	for s, want := range map[string]bool{
		"QWRtaW46OTgzNWM1MjUtMzU2Ny00YjgyLWEwYWYtY2NkMjNlMDhjNzA3": true, // the vendor's example token
		base64.StdEncoding.EncodeToString([]byte("ana:s3cret-pw")): true, // Basic credentials
		"campaignstatus": false, "Integra/resources/auth/getUserToken": false,
		base64.StdEncoding.EncodeToString([]byte("no colon here")):                false,
		base64.StdEncoding.EncodeToString([]byte{0xff, ':', 0xfe, 1, 2, 3, 4, 5}): false,
	} {
		if got := LooksLikeCredential(s); got != want {
			t.Errorf("LooksLikeCredential(%q) = %t, want %t", s, got, want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"API Security": "api-security", "uContact Integra API (v6)": "ucontact-integra-api-v6",
		"Integración Telefonía": "integracion-telefonia", "": "collection", "***": "collection", "  a--b  ": "a-b",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRolesWith(t *testing.T) {
	c, err := Parse(readFixture(t, "vendor-v21.postman_collection.json"), "v21")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := c.Roles()
	if err != nil {
		t.Fatal(err)
	}
	same, err := c.RolesWith(RoleOverrides{})
	if err != nil || same.Login != plain.Login || same.Probe != plain.Probe || same.Logout != plain.Logout {
		t.Errorf("RolesWith without overrides differs from Roles: %v", err)
	}
	tests := []struct {
		name    string
		o       RoleOverrides
		probe   string
		why     string
		wantErr string
	}{
		{"by name", RoleOverrides{Probe: "Agentes"}, "Supervisor / Agentes", `override: --probe-item "Agentes" matched the item's name`, ""},
		{"by path", RoleOverrides{Probe: "Supervisor/Agentes"}, "Supervisor / Agentes", "matched the item's path", ""},
		{"unknown", RoleOverrides{Probe: "Nope"}, "", "", `no item is named or has the path "Nope"`},
		{"twice", RoleOverrides{Probe: "Cerrar sesión", Logout: "Cerrar sesión"}, "", "", "already fills the"},
		{"taken from detection", RoleOverrides{Probe: "Cerrar sesión"}, "", "", "looked for an item whose URL path ends with /auth/EndSession (or name one with --logout-item)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := c.RolesWith(tt.o)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Probe.PathString() != tt.probe || !strings.Contains(r.Why[RoleProbe], tt.why) {
				t.Errorf("probe = %q (%s)", r.Probe.PathString(), r.Why[RoleProbe])
			}
			if r.Login != plain.Login || r.Logout != plain.Logout {
				t.Error("an override of the probe moved another role")
			}
		})
	}
	dup, err := Parse([]byte(`{"info":{"name":"d"},"item":[{"name":"E","item":[{"name":"x","request":"https://h/a"}]},{"name":"F","item":[{"name":"x","request":"https://h/b"}]}]}`), "d")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := dup.FindItem("x"); err == nil || !strings.Contains(err.Error(), `2 items are named "x"`) {
		t.Errorf("an ambiguous name: %v", err)
	}
	if it, how, err := dup.FindItem("F / x"); err != nil || how != "path" || it.URL != "https://h/b" {
		t.Errorf("a path: %v %s %v", it, how, err)
	}
}

func TestWriteHint(t *testing.T) {
	for _, tt := range []struct{ method, url, name, want string }{
		{"POST", "https://h/Integra/resources/Telephony/makeCall", "Llamar", `"call" in the path`},
		{"POST", "https://h/Integra/resources/SMS/send", "x", `"sms" in the path`},
		{"POST", "https://h/Integra/resources/Disposition/dispositionCall", "x", `"disposition" in the path`},
		{"POST", "https://h/Integra/resources/Dialer/addNumbers", "x", `"dialer" in the path`},
		{"POST", "https://h/Integra/resources/files/uploadFile", "x", `"upload" in the path`},
		{"DELETE", "https://h/Integra/resources/x/y", "x", "method DELETE"},
		{"POST", "https://h/Integra/resources/x/y", "Create contact", `"create" in the name`},
		{"POST", "https://h/Integra/resources/Supervisor/campaignstatus", "campaignstatus", ""},
		{"POST", "https://h/Integra/resources/Supervisor/callerid", "x", ""}, // "callerid" is not "call"
		{"POST", "https://h/Integra/resources/auth/getUserToken", "x", ""},
	} {
		it := &Item{Path: []string{tt.name}, Method: tt.method, URL: tt.url}
		if got := WriteHint(it); got != tt.want {
			t.Errorf("WriteHint(%s %s %q) = %q, want %q", tt.method, tt.url, tt.name, got, tt.want)
		}
	}
}

// TestExamplesDoNotStopTheLoader: a boolean cookie "secure" in a saved example (as Postman
// exports it) no longer makes the library refuse the collection.
func TestExamplesDoNotStopTheLoader(t *testing.T) {
	doc := `{"info":{"name":"c"},"item":[{"name":"a","request":"https://h/x","response":[{"name":"ok","cookie":[{"name":"s","value":"v","secure":true}]}]}]}`
	if _, err := Parse([]byte(doc), "c.json"); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse([]byte(`{"info":{"name":"c"},"item":[{"name":"a","request":{"url":5},"response":[]}]}`), "c.json"); err == nil {
		t.Fatal("a bad request loaded once the examples were dropped")
	}
}
