package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The repository's own files pass: the check is what npm test runs.
func TestRepositoryFilesPass(t *testing.T) {
	problems, err := checkRepository("../../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// The real compose file is read for what it says, not only accepted: the loader saw every service with the
// values the rules are about.
func TestRepositoryComposeIsReadFully(t *testing.T) {
	project, err := loadCompose("../../../docker-compose.yml", offlineEnv)
	if err != nil {
		t.Fatal(err)
	}
	services, err := serviceDirs("../../../services")
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != 9 {
		t.Errorf("services/ has %d folders, want the 9 services: %v", len(services), services)
	}
	gateway := project.Services["gateway"]
	if key := gateway.Environment["OMS_BOOTSTRAP_API_KEY"]; key == nil || *key != dummyAPIKey {
		t.Errorf("gateway OMS_BOOTSTRAP_API_KEY = %v, want the interpolated %q", key, dummyAPIKey)
	}
	for _, name := range services {
		if _, ok := gateway.DependsOn[name]; !ok && name != "gateway" {
			t.Errorf("gateway does not wait for %s", name)
		}
	}
	if gateway.Build == nil || gateway.Build.Args["SERVICE"] == nil || *gateway.Build.Args["SERVICE"] != "gateway" {
		t.Errorf("gateway build args = %v, want SERVICE=gateway", gateway.Build)
	}
}

func TestComposeRules(t *testing.T) {
	services := []string{"gateway"}
	cases := []struct {
		file     string
		services []string
		want     string // a part of the one problem expected
	}{
		{"schema-invalid.yml", services, "helthcheck"},
		{"unknown-dependency.yml", services, "redis"},
		{"good.yml", []string{"gateway", "returns"}, "services/returns has no compose service"},
		{"no-healthcheck.yml", services, "service gateway: no healthcheck"},
		{"no-init.yml", services, "service gateway: no `init: true`"},
		{"depends-started.yml", services, `depends_on mongo with condition "service_started"`},
		{"foreign-database.yml", services, `names database "oms_ingestion", want its own "oms_gateway"`},
		{"missing-mount.yml", services, "missing.conf, which does not exist"},
		{"missing-build-file.yml", services, "missing.Dockerfile does not exist"},
		{"api-key-default.yml", services, "loads without OMS_BOOTSTRAP_API_KEY"},
		{"definitions-unmounted.yml", services, "load_definitions = /etc/rabbitmq/definitions is not mounted"},
		{"definitions-empty.yml", services, "holds no definitions"},
	}
	if problems := checkCompose("testdata/compose/good.yml", services); len(problems) != 0 {
		t.Fatalf("good.yml: %v", problems)
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			expectOneProblem(t, checkCompose(filepath.Join("testdata/compose", c.file), c.services), c.want)
		})
	}
}

func TestDockerfileRules(t *testing.T) {
	cases := []struct{ file, want string }{
		{"lint-from-as-casing.Dockerfile", "FromAsCasing"},
		{"lint-shell-cmd.Dockerfile", "JSONArgsRecommended"},
		{"lint-relative-workdir.Dockerfile", "WorkdirRelativePath"},
		{"lint-skipped.Dockerfile", "lint rules switched off (skip=all)"},
		{"build-error.Dockerfile", "does not build"},
		{"root-user.Dockerfile", "runs as root"},
		{"user-root.Dockerfile", "runs as root"},
		{"no-healthcheck.Dockerfile", "no HEALTHCHECK"},
		{"no-init.Dockerfile", `ENTRYPOINT "node" does not start an init`},
		{"no-entrypoint.Dockerfile", "no ENTRYPOINT"},
		{"latest-tag.Dockerfile", "tag `latest` moves"},
		{"untagged.Dockerfile", "no tag"},
		{"untagged-arg.Dockerfile", "FROM ${BASE}: no tag"},
	}
	if problems := checkDockerfile("testdata/dockerfile/good.Dockerfile", nil); len(problems) != 0 {
		t.Fatalf("good.Dockerfile: %v", problems)
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			expectProblem(t, checkDockerfile(filepath.Join("testdata/dockerfile", c.file), nil), c.want)
		})
	}
}

// The real Dockerfile with a SERVICE the build refuses is still a valid Dockerfile: the refusal is the
// build's (its RUN step), so the lint must not depend on the argument's value.
func TestDockerfileLintsForEveryImage(t *testing.T) {
	for _, service := range []string{"gateway", "sandboxes", ""} {
		if problems := checkDockerfile("../../Dockerfile", map[string]string{"SERVICE": service}); len(problems) != 0 {
			t.Errorf("SERVICE=%q: %v", service, problems)
		}
	}
}

func TestDockerignoreRules(t *testing.T) {
	if problems := checkDockerignore("testdata/dockerignore/good.dockerignore"); len(problems) != 0 {
		t.Fatalf("good.dockerignore: %v", problems)
	}
	expectProblem(t, checkDockerignore("testdata/dockerignore/keeps-node-modules.dockerignore"), "node_modules/x/index.js is sent to the build context")
	expectProblem(t, checkDockerignore("testdata/dockerignore/drops-sources.dockerignore"), "services/gateway/src/main.ts is excluded")
	expectProblem(t, checkDockerignore("testdata/dockerignore/drops-manifests.dockerignore"), "package-lock.json is excluded")
	expectProblem(t, checkDockerignore("testdata/dockerignore/missing.dockerignore"), "no such file")
}

func expectOneProblem(t *testing.T, problems []string, want string) {
	t.Helper()
	if len(problems) != 1 || !strings.Contains(problems[0], want) {
		t.Errorf("want exactly one problem containing %q, got %d:\n  %s", want, len(problems), strings.Join(problems, "\n  "))
	}
}

func expectProblem(t *testing.T, problems []string, want string) {
	t.Helper()
	for _, p := range problems {
		if strings.Contains(p, want) {
			return
		}
	}
	t.Errorf("want a problem containing %q, got %d:\n  %s", want, len(problems), strings.Join(problems, "\n  "))
}
