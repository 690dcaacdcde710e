package kube

import (
	corev1 "k8s.io/api/core/v1"
)

// addPod files a pod under its top controller and its images under
// the running images. Pods that finished (Succeeded, Failed) stay in their
// workload but run nothing.
func (b *builder) addPod(e entry, p *corev1.Pod) {
	chain := Chain(refOf(e), b.controllerOf)
	top := chain[len(chain)-1]
	pod := Pod{Name: p.Name, Phase: string(p.Status.Phase), Node: p.Spec.NodeName, Chain: chain, Containers: containersOf(p)}
	w := b.workload(top)
	w.Pods = append(w.Pods, pod)
	if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return
	}
	for _, c := range pod.Containers {
		if c.ImageID.Digest != "" {
			b.use(c.ImageID, ImageUse{Workload: top, Pod: p.Name, Container: c.Name, Type: c.Type})
		}
	}
}

// use records that a container runs img.
func (b *builder) use(img ImageRef, u ImageUse) {
	key := img.String()
	ri, ok := b.images[key]
	if !ok {
		ri = &RunningImage{ImageRef: img}
		b.images[key] = ri
	}
	ri.Uses = append(ri.Uses, u)
}

// containersOf lists a pod's init, app and ephemeral containers with the
// digests its status reports for them.
func containersOf(p *corev1.Pod) []Container {
	var out []Container
	add := func(typ string, name, image string, statuses []corev1.ContainerStatus) {
		c := Container{Name: name, Type: typ, Image: image}
		if id := statusImageID(statuses, name); id != "" {
			ref, err := ParseImageID(id)
			if err != nil {
				c.ImageIDError = err.Error()
			}
			c.ImageID = ref
		}
		out = append(out, c)
	}
	for _, c := range p.Spec.InitContainers {
		add(ContainerInit, c.Name, c.Image, p.Status.InitContainerStatuses)
	}
	for _, c := range p.Spec.Containers {
		add(ContainerApp, c.Name, c.Image, p.Status.ContainerStatuses)
	}
	for _, c := range p.Spec.EphemeralContainers {
		add(ContainerEphemeral, c.Name, c.Image, p.Status.EphemeralContainerStatuses)
	}
	return out
}

// statusImageID is the imageID the status reports for container name.
func statusImageID(statuses []corev1.ContainerStatus, name string) string {
	for _, s := range statuses {
		if s.Name == name {
			return s.ImageID
		}
	}
	return ""
}
