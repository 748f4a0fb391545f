package crossdomain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// record is one thing the harness's script reported from a page, through the binding.
type record struct {
	Kind         string            `json:"kind"` // call, error, barrier, post, received, top-message
	Fn           string            `json:"fn"`
	Frame        string            `json:"frame"`
	Args         []json.RawMessage `json:"args"`
	Data         json.RawMessage   `json:"data"`
	Origin       string            `json:"origin"`
	TargetOrigin *string           `json:"targetOrigin"`
	ID           string            `json:"id"`
	Own          bool              `json:"own"`
	Message      string            `json:"message"`
	URL          string            `json:"url"`
	Line         int               `json:"line"`
}

// tab is one browser tab running the harness: it collects what the pages report, in order.
type tab struct {
	s      *Session
	ctx    context.Context // the tab's chromedp context
	cancel context.CancelFunc

	mu       sync.Mutex
	records  []record
	console  []ConsoleEntry
	contexts map[cdp.FrameID]runtime.ExecutionContextID // each frame's main world
	uniques  map[string]cdp.FrameID                     // execution context unique ID -> frame
	changed  chan struct{}                              // closed when something arrives
}

// openTab returns a tab with the harness's binding and script installed: an idle one of the
// session's when there is one (opening a tab costs more than loading a page), else a new one.
// Give it back with releaseTab.
func (s *Session) openTab(ctx context.Context, bypassCSP bool) (*tab, error) {
	select {
	case t := <-s.idle:
		err := t.do(ctx, func(ctx context.Context) error {
			_, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: bypassCSP})
			return err
		})
		if err == nil {
			return t, nil
		}
		t.close()
	default:
	}
	return s.newTab(ctx, bypassCSP)
}

// idleTabs is how many tabs a session keeps open for reuse.
const idleTabs = 6

// releaseTab gives a tab back: it is emptied (about:blank, and what it recorded forgotten) and kept
// for the next check, or closed.
func (s *Session) releaseTab(t *tab) {
	ctx, cancel := context.WithTimeout(t.ctx, 2*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil || t.ctx.Err() != nil {
		t.close()
		return
	}
	t.reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		t.close()
		return
	}
	select {
	case s.idle <- t:
	default:
		t.close()
	}
}

// reset forgets what the tab recorded.
func (t *tab) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.records, t.console = nil, nil
	close(t.changed)
	t.changed = make(chan struct{})
}

// newTab opens a new tab with the harness's binding and script installed.
func (s *Session) newTab(ctx context.Context, bypassCSP bool) (*tab, error) {
	tctx, cancel := chromedp.NewContext(s.browserCtx)
	t := &tab{
		s: s, ctx: tctx, cancel: cancel,
		contexts: map[cdp.FrameID]runtime.ExecutionContextID{},
		uniques:  map[string]cdp.FrameID{},
		changed:  make(chan struct{}),
	}
	// The first Do on a context binds the tab's life to that context: it gets the tab's own, and the
	// caller's deadline and cancellation close the tab instead.
	opened := make(chan error, 1)
	go func() { opened <- chromedp.Do(tctx) }()
	timer := time.NewTimer(s.opts.Timeout)
	defer timer.Stop()
	var err error
	select {
	case err = <-opened:
	case <-timer.C:
		cancel()
		<-opened
		err = &Error{Kind: ErrTimeout, Message: fmt.Sprintf("the browser did not open a tab within %s", s.opts.Timeout)}
	case <-ctx.Done():
		cancel()
		<-opened
		err = &Error{Kind: ErrInterrupted, Message: "interrupted"}
	}
	if err != nil {
		cancel()
		return nil, asError(err, ErrBrowser)
	}
	if err := chromedp.Listen(tctx, t.listen); err != nil {
		t.close()
		return nil, asError(err, ErrBrowser)
	}
	err = t.do(ctx, func(ctx context.Context) error {
		if _, err := chromedp.Call(ctx, runtime.AddBinding, runtime.AddBindingParams{Name: s.binding}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: s.inject}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: bypassCSP})
		return err
	})
	if err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

// close closes the tab.
func (t *tab) close() { t.cancel() }

// do runs f with a context of the tab that ends at the timeout or when ctx ends.
func (t *tab) do(ctx context.Context, f func(ctx context.Context) error) error {
	opCtx, cancel := context.WithTimeout(t.ctx, t.s.opts.Timeout)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	err := f(opCtx)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return &Error{Kind: ErrInterrupted, Message: "interrupted"}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Kind: ErrTimeout, Message: fmt.Sprintf("no answer from the browser within %s", t.s.opts.Timeout)}
	}
	return asError(err, ErrBrowser)
}

// navigate loads url in the tab and waits for its load event (which waits for its frames).
func (t *tab) navigate(ctx context.Context, url string) error {
	err := t.do(ctx, func(ctx context.Context) error { return chromedp.Do(ctx, chromedp.Navigate(url)) })
	var e *Error
	if errors.As(err, &e) && e.Kind == ErrTimeout {
		e.Message = fmt.Sprintf("the page did not finish loading within %s", t.s.opts.Timeout)
	}
	return err
}

// eval evaluates a script in the top window.
func (t *tab) eval(ctx context.Context, js string) error {
	return t.do(ctx, func(ctx context.Context) error {
		_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](js))
		return err
	})
}

// screenshot returns a PNG of the tab, or nil.
func (t *tab) screenshot(ctx context.Context) []byte {
	var png []byte
	_ = t.do(ctx, func(ctx context.Context) error {
		var err error
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
		return err
	})
	return png
}

// mark returns the number of records so far, for since.
func (t *tab) mark() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.records)
}

// since returns the records that came after mark.
func (t *tab) since(mark int) []record {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]record(nil), t.records[mark:]...)
}

// consoleEntries returns what the browser reported so far.
func (t *tab) consoleEntries() []ConsoleEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]ConsoleEntry(nil), t.console...)
}

// waitFor waits until found returns true for the records since mark, the deadline passes, or ctx
// ends; it returns the records since mark and whether they were found.
func (t *tab) waitFor(ctx context.Context, mark int, deadline time.Time, found func([]record) bool) ([]record, bool) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		t.mu.Lock()
		recs := append([]record(nil), t.records[mark:]...)
		changed := t.changed
		t.mu.Unlock()
		if found(recs) {
			return recs, true
		}
		select {
		case <-changed:
		case <-timer.C:
			return t.since(mark), false
		case <-ctx.Done():
			return t.since(mark), false
		case <-t.ctx.Done():
			return t.since(mark), false
		}
	}
}

// listen runs in the tab's event loop: it must return fast and send no command.
func (t *tab) listen(ev any) {
	switch e := ev.(type) {
	case *runtime.EventBindingCalled:
		if e.Name != t.s.binding {
			return
		}
		var r record
		if err := json.Unmarshal([]byte(e.Payload), &r); err != nil {
			return
		}
		t.mu.Lock()
		t.records = append(t.records, r)
		close(t.changed)
		t.changed = make(chan struct{})
		t.mu.Unlock()
	case *page.EventJavascriptDialogOpening:
		// A dialog would block the page until the timeout: note it and accept it, as a person would.
		t.addConsole(ConsoleEntry{Level: "dialog", Text: fmt.Sprintf("%s(%q), accepted by the harness", e.Type, e.Message), URL: e.URL})
		go func() {
			_, _ = chromedp.Call(t.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}()
	case *runtime.EventConsoleAPICalled:
		level := string(e.Type)
		if level != "error" && level != "warning" && level != "assert" {
			return
		}
		entry := ConsoleEntry{Level: level, Text: consoleText(e.Args)}
		if e.StackTrace != nil && len(e.StackTrace.CallFrames) > 0 {
			f := e.StackTrace.CallFrames[0]
			entry.URL, entry.Line = f.URL, int(f.LineNumber)+1
		}
		t.addConsole(entry)
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		if d == nil {
			return
		}
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			desc, _, _ := strings.Cut(d.Exception.Description, "\n")
			text = strings.TrimSpace(text + " " + desc)
		}
		url := d.URL
		if url == "" && d.StackTrace != nil && len(d.StackTrace.CallFrames) > 0 {
			url = d.StackTrace.CallFrames[0].URL
		}
		t.addConsole(ConsoleEntry{Level: "exception", Text: text, URL: url, Line: int(d.LineNumber) + 1})
	case *log.EventEntryAdded:
		en := e.Entry
		if en == nil || (en.Level != log.EntryLevelError && en.Level != log.EntryLevelWarning) {
			return
		}
		t.addConsole(ConsoleEntry{Level: string(en.Level), Text: en.Text, URL: en.URL, Line: int(en.LineNumber) + 1})
	case *runtime.EventExecutionContextCreated:
		var aux struct {
			FrameID   cdp.FrameID `json:"frameId"`
			IsDefault bool        `json:"isDefault"`
		}
		if e.Context == nil || json.Unmarshal([]byte(e.Context.AuxData), &aux) != nil || !aux.IsDefault {
			return
		}
		t.mu.Lock()
		t.contexts[aux.FrameID] = e.Context.ID
		t.uniques[e.Context.UniqueID] = aux.FrameID
		close(t.changed)
		t.changed = make(chan struct{})
		t.mu.Unlock()
	case *runtime.EventExecutionContextDestroyed:
		t.mu.Lock()
		if f, ok := t.uniques[e.ExecutionContextUniqueID]; ok {
			delete(t.contexts, f)
			delete(t.uniques, e.ExecutionContextUniqueID)
		}
		t.mu.Unlock()
	case *runtime.EventExecutionContextsCleared:
		t.mu.Lock()
		t.contexts = map[cdp.FrameID]runtime.ExecutionContextID{}
		t.uniques = map[string]cdp.FrameID{}
		t.mu.Unlock()
	}
}

func (t *tab) addConsole(e ConsoleEntry) {
	if strings.Contains(e.URL, "/__uccheck/") {
		return // the harness's own pages
	}
	t.mu.Lock()
	t.console = append(t.console, e)
	t.mu.Unlock()
}

// frameContext waits for the main world of the frame with the given name and returns its frame ID
// and execution context.
func (t *tab) frameContext(ctx context.Context, name string) (cdp.FrameID, runtime.ExecutionContextID, error) {
	var frame cdp.FrameID
	err := t.do(ctx, func(ctx context.Context) error {
		tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		frame = findFrame(tree.FrameTree, name)
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	if frame == "" {
		return "", 0, &Error{Kind: ErrHarness, Message: fmt.Sprintf("the harness has no frame %q", name)}
	}
	deadline := time.Now().Add(t.s.opts.Timeout)
	for {
		t.mu.Lock()
		id, ok := t.contexts[frame]
		changed := t.changed
		t.mu.Unlock()
		if ok {
			return frame, id, nil
		}
		select {
		case <-changed:
		case <-time.After(time.Until(deadline)):
			return "", 0, &Error{Kind: ErrTimeout, Message: fmt.Sprintf("the frame %q got no script context within %s", name, t.s.opts.Timeout)}
		case <-ctx.Done():
			return "", 0, &Error{Kind: ErrInterrupted, Message: "interrupted"}
		}
	}
}

func findFrame(tree *page.FrameTree, name string) cdp.FrameID {
	if tree == nil {
		return ""
	}
	if tree.Frame != nil && tree.Frame.Name == name {
		return tree.Frame.ID
	}
	for _, c := range tree.ChildFrames {
		if id := findFrame(c, name); id != "" {
			return id
		}
	}
	return ""
}

// consoleText renders console API arguments as the console shows them, roughly.
func consoleText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a == nil:
		case a.Type == runtime.RemoteObjectTypeString:
			var s string
			if json.Unmarshal([]byte(a.Value), &s) == nil {
				parts = append(parts, s)
			}
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		case a.UnserializableValue != "":
			parts = append(parts, string(a.UnserializableValue))
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// asError turns an error into an *Error, of the given kind unless it is one already.
func asError(err error, kind ErrorKind) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: kind, Message: err.Error()}
}

// errorOf returns err as an *Error (nil for nil).
func errorOf(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: ErrHarness, Message: err.Error()}
}

// pageErrors returns the errors among records, from the given frame.
func pageErrors(recs []record, frame string) []PageError {
	var out []PageError
	for _, r := range recs {
		if r.Kind == "error" && (r.Frame == frame || r.Frame == "harness") {
			out = append(out, PageError{Frame: r.Frame, Message: r.Message, URL: r.URL, Line: r.Line})
		}
	}
	return out
}

// values decodes recorded values.
func values(raws []json.RawMessage) []Value {
	out := make([]Value, len(raws))
	for i, raw := range raws {
		v, err := DecodeValue(raw)
		if err != nil {
			v = &Special{Kind: "object", Text: "<undecodable: " + strconv.Quote(string(raw)) + ">"}
		}
		out[i] = v
	}
	return out
}

func value(raw json.RawMessage) Value {
	if len(raw) == 0 {
		return Undefined
	}
	return values([]json.RawMessage{raw})[0]
}
