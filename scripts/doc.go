// Package scripts holds the repository's shell scripts (prerequisite checks, the
// sandbox launcher) and the Go helpers and tests that go with them; it exports no API.
package scripts
