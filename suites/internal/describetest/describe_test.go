// Package describetest runs suites.Describe inside a Ginkgo suite of its own (Ginkgo runs one
// suite per process, and the suites package's tests run JudgeAll): against a simulator that
// breaks one behaviour, exactly that check's spec must fail, and no session stays open.
package describetest

import (
	"io"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/uccheck/uccheck/suites"
	"github.com/uccheck/uccheck/ucsim"
)

type fakeT struct{ failed bool }

func (t *fakeT) Fail() { t.failed = true }

func TestDescribeFailsExactlyTheBrokenCheck(t *testing.T) {
	sim := ucsim.New(ucsim.Options{Faults: []ucsim.Fault{ucsim.FaultTokenFirst}})
	defer sim.Close()
	suites.Describe(suites.Target{BaseURL: sim.URL, User: sim.User(), Password: sim.Password(), RootCAs: sim.CertPool()},
		suites.DescribeOptions{})
	var report types.Report
	ginkgo.ReportAfterSuite("describe", func(r types.Report) { report = r })
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	stdout := formatter.ColorableStdOut
	formatter.ColorableStdOut = io.Discard // the failure this test wants is not news
	defer func() { formatter.ColorableStdOut = stdout }()
	ft := &fakeT{}
	if ginkgo.RunSpecs(ft, "describe", suiteConfig, reporterConfig) || !ft.failed {
		t.Fatal("the suite passed against a simulator that puts the token first")
	}
	var failed []string
	n := 0
	for _, sr := range report.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		n++
		if sr.Failed() {
			failed = append(failed, sr.LeafNodeText)
		}
	}
	if n != len(suites.Checks) {
		t.Errorf("%d specs, want one per check (%d)", n, len(suites.Checks))
	}
	if len(failed) != 1 || !strings.HasPrefix(failed[0], "[login.token-last]") {
		t.Errorf("failed specs %q, want exactly [login.token-last]", failed)
	}
	if live := sim.LiveSessions(); live != 0 {
		t.Errorf("%d sessions left open", live)
	}
}
