package history

// Round is one past accession round as the retrodiction models it: its
// case in the class nato-invitation-to-membership, the allies voting at the
// time, and the ids of its own cases in the other classes, which its
// scenario excludes.
type Round struct {
	// Case is the round's id in nato-invitation-to-membership, and the
	// scenario's file name without .yaml.
	Case string
	// Label names the round in tables and figures.
	Label string
	// Allies is the number of allies whose consent the round needed.
	Allies int
	// Count is the round's id in nato-ally-holds-frequency.
	Count string
	// Holds are the round's ids in nato-single-ally-holds.
	Holds []string
	// Held says whether an ally held this round's candidate up (the
	// round's Holds; Greece's hold of 2008 was on Macedonia, not on
	// Croatia or Albania).
	Held bool
}

// Rounds are the seven accession rounds since 1997, in order. Allies and
// the ids are those of the class files (models/references).
var Rounds = []Round{
	{Case: "czech-hungary-poland", Label: "Czech Rep., Hungary, Poland (1997-99)", Allies: 16, Count: "round-1997"},
	{Case: "seven-2004", Label: "Seven of 2004 (2002-04)", Allies: 19, Count: "round-2002"},
	{Case: "croatia-albania", Label: "Croatia, Albania (2008-09)", Allies: 26, Count: "round-2008", Holds: []string{"greece-macedonia"}},
	{Case: "montenegro", Label: "Montenegro (2015-17)", Allies: 28, Count: "round-2015"},
	{Case: "north-macedonia", Label: "North Macedonia (2018-20)", Allies: 29, Count: "round-2018"},
	{Case: "finland", Label: "Finland (2022-23)", Allies: 30, Count: "round-finland", Holds: []string{"turkey-finland", "hungary-finland"}, Held: true},
	{Case: "sweden", Label: "Sweden (2022-24)", Allies: 30, Count: "round-sweden", Holds: []string{"turkey-sweden", "hungary-sweden"}, Held: true},
}

// HeldCases are the rounds of nato-invitation-to-membership whose time
// includes a hold; the no-hold baseline leaves them out, since the
// retrodiction adds holds itself.
var HeldCases = []string{"finland", "sweden"}
