package models

import _ "embed"

// DefaultName is the file name of the embedded default scenario.
const DefaultName = "balkans_donbas.yaml"

//go:embed balkans_donbas.yaml
var defaultScenario []byte

// Default returns the embedded default scenario.
func Default() (*Scenario, error) { return Parse(DefaultName, defaultScenario) }

// DefaultBytes returns the embedded default scenario's file.
func DefaultBytes() []byte { return defaultScenario }
