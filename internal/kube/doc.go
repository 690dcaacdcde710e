// Package kube reads a Kubernetes cluster for the platform: it connects
// with a kubeconfig or in-cluster credentials, checks that Bulwark may list
// and watch what it inventories, and keeps an in-memory inventory (nodes,
// namespaces, workloads with their owner chains, running images by digest)
// current through shared informers. It never writes to the cluster and
// never touches the store: the platform reads Snapshot and reacts to
// Changes.
package kube
