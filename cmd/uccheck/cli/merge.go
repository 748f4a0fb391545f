package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/uccheck/uccheck/reports"
)

func newMergeCmd(streams IO) *cobra.Command {
	return &cobra.Command{
		Use:   "merge-reports OUT.xml IN.xml...",
		Short: "Combine JUnit reports (one per shard) into one",
		Long: `merge-reports combines the JUnit reports of several runs, such as the shards of a CI
matrix (--shard I/N), into one document with every target's <testsuite>, and writes it atomically.`,
		Example: `  uccheck merge-reports uccheck.xml shard-*/uccheck.xml`,
		Args:    cobra.MinimumNArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			var files [][]byte
			for _, in := range args[1:] {
				data, err := os.ReadFile(in)
				if err != nil {
					return usageErr("%v", err)
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
}
