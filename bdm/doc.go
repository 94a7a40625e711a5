// Package bdm implements the Bueno de Mesquita expected-utility model of
// group decision making on one issue, as Scholz, Calbert and Smith (2011)
// reconstruct it from Bueno de Mesquita (1994).
//
// # The model
//
// One issue is a line. Actor k has a capability c_k ≥ 0, a salience
// s_k ∈ [0,1] and a position x_k. Distances are normalised by the spread
// of the initial positions, R = max x − min x, so that d(a,b) = |a−b|/R.
// Each round is one pass of the following steps; every step reads the
// positions at the start of the round and all moves are applied together
// at its end.
//
// Votes. Actor k's support for position x_i against x_j, with k's risk
// exponent r_k, is
//
//	v_k(i,j) = c_k s_k ( d(x_k,x_j)^r_k − d(x_k,x_i)^r_k ).
//
// Probability of success. i's probability of prevailing over j sums the
// support of every actor that prefers x_i:
//
//	P(i,j) = Σ_k max(0, v_k(i,j)) / D,   P(i,j) = 0 if x_i = x_j.
//
// The denominator is where the two readings of the paper differ. The
// replication whose author reports that it reproduces the paper's ten
// rounds (see Sources) divides by the total absolute support over every
// ordered pair of positions, D = Σ_k Σ_a Σ_b |v_k(a,b)|, a constant of
// the round; this is the default (DenomAllPairs). The textbook form
// divides by the support in this contest alone, D = Σ_k |v_k(i,j)|, so
// that P(i,j) + P(j,i) = 1 (DenomContest). Either way P costs O(n) per
// ordered pair and the round O(n³).
//
// Utilities, seen by actor a (so with a's exponent r = r_a), of challenger
// i against target j, with δ = d(x_i, x_j):
//
//	U_s  = 2 − 4 (0.5 − 0.5 δ)^r        (i succeeds)
//	U_f  = 2 − 4 (0.5 + 0.5 δ)^r        (i fails)
//	U_sq = 2 − 4 (0.5)^r                (status quo)
//	U_b  = 2 − 4 (0.5 − 0.25 (d(x_i,μ) + δ))^r   (things get better)
//	U_w  = 2 − 4 (0.5 + 0.25 (d(x_i,μ) + δ))^r   (things get worse)
//
// where μ is the capability×salience-weighted mean position.
//
// Expected utility of i challenging j, as a perceives it, where the target
// resists with probability s_j:
//
//	EU^a_i(ij) = s_j [P(i,j) U_s + (1−P(i,j)) U_f] + (1−s_j) U_s
//	             − Q U_sq − (1−Q) [T U_b + (1−T) U_w].
//
// Q is the probability that, absent a challenge, nothing changes, and T the
// probability that a change would favour the challenger. The paper and the
// replication use Q = 1, which removes U_b and U_w (and T); Options carries
// 1−Q and 1−T so that its zero value is the paper's.
//
// Risk. Before the round's moves, every exponent is set to 1 and each
// actor's danger is the sum of the expected utilities of the others
// challenging it, D_i = Σ_{k≠i} EU^i_k(ki). With D_max and D_min the largest
// and smallest dangers of the round,
//
//	R_i = (2 D_i − D_max − D_min) / (D_max − D_min) ∈ [−1, 1],
//	r_i = (1 − R_i/3) / (1 + R_i/3) ∈ [0.5, 2],
//
// and votes, probabilities and expected utilities are recomputed with the
// new exponents (if every danger is equal, R_i = 0 and r_i = 1).
//
// Moves. Each actor i looks at every actor j at another position and
// compares, in its own eyes, its expected utility of challenging j,
// EU_i = EU^i_i(ij), with j's of challenging it, EU_j = EU^i_j(ji):
//
//   - confrontation, EU_j > EU_i > 0: i expects to lose a fight and takes
//     x_j;
//   - compromise, EU_j > 0 > EU_i and EU_j > |EU_i|: i moves towards x_j by
//     the fraction |EU_i / EU_j| of the distance;
//   - capitulation, EU_j > 0 > EU_i and EU_j < |EU_i|: i takes x_j;
//   - otherwise j makes i no offer it accepts.
//
// Of the offers i receives, a confrontation is preferred to a compromise
// and a compromise to a capitulation; among confrontations and
// capitulations i takes the one that moves it least. Among compromises the
// replication takes the offer whose EU-weighted position
// (|EU_i| x_i + EU_j x_j)/(|EU_i| + EU_j) is smallest (CompromiseLowest, the
// default, reported by the replication as what Scholz's own code does); the
// paper's text asks for the least movement (CompromiseLeastMove). Ties go to
// the actor listed first.
//
// Forecast. After each round the package reports the capability×salience
// weighted mean, Σ c s x / Σ c s, and the weighted median, the position held
// by an actor that minimises Σ c_k s_k |x_k − p| (the Condorcet winner of
// BDM's pairwise votes with linear utility, which the replication finds by
// sequential pairwise votes; ties go to the lower position here). The median
// voter position is what Bueno de Mesquita (1994) calls the forecast of the
// outcome, and it is the one to report as "the forecast"; the mean is the
// smoother summary of how the positions drift, and the replication prints
// both after every round.
//
// # Cost
//
// Step is O(n³) and does not allocate: one pass over the unordered pairs
// of actors, each summing the n voters' support, gives every probability
// (and the round's total support); everything else is O(n²). Public Python
// replications recompute the total for every probability and grow as n⁵.
//
// # Sources
//
//   - B. Bueno de Mesquita (1994), "Political forecasting: an expected
//     utility method", in Bueno de Mesquita & Stokman (eds.), European
//     Community Decision Making, Yale UP, 71–104: the model and the
//     emission-standards data (Table on p. 78).
//   - J. B. Scholz, G. J. Calbert, G. A. Smith (2011), "Unravelling Bueno de
//     Mesquita's group decision model", Journal of Theoretical Politics
//     23(4):510–531 (conference version ICAART 2011): the specification.
//   - J. Velev, github.com/jmckib/bdm-scholz-expected-utility-model, commit
//     e9d86fe ("Perfect replication of bdm-scholz results up to 10
//     rounds"), and D. Masad's Python 3 fork
//     github.com/dmasad/bdm-scholz-expected-utility-model (commit d7c7bba),
//     whose Example.log is the reference output our test replicates.
//
// # Limits
//
// One issue, no issue linkage. The model is deterministic. The probability
// denominator, the compromise choice and the capitulation rule follow the
// replication where it and the paper's prose disagree (Options exposes the
// other readings); with the example data the capitulation rule never binds.
// The replication's own code never fires the capitulation branch (its test
// compares EU_j with |EU_j|); this package applies the rule as the paper
// states it, which changes none of the example's ten rounds. The U_b and U_w
// terms (Q < 1) follow the paper's definition as D. Masad's second
// replication (github.com/dmasad/BDM_DecisionModel_Replication) reads it and
// are not checked against published numbers. Positions never leave the hull
// of the initial positions: every move is to another actor's position or
// between two of them.
package bdm
