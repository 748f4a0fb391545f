package collections

import "regexp"

// VarRef is uccheck's one {{...}} scanner: Postman's variable token {{name}}, the name (group 1)
// without braces and kept as written (spaces are part of it, as in Newman). The runner's
// resolver, inspect, the pre-flight checks and scrubbing use it.
var VarRef = regexp.MustCompile(`\{\{([^{}]*?)\}\}`)
