package ucsim_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/ucsim"
)

func TestCrossdomainHandler(t *testing.T) {
	h := ucsim.CrossdomainHandler()
	get := func(method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec
	}
	index := get(http.MethodGet, ucsim.PathCrossdomain).Body.String()
	for _, p := range ucsim.CrossdomainPages {
		rec := get(http.MethodGet, p.Path())
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s: HTTP %d %s", p.Path(), rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec.Body.String() != p.HTML() {
			t.Errorf("%s: the body is not the page's HTML", p.Path())
		}
		if !strings.Contains(index, `href="`+p.Path()+`"`) {
			t.Errorf("the index does not link %s", p.Path())
		}
		if p.Side != "form" && p.Side != "iframe" || p.Doc == "" {
			t.Errorf("%s: side %q, doc %q", p.Name, p.Side, p.Doc)
		}
	}
	if rec := get(http.MethodGet, ucsim.PathCrossdomain+"nope"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown page: HTTP %d", rec.Code)
	}
	if rec := get(http.MethodPost, ucsim.PathCrossdomain+"form"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: HTTP %d", rec.Code)
	}
	if _, err := ucsim.LookupCrossdomainPage("nope"); err == nil || !strings.Contains(err.Error(), "form-swapped-args") {
		t.Errorf("LookupCrossdomainPage: %v", err)
	}
}

// The reference form follows the vendor page's listener; each form variant differs from it.
func TestCrossdomainFormVariants(t *testing.T) {
	ref, _ := ucsim.LookupCrossdomainPage(ucsim.CrossdomainForm)
	for _, want := range []string{
		"window.addEventListener('message', event => {",
		"if (event.origin !== CRM_ORIGIN) return;",
		"parent.closeActiveTab();",
		"UC_DispositionCall(dataDisp.campaign, dataDisp.callerid, dataDisp.guid, dataDisp.l1, dataDisp.l2, dataDisp.l3, dataDisp.d1, dataDisp.d2, dataDisp.comment, dataDisp.schedule, callbackDiposition, errorDiposition);",
	} {
		if !strings.Contains(ref.HTML(), want) {
			t.Errorf("the reference form lacks %q", want)
		}
	}
	seen := map[string]string{}
	for _, p := range ucsim.CrossdomainPages {
		if prev, dup := seen[p.HTML()]; dup {
			t.Errorf("%s and %s are the same page", prev, p.Name)
		}
		seen[p.HTML()] = p.Name
	}
}

// ucsim.New serves the CrossDomain pages beside the API.
func TestNewMountsCrossdomain(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	resp, err := sim.Client().Get(sim.URL + ucsim.PathCrossdomain + ucsim.CrossdomainIframe)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "window.parent.postMessage") {
		t.Errorf("HTTP %d: %.80s", resp.StatusCode, body)
	}
}
