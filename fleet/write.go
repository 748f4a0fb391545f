package fleet

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/uccheck/uccheck/reports"
)

// writeReports writes every report asked for, each atomically, even when checks failed.
func (f *fleet) writeReports(greport types.Report, fl *reports.Fleet) error {
	o := f.o
	var errs []string
	write := func(flag, path string, render func() ([]byte, error)) {
		if path == "" {
			return
		}
		data, err := render()
		if err == nil {
			err = reports.WriteFileAtomic(path, data)
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s %s: %v", flag, path, err))
		}
	}
	write("--junit", o.JUnit, func() ([]byte, error) { return reports.JUnitFleet(greport, fl) })
	write("--json", o.JSON, func() ([]byte, error) { return reports.JSON(fl) })
	write("--html", o.HTML, func() ([]byte, error) { return reports.HTML(fl) })
	if path, ok := o.io.getenv("GITHUB_STEP_SUMMARY"); ok && path != "" {
		if err := appendFile(path, reports.Markdown(fl)); err != nil {
			errs = append(errs, fmt.Sprintf("GITHUB_STEP_SUMMARY %s: %v", path, err))
		}
	}
	if len(errs) > 0 {
		return &UsageError{Err: fmt.Errorf("writing reports: %s", strings.Join(errs, "; "))}
	}
	return nil
}

func appendFile(path string, data []byte) error {
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := fh.Write(data); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// checkReportPaths refuses, before anything is sent, report paths that cannot be written: a
// folder that does not exist or does not take a file, or a path that is a folder.
func (o *Options) checkReportPaths() error {
	inputs := []struct{ flag, path string }{{"--domains-file", o.DomainsFile}, {"--environment", o.Environment},
		{"--globals", o.Globals}, {"--iteration-data", o.IterationData}, {"--password-file", o.PasswordFile},
		{"--api-token-file", o.APITokenFile}, {"--ca-cert", o.CACert}}
	for _, c := range o.Collections {
		inputs = append(inputs, struct{ flag, path string }{"--collection", c})
	}
	var earlier []struct{ flag, path string }
	for _, r := range []struct{ flag, path string }{{"--junit", o.JUnit}, {"--json", o.JSON}, {"--html", o.HTML}} {
		if r.path == "" {
			continue
		}
		for _, e := range earlier {
			if samePath(r.path, e.path) {
				return usageErr("%s %s: also the path of %s; give each report its own file", r.flag, r.path, e.flag)
			}
		}
		earlier = append(earlier, r)
		for _, in := range inputs {
			if in.path != "" && samePath(r.path, in.path) {
				return usageErr("%s %s: is %s, which the run reads; give the report its own file", r.flag, r.path, in.flag)
			}
		}
		if fi, err := os.Stat(r.path); err == nil && fi.IsDir() {
			return usageErr("%s %s: is a folder; give a file name", r.flag, r.path)
		}
		if fi, err := os.Stat(filepath.Dir(r.path)); err != nil || !fi.IsDir() {
			return usageErr("%s %s: folder %s does not exist", r.flag, r.path, filepath.Dir(r.path))
		}
		// A new or regular file is written through a temporary file beside it: the folder must
		// take one. A symlink, FIFO or device is written through, whatever its folder allows.
		if fi, err := os.Lstat(r.path); err == nil && !fi.Mode().IsRegular() {
			continue
		}
		probe, err := os.CreateTemp(filepath.Dir(r.path), ".uccheck-probe-*")
		if err != nil {
			return usageErr("%s %s: cannot write in folder %s: %v", r.flag, r.path, filepath.Dir(r.path), err)
		}
		probe.Close()
		os.Remove(probe.Name())
	}
	return nil
}

// samePath reports whether two paths name one file: the same clean path, or (both existing) the
// same file through links.
// A FIFO or a device (/dev/stdout) takes every report written into it.
func samePath(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if (errA == nil && !fa.Mode().IsRegular()) || (errB == nil && !fb.Mode().IsRegular()) {
		return false
	}
	return filepath.Clean(a) == filepath.Clean(b) || (errA == nil && errB == nil && os.SameFile(fa, fb))
}
