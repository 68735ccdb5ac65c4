package main

import (
	"os"
	"strconv"
	"syscall"
)

// lowPriority sets nice 19 on every thread of the process (Linux nice
// values are per thread; threads the runtime starts later inherit it from
// the thread that creates them), so contributing never competes with the
// machine owner's work.
func lowPriority() {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		_ = syscall.Setpriority(syscall.PRIO_PROCESS, 0, 19)
		return
	}
	for _, t := range tasks {
		if tid, err := strconv.Atoi(t.Name()); err == nil {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, 19)
		}
	}
}
