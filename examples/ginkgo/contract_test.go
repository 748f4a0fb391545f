// Package contract_test shows how to run uccheck's contract checks inside a Ginkgo suite of your
// own: copy this file, point the target at your tenant, and run `go test`.
package contract_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/uccheck/uccheck/suites"
	"github.com/uccheck/uccheck/ucsim"
)

// TestContract is the suite's bootstrap: the usual Ginkgo RunSpecs.
func TestContract(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "uContact contract")
}

// The simulator stands in for a tenant here; against a real one, use its base URL and read the
// password from the environment (never from the source).
var sim = ucsim.New(ucsim.Options{})

var _ = AfterSuite(sim.Close)

// Every contract check, as specs of this suite.
var _ = suites.Describe(suites.Target{
	BaseURL:  sim.URL,
	User:     sim.User(),
	Password: sim.Password(),
	RootCAs:  sim.CertPool(),
}, suites.DescribeOptions{Args: []any{Label("contract")}})

// Your own specs live beside them as usual.
var _ = Describe("the simulator", func() {
	It("ended every session the checks opened", func() {
		Expect(sim.LiveSessions()).To(Equal(0))
	})
})
