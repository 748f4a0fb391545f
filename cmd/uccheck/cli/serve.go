package cli

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/uccheck/uccheck/ucsim"
)

// ServeOptions are the options of `uccheck serve`.
type ServeOptions struct {
	User     string
	Password string
	Faults   []string
	CAFile   string
	Addr     string
	IO       IO
}

func newServeCmd(streams IO, runF func(*ServeOptions) error) *cobra.Command {
	o := &ServeOptions{IO: streams}
	join := func(fs []ucsim.Fault) string {
		names := make([]string, len(fs))
		for i, f := range fs {
			names[i] = string(f)
		}
		return strings.Join(names, ", ")
	}
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Run the built-in uContact simulator standalone, until interrupted",
		Long: `Serve starts the uContact simulator on 127.0.0.1 (HTTPS with HTTP/2, a fresh self-signed
certificate) and prints its URL, the CA file to trust and the demo credentials. Stop it with Ctrl-C.

--fault breaks one documented behaviour, to see its check fail (docs/checks.md names each):
  ` + join(ucsim.Faults) + `
or makes the server hostile, to see uccheck stay safe (docs/security.md):
  ` + join(ucsim.HostileFaults),
		Example: `  uccheck serve --fault token-first
  UCCHECK_PASSWORD=demo-password uccheck run --base-url https://127.0.0.1:PORT --ca-cert CAFILE --user Admin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd.Flags(), streams); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runServe(o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.User, "user", ucsim.DefaultUser, "the simulator's SuperUser name")
	f.StringVar(&o.Password, "password", ucsim.DefaultPassword, "the simulator's demo password (a demo value, not a secret)")
	f.StringArrayVar(&o.Faults, "fault", nil, "break one documented behaviour (`NAME`); repeatable")
	f.StringVar(&o.CAFile, "ca-file", "", "write the CA certificate to `FILE` (default: a temporary file)")
	f.StringVar(&o.Addr, "addr", "", "listen on this loopback `HOST:PORT` (default: 127.0.0.1 and a free port)")
	return cmd
}

func runServe(o *ServeOptions) error {
	var faults []ucsim.Fault
	for _, name := range o.Faults {
		f, err := ucsim.ParseFault(name)
		if err != nil {
			return usageErr("--fault: %v", err)
		}
		faults = append(faults, f)
	}
	if o.Addr != "" {
		host, _, err := net.SplitHostPort(o.Addr)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return usageErr("--addr %q: want a loopback HOST:PORT such as 127.0.0.1:8443 (the simulator prints its demo password)", o.Addr)
		}
		l, err := net.Listen("tcp", o.Addr)
		if err != nil {
			return usageErr("--addr: %v", err)
		}
		l.Close()
	}
	sim := ucsim.New(ucsim.Options{User: o.User, Password: o.Password, Faults: faults, Addr: o.Addr})
	defer sim.Close()
	caPath := "(none: plain HTTP)"
	if pem := sim.CAPEM(); pem != nil {
		path := o.CAFile
		if path == "" {
			dir, err := os.MkdirTemp("", "ucsim-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "ca.pem")
		}
		if err := os.WriteFile(path, pem, 0o644); err != nil {
			return usageErr("--ca-file: %v", err)
		}
		caPath = path
	}
	w := o.IO.Out
	fmt.Fprintf(w, "uContact simulator listening at %s\n", sim.URL)
	fmt.Fprintf(w, "  CA certificate: %s\n", caPath)
	fmt.Fprintf(w, "  demo user:      %s\n  demo password:  %s\n", sim.User(), sim.Password())
	if len(faults) > 0 {
		fmt.Fprintf(w, "  faults:         %v\n", o.Faults)
	}
	fmt.Fprintf(w, "Try: UCCHECK_PASSWORD=%s uccheck run --base-url %s --ca-cert %s --user %s\n", sim.Password(), sim.URL, caPath, sim.User())
	fmt.Fprintln(w, "Stop with Ctrl-C.")
	<-o.IO.ctx().Done()
	fmt.Fprintln(w, "simulator stopped")
	return nil
}
