package main

import (
	"strings"
	"testing"
)

// Strict decoding: each fixture breaks one object's schema, and the whole check must fail on it.
func TestWhenAnObjectDoesNotFitItsTypeThenDecodingFails(t *testing.T) {
	runFixtures(t, []fixture{
		{
			name: "a Deployment with an unknown field",
			base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("Deployment", "gateway", "{op: add, path: /spec/template/spec/containers/0/readinessProbe/httpGet/paht, value: /readyz}")),
			want:          `unknown field "spec.template.spec.containers[0].readinessProbe.httpGet.paht"`,
		},
		{
			name: "a value of the wrong type",
			base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("HorizontalPodAutoscaler", "inventory", "{op: replace, path: /spec/minReplicas, value: two}")),
			want:          "cannot unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.minReplicas of type int32",
		},
		{
			name: "a RabbitmqCluster with an unknown field (the operator's own Go type)",
			base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("RabbitmqCluster", "oms-rabbitmq", "{op: add, path: /spec/replica, value: 3}")),
			want:          `RabbitmqCluster: strict decoding error: unknown field "spec.replica"`,
		},
		{
			name: "a MongoDBCommunity with an unknown field (the operator's own Go type)",
			base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("MongoDBCommunity", "oms-mongo", "{op: add, path: /spec/users/0/password, value: secret}")),
			want:          `MongoDBCommunity: strict decoding error: unknown field "spec.users[0].password"`,
		},
		{
			name: "a ServiceMonitor with an unknown field (the Prometheus Operator's Go type)",
			base: devOverlay, prof: dev,
			kustomization: patches(jsonPatch("ServiceMonitor", "carrier", "{op: add, path: /spec/endpoints/0/paht, value: /metrics}")),
			want:          `ServiceMonitor: strict decoding error: unknown field "spec.endpoints[0].paht"`,
		},
		{
			name: "an object of a kind no scheme knows",
			base: devOverlay, prof: dev,
			files: map[string]string{"resource-widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"},
			want:  `no kind "Widget" is registered`,
		},
		{
			name: "a manifest with a field written twice",
			base: devOverlay, prof: dev,
			files: map[string]string{"resource-twice.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n"},
			want:  `mapping key "name" already defined`,
		},
	})
}

// kustomize's YAML reader already refuses a key written twice; the decoder refuses it too, for JSON input.
func TestWhenJSONHasADuplicateFieldThenTheDecoderRefusesIt(t *testing.T) {
	_, err := newStrictDecoder().decode([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","name":"b"}}`))
	if err == nil || !strings.Contains(err.Error(), `duplicate field "metadata.name"`) {
		t.Fatalf("expected a duplicate field error, got %v", err)
	}
}

func TestWhenAnObjectFitsItsTypeThenItDecodes(t *testing.T) {
	obj, err := newStrictDecoder().decode([]byte(`{"apiVersion":"rabbitmq.com/v1beta1","kind":"RabbitmqCluster","metadata":{"name":"r"},"spec":{"replicas":3}}`))
	if err != nil {
		t.Fatal(err)
	}
	if o := newObject(obj); o.kind != "RabbitmqCluster" || o.name != "r" {
		t.Fatalf("decoded as %+v", o)
	}
}
