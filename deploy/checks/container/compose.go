package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// dummyAPIKey stands in for the operator's OMS_BOOTSTRAP_API_KEY so the file can be interpolated.
const dummyAPIKey = "offline-check-bootstrap-key-0123456789"

// dummyInternalToken stands in for the operator's INTERNAL_API_TOKEN (required too: `${INTERNAL_API_TOKEN:?...}`).
const dummyInternalToken = "offline-check-internal-token-0123456789abcdef"

// offlineEnv is the whole environment a compose file is loaded with for the checks.
var offlineEnv = []string{"OMS_BOOTSTRAP_API_KEY=" + dummyAPIKey, "INTERNAL_API_TOKEN=" + dummyInternalToken}

// loadCompose parses, interpolates, validates (against the compose-specification JSON schema compose-go
// embeds) and normalises a compose file the way `docker compose config` does, with only `env` as the
// environment: the operator's shell and any .env file play no part, so the check gives the same answer
// everywhere.
func loadCompose(file string, env []string) (*types.Project, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	options, err := cli.NewProjectOptions(
		[]string{abs},
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithEnv(env),
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return nil, err
	}
	return options.LoadProject(context.Background())
}

// checkCompose returns every problem found in the compose file. serviceDirs are the folders of services/
// (each needs a compose service of the same name).
func checkCompose(file string, serviceDirs []string) []string {
	project, err := loadCompose(file, offlineEnv)
	if err != nil {
		return []string{fmt.Sprintf("%s: does not load (schema or consistency): %v", file, err)}
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	for _, name := range serviceDirs {
		if _, ok := project.Services[name]; !ok {
			add("services/%s has no compose service %q", name, name)
		}
	}

	databases := map[string]string{}
	for _, name := range sortedNames(project.Services) {
		svc := project.Services[name]
		if svc.HealthCheck == nil || svc.HealthCheck.Disable || len(svc.HealthCheck.Test) == 0 {
			add("service %s: no healthcheck (depends_on: service_healthy needs one)", name)
		} else if strings.EqualFold(svc.HealthCheck.Test[0], "NONE") {
			add("service %s: healthcheck disabled with NONE", name)
		}
		if svc.Init == nil || !*svc.Init {
			add("service %s: no `init: true` (an init as PID 1 forwards signals and reaps children)", name)
		}
		for dep, cfg := range svc.DependsOn {
			if cfg.Condition != types.ServiceConditionHealthy {
				add("service %s: depends_on %s with condition %q, want %q", name, dep, cfg.Condition, types.ServiceConditionHealthy)
			}
		}
		if raw, ok := svc.Environment["MONGO_URL"]; ok {
			want := "oms_" + strings.ReplaceAll(name, "-", "_")
			db, err := mongoDatabase(raw)
			switch {
			case err != nil:
				add("service %s: MONGO_URL: %v", name, err)
			case db != want:
				add("service %s: MONGO_URL names database %q, want its own %q", name, db, want)
			case databases[db] != "":
				add("service %s: MONGO_URL database %q is also %s's", name, db, databases[db])
			}
			databases[db] = name
		} else if contains(serviceDirs, name) {
			add("service %s: no MONGO_URL", name)
		}
		for _, v := range svc.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil {
					add("service %s: mounts %s, which does not exist", name, v.Source)
				}
			}
		}
		problems = append(problems, checkDefinitionsMounted(name, svc)...)
		if svc.Build != nil {
			dockerfile := svc.Build.Dockerfile
			if !filepath.IsAbs(dockerfile) {
				dockerfile = filepath.Join(svc.Build.Context, dockerfile)
			}
			if _, err := os.Stat(dockerfile); err != nil {
				add("service %s: build file %s does not exist", name, dockerfile)
			}
		}
	}
	problems = append(problems, checkAPIKeyRequired(file)...)
	return problems
}

var loadDefinitions = regexp.MustCompile(`(?m)^\s*load_definitions\s*=\s*(\S+)\s*$`)

// checkDefinitionsMounted: a rabbitmq.conf mounted into a service must point load_definitions at a path the
// same service mounts from the repository, holding definitions files; otherwise RabbitMQ boots without the
// topology, and (having been told to import definitions) without any user either.
func checkDefinitionsMounted(name string, svc types.ServiceConfig) []string {
	var problems []string
	for _, conf := range svc.Volumes {
		if conf.Type != types.VolumeTypeBind || filepath.Base(conf.Source) != "rabbitmq.conf" {
			continue
		}
		text, err := os.ReadFile(conf.Source)
		if err != nil {
			continue // reported as a missing mount
		}
		m := loadDefinitions.FindSubmatch(text)
		if m == nil {
			problems = append(problems, fmt.Sprintf("service %s: %s has no load_definitions", name, conf.Source))
			continue
		}
		target := filepath.Clean(string(m[1]))
		source := ""
		for _, v := range svc.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if rel, err := filepath.Rel(filepath.Clean(v.Target), target); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
				source = filepath.Join(v.Source, rel)
			}
		}
		if source == "" {
			problems = append(problems, fmt.Sprintf("service %s: load_definitions = %s is not mounted from the repository", name, target))
			continue
		}
		files, _ := filepath.Glob(filepath.Join(source, "*.json"))
		if info, err := os.Stat(source); err == nil && !info.IsDir() {
			files = []string{source}
		}
		if len(files) == 0 {
			problems = append(problems, fmt.Sprintf("service %s: load_definitions = %s is mounted from %s, which holds no definitions (*.json)", name, target, source))
		}
	}
	return problems
}

// checkAPIKeyRequired: the gateway's bootstrap key must come from the operator (`${OMS_BOOTSTRAP_API_KEY:?...}`),
// never from a default written in the file. Loading without it must fail and name the variable.
func checkAPIKeyRequired(file string) []string {
	_, err := loadCompose(file, []string{"INTERNAL_API_TOKEN=" + dummyInternalToken})
	if err == nil || !strings.Contains(err.Error(), "OMS_BOOTSTRAP_API_KEY") {
		return []string{fmt.Sprintf("%s: loads without OMS_BOOTSTRAP_API_KEY in the environment; the gateway's key must be required (${OMS_BOOTSTRAP_API_KEY:?...})", file)}
	}
	return nil
}

func mongoDatabase(raw *string) (string, error) {
	if raw == nil {
		return "", fmt.Errorf("no value")
	}
	u, err := url.Parse(*raw)
	if err != nil {
		return "", err
	}
	if u.Scheme != "mongodb" && u.Scheme != "mongodb+srv" {
		return "", fmt.Errorf("%q is not a mongodb:// URL", *raw)
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" {
		return "", fmt.Errorf("%q names no database", *raw)
	}
	return db, nil
}

func sortedNames[T any](m map[string]T) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
