package main

import (
	"fmt"

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
	root.AddCommand(newSBOMCommand(), newImageCommand(), newDBCommand(), newServeCommand(), newTokenCommand(), newPolicyCommand(),
		newAdmissionCommand(), newClusterCommand())
	argsAreUsage(root)
	return root
}

// argsAreUsage makes a wrong number of arguments, like a wrong flag, a
// usage error in cmd and every command below it; so is an unknown
// subcommand of a command that only groups others (without Args and RunE
// cobra prints help and exits 0, or reports a plain error, exit 1).
func argsAreUsage(cmd *cobra.Command) {
	if cmd.HasSubCommands() && cmd.RunE == nil && cmd.Run == nil {
		cmd.Args = cobra.ArbitraryArgs
		cmd.RunE = func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("unknown command %q for %q", args[0], c.CommandPath())}
			}
			return c.Help()
		}
	}
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		argsAreUsage(sub)
	}
}
