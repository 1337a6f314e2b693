package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// checkDockerfile lints the Dockerfile with BuildKit's own rules, the code `docker build --check` runs
// (every rule, experimental ones included, any warning is a problem), then checks our rules on the final
// stage. buildArgs are passed as `--build-arg` would be.
func checkDockerfile(file string, buildArgs map[string]string) []string {
	dt, err := os.ReadFile(file)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if skipped := skippedChecks(dt); skipped != "" {
		add("%s: lint rules switched off (%s): fix the warning instead", file, skipped)
	}
	// The results name their source by an LLB definition, as in a real build: an empty one will do.
	sourceMap := llb.NewSourceMap(nil, filepath.Base(file), "Dockerfile", dt)
	if sourceMap.Definition, err = llb.Scratch().Marshal(context.Background()); err != nil {
		return []string{err.Error()}
	}
	results, err := dockerfile2llb.DockerfileLint(context.Background(), dt, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{BuildArgs: buildArgs},
		MetaResolver: offlineImages{},
		SourceMap:    sourceMap,
	})
	if err != nil {
		return append(problems, fmt.Sprintf("%s: lint failed: %v", file, err))
	}
	if results.Error != nil {
		add("%s: does not build: %s", file, results.Error.Message)
	}
	for _, w := range results.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		add("%s:%d: %s: %s (%s)", file, line, w.RuleName, w.Detail, w.URL)
	}
	return append(problems, checkFinalStage(file, dt)...)
}

// skippedChecks returns the `# check=skip=...` part of the Dockerfile's check directive, if any.
func skippedChecks(dt []byte) string {
	value, _, _, ok := parser.ParseDirective("check", dt)
	if !ok {
		return ""
	}
	config, err := linter.ParseLintOptions(value)
	if err != nil {
		return "unreadable check directive: " + err.Error()
	}
	if config.SkipAll {
		return "skip=all"
	}
	if len(config.SkipRules) > 0 {
		return "skip=" + strings.Join(config.SkipRules, ",")
	}
	return ""
}

var initBinary = regexp.MustCompile(`(^|/)(tini|tini-static|dumb-init|docker-init)$`)

// checkFinalStage: what the image runs must be a non-root user under an init, with a health check, and every
// base image must be pinned to a version.
func checkFinalStage(file string, dt []byte) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	ast, err := parser.Parse(bytes.NewReader(dt))
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", file, err)}
	}
	stages, metaArgs, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", file, err)}
	}
	if len(stages) == 0 {
		return []string{file + ": no stage"}
	}
	stageNames := map[string]bool{}
	for _, stage := range stages {
		if problem := unpinnedBase(stage.BaseName, metaArgs, stageNames); problem != "" {
			add("%s:%d: FROM %s: %s", file, stage.Location[0].Start.Line, stage.BaseName, problem)
		}
		if stage.Name != "" {
			stageNames[strings.ToLower(stage.Name)] = true
		}
	}

	final := stages[len(stages)-1]
	var user string
	var health *instructions.HealthCheckCommand
	var entrypoint *instructions.EntrypointCommand
	for _, cmd := range final.Commands {
		switch c := cmd.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.HealthCheckCommand:
			health = c
		case *instructions.EntrypointCommand:
			entrypoint = c
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		add("%s: the final stage runs as root: add USER with an unprivileged user", file)
	}
	if health == nil || health.Health == nil || len(health.Health.Test) == 0 || strings.EqualFold(health.Health.Test[0], "NONE") {
		add("%s: the final stage has no HEALTHCHECK", file)
	}
	if entrypoint == nil || !entrypoint.PrependShell && len(entrypoint.CmdLine) == 0 {
		add("%s: the final stage has no ENTRYPOINT: run the process under an init (tini)", file)
	} else if entrypoint.PrependShell || !initBinary.MatchString(entrypoint.CmdLine[0]) {
		add("%s: the final stage's ENTRYPOINT %q does not start an init (tini) in exec form", file, strings.Join(entrypoint.CmdLine, " "))
	}
	return problems
}

// unpinnedBase says why a FROM image is not pinned to a version ("" when it is, or names an earlier stage).
func unpinnedBase(base string, metaArgs []instructions.ArgCommand, stageNames map[string]bool) string {
	expanded := os.Expand(base, func(name string) string {
		for _, arg := range metaArgs {
			for _, kv := range arg.Args {
				if kv.Key == name && kv.Value != nil {
					return *kv.Value
				}
			}
		}
		return ""
	})
	if stageNames[strings.ToLower(expanded)] || expanded == "scratch" {
		return ""
	}
	ref, err := reference.ParseNormalizedNamed(expanded)
	if err != nil {
		return "not an image reference: " + err.Error()
	}
	if _, ok := ref.(reference.Digested); ok {
		return ""
	}
	tagged, ok := ref.(reference.Tagged)
	if !ok {
		return "no tag (that is `latest`): pin a version"
	}
	if tagged.Tag() == "latest" || strings.HasPrefix(tagged.Tag(), "latest-") {
		return "tag `" + tagged.Tag() + "` moves: pin a version"
	}
	return ""
}

// offlineImages answers the linter's base image lookups without a registry: a plain linux image config with
// the PATH every official image sets (so rules that look at the base image's environment work).
type offlineImages struct{}

func (offlineImages) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	platform := ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		platform = *opt.ImageOpt.Platform
	}
	config := ocispecs.Image{
		Platform: platform,
		Config:   ocispecs.ImageConfig{Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
		RootFS:   ocispecs.RootFS{Type: "layers", DiffIDs: []digest.Digest{digest.FromString(ref)}},
	}
	dt, err := json.Marshal(config)
	return ref, "", dt, err
}

// The .dockerignore must keep out what the image never needs (and what would bust its cache), and must let
// in everything the Dockerfile copies.
var (
	mustBeIgnored = []string{
		".git/HEAD", "node_modules/x/index.js", "packages/http/node_modules/x/index.js", "services/gateway/dist/main.js",
		"packages/contracts/dist/index.js", "packages/http/tsconfig.tsbuildinfo", "services/gateway/test/app.test.ts",
		"packages/messaging/test/helpers.ts", "coverage/lcov.info", ".run/api-key", ".run/logs/gateway.log",
	}
	mustBeIncluded = []string{
		"package.json", "package-lock.json", "tsconfig.base.json", "tsconfig.build.json",
		"packages/http/package.json", "packages/http/tsconfig.json", "packages/http/src/index.ts",
		"services/gateway/package.json", "services/gateway/tsconfig.json", "services/gateway/src/main.ts",
	}
)

func checkDockerignore(file string) []string {
	f, err := os.Open(file)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v (the build context would include node_modules, dist and .git)", file, err)}
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(bufio.NewReader(f))
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", file, err)}
	}
	matcher, err := patternmatcher.New(patterns)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", file, err)}
	}
	var problems []string
	for _, p := range mustBeIgnored {
		if ignored, _ := matcher.MatchesOrParentMatches(filepath.FromSlash(p)); !ignored {
			problems = append(problems, fmt.Sprintf("%s: %s is sent to the build context; exclude it", file, p))
		}
	}
	for _, p := range mustBeIncluded {
		if ignored, _ := matcher.MatchesOrParentMatches(filepath.FromSlash(p)); ignored {
			problems = append(problems, fmt.Sprintf("%s: %s is excluded, but the image build needs it", file, p))
		}
	}
	return problems
}
