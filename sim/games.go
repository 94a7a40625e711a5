package sim

import "fmt"

// gameScratch is the working memory of the game protocols.
type gameScratch struct{}

func newGameScratch(*Model) gameScratch { return gameScratch{} }

// stepGame runs one round of a game protocol.
func (s *State) stepGame(t, r int) {}

// checkProtocols refuses tables whose protocol the engine cannot yet run.
func (c *compiler) checkProtocols() error {
	for t, tb := range c.m.tables {
		if tb.protocol != protoMediated && !tb.disabled {
			return fmt.Errorf("tables.%s: protocol %s is not implemented yet", c.m.Tables[t], c.s.Tables.Vals[t].Protocol)
		}
	}
	return nil
}
