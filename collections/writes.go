package collections

import (
	"strings"
	"unicode"
)

// WriteWords are the words that, in an item's URL path or name, suggest that the request
// changes something (places a call, sends a message, records a disposition, feeds a dialer,
// uploads, creates or deletes). uccheck never sends such an item; `uccheck inspect` flags them
// among the items a run leaves out. The list is documented in docs/collections.md#writes: keep
// both in step. A word matches a whole word of the path or name (camelCase and separators split
// words), or that word with "s", "es" or "ed" after it.
var WriteWords = []string{
	// telephony
	"call", "dial", "dialer", "originate", "hangup", "transfer", "redirect", "spy", "whisper", "barge",
	// messages
	"sms", "send", "message", "email", "mail", "whatsapp", "chat", "notify",
	// dispositions and scheduling
	"disposition", "dispose", "schedule", "callback", "reschedule",
	// data
	"upload", "import", "create", "insert", "add", "new", "update", "edit", "modify", "set", "save",
	"put", "post", "delete", "remove", "del", "clear", "purge", "reset", "cancel",
	// agent and campaign state
	"pause", "unpause", "login", "logoff", "logout", "kick", "start", "stop", "enable", "disable", "assign",
}

// writeMethods are HTTP methods that change something whatever the path says (uContact's
// Integra API uses POST for reads too, so POST alone says nothing).
var writeMethods = map[string]bool{"PUT": true, "PATCH": true, "DELETE": true}

// WriteHint returns why an item looks like a write: `method DELETE`, or `"sms" in the path` /
// `"call" in the name`; "" when nothing suggests one.
func WriteHint(it *Item) string {
	if writeMethods[it.Method] {
		return "method " + it.Method
	}
	if w := writeWordIn(it.URLPath()); w != "" {
		return `"` + w + `" in the path`
	}
	if w := writeWordIn(it.Name()); w != "" {
		return `"` + w + `" in the name`
	}
	return ""
}

func writeWordIn(s string) string {
	for _, word := range splitWords(s) {
		for _, w := range WriteWords {
			if word == w || word == w+"s" || word == w+"es" || word == w+"ed" {
				return w
			}
		}
	}
	return ""
}

// splitWords splits "Dialer/addNumbersToCampaign send_SMS" into lower-case words: dialer, add,
// numbers, to, campaign, send, sms.
func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && len(cur) > 0 && (unicode.IsLower(cur[len(cur)-1]) ||
			(i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(cur[len(cur)-1]))):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}
