package kube

import "time"

// Snapshot is the inventory at one moment: every slice is sorted and
// owned by the caller.
type Snapshot struct {
	// Generation grows with every change the watcher applied, so a
	// reader can tell whether anything moved since its last snapshot.
	Generation uint64
	Cluster    Cluster
	Nodes      []Node
	Namespaces []Namespace
	Workloads  []Workload
	Images     []RunningImage
	// Tombstones are the objects deleted since the watcher started (the
	// most recent maxTombstones), kept for the alert and audit history;
	// they are in no other list.
	Tombstones []Tombstone
}

// Connection states of a cluster.
const (
	StateConnecting   = "connecting"   // first lists not complete
	StateConnected    = "connected"    // every resource listed and watched
	StateDegraded     = "degraded"     // some resources fail (often permissions)
	StateDisconnected = "disconnected" // every resource fails
)

// Cluster is the cluster's own entry.
type Cluster struct {
	ServerVersion string
	NodeCount     int
	State         string
	// LastError is the most recent failure of a resource still failing,
	// at LastErrorAt; Errors has every failing resource's.
	LastError   string
	LastErrorAt time.Time
	Errors      []ResourceError
}

// ResourceError is the last list or watch failure of one resource.
type ResourceError struct {
	Resource string
	Error    string
	At       time.Time
}

// Node is one node of the cluster.
type Node struct {
	Name                                                                   string
	KubeletVersion, OSImage, ContainerRuntime, KernelVersion, Architecture string
	// Roles come from node-role.kubernetes.io/<role> labels.
	Roles      []string
	Conditions []Condition
	Created    time.Time
}

// Condition is one node condition (Ready, MemoryPressure, ...).
type Condition struct {
	Type, Status, Reason, Message string
	Since                         time.Time
}

// Namespace is one namespace.
type Namespace struct {
	Name, Phase string
	Labels      map[string]string
	Created     time.Time
}

// Workload is a top controller (Deployment, StatefulSet, DaemonSet,
// CronJob, a Job or ReplicaSet of its own, ReplicationController, an
// unwatched custom controller) or a bare pod, with the pods it runs.
type Workload struct {
	Ref
	// Watched is false for a top controller Bulwark only knows from its
	// pods' owner references (a custom resource such as an Argo Rollout).
	Watched bool
	Created time.Time
	Pods    []Pod
}

// Pod is one pod of a workload.
type Pod struct {
	Name, Phase, Node string
	// Chain is the pod and its controllers up to the workload.
	Chain      []Ref
	Containers []Container
}

// Container types, as the pod spec lists them.
const (
	ContainerInit      = "init"
	ContainerApp       = "app"
	ContainerEphemeral = "ephemeral"
)

// Container is one container of a pod: the image it asked for and, once
// started, the digest it runs.
type Container struct {
	Name, Type string
	// Image is the spec's image ("nginx:1.27").
	Image string
	// ImageID is the digest from the status; zero before the container
	// started. ImageIDError says why a non-empty imageID was not
	// understood.
	ImageID      ImageRef
	ImageIDError string
}

// RunningImage is one image by digest and where it runs.
type RunningImage struct {
	ImageRef
	Uses []ImageUse
}

// ImageUse is one container running an image.
type ImageUse struct {
	Workload             Ref
	Pod, Container, Type string
}

// Tombstone is an object deleted while watched.
type Tombstone struct {
	Ref
	Deleted time.Time
}
