package experiments

import (
	"net/http"

	"github.com/leaklab/leaklab/clients"
)

// IdlePoolTooSmall is the scenario of an idle pool smaller than the
// concurrency.
const IdlePoolTooSmall = "idle-pool-too-small"

func init() {
	register(Scenario{
		Name:      IdlePoolTooSmall,
		Summary:   "MaxIdleConnsPerHost left at Go's default of 2 under λ·W concurrent requests; connections churn",
		Symptom:   "dials per request well above 0; client TIME_WAIT grows while ESTABLISHED stays flat",
		Lesson:    "docs/05-idle-pool-too-small.md",
		Requester: idlePoolRequester,
		IdleBound: http.DefaultMaxIdleConnsPerHost,
		Columns:   []string{ColDialsPerRequest, ColChurned},
		Judge:     judgeChurn("whenever more than 2 requests finish together the pool is full, and the Transport closes each connection it cannot park"),
	})
}

// idlePoolRequester builds a client with Go's default pool (faulty) or a
// pool sized to the most requests the load can have in flight (fixed).
func idlePoolRequester(variant string, c Config) clients.Requester {
	if variant == clients.Faulty {
		return clients.NewSmallPool(FixedTimeout(c.Delay))
	}
	return clients.NewSizedPool(poolFor(c), FixedTimeout(c.Delay))
}
