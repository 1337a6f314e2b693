package main

import (
	appsv1 "k8s.io/api/apps/v1"
)

// The seven services (services/*), each a Deployment labelled app.kubernetes.io/component=service.
var omsServices = []string{"gateway", "ingestion", "inventory", "payment-check", "fulfillment", "carrier", "returns", "tasks", "reports"}

const (
	componentLabel = "app.kubernetes.io/component"
	nameLabel      = "app.kubernetes.io/name"
	// A Deployment of ours is either one of the services or a development stand-in (the sandboxes).
	componentService    = "service"
	componentDevSandbox = "dev-sandbox"
)

// profile is what an overlay promises beyond the rules every overlay keeps.
type profile struct {
	name string
	// Lowest HorizontalPodAutoscaler minReplicas allowed.
	minReplicas int32
	// Production: disruption budgets with minAvailable, spread over nodes, an Ingress with TLS, three-member
	// broker and database, and no Secret in the output (credentials are created in the cluster, never committed).
	production bool
}

func profileFor(overlayName string) profile {
	if overlayName == "prod" {
		return profile{name: "prod", minReplicas: 2, production: true}
	}
	return profile{name: overlayName, minReplicas: 1}
}

// checkRules runs every rule over an overlay's decoded objects and returns the problems found.
func checkRules(objects []object, prof profile) []string {
	c := indexObjects(objects)
	var p problems
	checkNamespaces(c, &p)
	for _, d := range c.deployments {
		checkDeployment(c, d, prof, &p)
	}
	checkEveryServicePresent(c, &p)
	checkServicesSelectWorkloads(c, &p)
	checkScalersAndBudgetsTargetSomething(c, &p)
	checkImagesOfStatefulSets(c, &p)
	checkNetworkPolicies(c, &p)
	checkIngresses(c, prof, &p)
	checkBackingStores(c, prof, &p)
	if prof.production {
		for name := range c.secrets {
			p.add("Secret", name, "the prod overlay must not carry credentials: create the Secret in the cluster (k8s/README.md)")
		}
	}
	return p.sorted()
}

func checkEveryServicePresent(c *cluster, p *problems) {
	for _, name := range omsServices {
		if findServiceDeployment(c, name) == nil {
			p.add("Deployment", name, "missing: every service needs a Deployment labelled %s=%s", componentLabel, componentService)
		}
	}
}

func findServiceDeployment(c *cluster, name string) *appsv1.Deployment {
	for _, d := range c.deployments {
		if d.Name == name && d.Labels[componentLabel] == componentService {
			return d
		}
	}
	return nil
}

// Everything namespaced lands in one namespace, which the overlay itself creates.
func checkNamespaces(c *cluster, p *problems) {
	var namespace string
	for _, o := range c.all {
		if o.kind == "Namespace" {
			continue
		}
		if o.namespace == "" {
			p.add(o.kind, o.name, "no namespace: the overlay must set `namespace:`")
			continue
		}
		if namespace == "" {
			namespace = o.namespace
		} else if o.namespace != namespace {
			p.add(o.kind, o.name, "in namespace %s, the others in %s", o.namespace, namespace)
		}
	}
	if namespace == "" {
		return
	}
	for _, ns := range c.namespaces {
		if ns.Name == namespace {
			return
		}
	}
	p.add("Namespace", namespace, "not created by the overlay")
}
