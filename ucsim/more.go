package ucsim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"strings"
	"time"
)

// stripTenant lets one simulator stand for many tenants: any path prefix before /Integra/ is
// dropped, so https://127.0.0.1:PORT/t0042/Integra/... reaches the same endpoints.
func stripTenant(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if i := strings.Index(r.URL.Path, "/Integra/"); i > 0 {
			r2 := r.Clone(r.Context())
			r2.URL.Path = r.URL.Path[i:]
			r2.URL.RawPath = ""
			h.ServeHTTP(w, r2)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// slow delays every answer by Options.Latency.
func (s *Server) slow(h http.Handler) http.Handler {
	if s.opts.Latency <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(s.opts.Latency):
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		}
		h.ServeHTTP(w, r)
	})
}

// expiringCertificate returns a self-signed certificate for 127.0.0.1 that expires after d.
func expiringCertificate(d time.Duration) *tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic("ucsim: " + err.Error())
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{Organization: []string{"ucsim"}, CommonName: "ucsim expiring"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(d),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic("ucsim: " + err.Error())
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
