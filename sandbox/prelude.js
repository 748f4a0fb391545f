// The pm API of uccheck's script sandbox, built on the Go host object __host. It implements the
// part of Postman's sandbox (postman-sandbox, chai, chai-postman) that real collections use; see
// docs/postman.md for the list. It has no file system, network, timers or require.
(function (global, host) {
  'use strict';

  // ---- inspect: values in failure messages, as chai prints them --------------------------------
  function inspect(v, depth) {
    depth = depth || 0;
    if (v === null) return 'null';
    if (v === undefined) return 'undefined';
    if (typeof v === 'string') return "'" + v.replace(/'/g, "\\'") + "'";
    if (typeof v === 'number') return (v === 0 && 1 / v < 0) ? '-0' : String(v);
    if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    if (typeof v === 'function') return '[Function' + (v.name ? ': ' + v.name : '') + ']';
    if (v instanceof RegExp) return String(v);
    if (v instanceof Date) return v.toISOString();
    if (v && v.__pmResponse) return 'response';
    if (depth > 2) return Array.isArray(v) ? '[Array]' : '[Object]';
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      return '[ ' + v.map(function (e) { return inspect(e, depth + 1); }).join(', ') + ' ]';
    }
    var keys = Object.keys(v);
    if (!keys.length) return '{}';
    return '{ ' + keys.map(function (k) {
      var key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : "'" + k + "'";
      return key + ': ' + inspect(v[k], depth + 1);
    }).join(', ') + ' }';
  }

  function typeOf(v) {
    if (v === null) return 'null';
    if (v === undefined) return 'undefined';
    if (Array.isArray(v)) return 'array';
    if (v instanceof RegExp) return 'regexp';
    if (v instanceof Date) return 'date';
    if (v instanceof Error) return 'error';
    return typeof v;
  }

  function deepEqual(a, b) {
    if (a === b) return a !== 0 || 1 / a === 1 / b;
    if (typeof a === 'number' && typeof b === 'number') return a !== a && b !== b;
    if (typeOf(a) !== typeOf(b)) return false;
    if (a instanceof Date) return a.getTime() === b.getTime();
    if (a instanceof RegExp) return String(a) === String(b);
    if (typeof a !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a)) {
      if (a.length !== b.length) return false;
      for (var i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
      return true;
    }
    var ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    if (ka.length !== kb.length) return false;
    for (var j = 0; j < ka.length; j++) {
      if (ka[j] !== kb[j] || !deepEqual(a[ka[j]], b[kb[j]])) return false;
    }
    return true;
  }

  function AssertionError(message) {
    this.name = 'AssertionError';
    this.message = message;
  }
  AssertionError.prototype = Object.create(Error.prototype);
  AssertionError.prototype.constructor = AssertionError;

  // ---- chai-like BDD assertions -----------------------------------------------------------------
  function Assertion(obj, message) {
    Object.defineProperty(this, '__flags', { value: { object: obj, message: message }, writable: true });
  }
  function flag(a, k, v) {
    if (arguments.length === 3) { a.__flags[k] = v; return a; }
    return a.__flags[k];
  }
  Object.defineProperty(Assertion.prototype, '_obj', {
    get: function () { return this.__flags.object; },
    set: function (v) { this.__flags.object = v; }
  });
  Assertion.prototype.assert = function (ok, msg, negMsg, expected, actual, showDiff) {
    var negate = !!flag(this, 'negate');
    if (negate ? !ok : ok) return;
    var m = negate ? negMsg : msg;
    if (arguments.length < 5) actual = this._obj;
    m = String(m)
      .replace(/#\{this\}/g, function () { return inspect(actual); })
      .replace(/#\{act\}/g, function () { return inspect(actual); })
      .replace(/#\{exp\}/g, function () { return inspect(expected); });
    var prefix = flag(this, 'message');
    throw new AssertionError(prefix ? prefix + ': ' + m : m);
  };

  function addChain(name) {
    Object.defineProperty(Assertion.prototype, name, { get: function () { return this; }, configurable: true });
  }
  ['to', 'be', 'been', 'is', 'that', 'which', 'and', 'has', 'have', 'with', 'at', 'of', 'same', 'but', 'does', 'still', 'also']
    .forEach(addChain);
  function addFlag(name, key) {
    Object.defineProperty(Assertion.prototype, name, {
      get: function () { flag(this, key || name, true); return this; }, configurable: true
    });
  }
  addFlag('not', 'negate');
  addFlag('deep');
  addFlag('own');
  addFlag('nested');
  addFlag('any');
  addFlag('all');
  addFlag('ordered');
  function addProperty(name, fn) {
    Object.defineProperty(Assertion.prototype, name, {
      get: function () { fn.call(this); return this; }, configurable: true
    });
  }
  function addMethod(name, fn) {
    Assertion.prototype[name] = function () { fn.apply(this, arguments); return this; };
  }
  // A chainable method works both as a property (setting a flag) and as a call (asserting).
  function addChainable(name, method, chain) {
    Object.defineProperty(Assertion.prototype, name, {
      get: function () {
        var self = this;
        if (chain) chain.call(self);
        var f = function () { method.apply(self, arguments); return self; };
        Object.setPrototypeOf(f, self);
        return f;
      },
      configurable: true
    });
  }

  var responseStatus = {
    accepted: [202, 'Accepted'], withoutContent: [204, 'No Content'], badRequest: [400, 'Bad Request'],
    unauthorised: [401, 'Unauthorised'], unauthorized: [401, 'Unauthorized'], forbidden: [403, 'Forbidden'],
    notFound: [404, 'Not Found'], notAcceptable: [406, 'Acceptable'], rateLimited: [429, 'Too Many Requests']
  };
  var statusClasses = { info: 1, success: 2, redirection: 3, clientError: 4, serverError: 5 };
  function isResponse(o) { return !!(o && o.__pmResponse); }
  function isRequest(o) { return !!(o && o.__pmRequest); }
  function needResponse(a) {
    if (!isResponse(a._obj)) {
      throw new AssertionError('expecting a postman response object but got ' + inspect(a._obj));
    }
  }

  addProperty('ok', function () {
    if (isResponse(this._obj)) {
      var r = String(this._obj.reason()).toUpperCase(), c = this._obj.code;
      this.assert(r === 'OK', 'expected response to have status reason #{exp} but got #{act}', 'expected response to not have status reason #{act}', 'OK', r);
      this.assert(c === 200, 'expected response to have status code #{exp} but got #{act}', 'expected response to not have status code #{act}', 200, c);
      return;
    }
    this.assert(!!this._obj, 'expected #{this} to be truthy', 'expected #{this} to be falsy');
  });
  addProperty('true', function () { this.assert(this._obj === true, 'expected #{this} to be true', 'expected #{this} to be false', !flag(this, 'negate')); });
  addProperty('false', function () { this.assert(this._obj === false, 'expected #{this} to be false', 'expected #{this} to be true', !!flag(this, 'negate')); });
  addProperty('null', function () { this.assert(this._obj === null, 'expected #{this} to be null', 'expected #{this} not to be null'); });
  addProperty('undefined', function () { this.assert(this._obj === undefined, 'expected #{this} to be undefined', 'expected #{this} not to be undefined'); });
  addProperty('NaN', function () { this.assert(typeof this._obj === 'number' && this._obj !== this._obj, 'expected #{this} to be NaN', 'expected #{this} not to be NaN'); });
  addProperty('exist', function () { this.assert(this._obj !== null && this._obj !== undefined, 'expected #{this} to exist', 'expected #{this} to not exist'); });
  addProperty('exists', function () { this.assert(this._obj !== null && this._obj !== undefined, 'expected #{this} to exist', 'expected #{this} to not exist'); });
  addProperty('empty', function () {
    var o = this._obj, n;
    if (typeof o === 'string' || Array.isArray(o)) n = o.length;
    else if (o && typeof o === 'object') n = Object.keys(o).length;
    else throw new AssertionError('.empty was passed non-string primitive ' + inspect(o));
    this.assert(n === 0, 'expected #{this} to be empty', 'expected #{this} not to be empty');
  });
  Object.keys(statusClasses).forEach(function (name) {
    addProperty(name, function () {
      needResponse(this);
      var cls = Math.floor(this._obj.code / 100);
      this.assert(cls === statusClasses[name], 'expected response code to be #{exp}XX but found #{act}', 'expected response code to not be #{exp}XX', statusClasses[name], this._obj.code);
    });
  });
  addProperty('error', function () {
    needResponse(this);
    var cls = Math.floor(this._obj.code / 100);
    this.assert(cls === 4 || cls === 5, 'expected response code to be 4XX or 5XX but found #{act}', 'expected response code to not be 4XX or 5XX', null, this._obj.code);
  });
  Object.keys(responseStatus).forEach(function (name) {
    addProperty(name, function () {
      needResponse(this);
      var want = responseStatus[name], c = this._obj.code;
      this.assert(c === want[0], 'expected response to have status code #{exp} but got #{act}', 'expected response to not have status code #{act}', want[0], c);
    });
  });
  addProperty('json', function () {
    needResponse(this);
    var err;
    try { this._obj.json(); } catch (e) { err = e.name + ': ' + e.message; }
    this.assert(!err, 'expected response body to be a valid json but got error ' + err, 'expected response body not to be a valid json');
  });
  addProperty('withBody', function () {
    needResponse(this);
    var t = this._obj.text();
    this.assert(typeof t === 'string' && t.length > 0, 'expected response to have content in body', 'expected response to not have content in body');
  });

  addMethod('status', function (s) {
    needResponse(this);
    if (typeof s === 'number') {
      this.assert(this._obj.code === s, 'expected response to have status code #{exp} but got #{act}', 'expected response to not have status code #{act}', s, this._obj.code);
    } else {
      this.assert(this._obj.reason() === s, 'expected response to have status reason #{exp} but got #{act}', 'expected response to not have status reason #{act}', s, this._obj.reason());
    }
  });
  addMethod('statusCode', function (s) {
    needResponse(this);
    this.assert(this._obj.code === Number(s), 'expected response to have status code #{exp} but got #{act}', 'expected response to not have status code #{act}', Number(s), this._obj.code);
  });
  addMethod('statusReason', function (s) {
    needResponse(this);
    this.assert(this._obj.reason() === String(s), 'expected response to have status reason #{exp} but got #{act}', 'expected response to not have status reason #{act}', String(s), this._obj.reason());
  });
  addMethod('statusCodeClass', function (c) {
    needResponse(this);
    var cls = Math.floor(this._obj.code / 100);
    this.assert(cls === c, 'expected response code to be #{exp}XX but found #{act}', 'expected response code to not be #{exp}XX', c, this._obj.code);
  });
  addMethod('header', function (key, value) {
    if (!isResponse(this._obj) && !isRequest(this._obj)) {
      throw new AssertionError('expecting a postman request or response object but got ' + inspect(this._obj));
    }
    var what = isResponse(this._obj) ? 'response' : 'request', has = this._obj.headers.has(key);
    this.assert(has, 'expected ' + what + " to have header with key '" + String(key) + "'", 'expected ' + what + " to not have header with key '" + String(key) + "'", true, has);
    if (arguments.length > 1) {
      var got = this._obj.headers.get(key);
      this.assert(got === value, "expected '" + String(key) + "' " + what + ' header to be #{exp} but got #{act}', "expected '" + String(key) + "' " + what + ' header to not be #{act}', value, got);
    }
  });
  addMethod('body', function (want) {
    needResponse(this);
    var got;
    if (want && typeof want === 'object' && !(want instanceof RegExp)) {
      try { got = this._obj.json(); } catch (e) { got = undefined; }
      this.assert(deepEqual(got, want), 'expected response body json to equal #{exp} but got #{act}', 'expected response body json to not equal #{exp} but got #{act}', want, got);
      return;
    }
    got = this._obj.text();
    if (arguments.length === 0) {
      this.assert(typeof got === 'string' && got.length > 0, 'expected response to have content in body', 'expected response to not have content in body');
    } else if (want instanceof RegExp) {
      this.assert(want.exec(got) !== null, 'expected response body text to match #{exp} but got #{act}', 'expected response body text #{act} to not match #{exp}', want, got);
    } else {
      this.assert(got === want, 'expected response body to equal #{exp} but got #{act}', 'expected response body to not equal #{exp}', want, got);
    }
  });
  addMethod('jsonBody', function (path, value) {
    needResponse(this);
    var body, err;
    try { body = this._obj.json(); } catch (e) { err = e.name + ': ' + e.message; }
    if (arguments.length === 0) {
      this.assert(!err, 'expected response body to be a valid json but got error ' + err, 'expected response body not to be a valid json');
      return;
    }
    if (typeof path !== 'string') return;
    var found = getPath(body, path);
    this.assert(found.has, 'expected #{act} in response to contain property #{exp}', 'expected #{act} in response to not contain property #{exp}', path, body);
    if (arguments.length > 1) {
      this.assert(deepEqual(found.value, value), 'expected response body json at "' + path + '" to contain #{exp} but got #{act}', 'expected response body json at "' + path + '" to not contain #{exp} but got #{act}', value, found.value);
    }
  });

  // validateSchema checks a value against the part of JSON Schema real collections use (type,
  // enum, const, properties, required, additionalProperties, items, min/max, length, pattern,
  // allOf/anyOf/oneOf/not) and returns the problems found, as "path: message".
  function validateSchema(v, schema, path, errs) {
    if (schema === true || schema === undefined || schema === null) return errs;
    if (schema === false) { errs.push(path + ': no value is allowed'); return errs; }
    var t = typeOf(v);
    var jsonType = t === 'number' && Number.isInteger(v) ? 'integer' : t;
    if (schema.type !== undefined) {
      var types = Array.isArray(schema.type) ? schema.type : [schema.type];
      var ok = types.some(function (ty) { return ty === t || (ty === 'integer' && jsonType === 'integer') || (ty === 'number' && t === 'number'); });
      if (!ok) { errs.push(path + ': should be ' + types.join(',') + ', is ' + t); return errs; }
    }
    if (schema.enum && !schema.enum.some(function (e) { return deepEqual(e, v); })) errs.push(path + ': should be one of ' + inspect(schema.enum));
    if (schema.const !== undefined && !deepEqual(schema.const, v)) errs.push(path + ': should be ' + inspect(schema.const));
    if (t === 'number') {
      if (schema.minimum !== undefined && v < schema.minimum) errs.push(path + ': should be >= ' + schema.minimum);
      if (schema.maximum !== undefined && v > schema.maximum) errs.push(path + ': should be <= ' + schema.maximum);
      if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum) errs.push(path + ': should be > ' + schema.exclusiveMinimum);
      if (typeof schema.exclusiveMaximum === 'number' && v >= schema.exclusiveMaximum) errs.push(path + ': should be < ' + schema.exclusiveMaximum);
    }
    if (t === 'string') {
      if (schema.minLength !== undefined && v.length < schema.minLength) errs.push(path + ': should have at least ' + schema.minLength + ' characters');
      if (schema.maxLength !== undefined && v.length > schema.maxLength) errs.push(path + ': should have at most ' + schema.maxLength + ' characters');
      if (schema.pattern !== undefined && !(new RegExp(schema.pattern)).test(v)) errs.push(path + ': should match ' + schema.pattern);
    }
    if (t === 'array') {
      if (schema.minItems !== undefined && v.length < schema.minItems) errs.push(path + ': should have at least ' + schema.minItems + ' items');
      if (schema.maxItems !== undefined && v.length > schema.maxItems) errs.push(path + ': should have at most ' + schema.maxItems + ' items');
      if (schema.items && !Array.isArray(schema.items)) v.forEach(function (e, i) { validateSchema(e, schema.items, path + '[' + i + ']', errs); });
      if (Array.isArray(schema.items)) schema.items.forEach(function (s, i) { if (i < v.length) validateSchema(v[i], s, path + '[' + i + ']', errs); });
      if (schema.uniqueItems) {
        for (var i = 0; i < v.length; i++) for (var j = i + 1; j < v.length; j++) if (deepEqual(v[i], v[j])) { errs.push(path + ': should not have duplicate items'); i = v.length; break; }
      }
    }
    if (t === 'object') {
      (schema.required || []).forEach(function (k) { if (!Object.prototype.hasOwnProperty.call(v, k)) errs.push(path + ": should have required property '" + k + "'"); });
      var props = schema.properties || {};
      Object.keys(props).forEach(function (k) { if (Object.prototype.hasOwnProperty.call(v, k)) validateSchema(v[k], props[k], path + '.' + k, errs); });
      if (schema.additionalProperties !== undefined && schema.additionalProperties !== true) {
        Object.keys(v).forEach(function (k) {
          if (Object.prototype.hasOwnProperty.call(props, k)) return;
          if (schema.additionalProperties === false) errs.push(path + ': should not have additional property ' + "'" + k + "'");
          else validateSchema(v[k], schema.additionalProperties, path + '.' + k, errs);
        });
      }
      if (schema.minProperties !== undefined && Object.keys(v).length < schema.minProperties) errs.push(path + ': should have at least ' + schema.minProperties + ' properties');
    }
    (schema.allOf || []).forEach(function (s) { validateSchema(v, s, path, errs); });
    if (schema.anyOf && !schema.anyOf.some(function (s) { return validateSchema(v, s, path, []).length === 0; })) errs.push(path + ': should match a schema in anyOf');
    if (schema.oneOf && schema.oneOf.filter(function (s) { return validateSchema(v, s, path, []).length === 0; }).length !== 1) errs.push(path + ': should match exactly one schema in oneOf');
    if (schema.not && validateSchema(v, schema.not, path, []).length === 0) errs.push(path + ': should not be valid against "not"');
    return errs;
  }
  addMethod('jsonSchema', function (schema) {
    var data = this._obj;
    if (isResponse(data)) {
      try { data = data.json(); } catch (e) { data = undefined; }
    }
    var errs = validateSchema(data, schema, 'data', []);
    this.assert(errs.length === 0, 'expected data to satisfy schema but found following errors: \n' + errs.join(', '), 'expected data to not satisfy schema', true, errs.length === 0);
  });

  // getPath follows a lodash-style path ("a.b[0].c") into a value.
  function getPath(obj, path) {
    var parts = [];
    String(path).replace(/[^.[\]]+|\[(?:(\d+)|["'](.*?)["'])\]/g, function (m, num, quoted) {
      parts.push(num !== undefined ? num : (quoted !== undefined ? quoted : m));
    });
    var cur = obj;
    for (var i = 0; i < parts.length; i++) {
      if (cur === null || cur === undefined || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, parts[i])) {
        return { has: false };
      }
      cur = cur[parts[i]];
    }
    return { has: true, value: cur };
  }

  function assertEqual(v) {
    if (flag(this, 'deep')) return assertEql.call(this, v);
    var o = flag(this, 'doLength') ? lengthOf(this._obj) : this._obj;
    this.assert(o === v, 'expected #{this} to equal #{exp}', 'expected #{this} to not equal #{exp}', v, o, true);
  }
  function assertEql(v) {
    this.assert(deepEqual(this._obj, v), 'expected #{this} to deeply equal #{exp}', 'expected #{this} to not deeply equal #{exp}', v, this._obj, true);
  }
  ['equal', 'equals', 'eq'].forEach(function (n) { addMethod(n, assertEqual); });
  ['eql', 'eqls'].forEach(function (n) { addMethod(n, assertEql); });

  function assertType(type, msg) {
    type = String(type).toLowerCase();
    var t = typeOf(this._obj);
    var article = /^[aeiou]/.test(type) ? 'an ' : 'a ';
    this.assert(t === type, 'expected #{this} to be ' + article + type, 'expected #{this} not to be ' + article + type);
  }
  addChainable('a', assertType);
  addChainable('an', assertType);

  function assertInclude(val) {
    var o = this._obj, deep = flag(this, 'deep'), ok, desc = deep ? 'deep include' : 'include';
    if (typeof o === 'string') {
      ok = o.indexOf(val) !== -1;
    } else if (Array.isArray(o)) {
      ok = o.some(function (e) { return deep ? deepEqual(e, val) : e === val; });
    } else if (o && typeof o === 'object' && val && typeof val === 'object') {
      var self = this;
      Object.keys(val).forEach(function (k) {
        var a = new Assertion(o);
        if (deep) flag(a, 'deep', true);
        if (flag(self, 'negate')) {
          if (!(k in o) || !(deep ? deepEqual(o[k], val[k]) : o[k] === val[k])) return;
        }
        flag(a, 'negate', flag(self, 'negate'));
        a.property(k, val[k]);
      });
      return;
    } else {
      throw new AssertionError('the given combination of arguments (' + typeOf(o) + ' and ' + typeOf(val) + ') is invalid for this assertion. You can use an array, a map, an object, a set, a string, or a weakset instead of a ' + typeOf(val));
    }
    this.assert(ok, 'expected #{this} to ' + desc + ' #{exp}', 'expected #{this} to not ' + desc + ' #{exp}', val);
  }
  function setContains() { flag(this, 'contains', true); }
  ['include', 'includes', 'contain', 'contains'].forEach(function (n) { addChainable(n, assertInclude, setContains); });

  addMethod('property', function (name, val) {
    var o = this._obj, found;
    if (flag(this, 'nested')) {
      found = getPath(o, name);
    } else if (o !== null && o !== undefined) {
      var has = flag(this, 'own') ? Object.prototype.hasOwnProperty.call(Object(o), name) : (name in Object(o));
      found = { has: has, value: has ? o[name] : undefined };
    } else {
      throw new AssertionError('Target cannot be null or undefined.');
    }
    var what = (flag(this, 'deep') ? 'deep ' : '') + (flag(this, 'own') ? 'own ' : '') + (flag(this, 'nested') ? 'nested ' : '') + 'property ';
    if (arguments.length < 2 || !flag(this, 'negate')) {
      this.assert(found.has, 'expected #{this} to have ' + what + inspect(name), 'expected #{this} to not have ' + what + inspect(name));
    }
    if (arguments.length > 1) {
      var same = flag(this, 'deep') ? deepEqual(found.value, val) : found.value === val;
      this.assert(found.has && same, 'expected #{this} to have ' + what + inspect(name) + ' of #{exp}, but got #{act}', 'expected #{this} to not have ' + what + inspect(name) + ' of #{act}', val, found.value);
    }
    flag(this, 'object', found.value);
  });
  addMethod('ownProperty', function (name, val) {
    flag(this, 'own', true);
    return Assertion.prototype.property.apply(this, arguments);
  });
  addMethod('haveOwnProperty', function (name, val) {
    flag(this, 'own', true);
    return Assertion.prototype.property.apply(this, arguments);
  });
  addMethod('nestedProperty', function (name, val) {
    flag(this, 'nested', true);
    return Assertion.prototype.property.apply(this, arguments);
  });

  function lengthOf(o) {
    if (o === null || o === undefined) throw new AssertionError('expected ' + inspect(o) + ' to have property \'length\'');
    return o.length;
  }
  function assertLength(n) {
    var len = lengthOf(this._obj);
    this.assert(len === n, 'expected #{this} to have a length of #{exp} but got #{act}', 'expected #{this} to not have a length of #{act}', n, len);
  }
  addChainable('length', assertLength, function () { flag(this, 'doLength', true); });
  addChainable('lengthOf', assertLength, function () { flag(this, 'doLength', true); });

  function compare(op, words) {
    return function (n, m) {
      var o = this._obj, subject = o;
      if (flag(this, 'doLength')) {
        subject = lengthOf(o);
      } else if (typeof o !== 'number' && !(o instanceof Date)) {
        throw new AssertionError('expected ' + inspect(o) + ' to be a number or a date');
      }
      var ok = op(subject, n, m);
      var what = flag(this, 'doLength') ? 'expected #{this} to have a length ' : 'expected #{this} to be ';
      var exp = words + (m !== undefined ? inspect(n) + '..' + inspect(m) : inspect(n));
      this.assert(ok, what + exp, what.replace('to ', 'to not ').replace('to not have', 'to not have') + exp, n, subject);
    };
  }
  var above = compare(function (a, b) { return a > b; }, 'above ');
  var below = compare(function (a, b) { return a < b; }, 'below ');
  var least = compare(function (a, b) { return a >= b; }, 'at least ');
  var most = compare(function (a, b) { return a <= b; }, 'at most ');
  var within = compare(function (a, b, c) { return a >= b && a <= c; }, 'within ');
  ['above', 'gt', 'greaterThan'].forEach(function (n) { addMethod(n, above); });
  ['below', 'lt', 'lessThan'].forEach(function (n) { addMethod(n, below); });
  ['least', 'gte', 'greaterThanOrEqual'].forEach(function (n) { addMethod(n, least); });
  ['most', 'lte', 'lessThanOrEqual'].forEach(function (n) { addMethod(n, most); });
  addMethod('within', within);
  addMethod('closeTo', function (exp, delta) {
    this.assert(Math.abs(this._obj - exp) <= delta, 'expected #{this} to be close to ' + exp + ' +/- ' + delta, 'expected #{this} not to be close to ' + exp + ' +/- ' + delta);
  });
  addMethod('approximately', Assertion.prototype.closeTo);

  function assertMatch(re) {
    this.assert(re.exec(this._obj) !== null, 'expected #{this} to match ' + String(re), 'expected #{this} not to match ' + String(re));
  }
  addMethod('match', assertMatch);
  addMethod('matches', assertMatch);
  addMethod('string', function (s) {
    this.assert(typeof this._obj === 'string' && this._obj.indexOf(s) !== -1, 'expected #{this} to contain ' + inspect(s), 'expected #{this} to not contain ' + inspect(s));
  });
  addMethod('oneOf', function (list) {
    var o = this._obj, deep = flag(this, 'deep');
    var ok = list.some(function (e) { return deep ? deepEqual(e, o) : e === o; });
    this.assert(ok, 'expected #{this} to be one of ' + inspect(list), 'expected #{this} to not be one of ' + inspect(list));
  });
  addMethod('members', function (list) {
    var o = this._obj, deep = flag(this, 'deep');
    var has = function (arr, e) { return arr.some(function (x) { return deep ? deepEqual(x, e) : x === e; }); };
    var ok = flag(this, 'contains') ?
      list.every(function (e) { return has(o, e); }) :
      (o.length === list.length && list.every(function (e) { return has(o, e); }) && o.every(function (e) { return has(list, e); }));
    var what = flag(this, 'contains') ? 'be a superset of ' : 'have the same members as ';
    this.assert(ok, 'expected #{this} to ' + what + inspect(list), 'expected #{this} to not ' + what + inspect(list));
  });
  function assertKeys(keys) {
    if (!Array.isArray(keys)) keys = (keys && typeof keys === 'object') ? Object.keys(keys) : Array.prototype.slice.call(arguments);
    var actual = Object.keys(Object(this._obj)), ok;
    if (flag(this, 'any')) {
      ok = keys.some(function (k) { return actual.indexOf(k) !== -1; });
    } else {
      ok = keys.every(function (k) { return actual.indexOf(k) !== -1; });
      if (!flag(this, 'contains')) ok = ok && actual.length === keys.length;
    }
    this.assert(ok, 'expected #{this} to have keys ' + keys.map(inspect).join(', '), 'expected #{this} to not have keys ' + keys.map(inspect).join(', '));
  }
  addMethod('keys', assertKeys);
  addMethod('key', assertKeys);
  addMethod('instanceof', function (ctor) {
    this.assert(this._obj instanceof ctor, 'expected #{this} to be an instance of ' + (ctor && ctor.name), 'expected #{this} to not be an instance of ' + (ctor && ctor.name));
  });
  addMethod('instanceOf', Assertion.prototype.instanceof);
  addMethod('satisfy', function (fn) {
    this.assert(!!fn(this._obj), 'expected #{this} to satisfy ' + inspect(fn), 'expected #{this} to not satisfy ' + inspect(fn));
  });
  addMethod('satisfies', Assertion.prototype.satisfy);
  function assertThrow(want) {
    var threw = false, err;
    try { this._obj(); } catch (e) { threw = true; err = e; }
    var ok = threw;
    if (threw && typeof want === 'string') ok = String(err && err.message).indexOf(want) !== -1;
    if (threw && want instanceof RegExp) ok = want.test(String(err && err.message));
    if (threw && typeof want === 'function') ok = err instanceof want;
    this.assert(ok, 'expected #{this} to throw an error', 'expected #{this} to not throw an error but ' + inspect(err && err.message) + ' was thrown');
  }
  addMethod('throw', assertThrow);
  addMethod('throws', assertThrow);
  addMethod('Throw', assertThrow);
  addProperty('responseTime', function () {
    needResponse(this);
    flag(this, 'object', this._obj.responseTime);
  });

  function expect(v, message) { return new Assertion(v, message); }
  expect.fail = function (actual, expected, message) {
    if (arguments.length < 2) message = actual;
    throw new AssertionError(message || 'expect.fail()');
  };

  // ---- lists of headers and query parameters ----------------------------------------------------
  function PropertyList(items, caseInsensitive) {
    this._items = items || [];
    this._ci = caseInsensitive;
  }
  PropertyList.prototype._find = function (key) {
    var ci = this._ci, k = ci ? String(key).toLowerCase() : String(key);
    for (var i = this._items.length - 1; i >= 0; i--) {
      var it = this._items[i];
      if (it.disabled) continue;
      if ((ci ? String(it.key).toLowerCase() : it.key) === k) return it;
    }
    return undefined;
  };
  PropertyList.prototype.get = function (key) { var it = this._find(key); return it ? it.value : undefined; };
  PropertyList.prototype.one = function (key) { return this._find(key); };
  PropertyList.prototype.has = function (key, value) {
    var it = this._find(key);
    return arguments.length > 1 ? !!it && it.value === value : !!it;
  };
  PropertyList.prototype.all = function () { return this._items.slice(); };
  PropertyList.prototype.count = function () { return this._items.length; };
  PropertyList.prototype.idx = function (i) { return this._items[i]; };
  PropertyList.prototype.each = function (fn) { this._items.forEach(fn); };
  PropertyList.prototype.forEach = PropertyList.prototype.each;
  PropertyList.prototype.map = function (fn) { return this._items.map(fn); };
  PropertyList.prototype.filter = function (fn) { return this._items.filter(fn); };
  PropertyList.prototype.find = function (fn) { return this._items.find(fn); };
  PropertyList.prototype.toObject = function () {
    var out = {};
    this._items.forEach(function (it) { if (!it.disabled) out[it.key] = it.value; });
    return out;
  };
  PropertyList.prototype.toJSON = function () { return this._items.slice(); };
  PropertyList.prototype.toString = function () {
    return this._items.filter(function (it) { return !it.disabled; }).map(function (it) { return it.key + ': ' + it.value; }).join('\n');
  };
  PropertyList.prototype.add = function (item) {
    if (typeof item === 'string') { var i = item.indexOf(':'); item = { key: item.slice(0, i).trim(), value: item.slice(i + 1).trim() }; }
    this._items.push({ key: String(item.key), value: item.value === undefined ? '' : String(item.value), disabled: !!item.disabled });
  };
  PropertyList.prototype.append = PropertyList.prototype.add;
  PropertyList.prototype.upsert = function (item) {
    var it = this._find(item.key);
    if (it) { it.value = String(item.value); return; }
    this.add(item);
  };
  PropertyList.prototype.remove = function (pred) {
    var ci = this._ci;
    var match = typeof pred === 'function' ? pred : function (it) {
      var k = typeof pred === 'object' && pred ? pred.key : pred;
      return ci ? String(it.key).toLowerCase() === String(k).toLowerCase() : it.key === k;
    };
    this._items = this._items.filter(function (it) { return !match(it); });
  };
  PropertyList.prototype.clear = function () { this._items = []; };
  PropertyList.prototype.populate = function (items) { var self = this; (items || []).forEach(function (i) { self.add(i); }); };
  PropertyList.prototype.repopulate = function (items) { this.clear(); this.populate(items); };
  Object.defineProperty(PropertyList.prototype, 'members', { get: function () { return this._items; } });

  // ---- pm.request ---------------------------------------------------------------------------------
  function Url(data) {
    this.protocol = data.protocol;
    this.host = data.host;
    this.port = data.port;
    this.path = data.path;
    this.hash = data.hash;
    this.query = new PropertyList(data.query, false);
    this.variables = new PropertyList(data.variables, false);
  }
  Url.prototype.getHost = function () { return (this.host || []).join('.'); };
  Url.prototype.getPath = function () { return '/' + (this.path || []).join('/'); };
  Url.prototype.getQueryString = function () {
    return this.query.all().filter(function (q) { return !q.disabled; })
      .map(function (q) { return q.value === null ? q.key : q.key + '=' + q.value; }).join('&');
  };
  Url.prototype.getPathWithQuery = function () {
    var q = this.getQueryString();
    return this.getPath() + (q ? '?' + q : '');
  };
  Url.prototype.getRemote = function () { return this.getHost() + (this.port ? ':' + this.port : ''); };
  Url.prototype.toString = function () {
    var s = '';
    if (this.protocol) s += this.protocol.replace(/:\/\/$/, '') + '://';
    s += this.getHost();
    if (this.port) s += ':' + this.port;
    if (this.path) s += this.getPath();
    if (this.query.count() && this.query.all().some(function (q) { return !q.disabled; })) s += '?' + this.getQueryString();
    if (typeof this.hash === 'string') s += '#' + this.hash;
    return s;
  };
  Url.prototype.toJSON = function () { return this.toString(); };
  Url.prototype.update = function (s) { var u = new Url(JSON.parse(host.parseURL(String(s)))); for (var k in u) if (Object.prototype.hasOwnProperty.call(u, k)) this[k] = u[k]; };
  Url.prototype.addQueryParams = function (params) { this.query.populate(params); };
  Url.prototype.removeQueryParams = function (params) {
    var self = this;
    (Array.isArray(params) ? params : [params]).forEach(function (p) { self.query.remove(typeof p === 'object' ? p.key : p); });
  };

  function makeRequest(data) {
    var req = {
      __pmRequest: true,
      id: data.id,
      name: data.name,
      method: data.method,
      headers: new PropertyList(data.headers, true),
      body: data.body,
      auth: data.auth
    };
    var url = new Url(data.url);
    Object.defineProperty(req, 'url', {
      enumerable: true,
      get: function () { return url; },
      set: function (v) { url = (v instanceof Url) ? v : new Url(JSON.parse(host.parseURL(String(v)))); }
    });
    req.addHeader = function (h) { req.headers.add(h); };
    req.removeHeader = function (k) { req.headers.remove(k); };
    req.upsertHeader = function (h) { req.headers.upsert(h); };
    req.addQueryParams = function (p) { url.addQueryParams(p); };
    req.removeQueryParams = function (p) { url.removeQueryParams(p); };
    req.toJSON = function () {
      return { method: req.method, url: url.toString(), header: req.headers.all(), body: req.body };
    };
    req.__export = function () {
      return { method: String(req.method), url: url.toString(), headers: req.headers.all() };
    };
    return req;
  }

  // ---- pm.response --------------------------------------------------------------------------------
  function makeResponse(data) {
    if (!data) return undefined;
    var text = data.body;
    var res = {
      __pmResponse: true,
      code: data.code,
      status: data.status,
      headers: new PropertyList(data.headers, true),
      responseTime: data.responseTime,
      responseSize: data.responseSize,
      cookies: new PropertyList([], false),
      text: function () { return text; },
      json: function () {
        try {
          return JSON.parse(text);
        } catch (e) {
          var err = new SyntaxError(e.message);
          err.name = 'JSONError';
          throw err;
        }
      },
      reason: function () { return data.status; },
      size: function () { return { body: data.responseSize, header: 0, total: data.responseSize }; },
      details: function () { return { code: data.code, name: data.status }; },
      toJSON: function () { return { code: data.code, status: data.status, header: res.headers.all(), body: text, responseTime: data.responseTime }; }
    };
    Object.defineProperty(res, 'to', { get: function () { return new Assertion(res).to; } });
    Object.defineProperty(res, 'body', { get: function () { return text; } });
    return res;
  }

  // ---- variable scopes -----------------------------------------------------------------------------
  function scope(name, writable) {
    var s = host.scope(name);
    var api = {
      get: function (k) { return s.get(String(k)); },
      has: function (k) { return s.has(String(k)); },
      toObject: function () { return s.toObject(); },
      replaceIn: function (t) { return host.replaceIn(String(t)); }
    };
    if (writable) {
      api.set = function (k, v) { s.set(String(k), v); };
      api.unset = function (k) { s.unset(String(k)); };
      api.clear = function () { s.clear(); };
    } else {
      api.set = function (k, v) { s.set(String(k), v); };
      api.unset = function (k) { s.unset(String(k)); };
    }
    return api;
  }

  var tests = [];
  var pm = {
    info: host.info,
    request: makeRequest(JSON.parse(host.request)),
    response: makeResponse(JSON.parse(host.response)),
    environment: scope('environment', true),
    collectionVariables: scope('collection', true),
    globals: scope('globals', true),
    iterationData: scope('data', false),
    variables: {
      get: function (k) { return host.varGet(String(k)); },
      has: function (k) { return host.varHas(String(k)); },
      set: function (k, v) { host.scope('local').set(String(k), v); },
      unset: function (k) { host.scope('local').unset(String(k)); },
      toObject: function () { return host.varObject(); },
      replaceIn: function (t) { return host.replaceIn(String(t)); }
    },
    expect: expect,
    execution: {
      skipRequest: function () {
        if (host.info.eventName !== 'prerequest') throw new Error('pm.execution.skipRequest() can only be called in a pre-request script');
        host.skip();
      },
      setNextRequest: function (n) { host.setNext(n === undefined ? null : n); },
      location: (function () { var l = [String(host.info.requestName)]; l.current = String(host.info.requestName); return l; })()
    },
    sendRequest: function () { throw new Error('pm.sendRequest is not available in the uccheck sandbox: scripts cannot reach the network'); },
    cookies: new PropertyList([], false),
    require: function (m) { throw new Error("pm.require('" + m + "') is not available in the uccheck sandbox"); },
    visualizer: { set: function () {}, clear: function () {} }
  };
  pm.environment.name = host.envName;

  pm.test = function (name, fn) {
    name = String(name);
    if (typeof fn !== 'function') {
      host.test(name, 'failed', 'pm.test("' + name + '") needs a function');
      return pm;
    }
    try {
      if (fn.length > 0) {
        var called = false, failure = null;
        fn(function (err) { called = true; if (err) failure = err; });
        if (!called) { host.test(name, 'failed', 'the test callback (done) was never called: the sandbox runs scripts synchronously'); return pm; }
        if (failure) { host.test(name, 'failed', failure && failure.message ? failure.message : String(failure)); return pm; }
      } else {
        fn();
      }
      host.test(name, 'passed', '');
    } catch (e) {
      host.test(name, 'failed', (e && e.name && e.name !== 'AssertionError' && e.name !== 'Error' ? e.name + ': ' : '') + (e && e.message !== undefined ? e.message : String(e)));
    }
    return pm;
  };
  pm.test.skip = function (name) { host.test(String(name), 'skipped', ''); return pm; };
  pm.test.index = function () { return host.testCount(); };

  // ---- console ---------------------------------------------------------------------------------------
  function fmt(args) {
    return Array.prototype.map.call(args, function (a) { return typeof a === 'string' ? a : inspect(a); }).join(' ');
  }
  var console = {};
  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    console[level] = function () { host.console(level, fmt(arguments)); };
  });

  // ---- legacy postman.* and globals used by older collections --------------------------------------
  var postman = {
    setNextRequest: function (n) { host.setNext(n === undefined ? null : n); },
    setEnvironmentVariable: function (k, v) { pm.environment.set(k, v); },
    getEnvironmentVariable: function (k) { return pm.environment.get(k); },
    clearEnvironmentVariable: function (k) { pm.environment.unset(k); },
    clearEnvironmentVariables: function () { pm.environment.clear(); },
    setGlobalVariable: function (k, v) { pm.globals.set(k, v); },
    getGlobalVariable: function (k) { return pm.globals.get(k); },
    clearGlobalVariable: function (k) { pm.globals.unset(k); },
    clearGlobalVariables: function () { pm.globals.clear(); },
    getResponseHeader: function (k) { return pm.response ? pm.response.headers.get(k) : undefined; }
  };
  var legacyTests = {};

  global.pm = pm;
  global.postman = postman;
  global.console = console;
  global.tests = legacyTests;
  global.environment = pm.environment.toObject();
  global.globals = pm.globals.toObject();
  global.data = pm.iterationData.toObject();
  global.iteration = host.info.iteration;
  global.request = { url: pm.request.url.toString(), method: pm.request.method, headers: pm.request.headers.toObject(), data: {} };
  if (pm.response) {
    global.responseBody = pm.response.text();
    global.responseCode = { code: pm.response.code, name: pm.response.status, detail: pm.response.status };
    global.responseHeaders = pm.response.headers.toObject();
    global.responseTime = pm.response.responseTime;
  }
  global.require = function (m) { throw new Error("require('" + m + "') is not available in the uccheck sandbox: scripts cannot load modules, files or the network"); };
  global.atob = function (s) { return host.atob(String(s)); };
  global.btoa = function (s) { return host.btoa(String(s)); };
  global.__uccheck_finish = function () {
    Object.keys(legacyTests).forEach(function (k) {
      host.test(k, legacyTests[k] ? 'passed' : 'failed', legacyTests[k] ? '' : 'expected ' + inspect(legacyTests[k]) + ' to be truthy');
    });
    return pm.request.__export();
  };
})(this, __host);
