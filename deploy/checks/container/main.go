// Offline checks of the container files (docker-compose.yml, deploy/Dockerfile, .dockerignore): no Docker
// engine runs on the development machines, so `docker compose config` and `docker build --check` cannot be
// run; this program runs the same libraries they use (compose-go, BuildKit's Dockerfile frontend and
// linter) plus the project's own rules. Run by deploy/checks/container.sh from npm test.
//
//	go run . -root ../../..
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

func main() {
	root := flag.String("root", "../../..", "repository root")
	flag.Parse()
	problems, err := checkRepository(*root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "container check:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "container check:", p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Println("container check: docker-compose.yml, deploy/Dockerfile and .dockerignore are valid")
}

// checkRepository runs every check on the repository's own files.
func checkRepository(root string) ([]string, error) {
	services, err := serviceDirs(filepath.Join(root, "services"))
	if err != nil {
		return nil, err
	}
	var problems []string
	problems = append(problems, checkCompose(filepath.Join(root, "docker-compose.yml"), services)...)
	// Every image the compose file builds: the service folders and the sandboxes.
	for _, service := range append(services, "sandboxes") {
		for _, p := range checkDockerfile(filepath.Join(root, "deploy", "Dockerfile"), map[string]string{"SERVICE": service}) {
			problems = append(problems, "SERVICE="+service+": "+p)
		}
	}
	problems = append(problems, checkDockerignore(filepath.Join(root, ".dockerignore"))...)
	return dedupe(problems), nil
}

func serviceDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("no service folder under %s", dir)
	}
	return names, nil
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
