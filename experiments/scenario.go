package experiments

import (
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
	// Judge sets the variant's Verdict and Meaning from its own symptom.
	Judge func(c Config, r *VariantResult)
}

// catalogue lists the scenarios in the order -list prints them.
var catalogue []Scenario

// Scenarios returns the catalogue.
func Scenarios() []Scenario { return append([]Scenario(nil), catalogue...) }

// Lookup finds a scenario by name.
func Lookup(name string) (Scenario, bool) {
	for _, s := range catalogue {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}
