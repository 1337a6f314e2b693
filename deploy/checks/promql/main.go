// Command promql checks every PromQL expression of Grafana dashboards with Prometheus's own parser
// (syntax and types: rate() of an instant vector, a string where a number belongs...).
//
// Usage: go run . dashboard.json...   Exits 1 if any expression does not parse.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"

	"github.com/prometheus/prometheus/promql/parser"
)

type panel struct {
	Title   string `json:"title"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // collapsed rows keep their panels inside
}

type dashboard struct {
	Panels []panel `json:"panels"`
}

// Grafana's interval variables become a duration. Other variables ($service, ${service:regex}) stay as
// they are: inside a quoted label value, where they belong, they are just text; anywhere else the `$`
// is a syntax error.
var intervalVariable = regexp.MustCompile(`\$__(rate_interval|interval|range)\b`)

func plainPromQL(expr string) string {
	return intervalVariable.ReplaceAllString(expr, "5m")
}

func check(path string, p parser.Parser) (checked int, problems []string, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, err
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		return 0, nil, fmt.Errorf("%s: not JSON: %w", path, err)
	}
	var walk func([]panel)
	walk = func(panels []panel) {
		for _, pn := range panels {
			for _, t := range pn.Targets {
				if t.Expr == "" {
					continue
				}
				checked++
				if _, err := p.ParseExpr(plainPromQL(t.Expr)); err != nil {
					problems = append(problems, fmt.Sprintf("%s: panel %q: %v\n    %s", path, pn.Title, err, t.Expr))
				}
			}
			walk(pn.Panels)
		}
	}
	walk(d.Panels)
	return checked, problems, nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: promql dashboard.json...")
		os.Exit(2)
	}
	p := parser.NewParser(parser.Options{})
	failed := false
	for _, path := range os.Args[1:] {
		checked, problems, err := check(path, p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, problem := range problems {
			fmt.Println(problem)
		}
		if checked == 0 {
			fmt.Printf("%s: no PromQL expression found\n", path)
			failed = true
		}
		failed = failed || len(problems) > 0
		fmt.Printf("%s: %d expressions, %d problems\n", path, checked, len(problems))
	}
	if failed {
		os.Exit(1)
	}
}
