package testbed

import "testing"

func TestAlpineAPK(t *testing.T) {
	apk := AlpineAPK(t)
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.1.1d-r0", "1.1.1d-r3", -1},
		{"1.30.1-r10", "1.30.1-r2", 1},
		{"1.0_rc1-r0", "1.0-r0", -1},
		{"2.4.41-r0", "2.4.41-r0", 0},
	} {
		for range 2 { // the second answer comes from memory
			if got, err := apk.Compare(tc.a, tc.b); err != nil || got != tc.want {
				t.Errorf("Compare(%q, %q) = %d, %v; want %d", tc.a, tc.b, got, err, tc.want)
			}
		}
		if got, _ := apk.Compare(tc.b, tc.a); got != -tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
	}
}
