package sim

import (
	"github.com/negsim/negsim/agents"
	"github.com/negsim/negsim/models"
)

// The validator reports an unknown proposer with its file and line.
func init() {
	models.CheckProposer = func(name string) error {
		_, err := agents.LookupProposer(name)
		return err
	}
}
