// Package e2e holds end-to-end tests that run Bulwark against the real
// components of the shared test bed: a Docker engine, the distribution
// registry and Debian root file systems. They skip under -short.
package e2e
