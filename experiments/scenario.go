package experiments

import (
	"slices"
	"strings"
	"time"

	"github.com/leaklab/leaklab/clients"
	"github.com/leaklab/leaklab/server"
)

// Verdicts.
const (
	Leaking = "LEAKING"
	Bounded = "BOUNDED"
)

// Scenario is one entry of the catalogue: a way Go programs leak or churn
// connections, as a faulty and a fixed variant run side by side.
type Scenario struct {
	// Name is what -scenario takes, e.g. "new-client-per-request".
	Name string
	// Summary says in one line what the faulty variant gets wrong.
	Summary string
	// Symptom names the counter that shows the faulty variant, e.g.
	// "client ESTABLISHED after the load".
	Symptom string
	// Lesson is the path of the scenario's lesson under docs/.
	Lesson string
	// Requester builds the client of a variant (Faulty or Fixed).
	Requester func(variant string, c Config) clients.Requester
	// Server adjusts the server of a variant; nil keeps the default one.
	Server func(variant string, c Config, sc *server.Config)
	// IdleBound is how many idle connections a correct client may keep.
	IdleBound int
	// Wait is W of Little's law for the scenario: how long a correct
	// variant holds a connection for one request. nil: the server's delay.
	Wait func(c Config) time.Duration
	// Columns names the table columns, beyond the common ones, that show
	// the symptom (keys of the column catalogue in render.go).
	Columns []string
	// Judge sets the variant's Verdict and Meaning from its own symptom.
	Judge func(c Config, r *VariantResult)
}

// Bound is what Little's law predicts for a correct variant of the
// scenario, with W from Wait.
func (s Scenario) Bound(c Config) Bound {
	if s.Wait != nil {
		c.Delay = s.Wait(c)
	}
	return NewBound(c, s.IdleBound)
}

// catalogue lists the scenarios in the order -list prints them: the order
// of their lessons (docs/01-..., docs/02-...).
var catalogue []Scenario

// register adds a scenario to the catalogue and keeps it in lesson order,
// whatever the order the files' init functions run in.
func register(s Scenario) {
	catalogue = append(catalogue, s)
	slices.SortStableFunc(catalogue, func(a, b Scenario) int { return strings.Compare(a.Lesson, b.Lesson) })
}

// Scenarios returns the catalogue.
func Scenarios() []Scenario { return append([]Scenario(nil), catalogue...) }

// Lookup finds a scenario by name. Its Requester labels the goroutines of
// every request (see labelled), so that each variant's goroutines can be
// counted apart.
func Lookup(name string) (Scenario, bool) {
	for _, s := range catalogue {
		if s.Name == name {
			return s.labelled(), true
		}
	}
	return Scenario{}, false
}

func (s Scenario) labelled() Scenario {
	build := s.Requester
	s.Requester = func(variant string, c Config) clients.Requester {
		return withLabel(s.Name, variant, build(variant, c))
	}
	return s
}
