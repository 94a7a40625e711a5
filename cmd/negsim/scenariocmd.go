package main

import (
	"fmt"
	"text/tabwriter"
)

func runScenario(e *env, args []string) error {
	fs := newFlags(e, "scenario", "scenario [--scenario FILE] [--variant NAME]", "negsim scenario --variant full-plan+sceptic")
	scenario := fs.String("scenario", "", "scenario YAML file (default: the embedded scenario)")
	variant := fs.String("variant", "", "variant whose parameters to list (default: the scenario's default_variant, else base)")
	if err := parse(fs, args); err != nil {
		return err
	}
	base, s, m, err := loadModel(*scenario, *variant)
	if err != nil {
		return err
	}
	*variant = s.Variant
	fmt.Fprintf(e.stdout, "%s: %s\nfile %s, sha256 %s, horizon %d rounds\n\n", s.Name, s.Description, s.File, s.SHA256(), s.Horizon)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIANT\tKIND\tLABEL\tPROVENANCE")
	for i, id := range base.Variants.Keys {
		v := &base.Variants.Vals[i]
		prov := "assumption: " + v.Assumption
		if v.Source != nil {
			prov = fmt.Sprintf("%s: %q", v.Source.Seed, v.Source.Quote)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", id, v.Kind, v.Label, prov)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nParameters of variant %s (%d):\n", *variant, len(m.ParamNames()))
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PARAMETER\tLINE\tDISTRIBUTION\tPROVENANCE")
	params := m.Params()
	for i, n := range m.ParamNames() {
		p := params[i]
		prov := "assumption: " + p.Assumption
		if p.Source != nil {
			prov = fmt.Sprintf("source %s: %q", p.Source.Seed, p.Source.Quote)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", n, p.Line, p, prov)
	}
	return tw.Flush()
}
