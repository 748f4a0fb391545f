package suites

import (
	"strings"
	"testing"
)

func TestExcerptNeverCutsAWord(t *testing.T) {
	token := "QWRtaW46MTIzNDU2NzgtYWJjZC00ZGVmLThhYmMtMTIzNDU2Nzg5YWJj"
	tests := []struct {
		name, body, want string
	}{
		{"short body as it is", `["SuperUser","` + token + `"]`, ""},
		{"cut inside a token drops its piece",
			`[{"name":"Admin","phone":null,"user":"Admin"},"SuperUser","` + token + `"]`,
			"`[{\"name\":\"Admin\",\"phone\":null,\"user\":\"Admin\"},\"SuperUser\",\"`… (117 bytes)"},
		{"cut between words keeps the whole word",
			strings.Repeat("ab ", 26) + "cd efgh",
			"`" + strings.Repeat("ab ", 26) + "cd`… (85 bytes)"},
		{"one long word is not quoted at all", strings.Repeat("QWRt", 30), "… (120 bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Excerpt([]byte(tt.body), false)
			if tt.want == "" {
				tt.want = "`" + tt.body + "`"
			}
			if got != tt.want {
				t.Errorf("Excerpt:\n got %s\nwant %s", got, tt.want)
			}
			if strings.Contains(got, token[:16]) && !strings.Contains(got, token) {
				t.Errorf("Excerpt leaves a piece of the token: %s", got)
			}
		})
	}
}
