package experiments

import (
	"net/http"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/server"
)

// BodyNotDrained is the scenario of a response body closed before EOF.
const BodyNotDrained = "body-not-drained"

// BodyNotDrainedSize is the size of the body-not-drained servers' answers:
// bigger than the part the faulty client reads (clients.PrefixSize), and
// small enough to arrive whole in the Transport's 4 KiB read buffer. The
// unread rest is then in the client's memory, not the kernel's, so closing
// the connection sends a FIN and leaves TIME_WAIT on the client side. With
// a rest still in the kernel (bodies of tens of KiB), Linux answers the
// close with a reset and leaves no TIME_WAIT; the churn is the same.
const BodyNotDrainedSize = 2 << 10

func init() {
	register(Scenario{
		Name:      BodyNotDrained,
		Summary:   "resp.Body is closed before EOF; the Transport drops the connection, so every request dials",
		Symptom:   "dials per request near 1; client TIME_WAIT, one per request",
		Lesson:    "docs/03-body-not-drained.md",
		Requester: bodyNotDrainedRequester,
		Server: func(_ string, _ Config, sc *server.Config) {
			sc.BodySize = BodyNotDrainedSize
		},
		IdleBound: http.DefaultMaxIdleConnsPerHost,
		Columns:   []string{ColDialsPerRequest, ColChurned},
		Judge:     judgeChurn("closing a body before EOF makes the Transport drop its connection, since the rest of the answer is still unread"),
	})
}

// bodyNotDrainedRequester builds both variants on a pool sized to the
// load, so that draining the body is the only difference between them
// (with Go's default pool of 2 the fixed one would churn too: see
// idle-pool-too-small).
func bodyNotDrainedRequester(variant string, c Config) clients.Requester {
	cfg := clients.PoolConfig{MaxIdleConnsPerHost: poolFor(c), Timeout: FixedTimeout(c.Delay)}
	if variant == clients.Faulty {
		return clients.NewUndrainedBody(cfg)
	}
	return clients.NewDrainedBody(cfg)
}
