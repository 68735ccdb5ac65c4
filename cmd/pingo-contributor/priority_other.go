//go:build !linux

package main

// lowPriority is a no-op where per-thread nice is not available; --cores
// and --duty still bound the load.
func lowPriority() {}
