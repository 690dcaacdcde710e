package workload

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestVolumeType sets each source of VolumeSource in turn and expects its
// JSON name, so that a source added to the API is named without a change
// here.
func TestVolumeType(t *testing.T) {
	typ := reflect.TypeOf(corev1.VolumeSource{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		var v corev1.Volume
		reflect.ValueOf(&v.VolumeSource).Elem().Field(i).Set(reflect.New(f.Type.Elem()))
		want, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if got := volumeType(&v); got != want {
			t.Errorf("%s: volumeType %q, want %q", f.Name, got, want)
		}
	}
	if got := volumeType(&corev1.Volume{Name: "none"}); got != "" {
		t.Errorf("volume without a source: %q", got)
	}
}
