package testutil

import (
	"encoding/xml"
	"os"
	"testing"
)

// JUnit is an independent reader of the JUnit XML uccheck writes (decode what we emit): it is
// written from the JUnit schema, not from package reports.
type JUnit struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Disabled int          `xml:"disabled,attr"`
	Suites   []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is one <testsuite>: one target of a run.
type JUnitSuite struct {
	Name       string          `xml:"name,attr"`
	Package    string          `xml:"package,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       float64         `xml:"time,attr"`
	Properties []JUnitProperty `xml:"properties>property"`
	Cases      []JUnitCase     `xml:"testcase"`
}

// JUnitProperty is a name/value pair of a suite or a test case.
type JUnitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// JUnitCase is one <testcase> with at most one of failure, error and skipped.
type JUnitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Status     string          `xml:"status,attr"`
	Time       float64         `xml:"time,attr"`
	Properties []JUnitProperty `xml:"properties>property"`
	Failure    *JUnitMessage   `xml:"failure"`
	Error      *JUnitMessage   `xml:"error"`
	Skipped    *JUnitMessage   `xml:"skipped"`
	SystemOut  string          `xml:"system-out"`
}

// JUnitMessage is the body of a failure, error or skipped element.
type JUnitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// ParseJUnit decodes a JUnit report.
func ParseJUnit(data []byte) (*JUnit, error) {
	var doc JUnit
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// ReadJUnit reads and decodes the JUnit report at path, failing the test when it is missing or
// does not parse.
func ReadJUnit(tb testing.TB, path string) *JUnit {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("the JUnit report: %v", err)
	}
	doc, err := ParseJUnit(data)
	if err != nil {
		tb.Fatalf("the JUnit report does not parse: %v\n%s", err, data)
	}
	return doc
}
