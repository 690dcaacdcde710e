package workload

import (
	"context"
	"strings"

	"github.com/bulwarksec/bulwark/internal/finding"
	"github.com/bulwarksec/bulwark/internal/policy"
	storagev1 "k8s.io/api/storage/v1"
)

// enforceCSIDriver implements Azure Policy's "Kubernetes clusters should
// use Container Storage Interface(CSI) driver StorageClass" (template
// enforce-csi-driver v1): a StorageClass must not use an in-tree
// provisioner. Azure lists its own two (kubernetes.io/azure-disk and
// azure-file); every in-tree provisioner is named kubernetes.io/<plugin>,
// so all of them fail here, except kubernetes.io/no-provisioner, which
// provisions nothing (local volumes).
var enforceCSIDriver = &policy.Rule{
	ID:       "k8s.enforceCSIDriver",
	Title:    "Kubernetes clusters should use Container Storage Interface(CSI) driver StorageClass",
	Severity: finding.SeverityLow,
	Rationale: "In-tree volume plugins are deprecated and being removed; they no longer get fixes, and claims on " +
		"them stop provisioning once the plugin is gone.",
	Remediation: "Use the CSI driver's provisioner (disk.csi.azure.com, ebs.csi.aws.com, pd.csi.storage.gke.io, ...).",
	References: policy.References{
		Azure: "4f3823b6-6dac-4b5a-9c61-ce1afb829f17",
		URLs:  []string{"https://aka.ms/aks-csi-driver", "https://kubernetes.io/docs/concepts/storage/storage-classes/#provisioner"},
	},
	Effect: policy.EffectAudit,
	Kinds:  []string{"StorageClass"},
	Check: func(_ context.Context, in *policy.Input) ([]policy.Violation, error) {
		sc := in.Object.Typed.(*storagev1.StorageClass)
		if !strings.HasPrefix(sc.Provisioner, "kubernetes.io/") || sc.Provisioner == "kubernetes.io/no-provisioner" {
			return nil, nil
		}
		return []policy.Violation{{Path: "provisioner",
			Message: "StorageClass " + sc.Name + " uses the in-tree provisioner " + sc.Provisioner}}, nil
	},
}
