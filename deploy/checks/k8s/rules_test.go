package main

import "testing"

const container = "/spec/template/spec/containers/0"

// Each fixture breaks one rule of rules*.go in an otherwise valid overlay; the check must name it.
func TestWhenAServiceDeploymentBreaksARuleThenTheCheckFails(t *testing.T) {
	runFixtures(t, []fixture{
		{
			name: "no readiness probe", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "gateway", "{op: remove, path: "+container+"/readinessProbe}")),
			want:          "Deployment/gateway container app: needs a startupProbe, a readinessProbe and a livenessProbe",
		},
		{
			name: "no startup probe", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "returns", "{op: remove, path: "+container+"/startupProbe}")),
			want:          "Deployment/returns container app: needs a startupProbe",
		},
		{
			name: "readiness on the wrong path", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "inventory", "{op: replace, path: "+container+"/readinessProbe/httpGet/path, value: /healthz}")),
			want:          "Deployment/inventory: readinessProbe must be an HTTP GET of /readyz",
		},
		{
			name: "liveness not over HTTP", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "carrier",
				"{op: remove, path: "+container+"/livenessProbe/httpGet}",
				"{op: add, path: "+container+"/livenessProbe/tcpSocket, value: {port: http}}")),
			want: "Deployment/carrier: livenessProbe must be an HTTP GET of /healthz",
		},
		{
			name: "a grace period shorter than preStop plus the shutdown deadline", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "ingestion", "{op: replace, path: /spec/template/spec/terminationGracePeriodSeconds, value: 20}")),
			want:          "Deployment/ingestion: terminationGracePeriodSeconds 20 is not longer than preStop 5s + SHUTDOWN_TIMEOUT_MS 20000ms",
		},
		{
			name: "a shutdown deadline in the ConfigMap that the grace period no longer covers", base: devOverlay, prof: dev,
			kustomization: "configMapGenerator:\n  - name: oms-config\n    behavior: merge\n    literals: [SHUTDOWN_TIMEOUT_MS=30000]\n",
			want:          "Deployment/fulfillment: terminationGracePeriodSeconds 35 is not longer than preStop 5s + SHUTDOWN_TIMEOUT_MS 30000ms",
		},
		{
			name: "no preStop", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "payment-check", "{op: remove, path: "+container+"/lifecycle}")),
			want:          "Deployment/payment-check: needs a preStop sleep",
		},
		{
			name: "no limits", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "gateway", "{op: remove, path: "+container+"/resources/limits}")),
			want:          "Deployment/gateway container app: no memory limit",
		},
		{
			name: "running as root", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "gateway", "{op: replace, path: /spec/template/spec/securityContext/runAsUser, value: 0}")),
			want:          "Deployment/gateway container app: runAsUser is 0 (root)",
		},
		{
			name: "no numeric user for the image's named user", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "returns", "{op: remove, path: /spec/template/spec/securityContext/runAsUser}")),
			want:          "Deployment/returns container app: no numeric runAsUser",
		},
		{
			name: "a writable root filesystem", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "inventory", "{op: replace, path: "+container+"/securityContext/readOnlyRootFilesystem, value: false}")),
			want:          "Deployment/inventory container app: readOnlyRootFilesystem is not true",
		},
		{
			name: "capabilities kept", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "carrier", "{op: remove, path: "+container+"/securityContext/capabilities}")),
			want:          "Deployment/carrier container app: capabilities do not drop ALL",
		},
		{
			name: "no seccomp profile", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "fulfillment", "{op: remove, path: /spec/template/spec/securityContext/seccompProfile}")),
			want:          "Deployment/fulfillment container app: seccompProfile is not RuntimeDefault",
		},
		{
			name: "the latest tag", base: devOverlay, prof: dev,
			kustomization: "images:\n  - name: ghcr.io/oms/ingestion\n    newTag: latest\n",
			want:          "Deployment/ingestion container app: image ghcr.io/oms/ingestion:latest uses the tag latest",
		},
		{
			name: "an image without a tag", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("StatefulSet", "oms-redis", "{op: replace, path: "+container+"/image, value: redis}")),
			want:          "StatefulSet/oms-redis container redis: image redis has no tag",
		},
		{
			name: "HOST left at loopback", base: devOverlay, prof: dev,
			kustomization: "configMapGenerator:\n  - name: oms-config\n    behavior: merge\n    literals: [HOST=127.0.0.1]\n",
			want:          `Deployment/gateway: HOST is "127.0.0.1"`,
		},
		{
			name: "a required setting missing", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "payment-check", "{op: remove, path: "+container+"/envFrom/1}")),
			want:          "Deployment/payment-check: environment variable PAYMENT_PROVIDER_URL is not set",
		},
		{
			name: "replicas fixed beside the autoscaler", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "fulfillment", "{op: add, path: /spec/replicas, value: 1}")),
			want:          "Deployment/fulfillment: sets spec.replicas",
		},
		{
			name: "a service on another service's image", base: devOverlay, prof: dev,
			kustomization: "images:\n  - name: ghcr.io/oms/returns\n    newName: ghcr.io/oms/fulfillment\n",
			want:          "Deployment/returns container app: runs image ghcr.io/oms/fulfillment:0.1.0",
		},
		{
			name: "the sandboxes on a service's image", base: devOverlay, prof: dev,
			kustomization: "images:\n  - name: ghcr.io/oms/sandboxes\n    newName: ghcr.io/oms/payment-check\n",
			want:          "Deployment/sandboxes container sandboxes: runs image ghcr.io/oms/payment-check:0.1.0",
		},
		{
			name: "a command that bypasses the image's tini", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "sandboxes", `{op: add, path: `+container+`/command, value: ["node", "main.js"]}`)),
			want:          "Deployment/sandboxes container sandboxes: sets command, which replaces the image's ENTRYPOINT",
		},
		{
			name: "args that replace the image's entry point", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "gateway", `{op: add, path: `+container+`/args, value: ["node", "services/gateway/dist/main.js"]}`)),
			want:          "Deployment/gateway container app: sets args",
		},
		{
			name: "the sandboxes without HOST", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "sandboxes", "{op: test, path: "+container+"/env/0/name, value: HOST}", "{op: remove, path: "+container+"/env/0}")),
			want:          "Deployment/sandboxes: environment variable HOST is not set",
		},
		{
			name: "the sandboxes on loopback", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "sandboxes", "{op: test, path: "+container+"/env/0/name, value: HOST}", "{op: replace, path: "+container+"/env/0/value, value: 127.0.0.1}")),
			want:          `Deployment/sandboxes: HOST is "127.0.0.1"`,
		},
		{
			name: "a Deployment of no known component", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "sandboxes", "{op: remove, path: /metadata/labels/app.kubernetes.io~1component}")),
			want:          "Deployment/sandboxes: label app.kubernetes.io/component must be",
		},
	})
}

func TestWhenAServiceLacksItsCompanionsThenTheCheckFails(t *testing.T) {
	runFixtures(t, []fixture{
		{
			name: "no autoscaler", base: devOverlay, prof: dev,
			kustomization: patches(deletion("autoscaling/v2", "HorizontalPodAutoscaler", "returns")),
			want:          "Deployment/returns: needs exactly one HorizontalPodAutoscaler, has 0",
		},
		{
			name: "an autoscaler aimed at another Deployment", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("HorizontalPodAutoscaler", "carrier", "{op: replace, path: /spec/scaleTargetRef/name, value: carriers}")),
			want:          "HorizontalPodAutoscaler/carrier: scales Deployment carriers, which is not in the output",
		},
		{
			name: "no disruption budget", base: devOverlay, prof: dev,
			kustomization: patches(deletion("policy/v1", "PodDisruptionBudget", "inventory")),
			want:          "Deployment/inventory: needs exactly one PodDisruptionBudget selecting its pods, has 0",
		},
		{
			name: "a Service that selects nothing", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Service", "ingestion", "{op: replace, path: /spec/selector, value: {app.kubernetes.io/name: ingestor}}")),
			want:          "Service/ingestion: selects no Deployment or StatefulSet",
		},
		{
			name: "a Service on a port the pods lack", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Service", "returns", "{op: replace, path: /spec/ports/0/targetPort, value: web}")),
			want:          "Service/returns: targetPort web is not a port of Deployment/returns",
		},
		{
			name: "no ServiceMonitor", base: devOverlay, prof: dev,
			kustomization: patches(deletion("monitoring.coreos.com/v1", "ServiceMonitor", "carrier")),
			want:          "Deployment/carrier: no ServiceMonitor scrapes /metrics",
		},
		{
			name: "a service missing altogether", base: devOverlay, prof: dev,
			kustomization: patches(deletion("apps/v1", "Deployment", "returns")),
			want:          "Deployment/returns: missing",
		},
	})
}

func TestWhenTheNetworkRulesAreWrongThenTheCheckFails(t *testing.T) {
	openIngress := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: open\nspec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: ingestion\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - namespaceSelector: {}\n"
	openEgress := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: open\nspec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: inventory\n  policyTypes: [Egress]\n  egress:\n    - {}\n"
	internet := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: internet\nspec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: fulfillment\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - ipBlock: {cidr: 0.0.0.0/0}\n      ports:\n        - {port: 443}\n"
	runFixtures(t, []fixture{
		{
			name: "no default deny", base: devOverlay, prof: dev,
			kustomization: patches(deletion("networking.k8s.io/v1", "NetworkPolicy", "default-deny")),
			want:          "NetworkPolicy/*: no default deny",
		},
		{
			name: "no DNS", base: devOverlay, prof: dev,
			kustomization: patches(deletion("networking.k8s.io/v1", "NetworkPolicy", "allow-dns")),
			want:          "Deployment/gateway: cannot reach the cluster DNS",
		},
		{
			name: "services cut off from the broker, database and Redis", base: devOverlay, prof: dev,
			kustomization: patches(deletion("networking.k8s.io/v1", "NetworkPolicy", "services-to-backing-stores")),
			want:          "NetworkPolicy/returns: cannot reach the broker on 5672",
		},
		{
			name: "the gateway unreachable from the ingress controller", base: devOverlay, prof: dev,
			kustomization: patches(deletion("networking.k8s.io/v1", "NetworkPolicy", "gateway-from-ingress-controller")),
			want:          "NetworkPolicy/gateway: the ingress controller (namespace ingress-nginx) cannot reach it",
		},
		{
			name: "the gateway unable to query a service", base: devOverlay, prof: dev,
			kustomization: patches(deletion("networking.k8s.io/v1", "NetworkPolicy", "services-from-gateway")),
			want:          "NetworkPolicy/gateway: cannot query inventory on 8080",
		},
		{
			name: "a service open to every namespace", base: devOverlay, prof: dev,
			files: map[string]string{"resource-open.yaml": openIngress},
			want:  "NetworkPolicy/ingestion: accepts connections from pods of any other namespace",
		},
		{
			name: "a service allowed to connect anywhere", base: devOverlay, prof: dev,
			files: map[string]string{"resource-open.yaml": openEgress},
			want:  "NetworkPolicy/inventory: may connect to the ingress controller",
		},
		{
			name: "a service that is not a provider client calling out", base: devOverlay, prof: dev,
			files: map[string]string{"resource-internet.yaml": internet},
			want:  "NetworkPolicy/internet: lets fulfillment reach addresses 0.0.0.0/0: only payment-check and carrier call out",
		},
		{
			name: "provider egress opening the private ranges", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("NetworkPolicy", "providers-egress", "{op: remove, path: /spec/egress/0/to/0/ipBlock/except}")),
			want:          "NetworkPolicy/providers-egress: lets carrier reach the private range 10.0.0.0/8",
		},
		{
			name: "provider egress on every port", base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("NetworkPolicy", "providers-egress", "{op: remove, path: /spec/egress/0/ports}")),
			want:          "NetworkPolicy/providers-egress: lets payment-check reach 0.0.0.0/0 on every port",
		},
		{
			name: "a provider client with no way out", base: devOverlay, prof: dev,
			kustomization: patches(deletion("networking.k8s.io/v1", "NetworkPolicy", "providers-egress")),
			want:          "NetworkPolicy/payment-check: cannot reach its provider",
		},
	})
}

func TestWhenTheProdOverlayIsWeakenedThenTheCheckFails(t *testing.T) {
	runFixtures(t, []fixture{
		{
			name: "credentials committed", base: prodOverlay, prof: prod,
			kustomization: "secretGenerator:\n  - name: oms-gateway-bootstrap\n    literals: [api-key=0123456789abcdef]\n",
			want:          "Secret/oms-gateway-bootstrap-",
		},
		{
			name: "a single replica", base: prodOverlay, prof: prod,
			kustomization: patches(jsonPatch("HorizontalPodAutoscaler", "returns", "{op: replace, path: /spec/minReplicas, value: 1}")),
			want:          "HorizontalPodAutoscaler/returns: minReplicas 1 is below 2 for the prod overlay",
		},
		{
			name: "a budget without minAvailable", base: prodOverlay, prof: prod,
			kustomization: patches(jsonPatch("PodDisruptionBudget", "gateway", "{op: remove, path: /spec/minAvailable}", "{op: add, path: /spec/maxUnavailable, value: 1}")),
			want:          "PodDisruptionBudget/gateway: the prod overlay sets minAvailable",
		},
		{
			name: "replicas not spread over nodes", base: prodOverlay, prof: prod,
			kustomization: patches(jsonPatch("Deployment", "ingestion", "{op: remove, path: /spec/template/spec/topologySpreadConstraints}")),
			want:          "Deployment/ingestion: no topologySpreadConstraint or podAntiAffinity over kubernetes.io/hostname in prod",
		},
		{
			name: "no Ingress", base: prodOverlay, prof: prod,
			kustomization: patches(deletion("networking.k8s.io/v1", "Ingress", "gateway")),
			want:          "Ingress/gateway: the prod overlay exposes the gateway through an Ingress",
		},
		{
			name: "an Ingress that routes every path (/metrics too)", base: prodOverlay, prof: prod,
			kustomization: patches(jsonPatch("Ingress", "gateway", "{op: replace, path: /spec/rules/0/http/paths/0/path, value: /}")),
			want:          "Ingress/gateway: routes / to the gateway: only its public paths /v1, /docs, /openapi.json and /asyncapi.json may be (never /metrics, /healthz, /readyz or /internal)",
		},
		{
			name: "an Ingress without TLS", base: prodOverlay, prof: prod,
			kustomization: patches(jsonPatch("Ingress", "gateway", "{op: remove, path: /spec/tls}")),
			want:          "Ingress/gateway: no TLS in prod",
		},
		{
			name: "a one-member broker", base: prodOverlay, prof: prod,
			kustomization: patches(jsonPatch("RabbitmqCluster", "oms-rabbitmq", "{op: replace, path: /spec/replicas, value: 1}")),
			want:          "RabbitmqCluster/oms-rabbitmq: fewer than 3 replicas in prod",
		},
		{
			name: "a one-member database", base: prodOverlay, prof: prod,
			kustomization: patches(jsonPatch("MongoDBCommunity", "oms-mongo", "{op: replace, path: /spec/members, value: 1}")),
			want:          "MongoDBCommunity/oms-mongo: fewer than 3 members in prod",
		},
		{
			name: "the dev sandboxes", base: devOverlay, prof: prod,
			want: "Deployment/sandboxes: a development sandbox in the prod overlay",
		},
	})
}

func TestImageRepositoryDropsTagAndDigestButNotARegistryPort(t *testing.T) {
	for image, want := range map[string]string{
		"ghcr.io/oms/gateway:0.1.0":             "ghcr.io/oms/gateway",
		"ghcr.io/oms/gateway@sha256:0123abcd":   "ghcr.io/oms/gateway",
		"ghcr.io/oms/gateway:0.1.0@sha256:0123": "ghcr.io/oms/gateway",
		"localhost:5000/oms/sandboxes":          "localhost:5000/oms/sandboxes",
		"localhost:5000/oms/sandboxes:dev":      "localhost:5000/oms/sandboxes",
	} {
		if got := imageRepository(image); got != want {
			t.Errorf("imageRepository(%q) = %q, want %q", image, got, want)
		}
	}
}
