package models

import "go.yaml.in/yaml/v3"

// Scenario is one negotiation: who takes part, over what, under which rules.
type Scenario struct {
	// SchemaVersion is the version of the file format (SchemaVersion);
	// 0 when the file does not state it, which is read as 1.
	SchemaVersion int `yaml:"schema_version"`
	// Name identifies the scenario; required.
	Name string `yaml:"name"`
	// Description says in a line what the scenario models, for people; the
	// engine never reads it.
	Description string `yaml:"description"`
	// Horizon is the number of rounds; one round is one month in the
	// default scenario.
	Horizon int `yaml:"horizon"`
	// DefaultVariant is the variant that single-replicate commands (negsim
	// run, negsim scenario) show when none is asked for; empty means the
	// base. Batches without --variant run the base and every variant.
	DefaultVariant string `yaml:"default_variant"`
	// Sources lists the citable documents, as file name: title.
	Sources Map[string] `yaml:"sources"`
	// Actors maps each actor's id to the actor: a negotiating party or a veto
	// player. Entries are processed in file order.
	Actors Map[Actor] `yaml:"actors"`
	// Issues maps each issue's id to the issue: one dimension of a
	// negotiation, scaled 0–100.
	Issues Map[Issue] `yaml:"issues"`
	// Tables maps each table's id to the table: a negotiation track with its
	// own protocol and signatories.
	Tables Map[Table] `yaml:"tables"`
	// Institutions maps each institution's id to the institution: a
	// collective decision rule (consensus, veto or referendum) that ratifies
	// packages.
	Institutions Map[Institution] `yaml:"institutions"`
	// Linkages maps each linkage's id to the linkage: parameter changes made
	// when an event happens.
	Linkages Map[Linkage] `yaml:"linkages"`
	// Shocks maps each shock's id to the shock: an exogenous event that may
	// happen in any round of a window.
	Shocks Map[Shock] `yaml:"shocks"`
	// Outcomes maps each outcome's id to the outcome: a reported indicator, a
	// table's agreement with optional conditions on issue values.
	Outcomes Map[Outcome] `yaml:"outcomes"`
	// Variants maps each variant's id to the variant: a named overlay on the
	// base scenario (a policy, a model or a reading of the sources).
	Variants Map[Variant] `yaml:"variants"`

	// File is the path the scenario was read from; Variant names the overlay
	// applied, empty for the base scenario.
	File    string     `yaml:"-"`
	Variant string     `yaml:"-"`
	root    *yaml.Node // the base document, for variant overlays
	raw     []byte
}

// Actor is a negotiating party or a veto player.
type Actor struct {
	// Label is the actor's name for people, printed by negsim and the
	// figures; the engine never reads it.
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
	// Ideal is the actor's most preferred value, on the issue's 0–100
	// scale.
	Ideal Param `yaml:"ideal"`
	// Salience is how much the issue matters to the actor, in [0, 1].
	Salience Param `yaml:"salience"`
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
	// E is the curve's exponent e: e < 1 Boulware (concedes late), e = 1
	// linear, e > 1 conceder.
	E Param `yaml:"e"`
	// K is k, the share of the concession made at once (0–1).
	K *Param `yaml:"k"`
}

// Issue is one dimension of a negotiation, scaled 0–100.
type Issue struct {
	// Label is the issue's name for people, printed by negsim and the
	// figures; the engine never reads it.
	Label string `yaml:"label"`
	// Table is the id of the table that negotiates the issue.
	Table string `yaml:"table"`
	// Anchors label points of the scale, e.g. 0: "neutral", 100: "member".
	Anchors map[float64]string `yaml:"anchors"`
	// StatusQuo is the issue's value while no agreement covers it.
	StatusQuo Param `yaml:"status_quo"`
}

// Table is a negotiation track with its own protocol and signatories.
type Table struct {
	// Label is the table's name for people, printed by negsim and the
	// figures; the engine never reads it.
	Label string `yaml:"label"`
	// Protocol is mediated (single text), alternating, legislative,
	// majority or bdm (the Bueno de Mesquita expected-utility model).
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
	// After lists the events that must all have happened before the table
	// opens.
	After []EventRef `yaml:"after"`
	// Delay is the number of rounds (rounded to a whole number) from the
	// last of the events to the opening; 0 when absent.
	Delay *Param `yaml:"delay"`
}

// EventRef names an event: {event: agreed, table: serbia_nato}.
type EventRef struct {
	// Event is the kind of event: start, agreed, rejected, vetoed, opened,
	// shock or linked.
	Event string `yaml:"event"`
	// Table names the table of an agreed, rejected, vetoed or opened event.
	Table string `yaml:"table"`
	// Shock names the shock of a shock event.
	Shock string `yaml:"shock"`
	// Institution may name, for a vetoed event, the institution that cast the
	// veto (one that ratifies the table); without it, a veto by any of the
	// table's institutions counts.
	Institution string `yaml:"institution"`
	// Linkage names the linkage of a linked event: it happens when that
	// linkage acts (its probability draw succeeds), so that a latent type
	// drawn by one linkage can condition another.
	Linkage string `yaml:"linkage"`
}

// Institution is a collective decision rule that ratifies packages.
type Institution struct {
	// Label is the institution's name for people, printed by negsim and the
	// figures; the engine never reads it.
	Label string `yaml:"label"`
	// Kind is consensus (all members agree; with Silence an objector may
	// let the decision pass), veto (any member blocks), or referendum.
	Kind string `yaml:"kind"`
	// Members lists the actors that decide in a consensus or veto
	// institution.
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
	// Label is the group's name for people; the engine never reads it.
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
	// Label is the linkage's name for people; the engine never reads it.
	Label string `yaml:"label"`
	// When is the event that makes the linkage act.
	When EventRef `yaml:"when"`
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
	// Actor names the actor whose parameter moves (reservation, bonus,
	// ideal, salience, min, max, silence, yes); for prospect, the actor
	// whose belief moves, absent for every actor's.
	Actor string `yaml:"actor"`
	// Table names the table of the field: the actor's stance there
	// (reservation, bonus), the table to block, or the table that defers the
	// issue (prospect).
	Table string `yaml:"table"`
	// Issue names the issue of the field: the actor's position on it (ideal,
	// salience, min, max) or the deferred issue (prospect).
	Issue string `yaml:"issue"`
	// Institution names the institution of the field: silence or yes of a
	// member, or pass of a referendum.
	Institution string `yaml:"institution"`
	// Group names a referendum group for field pass.
	Group string `yaml:"group"`
	// Field is reservation or bonus (actor at table), ideal, salience, min
	// or max (actor on issue; min and max are red lines), silence or yes
	// (actor in institution), pass (referendum, or one group's yes share),
	// block (table, for Shift rounds), or prospect (the expected final value
	// of an issue a table defers: one actor's belief, or every actor's
	// without actor).
	Field string `yaml:"field"`
	// Shift is the change added to the field when the linkage acts (rounds
	// for block).
	Shift Param `yaml:"shift"`
}

// Shock is an exogenous event that may happen in any round of a window.
type Shock struct {
	// Label is the shock's name for people; the engine never reads it.
	Label string `yaml:"label"`
	// PerRound is the probability that the shock happens in a round of its
	// window.
	PerRound Param `yaml:"per_round"`
	// From and To are the first and last round (inclusive) of the window;
	// To absent means the last round of the horizon.
	From int  `yaml:"from"`
	To   *int `yaml:"to"`
}

// Outcome is a reported indicator: a table agreed, optionally with an issue
// settled in [Min, Max] and further Conditions, all of which must hold when
// the table agrees.
type Outcome struct {
	// Label is the outcome's name for people, printed by negsim and the
	// figures; the engine never reads it.
	Label string `yaml:"label"`
	// Table is the id of the table whose agreement the outcome reports.
	Table string `yaml:"table"`
	// Issue, with Min and Max, requires the issue (one of the table's) to
	// settle in [min, max] (0–100) when the table agrees.
	Issue string   `yaml:"issue"`
	Min   *float64 `yaml:"min"`
	Max   *float64 `yaml:"max"`
	// Conditions are further requirements on issue values, all of which must
	// hold when the table agrees; when given, at least one.
	Conditions []Condition `yaml:"conditions"`
}

// Condition requires an issue's value, when the outcome's table agrees, to
// lie in [Min, Max]; the issue may belong to any table (one not yet agreed
// counts with its status quo).
type Condition struct {
	// Issue is the id of the issue, of any table; one whose table has not
	// agreed counts with its status quo.
	Issue string `yaml:"issue"`
	// Min and Max bound the issue's value (0–100); at least one is required.
	Min *float64 `yaml:"min"`
	Max *float64 `yaml:"max"`
}

// Variant is a named overlay on the base scenario: a policy lever setting or a
// reading of the sources.
type Variant struct {
	// Label is the variant's name for people, printed by negsim and the
	// figures; the engine never reads it.
	Label string `yaml:"label"`
	// Description says in a line what the variant changes, for people; the
	// engine never reads it.
	Description string `yaml:"description"`
	// Kind is policy (what the actors do), reading (a reading of the
	// sources) or model (a model family or decision rule, e.g. an
	// expected-utility mediator, combined as policy+model+reading).
	Kind string `yaml:"kind"`
	// Source cites the passage of a source the variant comes from; a variant
	// needs a source or an assumption.
	Source *Source `yaml:"source"`
	// Assumption says why the variant is plausible, when no source states it.
	Assumption string `yaml:"assumption"`
	// Extends lists variants whose patches are applied before this one's,
	// which may override them.
	Extends []string `yaml:"extends"`
	// Patch is a partial scenario, deep-merged onto the base: mappings merge
	// key by key, anything else replaces what it patches.
	Patch yaml.Node `yaml:"patch"`
}
