package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The real overlays, relative to this module (deploy/checks/k8s).
const (
	devOverlay  = "../../../k8s/overlays/dev"
	prodOverlay = "../../../k8s/overlays/prod"
)

// Go's test cache ignores files outside this module, such as k8s/: a cached pass could outlive a change of
// the manifests. deploy/checks/k8s.sh puts a hash of k8s/ in this variable, and a variable a test reads is
// part of the cache key.
const manifestsHashVariable = "OMS_K8S_MANIFESTS_HASH"

func noteManifestsVersion() { _ = os.Getenv(manifestsHashVariable) }

func TestWhenTheRealOverlaysAreBuiltThenEveryCheckPasses(t *testing.T) {
	noteManifestsVersion()
	for _, tc := range []struct {
		dir  string
		prof profile
	}{{devOverlay, profileFor("dev")}, {prodOverlay, profileFor("prod")}} {
		count, problems := checkOverlay(tc.dir, tc.prof)
		if len(problems) > 0 {
			t.Errorf("%s: %d problem(s):\n  %s", tc.dir, len(problems), strings.Join(problems, "\n  "))
		}
		// Seven services with a Deployment, Service, HPA, PDB and ServiceMonitor each, plus the rest.
		if count < 7*5 {
			t.Errorf("%s: only %d objects", tc.dir, count)
		}
	}
}

// fixture is a broken variant of a real overlay: a kustomization over it that adds or patches one thing.
type fixture struct {
	name string
	// The overlay it starts from, and the rules it is held to.
	base string
	prof profile
	// Lines of the fixture's kustomization after `resources: [<base>]` (patches, images, generators...).
	kustomization string
	// Extra files of the fixture directory.
	files map[string]string
	// A problem the checker must report.
	want string
}

// writeFixture lays the fixture out in a temporary directory whose kustomization points at the real overlay
// by a relative path (kustomize refuses absolute ones).
func writeFixture(t *testing.T, f fixture) string {
	t.Helper()
	noteManifestsVersion()
	dir := t.TempDir()
	base, err := filepath.Abs(f.base)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(dir, base)
	if err != nil {
		t.Fatal(err)
	}
	resources := "resources:\n  - " + rel + "\n"
	for name := range f.files {
		if strings.HasPrefix(name, "resource-") {
			resources += "  - " + name + "\n"
		}
	}
	files := map[string]string{"kustomization.yaml": resources + f.kustomization}
	for name, content := range f.files {
		files[name] = content
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runFixtures(t *testing.T, fixtures []fixture) {
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			_, problems := checkOverlay(writeFixture(t, f), f.prof)
			for _, p := range problems {
				if strings.Contains(p, f.want) {
					return
				}
			}
			t.Errorf("expected a problem containing %q, got:\n  %s", f.want, strings.Join(problems, "\n  "))
		})
	}
}

// patches builds a kustomization `patches:` list.
func patches(items ...string) string {
	return "patches:\n" + strings.Join(items, "")
}

// jsonPatch is one `patches:` entry: an RFC 6902 patch of one object, each op a YAML line such as
// `{op: remove, path: /spec/replicas}`.
func jsonPatch(kind, name string, ops ...string) string {
	return "  - target:\n      kind: " + kind + "\n      name: " + name + "\n    patch: |-\n" + indent("- "+strings.Join(ops, "\n- "), 6) + "\n"
}

// deletion is one `patches:` entry that removes an object from the output.
func deletion(apiVersion, kind, name string) string {
	return "  - patch: |-\n      $patch: delete\n      apiVersion: " + apiVersion + "\n      kind: " + kind + "\n      metadata:\n        name: " + name + "\n"
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

var dev, prod = profileFor("dev"), profileFor("prod")
