package main

func runExperiment(e *env, args []string) error { return usagef("experiment: not implemented yet") }
func runPlot(e *env, args []string) error       { return usagef("plot: not implemented yet") }
