// Command k8s-check builds each kustomize overlay of k8s/ and validates the result offline: every object
// decoded strictly against the Go API types of Kubernetes and of the operators whose resources we use, then
// the project's own rules (rules*.go). It prints one line per overlay and exits 1 on any problem. An overlay
// whose directory is named prod is held to the production rules as well.
//
//	go run . -root ../../.. k8s/overlays/dev k8s/overlays/prod
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	root := flag.String("root", ".", "directory the overlay paths are relative to (the repository root)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: k8s-check [-root dir] <overlay dir>...")
		os.Exit(2)
	}
	failed := false
	for _, dir := range flag.Args() {
		count, problems := checkOverlay(filepath.Join(*root, dir), profileFor(filepath.Base(filepath.Clean(dir))))
		if len(problems) == 0 {
			fmt.Printf("%s: %d objects, all checks passed\n", dir, count)
			continue
		}
		failed = true
		fmt.Printf("%s: %d objects, %d problem(s)\n", dir, count, len(problems))
		for _, p := range problems {
			fmt.Printf("  - %s\n", p)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// checkOverlay returns the number of objects the overlay builds to and every problem found in them.
func checkOverlay(dir string, prof profile) (int, []string) {
	raw, err := buildOverlay(dir)
	if err != nil {
		return 0, []string{err.Error()}
	}
	decoder := newStrictDecoder()
	var problems []string
	objects := make([]object, 0, len(raw))
	for _, data := range raw {
		obj, err := decoder.decode(data)
		if err != nil {
			problems = append(problems, fmt.Sprintf("strict decoding: %v", err))
			continue
		}
		objects = append(objects, newObject(obj))
	}
	if len(problems) > 0 {
		return len(raw), problems
	}
	return len(raw), checkRules(objects, prof)
}
