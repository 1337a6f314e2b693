package main

import (
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Variables each service's configuration requires (packages/config/src/index.ts and the service's
// src/config.ts), besides the ones every service gets. AMQP_URL, REDIS_URL and HOST have defaults there, but
// those point at 127.0.0.1, which is wrong in a pod. INTERNAL_API_TOKEN is optional there, but required by
// @oms/runtime whenever HOST is not a loopback address, as it is in a pod (docs/security.md).
var requiredEnv = map[string][]string{
	"*":             {"PORT", "HOST", "MONGO_URL", "AMQP_URL", "REDIS_URL", "SHUTDOWN_TIMEOUT_MS", "INTERNAL_API_TOKEN"},
	"gateway":       {"OMS_BOOTSTRAP_API_KEY", "INGESTION_URL", "INVENTORY_URL", "FULFILLMENT_URL", "CARRIER_URL", "RETURNS_URL", "PAYMENT_CHECK_URL"},
	"payment-check": {"PAYMENT_PROVIDER_URL"},
	"carrier":       {"CARRIER_SANDBOX_URL"},
}

func checkDeployment(c *cluster, d *appsv1.Deployment, prof profile, p *problems) {
	pod := d.Spec.Template.Spec
	checkPodSecurity("Deployment", d.Name, pod, p)
	checkResources("Deployment", d.Name, pod, p)
	checkImages("Deployment", d.Name, pod, p)
	for _, ctr := range pod.Containers {
		if ctr.StartupProbe == nil || ctr.ReadinessProbe == nil || ctr.LivenessProbe == nil {
			p.add("Deployment", d.Name+" container "+ctr.Name, "needs a startupProbe, a readinessProbe and a livenessProbe")
		}
	}
	switch d.Labels[componentLabel] {
	case componentService:
		checkRunsItsOwnImage(d, p)
		checkServiceDeployment(c, d, prof, p)
	case componentDevSandbox:
		checkRunsItsOwnImage(d, p)
		checkSandboxDeployment(c, d, prof, p)
	default:
		p.add("Deployment", d.Name, "label %s must be %q or %q, so the right rules apply", componentLabel, componentService, componentDevSandbox)
	}
}

// checkServiceDeployment: the rules for our seven services (one container each, deploy/Dockerfile's image).
func checkServiceDeployment(c *cluster, d *appsv1.Deployment, prof profile, p *problems) {
	pod := d.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		p.add("Deployment", d.Name, "has %d containers, a service runs in one", len(pod.Containers))
		return
	}
	ctr := pod.Containers[0]
	checkProbePath("Deployment", d.Name, "readinessProbe", ctr.ReadinessProbe, "/readyz", p)
	checkProbePath("Deployment", d.Name, "livenessProbe", ctr.LivenessProbe, "/healthz", p)
	env := resolveEnv(c, "Deployment", d.Name, ctr, p)
	for _, name := range append(append([]string(nil), requiredEnv["*"]...), requiredEnv[d.Name]...) {
		if _, ok := env[name]; !ok {
			p.add("Deployment", d.Name, "environment variable %s is not set (the service needs it at start)", name)
		}
	}
	checkListensOnEveryInterface(d.Name, env["HOST"], p)
	httpPort := containerPort(ctr, "http")
	if httpPort == 0 {
		p.add("Deployment", d.Name, "no container port named http")
	} else if port, ok := env["PORT"]; ok && port.known && port.value != strconv.Itoa(int(httpPort)) {
		p.add("Deployment", d.Name, "PORT is %s but the container port http is %d", port.value, httpPort)
	}
	checkGracefulStop(d, ctr, env, p)
	if d.Spec.Replicas != nil {
		p.add("Deployment", d.Name, "sets spec.replicas: its HorizontalPodAutoscaler owns the count (each apply would reset it)")
	}
	checkScaler(c, d, prof, p)
	checkBudget(c, d, prof, p)
	checkMonitored(c, d, p)
	if prof.production && !spreadsOverNodes(pod) {
		p.add("Deployment", d.Name, "no topologySpreadConstraint or podAntiAffinity over kubernetes.io/hostname in prod")
	}
}

// checkSandboxDeployment: the development stand-ins stay out of prod and are reachable from the services.
func checkSandboxDeployment(c *cluster, d *appsv1.Deployment, prof profile, p *problems) {
	if prof.production {
		p.add("Deployment", d.Name, "a development sandbox in the prod overlay")
	}
	for _, ctr := range d.Spec.Template.Spec.Containers {
		env := resolveEnv(c, "Deployment", d.Name, ctr, p)
		host, ok := env["HOST"]
		if !ok {
			p.add("Deployment", d.Name, "environment variable HOST is not set (the sandboxes default to 127.0.0.1, unreachable from other pods)")
		}
		checkListensOnEveryInterface(d.Name, host, p)
	}
}

// checkListensOnEveryInterface: a HOST the output sets must be the wildcard address; loopback (the default of
// our processes outside a container) is unreachable from other pods.
func checkListensOnEveryInterface(name string, host envValue, p *problems) {
	if host.known && host.value != "0.0.0.0" && host.value != "::" {
		p.add("Deployment", name, "HOST is %q: the service would not be reachable from other pods (use 0.0.0.0)", host.value)
	}
}

// checkRunsItsOwnImage: deploy/Dockerfile builds one image per service (SERVICE=<name>) holding only that
// service's code, so Deployment <name> runs an image named <name> (ghcr.io/oms/<name>, or the same name in
// another registry). The image starts the service itself: its ENTRYPOINT is tini, which passes SIGTERM on to
// node (the graceful drain depends on it), and its CMD is the service's entry point. A command replaces the
// ENTRYPOINT and args the CMD, so neither is set.
func checkRunsItsOwnImage(d *appsv1.Deployment, p *problems) {
	for _, ctr := range d.Spec.Template.Spec.Containers {
		where := d.Name + " container " + ctr.Name
		if repository := imageRepository(ctr.Image); repository[strings.LastIndex(repository, "/")+1:] != d.Name {
			p.add("Deployment", where, "runs image %s: each image of deploy/Dockerfile holds one service's code, this one needs ghcr.io/oms/%s (SERVICE=%s)", ctr.Image, d.Name, d.Name)
		}
		if len(ctr.Command) > 0 {
			p.add("Deployment", where, "sets command, which replaces the image's ENTRYPOINT (tini, which passes SIGTERM on to node): leave it to the image")
		}
		if len(ctr.Args) > 0 {
			p.add("Deployment", where, "sets args, which replace the image's CMD (node main.js, the service's entry point): leave them to the image")
		}
	}
}

// imageRepository is an image reference without its tag and digest.
func imageRepository(image string) string {
	if at := strings.Index(image, "@"); at >= 0 {
		image = image[:at]
	}
	if colon := strings.LastIndex(image, ":"); colon > strings.LastIndex(image, "/") {
		image = image[:colon]
	}
	return image
}

func checkProbePath(kind, name, probeName string, probe *corev1.Probe, path string, p *problems) {
	if probe == nil {
		return // reported by checkDeployment
	}
	if probe.HTTPGet == nil || probe.HTTPGet.Path != path {
		p.add(kind, name, "%s must be an HTTP GET of %s", probeName, path)
	}
}

// checkGracefulStop: the kubelet's grace period covers the preStop sleep plus the service's own shutdown
// deadline, so a stopping service is never killed in the middle of its drain.
func checkGracefulStop(d *appsv1.Deployment, ctr corev1.Container, env map[string]envValue, p *problems) {
	preStop, ok := preStopSeconds(ctr)
	if !ok {
		p.add("Deployment", d.Name, "needs a preStop sleep (exec `sleep N` or the sleep action) so endpoints drop the pod before SIGTERM")
		return
	}
	timeout, ok := env["SHUTDOWN_TIMEOUT_MS"]
	if !ok || !timeout.known {
		p.add("Deployment", d.Name, "SHUTDOWN_TIMEOUT_MS must be set to a literal value (env or ConfigMap) to check the grace period")
		return
	}
	timeoutMs, err := strconv.ParseInt(timeout.value, 10, 64)
	if err != nil {
		p.add("Deployment", d.Name, "SHUTDOWN_TIMEOUT_MS %q is not a number", timeout.value)
		return
	}
	grace := int64(corev1.DefaultTerminationGracePeriodSeconds)
	if d.Spec.Template.Spec.TerminationGracePeriodSeconds != nil {
		grace = *d.Spec.Template.Spec.TerminationGracePeriodSeconds
	}
	if grace*1000 <= preStop*1000+timeoutMs {
		p.add("Deployment", d.Name, "terminationGracePeriodSeconds %d is not longer than preStop %ds + SHUTDOWN_TIMEOUT_MS %dms", grace, preStop, timeoutMs)
	}
}

// preStopSeconds reads the length of a preStop sleep: the sleep action, or exec of `sleep N` directly or
// through `sh -c`.
func preStopSeconds(ctr corev1.Container) (int64, bool) {
	if ctr.Lifecycle == nil || ctr.Lifecycle.PreStop == nil {
		return 0, false
	}
	handler := ctr.Lifecycle.PreStop
	if handler.Sleep != nil {
		return handler.Sleep.Seconds, handler.Sleep.Seconds > 0
	}
	if handler.Exec == nil {
		return 0, false
	}
	words := handler.Exec.Command
	if len(words) == 3 && (words[0] == "sh" || words[0] == "/bin/sh") && words[1] == "-c" {
		words = strings.Fields(words[2])
	}
	if len(words) != 2 || (words[0] != "sleep" && words[0] != "/bin/sleep") {
		return 0, false
	}
	seconds, err := strconv.ParseInt(words[1], 10, 64)
	return seconds, err == nil && seconds > 0
}

func containerPort(ctr corev1.Container, name string) int32 {
	for _, port := range ctr.Ports {
		if port.Name == name {
			return port.ContainerPort
		}
	}
	return 0
}

// workloadHasPort: a Service's targetPort (a name or a number) exists on the workload's containers.
func workloadHasPort(w workload, target intstr.IntOrString) bool {
	for _, ctr := range w.pod.Containers {
		for _, port := range ctr.Ports {
			if (target.Type == intstr.String && port.Name == target.StrVal) || (target.Type == intstr.Int && port.ContainerPort == target.IntVal) {
				return true
			}
		}
	}
	return false
}

func spreadsOverNodes(pod corev1.PodSpec) bool {
	for _, c := range pod.TopologySpreadConstraints {
		if c.TopologyKey == "kubernetes.io/hostname" {
			return true
		}
	}
	if pod.Affinity != nil && pod.Affinity.PodAntiAffinity != nil {
		anti := pod.Affinity.PodAntiAffinity
		for _, term := range anti.RequiredDuringSchedulingIgnoredDuringExecution {
			if term.TopologyKey == "kubernetes.io/hostname" {
				return true
			}
		}
		for _, term := range anti.PreferredDuringSchedulingIgnoredDuringExecution {
			if term.PodAffinityTerm.TopologyKey == "kubernetes.io/hostname" {
				return true
			}
		}
	}
	return false
}
