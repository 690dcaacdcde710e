package sample

import "testing"

func TestPasses(t *testing.T) { t.Log("fine") }

func TestFails(t *testing.T) { t.Error("expected 2, got 3") }

func TestSkipsComponent(t *testing.T) {
	t.Log("looking for PostgreSQL")
	t.Skip("UNAVAILABLE PostgreSQL: initdb not found\nsecond line")
}

func TestSubtests(t *testing.T) {
	t.Run("short", func(t *testing.T) { t.Skip("integration test: skipped with -short") })
	t.Run("runs", func(t *testing.T) {})
}
