package runner

import "testing"

// TestAttackRebaseLooksForIntegraInThePathOnly: an /Integra/ or a "://" in the query or the
// fragment is data, not where the path starts: the item's own path is kept (before, an item
// to /a?next=/Integra/resources/auth/EndSession was sent to EndSession).
func TestAttackRebaseLooksForIntegraInThePathOnly(t *testing.T) {
	for _, tt := range []struct{ raw, want string }{
		{"https://x/a?next=/Integra/resources/auth/EndSession", "https://t:1/a?next=/Integra/resources/auth/EndSession"},
		{"https://x/a#/Integra/b", "https://t:1/a#/Integra/b"},
		{"x/Integra/a?next=https://y/Integra/b", "https://t:1/Integra/a?next=https://y/Integra/b"},
		{"x/a?next=https://y/b", "https://t:1/a?next=https://y/b"},
		{"https://x/p/Integra/a?q=/Integra/b", "https://t:1/Integra/a?q=/Integra/b"},
	} {
		if got, err := rebase(tt.raw, "https://t:1"); err != nil || got != tt.want {
			t.Errorf("rebase(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
}
