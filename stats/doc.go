// Package stats provides the interval estimates and streaming counters that
// negsim uses to summarise batches of simulated negotiations.
//
// Proportions (for example the share of runs reaching agreement) are
// estimated with the Wilson score interval, which keeps close to nominal
// coverage even for small samples and proportions near 0 or 1 (Brown, Cai &
// DasGupta 2001). Differences between two independent proportions use
// Newcombe's hybrid score interval, built from the two Wilson intervals
// (Newcombe 1998, method 10). Means of bounded quantities, such as expected
// shares, use a Student-t interval computed from streaming sums.
//
// Proportion and RoundHistogram are allocation-free counters for the batch
// engine's hot path. They hold integer counts only, so results from shards
// merge exactly: merging in any order gives bit-identical summaries.
//
// Invalid arguments (a confidence level outside (0, 1), negative counts, more
// successes than trials) are programming errors and cause a panic whose value
// is an error wrapping ErrInvalid; Check reports the same conditions as an
// error without panicking.
//
// References:
//
//   - Wilson EB (1927). Probable inference, the law of succession, and
//     statistical inference. J Am Stat Assoc 22:209–212.
//   - Newcombe RG (1998a). Two-sided confidence intervals for the single
//     proportion: comparison of seven methods. Stat Med 17:857–872.
//   - Newcombe RG (1998b). Interval estimation for the difference between
//     independent proportions: comparison of eleven methods. Stat Med
//     17:873–890.
//   - Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial
//     proportion. Statistical Science 16:101–133.
package stats
