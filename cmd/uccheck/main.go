// Command uccheck proves that a uContact tenant honours its documented API security contract.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/uccheck/uccheck/cmd/uccheck/cli"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		first := <-signals
		code := cli.ExitInterrupted
		if first == syscall.SIGTERM {
			code = cli.ExitTerminated
		}
		cancel(&cli.InterruptCause{Signal: first.String(), Code: code})
		at := time.Now()
		for range signals {
			// A second signal exits at once, but not its echo: timeout(1) and terminals send one
			// to the process and one to its group within a moment.
			if time.Since(at) > time.Second {
				os.Exit(int(code))
			}
		}
	}()
	os.Exit(int(cli.Main(os.Args[1:], cli.IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		Getenv:   os.LookupEnv,
		Context:  ctx,
		Terminal: term.IsTerminal(int(os.Stdout.Fd())),
	})))
}
