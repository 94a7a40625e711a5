package main

func runBatch(e *env, args []string) error      { return usagef("batch: not implemented yet") }
func runExperiment(e *env, args []string) error { return usagef("experiment: not implemented yet") }
func runPlot(e *env, args []string) error       { return usagef("plot: not implemented yet") }
func runMerge(e *env, args []string) error      { return usagef("merge: not implemented yet") }
