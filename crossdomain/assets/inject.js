// uccheck crossdomain: evaluated in every frame of a harness tab before the frame's own scripts
// (Page.addScriptToEvaluateOnNewDocument). CFG is prepended by the harness: the name of the
// recording binding, the barrier key and the settle time. Each frame is told apart by its role:
//   agent     the top window: the uContact agent UI, which provides closeActiveTab()
//   form      the form under test (frame "uc-form"): gets a recording UC_DispositionCall
//   recorder  the stand-in form that embeds the iframe under test (frame "uc-recorder")
//   embed     the integrator's page under test (frame "uc-embed"): its window.parent records
// Everything recorded goes to the binding, in order; nothing else leaves the page.
(() => {
  const B = globalThis[CFG.binding];
  if (typeof B !== 'function') return;
  try { delete globalThis[CFG.binding]; } catch (e) { /* keep going */ }
  const send = (rec) => { try { B(JSON.stringify(rec)); } catch (e) { /* the tab is closing */ } };

  // describe turns a value into JSON the harness can read back without losing its type:
  // undefined, functions, Dates and other values JSON cannot hold become {"$js": kind, ...}.
  const describe = (v, depth = 0) => {
    if (v === undefined) return { $js: 'undefined' };
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $js: 'number', text: String(v) };
    if (typeof v === 'function') return { $js: 'function', name: v.name || '' };
    if (typeof v === 'bigint' || typeof v === 'symbol') return { $js: typeof v, text: String(v) };
    if (depth > 5) return { $js: 'object', text: '{…}' };
    try {
      if (Array.isArray(v)) return v.slice(0, 50).map((x) => describe(x, depth + 1));
      if (v instanceof Date) return { $js: 'Date', text: isNaN(v) ? 'Invalid Date' : v.toISOString() };
      if (v === window || v === window.top || v === window.parent) return { $js: 'object', text: '<Window>' };
      const out = {};
      for (const k of Object.keys(v).slice(0, 50)) out[k] = describe(v[k], depth + 1);
      return out;
    } catch (e) {
      return { $js: 'object', text: '<' + (e && e.name || 'error') + '>' };
    }
  };
  const errorText = (e) => {
    try {
      if (e instanceof Error) return e.name + ': ' + e.message;
      return String(e);
    } catch (x) { return '<error>'; }
  };
  const show = (line) => {
    try { if (window.top.__uccheckShow) window.top.__uccheckShow(line); } catch (e) { /* cross-origin */ }
  };
  const watchErrors = (frame) => {
    window.addEventListener('error', (e) => {
      send({ kind: 'error', frame, message: e.error !== undefined ? 'Uncaught ' + errorText(e.error) : String(e.message), url: e.filename || '', line: e.lineno || 0 });
      show(frame + ': uncaught ' + (e.message || ''));
    });
    window.addEventListener('unhandledrejection', (e) => {
      send({ kind: 'error', frame, message: 'Uncaught (in promise) ' + errorText(e.reason), url: '', line: 0 });
    });
  };
  const isBarrier = (d) => d !== null && typeof d === 'object' && Object.prototype.hasOwnProperty.call(d, CFG.barrierKey);
  const harnessPage = location.pathname.startsWith('/__uccheck/');

  if (window === window.top && harnessPage) {
    // The agent UI: uContact's closeActiveTab(), and a record of messages that reach the top.
    const log = [];
    window.__uccheckShow = (line) => {
      log.push(line);
      const ol = document.getElementById('uccheck-log');
      if (ol) { const li = document.createElement('li'); li.textContent = line; ol.appendChild(li); }
    };
    window.closeActiveTab = function closeActiveTab(...args) {
      send({ kind: 'call', fn: 'closeActiveTab', frame: 'agent', args: args.map((a) => describe(a)) });
      window.__uccheckShow('parent.closeActiveTab() called');
    };
    window.addEventListener('message', (e) => {
      if (isBarrier(e.data)) return;
      send({ kind: 'top-message', origin: e.origin, data: describe(e.data) });
      window.__uccheckShow('message to the agent window (top) from ' + e.origin);
    });
    return;
  }

  if (window.name === 'uc-form') {
    // The form under test: uContact provides UC_DispositionCall in the form's window.
    const uc = function UC_DispositionCall(...args) {
      send({ kind: 'call', fn: 'UC_DispositionCall', frame: 'form', args: args.map((a) => describe(a)) });
      show('UC_DispositionCall(' + args.map((a) => typeof a === 'function' ? '<function>' : JSON.stringify(a)).join(', ') + ')');
    };
    window.UC_DispositionCall = uc;
    // The barrier closes a step: registered first and on capture, it runs before the form's own
    // listeners and hides the barrier from them; it reports after the settle time, so that what
    // the form does asynchronously still counts for the step.
    window.addEventListener('message', (e) => {
      if (!isBarrier(e.data)) return;
      e.stopImmediatePropagation();
      const id = e.data[CFG.barrierKey];
      setTimeout(() => send({ kind: 'barrier', id, own: window.UC_DispositionCall === uc }), CFG.settle);
    }, true);
    watchErrors('form');
    return;
  }

  if (window.name === 'uc-recorder' && harnessPage) {
    // The stand-in form: records every message that reaches it.
    window.addEventListener('message', (e) => {
      send({ kind: 'received', origin: e.origin, data: describe(e.data) });
      show('the form received a message from ' + e.origin + ': ' + JSON.stringify(e.data));
    });
    return;
  }

  if (window.name === 'uc-embed') {
    // The integrator's page: its window.parent is a Proxy whose postMessage records the message and
    // its targetOrigin, then delivers it to the stand-in form.
    const real = window.parent;
    const postMessage = function postMessage(message, targetOrigin, transfer) {
      let to = targetOrigin;
      if (to !== null && typeof to === 'object') to = to.targetOrigin;
      send({ kind: 'post', data: describe(message), targetOrigin: to === undefined ? null : String(to) });
      show('window.parent.postMessage(…, ' + JSON.stringify(to === undefined ? '/' : String(to)) + ')');
      return transfer === undefined ? real.postMessage(message, '*') : real.postMessage(message, '*', transfer);
    };
    const proxy = new Proxy(real, {
      get(target, prop) {
        if (prop === 'postMessage') return postMessage;
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    try {
      Object.defineProperty(window, 'parent', { value: proxy, configurable: true, enumerable: true });
    } catch (e) {
      send({ kind: 'error', frame: 'harness', message: 'could not wrap window.parent: ' + errorText(e), url: '', line: 0 });
    }
    watchErrors('embed');
  }
})();
