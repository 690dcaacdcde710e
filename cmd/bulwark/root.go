package main

import (
	"github.com/spf13/cobra"
)

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "bulwark",
		Short:         "Container security: image scanning, hardening, run-time protection",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newSBOMCommand(), newImageCommand(), newDBCommand(), newServeCommand(), newTokenCommand())
	return root
}
