package golangci_test

import (
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/leaklab/leaklab/vet/golangci"
	"github.com/leaklab/leaklab/vet/suite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPluginRegistered(t *testing.T) {
	newPlugin, err := register.GetPlugin(golangci.Name)
	require.NoError(t, err)
	p, err := newPlugin(map[string]any{"allowed": true})
	require.NoError(t, err)
	as, err := p.BuildAnalyzers()
	require.NoError(t, err)
	assert.Len(t, as, len(suite.Analyzers()))
	for _, a := range as {
		assert.Equal(t, "true", a.Flags.Lookup("allowed").Value.String(), a.Name)
	}
	assert.Equal(t, register.LoadModeTypesInfo, p.GetLoadMode())
	p, err = newPlugin(map[string]any{})
	require.NoError(t, err)
	_, err = p.BuildAnalyzers()
	require.NoError(t, err)
	for _, a := range as {
		assert.Equal(t, "false", a.Flags.Lookup("allowed").Value.String(), "settings reset it: %s", a.Name)
	}
}

func TestPluginRejectsUnknownSettings(t *testing.T) {
	newPlugin, err := register.GetPlugin(golangci.Name)
	require.NoError(t, err)
	_, err = newPlugin(map[string]any{"allow": true})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "allowed: true|false")
}
