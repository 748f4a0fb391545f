// Command uccheck proves that a uContact tenant honours its documented API security contract.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

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
		<-signals // a second signal: exit at once
		os.Exit(int(code))
	}()
	os.Exit(int(cli.Main(os.Args[1:], cli.IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		Getenv:   os.LookupEnv,
		Context:  ctx,
		Terminal: term.IsTerminal(int(os.Stdout.Fd())),
	})))
}
