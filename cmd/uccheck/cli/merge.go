package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/uccheck/uccheck/reports"
)

func newMergeCmd(streams IO) *cobra.Command {
	force := false
	cmd := &cobra.Command{
		Use:   "merge-reports OUT.xml IN.xml...",
		Short: "Combine JUnit reports (one per shard) into one",
		Long: `merge-reports combines the JUnit reports of several runs, such as the shards of a CI
matrix (--shard I/N), into one document with every target's <testsuite>, and writes it atomically.
It refuses to replace an OUT that is already a JUnit report (a forgotten OUT), unless --force.

Exit codes:
  0  merged
  2  an input is unreadable or not JUnit, or OUT would be overwritten, or cannot be written`,
		Example: `  uccheck merge-reports uccheck.xml shard-*/uccheck.xml`,
		Args:    cobra.MinimumNArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			if data, err := os.ReadFile(args[0]); err == nil && !force {
				if _, err := reports.MergeJUnit([][]byte{data}); err == nil {
					return usageErr("%s is already a JUnit report, and would be overwritten: is OUT missing (merge-reports OUT.xml IN.xml...)? Use --force to replace it", args[0])
				}
			}
			var files [][]byte
			for _, in := range args[1:] {
				data, err := os.ReadFile(in)
				if err != nil {
					return usageErr("%v", err)
				}
				if _, err := reports.MergeJUnit([][]byte{data}); err != nil {
					return usageErr("%s: %v", in, err)
				}
				files = append(files, data)
			}
			merged, err := reports.MergeJUnit(files)
			if err != nil {
				return usageErr("%v", err)
			}
			if err := reports.WriteFileAtomic(args[0], merged); err != nil {
				return usageErr("writing %s: %v", args[0], err)
			}
			fmt.Fprintf(streams.Out, "merged %d reports into %s\n", len(files), args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace OUT even when it is already a JUnit report")
	return cmd
}
