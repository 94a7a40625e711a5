package models

import "go.yaml.in/yaml/v3"

// Scenario is one negotiation: who takes part, over what, under which rules.
type Scenario struct {
	// SchemaVersion is the version of the file format (SchemaVersion);
	// 0 when the file does not state it, which is read as 1.
	SchemaVersion int    `yaml:"schema_version"`
	Name          string `yaml:"name"`
	Description   string `yaml:"description"`
	Horizon       int    `yaml:"horizon"` // rounds; one round is one month in the default scenario
	// DefaultVariant is the variant that single-replicate commands (negsim
	// run, negsim scenario) show when none is asked for; empty means the
	// base. Batches without --variant run the base and every variant.
	DefaultVariant string           `yaml:"default_variant"`
	Sources        Map[string]      `yaml:"sources"` // citable documents: file name -> title
	Actors         Map[Actor]       `yaml:"actors"`
	Issues         Map[Issue]       `yaml:"issues"`
	Tables         Map[Table]       `yaml:"tables"`
	Institutions   Map[Institution] `yaml:"institutions"`
	Linkages       Map[Linkage]     `yaml:"linkages"`
	Shocks         Map[Shock]       `yaml:"shocks"`
	Outcomes       Map[Outcome]     `yaml:"outcomes"`
	Variants       Map[Variant]     `yaml:"variants"`

	// File is the path the scenario was read from; Variant names the overlay
	// applied, empty for the base scenario.
	File    string     `yaml:"-"`
	Variant string     `yaml:"-"`
	root    *yaml.Node // the base document, for variant overlays
	raw     []byte
}

// Actor is a negotiating party or a veto player.
type Actor struct {
	Label string `yaml:"label"`
	// Power is the actor's capability weight: it scales how far a mediator's
	// target package leans to the actor, and its vote in majority rules.
	Power Param `yaml:"power"`
	// Positions holds the actor's stance on each issue it cares about.
	Positions Map[Position] `yaml:"positions"`
	// Tables holds the actor's bargaining stance at each table where it
	// signs, mediates, plays or votes.
	Tables Map[Stance] `yaml:"tables"`
}

// Position is an actor's preference on one issue.
type Position struct {
	Ideal    Param `yaml:"ideal"`    // on the issue's 0–100 scale
	Salience Param `yaml:"salience"` // in [0, 1]
	// Min and Max are red lines: a package with the issue below Min or above
	// Max is unacceptable whatever else it offers.
	Min *Param `yaml:"min"`
	Max *Param `yaml:"max"`
}

// Stance is an actor's bargaining behaviour at one table.
type Stance struct {
	// Reservation is the least utility (0–1) the actor accepts at the start,
	// and ReservationEnd at the horizon; in between it moves by the
	// concession curve.
	Reservation    *Param `yaml:"reservation"`
	ReservationEnd *Param `yaml:"reservation_end"`
	// Concession shapes how reservation (responders) or offers (mediators)
	// move over time: F(t) = k + (1-k) t^(1/e), t = round/horizon.
	Concession *Concession `yaml:"concession"`
	// MaxConcession caps the share of the gap to the target a mediator
	// concedes (0–1); 1 when absent.
	MaxConcession *Param `yaml:"max_concession"`
	// Noise is the logit (or probit) scale of acceptance, in utility units.
	Noise *Param `yaml:"noise"`
	// Rule names the acceptance rule: logit, probit or threshold.
	Rule string `yaml:"rule"`
	// Bonus is added to the actor's utility of any package at this table
	// (a face-saving gain, an audience cost).
	Bonus *Param `yaml:"bonus"`
	// Discount is the per-round discount factor in bargaining games (0–1].
	Discount *Param `yaml:"discount"`
	// Proposer names the drafting rule of a mediator (agents.LookupProposer);
	// empty is the conceding mediator.
	Proposer string `yaml:"proposer"`
	// Breakdown is an expected-utility mediator's utility of no agreement
	// this round; absent, its utility of the table's current issue values.
	Breakdown *Param `yaml:"breakdown"`
	// Strategy selects a game strategy for the alternating-offers and
	// legislative protocols: spe or tactic.
	Strategy string `yaml:"strategy"`
	// Pmin and Pmax bound the share a tactic player demands (0–1).
	Pmin *Param `yaml:"pmin"`
	Pmax *Param `yaml:"pmax"`
	// Indifferent declares that the actor, a signatory or voter here, has
	// no position on any issue of the table on purpose: its utility is 1
	// (plus any bonus) for every package, so it decides on its reservation
	// alone. Without it such an actor is an error, since a missing position
	// is more often an omission.
	Indifferent bool `yaml:"indifferent"`
}

// Concession holds the time-dependent tactic's parameters: e (e < 1 Boulware,
// e = 1 linear, e > 1 conceder) and k (the share conceded at once).
type Concession struct {
	E Param  `yaml:"e"`
	K *Param `yaml:"k"`
}

// Issue is one dimension of a negotiation, scaled 0–100.
type Issue struct {
	Label string `yaml:"label"`
	Table string `yaml:"table"`
	// Anchors label points of the scale, e.g. 0: "neutral", 100: "member".
	Anchors map[float64]string `yaml:"anchors"`
	// StatusQuo is the issue's value while no agreement covers it.
	StatusQuo Param `yaml:"status_quo"`
}

// Table is a negotiation track with its own protocol and signatories.
type Table struct {
	Label string `yaml:"label"`
	// Protocol is mediated (single text), alternating, legislative or
	// majority.
	Protocol string `yaml:"protocol"`
	// Mediator proposes under the mediated protocol.
	Mediator string `yaml:"mediator"`
	// Signatories must all accept a package.
	Signatories []string `yaml:"signatories"`
	// Ratify lists the institutions that decide, in order, on an accepted
	// package.
	Ratify []string `yaml:"ratify"`
	// Opens gates the table: it opens Delay rounds after every event in
	// After has happened. Absent, the table is open from round 0.
	Opens *Opening `yaml:"opens"`
	// Disabled removes the table from the negotiation (a policy lever off).
	Disabled bool `yaml:"disabled"`
	// DemandGain is how much a rejection raises the rejecter's weight in the
	// mediator's next target (a stated demand), as a fraction.
	DemandGain *Param `yaml:"demand_gain"`
	// Players and Quota configure the game protocols: the players in
	// recognition order, and how many yes votes (proposer included) pass a
	// proposal under the legislative protocol.
	Players []string `yaml:"players"`
	Quota   int      `yaml:"quota"`
	// Clock sets the time t of the concession curves at this table (the
	// mediator's and the responders' reservations): "round" (the default)
	// runs from round 0, t = r/H; "opened" from the round the table opened,
	// t = (r − opened)/H, so a later stage starts its own negotiation.
	Clock string `yaml:"clock"`
	// Defers lists issues of later tables that an agreement here leaves
	// open (an interim settlement): actors value a package at this table
	// partly by what they expect those issues to settle at, and no red line
	// on a deferred issue applies here.
	Defers []Deferral `yaml:"defers"`
}

// Deferral is an issue a table leaves to a later stage, and what the actors
// at the table expect that stage to settle it at.
type Deferral struct {
	// Issue is an issue of another table (the final-status stage).
	Issue string `yaml:"issue"`
	// Weight (0–1) scales the deferred issue's salience in the utility of a
	// package at this table: how much the prospect counts against the
	// issues settled now.
	Weight Param `yaml:"weight"`
	// Prospect is the expected final value (0–100) of the issue for every
	// actor without a belief of its own.
	Prospect Param `yaml:"prospect"`
	// Beliefs gives actors their own expected final value (0–100).
	Beliefs Map[Param] `yaml:"beliefs"`
}

// Opening gates a table on earlier events.
type Opening struct {
	After []EventRef `yaml:"after"`
	Delay *Param     `yaml:"delay"` // rounds
}

// EventRef names an event: {event: agreed, table: serbia_nato}.
type EventRef struct {
	Event       string `yaml:"event"` // start, agreed, rejected, vetoed, opened, shock, linked
	Table       string `yaml:"table"`
	Shock       string `yaml:"shock"`
	Institution string `yaml:"institution"`
	// Linkage names the linkage of a linked event: it happens when that
	// linkage acts (its probability draw succeeds), so that a latent type
	// drawn by one linkage can condition another.
	Linkage string `yaml:"linkage"`
}

// Institution is a collective decision rule that ratifies packages.
type Institution struct {
	Label string `yaml:"label"`
	// Kind is consensus (all members agree; with Silence an objector may
	// let the decision pass), veto (any member blocks), or referendum.
	Kind    string   `yaml:"kind"`
	Members []string `yaml:"members"`
	// Silence enables the silence procedure; SilenceProb gives each
	// member's probability of staying silent rather than objecting.
	Silence     bool       `yaml:"silence"`
	SilenceProb Map[Param] `yaml:"silence_prob"`
	// YesProb makes a member vote yes with a fixed probability instead of by
	// its utility.
	YesProb Map[Param] `yaml:"yes_prob"`
	// Pass is a referendum's probability of passing a package its
	// Electorate's government signed; Slope adds Slope × (utility −
	// reservation) of the Electorate to the log-odds.
	Pass       *Param `yaml:"pass"`
	Electorate string `yaml:"electorate"`
	Slope      *Param `yaml:"slope"`
	// Groups split a referendum's electorate (residents, displaced persons,
	// all voters): it passes iff the share-weighted mean of the groups' yes
	// shares exceeds Threshold. Exclusive with Pass.
	Groups Map[Group] `yaml:"groups"`
	// Threshold is the yes share a grouped referendum must exceed, in
	// (0, 1); 0.5 when absent.
	Threshold *float64 `yaml:"threshold"`
}

// Group is one part of a referendum's electorate.
type Group struct {
	Label string `yaml:"label"`
	// Share is the group's weight in the vote (> 0; weights are
	// normalised).
	Share Param `yaml:"share"`
	// Yes is the group's yes share (0–1) for a package whose Electorate
	// actor is at its reservation.
	Yes Param `yaml:"yes"`
	// Electorate and Slope move the yes share on the log-odds scale by
	// Slope × (utility − reservation) of the Electorate actor.
	Electorate string `yaml:"electorate"`
	Slope      *Param `yaml:"slope"`
}

// Linkage moves parameters when an event happens.
type Linkage struct {
	Label string   `yaml:"label"`
	When  EventRef `yaml:"when"`
	// If and Unless make the linkage conditional: it acts only if every
	// event in If has already happened and none in Unless has (e.g. US
	// pressure moves Moscow unless it is the maximalist type).
	If     []EventRef `yaml:"if"`
	Unless []EventRef `yaml:"unless"`
	// Prob is the probability the linkage fires when its event happens; 1
	// when absent.
	Prob *Param `yaml:"prob"`
	// Repeat makes the linkage act on every occurrence of its event (each
	// rejection, each veto), drawing Prob each time; by default it acts on
	// the first occurrence only.
	Repeat bool `yaml:"repeat"`
	// Effects may be empty for a linkage that only draws a latent type:
	// its linked event can condition other linkages.
	Effects []Effect `yaml:"effects"`
}

// Effect is one parameter change made by a linkage.
type Effect struct {
	Actor       string `yaml:"actor"`
	Table       string `yaml:"table"`
	Issue       string `yaml:"issue"`
	Institution string `yaml:"institution"`
	// Group names a referendum group for field pass.
	Group string `yaml:"group"`
	// Field is reservation or bonus (actor at table), ideal or salience
	// (actor on issue), silence or yes (actor in institution), pass
	// (referendum, or one group's yes share), block (table, for Shift
	// rounds), or prospect (the expected final value of an issue a table
	// defers: one actor's belief, or every actor's without actor).
	Field string `yaml:"field"`
	Shift Param  `yaml:"shift"`
}

// Shock is an exogenous event that may happen in any round of a window.
type Shock struct {
	Label    string `yaml:"label"`
	PerRound Param  `yaml:"per_round"` // probability per round
	// From and To are the first and last round (inclusive) of the window;
	// To absent means the last round of the horizon.
	From int  `yaml:"from"`
	To   *int `yaml:"to"`
}

// Outcome is a reported indicator: a table agreed, optionally with an issue
// settled in [Min, Max] and further Conditions, all of which must hold when
// the table agrees.
type Outcome struct {
	Label      string      `yaml:"label"`
	Table      string      `yaml:"table"`
	Issue      string      `yaml:"issue"`
	Min        *float64    `yaml:"min"`
	Max        *float64    `yaml:"max"`
	Conditions []Condition `yaml:"conditions"`
}

// Condition requires an issue's value, when the outcome's table agrees, to
// lie in [Min, Max]; the issue may belong to any table (one not yet agreed
// counts with its status quo).
type Condition struct {
	Issue string   `yaml:"issue"`
	Min   *float64 `yaml:"min"`
	Max   *float64 `yaml:"max"`
}

// Variant is a named overlay on the base scenario: a policy lever setting or a
// reading of the sources.
type Variant struct {
	Label       string `yaml:"label"`
	Description string `yaml:"description"`
	// Kind is policy (what the actors do), reading (a reading of the
	// sources) or model (a model family or decision rule, e.g. an
	// expected-utility mediator, combined as policy+model+reading).
	Kind       string    `yaml:"kind"`
	Source     *Source   `yaml:"source"`
	Assumption string    `yaml:"assumption"`
	Extends    []string  `yaml:"extends"`
	Patch      yaml.Node `yaml:"patch"`
}
