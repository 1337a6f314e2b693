package main

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// checkScaler: exactly one HorizontalPodAutoscaler scales the Deployment, on CPU at least, from at least the
// profile's minimum replicas.
func checkScaler(c *cluster, d *appsv1.Deployment, prof profile, p *problems) {
	var found []*autoscalingv2.HorizontalPodAutoscaler
	for _, h := range c.hpas {
		if targetsDeployment(h, d.Name) {
			found = append(found, h)
		}
	}
	if len(found) != 1 {
		p.add("Deployment", d.Name, "needs exactly one HorizontalPodAutoscaler, has %d", len(found))
		return
	}
	h := found[0]
	minReplicas := int32(1)
	if h.Spec.MinReplicas != nil {
		minReplicas = *h.Spec.MinReplicas
	}
	if minReplicas < prof.minReplicas {
		p.add("HorizontalPodAutoscaler", h.Name, "minReplicas %d is below %d for the %s overlay", minReplicas, prof.minReplicas, prof.name)
	}
	if h.Spec.MaxReplicas < minReplicas {
		p.add("HorizontalPodAutoscaler", h.Name, "maxReplicas %d is below minReplicas %d", h.Spec.MaxReplicas, minReplicas)
	}
	onCPU := false
	for _, m := range h.Spec.Metrics {
		if m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil && m.Resource.Name == corev1.ResourceCPU {
			onCPU = true
		}
	}
	if !onCPU {
		p.add("HorizontalPodAutoscaler", h.Name, "does not scale on CPU")
	}
}

func targetsDeployment(h *autoscalingv2.HorizontalPodAutoscaler, name string) bool {
	ref := h.Spec.ScaleTargetRef
	return ref.Kind == "Deployment" && ref.APIVersion == "apps/v1" && ref.Name == name
}

// checkBudget: exactly one PodDisruptionBudget covers the Deployment's pods (the eviction API refuses pods
// covered by two); in prod it names the replicas that must stay up.
func checkBudget(c *cluster, d *appsv1.Deployment, prof profile, p *problems) {
	count := 0
	for _, b := range c.pdbs {
		if selects(b.Spec.Selector, d.Spec.Template.Labels) {
			count++
			if prof.production && b.Spec.MinAvailable == nil {
				p.add("PodDisruptionBudget", b.Name, "the prod overlay sets minAvailable")
			}
		}
	}
	if count != 1 {
		p.add("Deployment", d.Name, "needs exactly one PodDisruptionBudget selecting its pods, has %d", count)
	}
}

// checkMonitored: a Service selects the Deployment and a ServiceMonitor scrapes /metrics on one of its ports.
func checkMonitored(c *cluster, d *appsv1.Deployment, p *problems) {
	scraped, served := false, false
	for _, s := range c.services {
		if len(s.Spec.Selector) == 0 || !labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
			continue
		}
		served = true
		for _, m := range c.serviceMonitors {
			if !selects(&m.Spec.Selector, s.Labels) {
				continue
			}
			for _, e := range m.Spec.Endpoints {
				if e.Path == "/metrics" && serviceHasPort(s, e.Port) {
					scraped = true
				}
			}
		}
	}
	if !served {
		p.add("Deployment", d.Name, "no Service selects its pods")
	} else if !scraped {
		p.add("Deployment", d.Name, "no ServiceMonitor scrapes /metrics on a port of its Service")
	}
}

func serviceHasPort(s *corev1.Service, name string) bool {
	for _, port := range s.Spec.Ports {
		if port.Name == name {
			return true
		}
	}
	return false
}

// checkServicesSelectWorkloads: every Service in the output selects the pods of a Deployment or StatefulSet
// in the output, on ports those pods have.
func checkServicesSelectWorkloads(c *cluster, p *problems) {
	for _, s := range c.services {
		if len(s.Spec.Selector) == 0 {
			p.add("Service", s.Name, "has no selector")
			continue
		}
		selector := labels.SelectorFromSet(s.Spec.Selector)
		var matched *workload
		for _, w := range c.workloads() {
			if selector.Matches(labels.Set(w.podLabels)) {
				matched = &w
				break
			}
		}
		if matched == nil {
			p.add("Service", s.Name, "selects no Deployment or StatefulSet")
			continue
		}
		for _, port := range s.Spec.Ports {
			target := port.TargetPort
			if target.Type == intstr.Int && target.IntVal == 0 {
				target = intstr.FromInt32(port.Port)
			}
			if !workloadHasPort(*matched, target) {
				p.add("Service", s.Name, "targetPort %s is not a port of %s/%s", target.String(), matched.kind, matched.name)
			}
		}
	}
}

// checkScalersAndBudgetsTargetSomething: no autoscaler or budget left behind for a workload that is gone.
func checkScalersAndBudgetsTargetSomething(c *cluster, p *problems) {
	for _, h := range c.hpas {
		found := false
		for _, d := range c.deployments {
			found = found || targetsDeployment(h, d.Name)
		}
		if !found {
			p.add("HorizontalPodAutoscaler", h.Name, "scales %s %s, which is not in the output", h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name)
		}
	}
	for _, b := range c.pdbs {
		found := false
		for _, w := range c.workloads() {
			found = found || selects(b.Spec.Selector, w.podLabels)
		}
		if !found {
			p.add("PodDisruptionBudget", b.Name, "selects no pods of the output")
		}
	}
}

func checkImagesOfStatefulSets(c *cluster, p *problems) {
	for _, s := range c.statefulSets {
		checkPodSecurity("StatefulSet", s.Name, s.Spec.Template.Spec, p)
		checkResources("StatefulSet", s.Name, s.Spec.Template.Spec, p)
		checkImages("StatefulSet", s.Name, s.Spec.Template.Spec, p)
	}
}

// publicGatewayPaths are what an Ingress may route to the gateway: the API and its documents. A prefix such as
// "/" would expose /metrics (every counter, for anyone), /healthz and /readyz as well.
var publicGatewayPaths = map[string]bool{"/v1": true, "/docs": true, "/openapi.json": true, "/asyncapi.json": true}

// checkIngresses: backends exist; prod exposes the gateway, and only the gateway and its public paths, over TLS.
func checkIngresses(c *cluster, prof profile, p *problems) {
	gatewayExposed := false
	for _, ing := range c.ingresses {
		for _, rule := range ing.Spec.Rules {
			if rule.HTTP == nil {
				continue
			}
			for _, path := range rule.HTTP.Paths {
				backend := path.Backend.Service
				if backend == nil {
					p.add("Ingress", ing.Name, "a path without a Service backend")
					continue
				}
				if backend.Name != "gateway" {
					p.add("Ingress", ing.Name, "exposes %s: the gateway is the only public entry", backend.Name)
				}
				svc := findService(c, backend.Name)
				if svc == nil {
					p.add("Ingress", ing.Name, "backend Service %s is not in the output", backend.Name)
					continue
				}
				if backend.Port.Name != "" && !serviceHasPort(svc, backend.Port.Name) {
					p.add("Ingress", ing.Name, "backend port %s is not a port of Service %s", backend.Port.Name, backend.Name)
				}
				if backend.Name == "gateway" && !publicGatewayPaths[path.Path] {
					p.add("Ingress", ing.Name, "routes %s to the gateway: only its public paths /v1, /docs, /openapi.json and /asyncapi.json may be (never /metrics, /healthz, /readyz or /internal)", path.Path)
				}
				gatewayExposed = gatewayExposed || backend.Name == "gateway"
			}
		}
		if prof.production && len(ing.Spec.TLS) == 0 {
			p.add("Ingress", ing.Name, "no TLS in prod")
		}
	}
	if prof.production && !gatewayExposed {
		p.add("Ingress", "gateway", "the prod overlay exposes the gateway through an Ingress")
	}
}

func findService(c *cluster, name string) *corev1.Service {
	for _, s := range c.services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// checkBackingStores: one broker and one database; in prod with three members each (a majority survives one
// loss), and images pinned.
func checkBackingStores(c *cluster, prof profile, p *problems) {
	if len(c.rabbitmqs) != 1 {
		p.add("RabbitmqCluster", "*", "expected exactly one, found %d", len(c.rabbitmqs))
	}
	if len(c.mongodbs) != 1 {
		p.add("MongoDBCommunity", "*", "expected exactly one, found %d", len(c.mongodbs))
	}
	for _, r := range c.rabbitmqs {
		if problem := imageProblem(r.Spec.Image); r.Spec.Image != "" && problem != "" {
			p.add("RabbitmqCluster", r.Name, "%s", problem)
		}
		if prof.production && (r.Spec.Replicas == nil || *r.Spec.Replicas < 3) {
			p.add("RabbitmqCluster", r.Name, "fewer than 3 replicas in prod")
		}
	}
	for _, m := range c.mongodbs {
		if prof.production && m.Spec.Members < 3 {
			p.add("MongoDBCommunity", m.Name, "fewer than 3 members in prod")
		}
	}
}

func selects(selector *metav1.LabelSelector, podLabels map[string]string) bool {
	if selector == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil || s.Empty() {
		return false
	}
	return s.Matches(labels.Set(podLabels))
}
