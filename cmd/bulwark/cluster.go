package main

import (
	"github.com/spf13/cobra"

	"github.com/bulwarksec/bulwark/internal/kube"
)

func newClusterCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Connect Kubernetes clusters to Bulwark",
	}
	cmd.AddCommand(newClusterRBACCommand())
	return cmd
}

func newClusterRBACCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rbac",
		Short: "Print the read-only ClusterRole Bulwark needs on a cluster",
		Long: `Print the ClusterRole Bulwark reads a cluster with: list and watch, and
nothing else, on exactly the resources it inventories, each rule with a
comment saying why. Bind it to the identity in the kubeconfig you give
Bulwark (or to its service account when it runs in the cluster).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return kube.WriteClusterRoleYAML(cmd.OutOrStdout())
		},
	}
}
