package main_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/ucsim"
)

// hostilePassword is recognisable and needs escaping in URLs, JSON and Go strings.
const hostilePassword = `S3cr3t P@ss/ñ+&="w0rd`

// hostileBinary is the binary the other end-to-end tests run.
func hostileBinary(t *testing.T) string {
	t.Helper()
	return binary
}

// hostileResult is everything one uccheck run wrote, and how it ended.
type hostileResult struct {
	code                int
	stdout, stderr, xml string
	others              string // the JSON, HTML, HAR and step summary reports
	elapsed             time.Duration
}

func (r hostileResult) all() string { return r.stdout + r.stderr + r.xml + r.others }

// runAgainst runs the binary against a simulator, verbose, with a JUnit report.
func runAgainst(t *testing.T, sim *ucsim.Server, ca []byte, extra ...string) hostileResult {
	t.Helper()
	dir := t.TempDir()
	args := []string{"run", "--base-url", sim.URL, "--user", sim.User(), "--junit", filepath.Join(dir, "junit.xml"), "-v", "--no-color",
		"--json", filepath.Join(dir, "r.json"), "--html", filepath.Join(dir, "r.html"), "--har", filepath.Join(dir, "har")}
	if ca != nil {
		caFile := filepath.Join(dir, "ca.pem")
		if err := os.WriteFile(caFile, ca, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--ca-cert", caFile)
	}
	args = append(args, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, hostileBinary(t), args...)
	cmd.Env = append(os.Environ(), "UCCHECK_PASSWORD="+sim.Password(), "GITHUB_STEP_SUMMARY="+filepath.Join(dir, "summary.md"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := hostileResult{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running uccheck: %v", err)
	}
	others, _ := filepath.Glob(filepath.Join(dir, "har", "*.har"))
	for _, p := range append(others, filepath.Join(dir, "r.json"), filepath.Join(dir, "r.html"), filepath.Join(dir, "summary.md")) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("report %s was not written: %v", filepath.Base(p), err)
		}
		res.others += string(data)
	}
	if xml, err := os.ReadFile(filepath.Join(dir, "junit.xml")); err == nil {
		res.xml = string(xml)
	} else {
		t.Errorf("no JUnit report was written: %v\nstdout:\n%s\nstderr:\n%s", err, res.stdout, res.stderr)
	}
	return res
}

// checkLine returns the console line of a check ("  ✗ login.status-ok  …").
func checkLine(out, id string) string {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == id {
			return line
		}
	}
	return ""
}

func wantMark(t *testing.T, r hostileResult, id, mark string) {
	t.Helper()
	line := checkLine(r.stdout, id)
	if !strings.HasPrefix(strings.TrimSpace(line), mark+" ") {
		t.Errorf("check %s: want %q, got line %q\nstdout:\n%s", id, mark, line, r.stdout)
	}
}

// secretForms returns a secret in the encodings it could leak in.
func secretForms(s string) []string {
	forms := []string{s, url.QueryEscape(s), base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))}
	if raw, err := base64.StdEncoding.DecodeString(s); err == nil {
		if _, uuid, ok := strings.Cut(string(raw), ":"); ok && len(uuid) >= 8 {
			forms = append(forms, uuid)
		}
	}
	return forms
}

// assertNoSecrets fails when the password or any token the simulator issued appears in any byte
// uccheck wrote, in any encoding.
func assertNoSecrets(t *testing.T, sim *ucsim.Server, r hostileResult) {
	t.Helper()
	secrets := append([]string{sim.Password()}, sim.IssuedTokens()...)
	for _, s := range secrets {
		for _, form := range secretForms(s) {
			if strings.Contains(r.all(), form) {
				t.Errorf("a secret (%d chars) leaked in the form %q", len(s), form[:min(6, len(form))]+"…")
			}
		}
	}
}

func TestHostileServers(t *testing.T) {
	t.Parallel()
	type hostileCase struct {
		fault   ucsim.Fault
		extra   []string
		code    int
		failed  []string // checks that must fail (✗)
		errored []string // checks that must be errors (!)
		output  string   // must appear in stdout
	}
	cases := []hostileCase{
		{fault: ucsim.HostileRedirectOtherHost, code: 1, failed: []string{"login.status-ok", "auth.missing-rejected"}, output: "redirecting to http://127.0.0.1:"},
		{fault: ucsim.HostileRedirectToHTTP, code: 1, failed: []string{"login.status-ok"}, output: "HTTP 307 redirecting to http://"},
		{fault: ucsim.HostileRedirectLoop, code: 1, failed: []string{"login.status-ok"}, output: "HTTP 302 redirecting to"},
		{fault: ucsim.HostileHang, extra: []string{"--timeout", "300ms"}, code: 3, errored: []string{"login.status-ok", "auth.missing-rejected"}, output: "timeout"},
		{fault: ucsim.HostileTrickle, extra: []string{"--timeout", "400ms"}, code: 3, errored: []string{"auth.basic-accepted"}, output: "no complete answer within 400ms"},
		{fault: ucsim.HostileHugeBody, code: 1, failed: []string{"login.json-array"}, output: "larger than the 1048576-byte cap"},
		{fault: ucsim.HostileHugeBody, extra: []string{"--max-body", "4096"}, code: 1, failed: []string{"login.json-array"}, output: "larger than the 4096-byte cap"},
		{fault: ucsim.HostileHugeArray, extra: []string{"--max-body", "4000000"}, code: 1, failed: []string{"login.token-last"}, output: "the last element (999999 of 1000000) is a number"},
		{fault: ucsim.HostileInvalidJSON, code: 1, failed: []string{"login.json-array"}},
		{fault: ucsim.HostileInvalidUTF8, code: 1, failed: []string{"login.json-array"}},
		{fault: ucsim.HostileCaptivePortal, code: 1, failed: []string{"login.json-array", "auth.missing-rejected"}, output: "text/html"},
		{fault: ucsim.HostileZeroBOM, code: 1, failed: []string{"login.bad-credentials-zero", "logout.repeat-zero"}, output: `\ufeff0`},
		{fault: ucsim.HostileZeroWhitespace, code: 0},
		{fault: ucsim.HostileWrongContentType, code: 0},
		{fault: ucsim.HostileEcho, code: 1, failed: []string{"login.status-ok"}, output: "400 Bad Request"},
	}
	// Every hostile fault is tried here: TestSecretsNeverWritten relies on it for the hostile ones.
	for _, f := range ucsim.HostileFaults {
		if !slices.ContainsFunc(cases, func(c hostileCase) bool { return c.fault == f }) {
			t.Errorf("the hostile fault %s has no case", f)
		}
	}
	for _, tc := range cases {
		name := string(tc.fault) + strings.Join(tc.extra, "")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sim := ucsim.New(ucsim.Options{Password: hostilePassword, Faults: []ucsim.Fault{tc.fault}})
			defer sim.Close()
			r := runAgainst(t, sim, sim.CAPEM(), tc.extra...)
			if r.code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			for _, id := range tc.failed {
				wantMark(t, r, id, "✗")
			}
			for _, id := range tc.errored {
				wantMark(t, r, id, "!")
			}
			if !strings.Contains(r.stdout, tc.output) {
				t.Errorf("stdout lacks %q:\n%s", tc.output, r.stdout)
			}
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("%d sessions left open on the server", n)
			}
			if sim.Sink != nil {
				if reqs := sim.Sink.Requests(); len(reqs) != 0 {
					t.Errorf("%d requests followed the redirect to another host (first: %+v)", len(reqs), reqs[0])
				}
			}
			assertNoSecrets(t, sim, r)
			if !strings.Contains(r.stderr, "[redacted]") && tc.fault != ucsim.HostileHang {
				t.Errorf("the verbose transcript shows no redaction; was it written?\n%s", r.stderr)
			}
		})
	}
}

// TestSecretsNeverWritten runs the clean simulator and every contract fault with a recognisable
// password and the most verbose output, and looks for the password and every issued token, in
// every encoding, in every byte uccheck wrote: stdout, stderr (the verbose transcript), and the
// JUnit, JSON, HTML, HAR and step summary reports. TestHostileServers makes the same two
// assertions for every hostile fault (it fails when one has no case), so those are not run twice.
func TestSecretsNeverWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: every fault, verbose, with every report (TestHostileServers and TestFaults still look for secrets)")
	}
	t.Parallel()
	faults := append([]ucsim.Fault{""}, ucsim.Faults...)
	for _, f := range faults {
		t.Run("fault="+string(f), func(t *testing.T) {
			t.Parallel()
			var fs []ucsim.Fault
			if f != "" {
				fs = []ucsim.Fault{f}
			}
			sim := ucsim.New(ucsim.Options{Password: hostilePassword, Faults: fs})
			defer sim.Close()
			r := runAgainst(t, sim, sim.CAPEM(), "--timeout", "300ms")
			assertNoSecrets(t, sim, r)
			if !strings.Contains(r.stderr, "[redacted]") && f != ucsim.HostileHang {
				t.Errorf("the verbose transcript shows no redaction; was it written?\n%s", r.stderr)
			}
		})
	}
}

// testCA is a throwaway certificate authority for TLS tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "uccheck test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

func (ca *testCA) leaf(t *testing.T, notAfter time.Time, ips []net.IP, dns []string) *tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "ucsim"},
		NotBefore: notAfter.Add(-100 * 24 * time.Hour), NotAfter: notAfter,
		IPAddresses: ips, DNSNames: dns, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestTLSFailures(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	cases := []struct {
		name   string
		cert   *tls.Certificate // nil: httptest's self-signed certificate
		ca     []byte
		insec  bool
		code   int
		output string
	}{
		{name: "self-signed without --ca-cert", code: 3, output: "certificate"},
		{name: "expired", cert: ca.leaf(t, time.Now().Add(-time.Hour), loopback, nil), ca: ca.pem, code: 3, output: "expired"},
		{name: "wrong host", cert: ca.leaf(t, time.Now().Add(time.Hour), nil, []string{"other.example"}), ca: ca.pem, code: 3, output: "127.0.0.1"},
		{name: "valid with --ca-cert", cert: ca.leaf(t, time.Now().Add(90*24*time.Hour), loopback, nil), ca: ca.pem, code: 0, output: "15 passed"},
		{name: "valid with --insecure", cert: ca.leaf(t, time.Now().Add(90*24*time.Hour), nil, []string{"other.example"}), insec: true, code: 0, output: "15 passed"},
		{name: "expired with --insecure", cert: ca.leaf(t, time.Now().Add(-time.Hour), loopback, nil), insec: true, code: 1, output: "expired on"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := ucsim.New(ucsim.Options{Password: hostilePassword, Certificate: tc.cert})
			defer sim.Close()
			var extra []string
			if tc.insec {
				extra = append(extra, "--insecure")
			}
			r := runAgainst(t, sim, tc.ca, extra...)
			if r.code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.output) {
				t.Errorf("stdout lacks %q:\n%s", tc.output, r.stdout)
			}
			if tc.code == 3 && !strings.Contains(r.xml, "<error") {
				t.Errorf("a TLS failure must be a JUnit <error>:\n%s", r.xml)
			}
			if tc.insec {
				if !strings.Contains(r.stderr, "--insecure") {
					t.Errorf("--insecure printed no warning:\n%s", r.stderr)
				}
				if !strings.Contains(r.xml, `name="insecure" value="true"`) {
					t.Errorf("--insecure is not recorded in the report")
				}
				if !strings.Contains(r.others, "was not verified") {
					t.Errorf("--insecure is not shown in the HTML report")
				}
			}
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("%d sessions left open", n)
			}
		})
	}
}
