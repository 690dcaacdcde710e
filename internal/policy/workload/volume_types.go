package workload

import (
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// volumeType returns the JSON name of a volume's source ("emptyDir",
// "hostPath", "persistentVolumeClaim"), the name Azure Policy and PSP
// list volume types by; "" for a volume without a source. The API server
// admits exactly one source per volume.
func volumeType(v *corev1.Volume) string {
	src := reflect.ValueOf(&v.VolumeSource).Elem()
	for i := 0; i < src.NumField(); i++ {
		if f := src.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			name, _, _ := strings.Cut(src.Type().Field(i).Tag.Get("json"), ",")
			return name
		}
	}
	return ""
}
