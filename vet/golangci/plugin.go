package golangci

import (
	"fmt"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
	"github.com/leaklab/leaklab/vet/suite"
)

// Name is the linter's name in .golangci.yml.
const Name = "leaklab"

func init() { register.Plugin(Name, New) }

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	// Allowed also reports the findings a //leaklab:allow comment allows.
	Allowed bool `json:"allowed"`
}

// Plugin is the leaklab linter for golangci-lint.
type Plugin struct{ settings Settings }

// New decodes the settings golangci-lint passes.
func New(raw any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](raw)
	if err != nil {
		return nil, fmt.Errorf("leaklab settings: %w; the only setting is allowed: true|false", err)
	}
	return &Plugin{settings: s}, nil
}

// BuildAnalyzers returns every leaklab analyzer, with the settings applied.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	as := suite.Analyzers()
	if err := vetutil.SetAllowed(as, p.settings.Allowed); err != nil {
		return nil, err
	}
	return as, nil
}

// GetLoadMode asks for type information, which every analyzer needs.
func (p *Plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
