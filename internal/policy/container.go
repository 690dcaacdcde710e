package policy

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// ContainerType says which list of the pod spec a container is in.
type ContainerType string

// The container lists of a pod spec, named by their JSON field.
const (
	Regular   ContainerType = "containers"
	Init      ContainerType = "initContainers"
	Ephemeral ContainerType = "ephemeralContainers"
)

// Container is one container of a pod with where it sits.
type Container struct {
	*corev1.Container
	Type  ContainerType
	Index int
	// Path is the container's field path ("spec.containers[1]").
	Path string
}

// Field returns the path of a field of the container ("securityContext.privileged").
func (c Container) Field(sub string) string { return c.Path + "." + sub }

// AllContainers lists every container of the pod, init containers first,
// then regular and ephemeral ones, each with its path. Ephemeral
// containers are converted to Container: the types share their fields.
func (p *Pod) AllContainers() []Container {
	p.once.Do(func() { p.containers = p.listContainers() })
	return p.containers
}

// listContainers builds AllContainers' list once per object: every rule
// reads it, and building paths per rule was a fifth of a review's time.
func (p *Pod) listContainers() []Container {
	s := p.Spec
	out := make([]Container, 0, len(s.InitContainers)+len(s.Containers)+len(s.EphemeralContainers))
	for i := range s.InitContainers {
		out = append(out, p.container(&s.InitContainers[i], Init, i))
	}
	for i := range s.Containers {
		out = append(out, p.container(&s.Containers[i], Regular, i))
	}
	for i := range s.EphemeralContainers {
		c := corev1.Container(s.EphemeralContainers[i].EphemeralContainerCommon)
		out = append(out, p.container(&c, Ephemeral, i))
	}
	return out
}

func (p *Pod) container(c *corev1.Container, t ContainerType, i int) Container {
	return Container{Container: c, Type: t, Index: i, Path: p.SpecPath + "." + string(t) + "[" + strconv.Itoa(i) + "]"}
}
