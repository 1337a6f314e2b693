package main

import (
	"fmt"

	mongodbv1 "github.com/mongodb/mongodb-kubernetes-operator/api/v1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	rabbitmqv1beta1 "github.com/rabbitmq/cluster-operator/v2/api/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// The kinds our manifests may contain: Kubernetes' own (client-go's scheme) and the custom resources of the
// three operators, each with the Go types its operator itself decodes them into. A kind outside this scheme
// is an error, not something to skip.
func newScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(monitoringv1.AddToScheme(scheme))
	utilruntime.Must(rabbitmqv1beta1.AddToScheme(scheme))
	utilruntime.Must(mongodbv1.AddToScheme(scheme))
	return scheme
}

// strictDecoder decodes JSON into the registered Go type of its kind, refusing unknown fields, duplicate
// fields and values of the wrong type: what `kubectl apply --validate=strict` would refuse, without a cluster.
type strictDecoder struct {
	serializer *json.Serializer
}

func newStrictDecoder() *strictDecoder {
	scheme := newScheme()
	return &strictDecoder{serializer: json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{Strict: true})}
}

func (d *strictDecoder) decode(data []byte) (runtime.Object, error) {
	obj, gvk, err := d.serializer.Decode(data, nil, nil)
	if err != nil {
		if gvk != nil && gvk.Kind != "" {
			return nil, fmt.Errorf("%s: %w", gvk.Kind, err)
		}
		return nil, err
	}
	return obj, nil
}
