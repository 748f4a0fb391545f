package fleet

import (
	"fmt"
	"io"
)

// UsageError is an error of the run's options or local files (a bad flag value, an unreadable
// collection, no password, a report that cannot be written): nothing, or not everything, was done.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErr(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// Streams is what a run may touch of its process: standard input (--password-stdin), the console
// and the environment.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
	// Getenv looks up an environment variable; nil means an empty environment.
	Getenv func(string) (string, bool)
	// Terminal says that Out is a terminal: colours (unless NoColor) and a progress line.
	Terminal bool
}

func (s Streams) getenv(k string) (string, bool) {
	if s.Getenv == nil {
		return "", false
	}
	return s.Getenv(k)
}
