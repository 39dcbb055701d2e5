package sockcheck

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// gcHeadroom is how much the process may grow while collection is paused
// before the runtime collects anyway (through its memory limit), so that
// a failing check, which waits for Timeout, cannot exhaust memory.
const gcHeadroom = 512 << 20

// gcPause counts the checks that have paused garbage collection, so that
// parallel checks restore the settings once, when the last one ends.
var gcPause struct {
	sync.Mutex
	checks  int
	percent int
	limit   int64
}

// pauseGC stops garbage collection, up to gcHeadroom of growth, until the
// returned function is called. A net.Conn dropped without Close keeps its
// socket open until a collection runs its finalizer; a check allocates as
// it reads the socket table, and would otherwise trigger the collection
// that hides the leak it is looking for.
func pauseGC() (resume func()) {
	gcPause.Lock()
	defer gcPause.Unlock()
	if gcPause.checks == 0 {
		gcPause.percent = debug.SetGCPercent(-1)
		gcPause.limit = debug.SetMemoryLimit(-1)
		debug.SetMemoryLimit(min(gcPause.limit, int64(memoryInUse())+gcHeadroom))
	}
	gcPause.checks++
	return func() {
		gcPause.Lock()
		defer gcPause.Unlock()
		if gcPause.checks--; gcPause.checks == 0 {
			debug.SetGCPercent(gcPause.percent)
			debug.SetMemoryLimit(gcPause.limit)
		}
	}
}

// memoryInUse is the memory the runtime's memory limit counts: all it has
// mapped, less what it has returned to the system.
func memoryInUse() uint64 {
	m := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(m)
	return m[0].Value.Uint64() - m[1].Value.Uint64()
}
