package ucsim

import (
	"fmt"
	"html"
	"net/http"
	"strings"
)

// The CrossDomain pages: a uContact form whose message listener calls UC_DispositionCall or
// parent.closeActiveTab(), and an integrator's iframe page that posts DISPOSITION_CALL and
// CLOSE_TAB to its parent, as the vendor page's "Conexión CrossDomain" section documents. The
// reference pages follow the page (hardened where the page's listener would throw or trust any
// origin); each other page breaks exactly one documented behaviour.

// PathCrossdomain is the folder under which the simulator serves the CrossDomain pages.
const PathCrossdomain = "/crossdomain/"

// CrossdomainIntegratorOrigin is the only origin whose messages the reference form acts on: the
// integrator's iframe, as the form's author would write it. Judge the form with this as
// --expect-origin.
const CrossdomainIntegratorOrigin = "https://crm.example.test"

// CrossdomainFormOrigin is the uContact origin the reference iframe posts to (its targetOrigin)
// unless its URL says otherwise with ?uc-origin=ORIGIN. Judge the iframe with this as
// --expect-target-origin.
const CrossdomainFormOrigin = "https://acme.ucontactcloud.com"

// CrossdomainPage is one page the simulator serves under PathCrossdomain.
type CrossdomainPage struct {
	Name string // "form", "iframe" (the references) or "form-swapped-args", …
	Side string // "form" (a uContact form) or "iframe" (an integrator's page)
	Doc  string // what the page does (wrong)
	html string
}

// Path returns where the simulator serves the page: "/crossdomain/form-swapped-args".
func (p CrossdomainPage) Path() string { return PathCrossdomain + p.Name }

// HTML returns the page's HTML.
func (p CrossdomainPage) HTML() string { return p.html }

// The CrossDomain page names.
const (
	// CrossdomainForm is the reference form: the vendor page's listener, acting only on messages
	// from CrossdomainIntegratorOrigin and ignoring malformed ones.
	CrossdomainForm = "form"
	// CrossdomainIframe is the reference iframe: #save posts the documented DISPOSITION_CALL, #close
	// posts CLOSE_TAB, both to CrossdomainFormOrigin.
	CrossdomainIframe = "iframe"
)

// CrossdomainPages lists every CrossDomain page: the two references first, then the faulty
// variants of each side.
var CrossdomainPages = []CrossdomainPage{
	{Name: CrossdomainForm, Side: "form", Doc: "reference form: the vendor page's listener, with an origin check and a guard against malformed messages", html: formPage(formParts{})},
	{Name: CrossdomainIframe, Side: "iframe", Doc: "reference iframe: #save posts the documented DISPOSITION_CALL, #close posts CLOSE_TAB, to the uContact origin", html: iframePage(iframeParts{})},

	{Name: "form-swapped-args", Side: "form", Doc: "passes callerid and campaign to UC_DispositionCall in each other's place", html: formPage(formParts{call: swappedCall})},
	{Name: "form-missing-field", Side: "form", Doc: "leaves guid out of the UC_DispositionCall arguments", html: formPage(formParts{call: missingGUIDCall})},
	{Name: "form-no-listener", Side: "form", Doc: "attaches its message listener to document, where message events never arrive", html: formPage(formParts{attach: "document"})},
	{Name: "form-close-tab-self", Side: "form", Doc: "calls closeActiveTab() on its own window instead of parent.closeActiveTab()", html: formPage(formParts{closeTab: "closeActiveTab();"})},
	{Name: "form-unguarded", Side: "form", Doc: "reads event.data.action and disposition fields without checking the message's shape (throws on malformed messages)", html: formPage(formParts{noGuard: true})},
	{Name: "form-origin-unchecked", Side: "form", Doc: "acts on messages from any origin (no event.origin check)", html: formPage(formParts{noOrigin: true})},
	{Name: "form-vendor", Side: "form", Doc: "the vendor page's listener verbatim: no origin check, no guard", html: formPage(formParts{noOrigin: true, noGuard: true})},

	{Name: "iframe-missing-field", Side: "iframe", Doc: "posts a disposition without guid", html: iframePage(iframeParts{dropGUID: true})},
	{Name: "iframe-iso-schedule", Side: "iframe", Doc: "posts schedule as ISO 8601 (2019-05-04T15:55:55.000Z) instead of YYYY-MM-DD HH:MM:SS", html: iframePage(iframeParts{isoSchedule: true})},
	{Name: "iframe-star-target", Side: "iframe", Doc: "posts to targetOrigin '*' (as the vendor page's example does) instead of the uContact origin", html: iframePage(iframeParts{starTarget: true})},
}

// LookupCrossdomainPage returns the CrossDomain page with the given name, or an error that lists
// the known ones.
func LookupCrossdomainPage(name string) (CrossdomainPage, error) {
	for _, p := range CrossdomainPages {
		if p.Name == name {
			return p, nil
		}
	}
	names := make([]string, len(CrossdomainPages))
	for i, p := range CrossdomainPages {
		names[i] = p.Name
	}
	return CrossdomainPage{}, fmt.Errorf("unknown CrossDomain page %q (known: %s)", name, strings.Join(names, ", "))
}

// CrossdomainHandler serves the CrossDomain pages at PathCrossdomain+name, and an index of them
// at PathCrossdomain. Mount it at "/" or at PathCrossdomain; New mounts it.
func CrossdomainHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeText(w, http.StatusMethodNotAllowed, "")
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, PathCrossdomain)
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if name == "" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = fmt.Fprint(w, crossdomainIndex())
			return
		}
		p, err := LookupCrossdomainPage(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, p.html)
	})
}

func crossdomainIndex() string {
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>uContact simulator: CrossDomain pages</title></head><body>\n<h1>CrossDomain pages</h1>\n<ul>\n")
	for _, p := range CrossdomainPages {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a> (%s): %s</li>\n", p.Path(), p.Name, p.Side, html.EscapeString(p.Doc))
	}
	b.WriteString("</ul>\n</body></html>\n")
	return b.String()
}

// formParts are the pieces of a form page; the zero value is the reference form.
type formParts struct {
	attach   string // the object the listener is attached to: "window" unless set
	noOrigin bool   // no event.origin check
	noGuard  bool   // no check of the message's shape (the vendor page's listener)
	call     string // the UC_DispositionCall statement; the documented one unless set
	closeTab string // the CLOSE_TAB statement; "parent.closeActiveTab();" unless set
}

const documentedCall = "UC_DispositionCall(dataDisp.campaign, dataDisp.callerid, dataDisp.guid, dataDisp.l1, dataDisp.l2, dataDisp.l3, dataDisp.d1, dataDisp.d2, dataDisp.comment, dataDisp.schedule, callbackDiposition, errorDiposition);"

const swappedCall = "UC_DispositionCall(dataDisp.callerid, dataDisp.campaign, dataDisp.guid, dataDisp.l1, dataDisp.l2, dataDisp.l3, dataDisp.d1, dataDisp.d2, dataDisp.comment, dataDisp.schedule, callbackDiposition, errorDiposition);"

const missingGUIDCall = "UC_DispositionCall(dataDisp.campaign, dataDisp.callerid, dataDisp.l1, dataDisp.l2, dataDisp.l3, dataDisp.d1, dataDisp.d2, dataDisp.comment, dataDisp.schedule, callbackDiposition, errorDiposition);"

func formPage(p formParts) string {
	if p.attach == "" {
		p.attach = "window"
	}
	if p.call == "" {
		p.call = documentedCall
	}
	if p.closeTab == "" {
		p.closeTab = "parent.closeActiveTab();"
	}
	var b strings.Builder
	b.WriteString(`<!doctype html>
<html lang="es">
<head><meta charset="utf-8"><title>uContact form (simulator)</title></head>
<body>
<h1>Formulario</h1>
<p>The integrator's iframe (` + CrossdomainIntegratorOrigin + `) goes here.</p>
<script>
// The integrator's iframe: the only origin whose messages this form acts on.
const CRM_ORIGIN = '` + CrossdomainIntegratorOrigin + `';
const FIELDS = ['campaign', 'callerid', 'guid', 'l1', 'l2', 'l3', 'd1', 'd2', 'comment', 'schedule'];
function callbackDiposition(result) { console.log('disposition saved', result); }
function errorDiposition(error) { console.warn('disposition failed', error); }
` + p.attach + `.addEventListener('message', event => {
`)
	if !p.noOrigin {
		b.WriteString("    if (event.origin !== CRM_ORIGIN) return;\n")
	}
	if !p.noGuard {
		b.WriteString("    if (!event.data || typeof event.data !== 'object') return;\n")
	}
	b.WriteString("    if (event.data.action === 'CLOSE_TAB') {\n        " + p.closeTab + "\n    } else if (event.data.action === 'DISPOSITION_CALL') {\n        let dataDisp = event.data.disposition;\n")
	if !p.noGuard {
		b.WriteString("        if (!dataDisp || typeof dataDisp !== 'object' || !FIELDS.every(f => typeof dataDisp[f] === 'string')) return;\n")
	}
	b.WriteString("        " + p.call + "\n    }\n});\n</script>\n</body>\n</html>\n")
	return b.String()
}

// iframeParts are the pieces of an iframe page; the zero value is the reference iframe.
type iframeParts struct {
	dropGUID    bool // the disposition has no guid
	isoSchedule bool // schedule in ISO 8601
	starTarget  bool // targetOrigin '*'
}

func iframePage(p iframeParts) string {
	guid := "        guid: '3123-3123-3123-312-3123',\n"
	if p.dropGUID {
		guid = ""
	}
	schedule := "ucSchedule(when)"
	if p.isoSchedule {
		schedule = "when.toISOString()"
	}
	target := "UC_ORIGIN"
	if p.starTarget {
		target = "'*'"
	}
	return `<!doctype html>
<html lang="es">
<head><meta charset="utf-8"><title>CRM (integrator's iframe, simulator)</title></head>
<body>
<h1>CRM</h1>
<button id="save" type="button">Tipificar</button>
<button id="close" type="button">Cerrar</button>
<script>
// The uContact form this page is embedded in; the URL may name it with ?uc-origin=ORIGIN.
const UC_ORIGIN = new URLSearchParams(location.search).get('uc-origin') || '` + CrossdomainFormOrigin + `';
const pad = n => String(n).padStart(2, '0');
// uContact's schedule format: YYYY-MM-DD HH:MM:SS, local time.
const ucSchedule = d => d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
    pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
document.getElementById('save').addEventListener('click', () => {
    const when = new Date(2019, 4, 4, 15, 55, 55);
    let dataDisp = {
        campaign: 'CampañaTest',
        callerid: '123456Test',
` + guid + `        l1: 'nivel1',
        l2: 'nivel2',
        l3: 'nivel3',
        d1: 'data1',
        d2: 'data2',
        comment: 'ComentarioTest',
        schedule: ` + schedule + `
    };
    window.parent.postMessage({ action: 'DISPOSITION_CALL', disposition: dataDisp }, ` + target + `);
});
document.getElementById('close').addEventListener('click', () => {
    window.parent.postMessage({ action: 'CLOSE_TAB' }, ` + target + `);
});
</script>
</body>
</html>
`
}
