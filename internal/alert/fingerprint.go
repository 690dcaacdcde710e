package alert

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
)

// Fingerprint identifies repeats of one alert: it hashes the type and the
// entities in key order, and nothing else (not the time, count, evidence or
// status), so the same detection on the same things always gets the same
// fingerprint. Entities with an empty value count as absent. The result is
// the hex SHA-256, stable across releases because stored alerts are folded
// by it.
func Fingerprint(a Alert) string {
	var stack [512]byte
	b := appendField(stack[:0], a.Type)
	var keyStack [16]string
	keys := keyStack[:0]
	for k, v := range a.Entities {
		if v != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = appendField(appendField(b, k), a.Entities[k])
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// appendField writes s length-prefixed, so that no choice of keys and values
// (say a key holding a separator) can make two entity sets hash alike.
func appendField(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}
