package main

import (
	"fmt"
	"sort"

	mongodbv1 "github.com/mongodb/mongodb-kubernetes-operator/api/v1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	rabbitmqv1beta1 "github.com/rabbitmq/cluster-operator/v2/api/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
)

// object is one decoded object of an overlay's output with the names the rules report it by.
type object struct {
	obj       runtime.Object
	kind      string
	namespace string
	name      string
}

func newObject(obj runtime.Object) object {
	o := object{obj: obj, kind: obj.GetObjectKind().GroupVersionKind().Kind}
	if m, err := meta.Accessor(obj); err == nil {
		o.namespace, o.name = m.GetNamespace(), m.GetName()
	}
	return o
}

// cluster indexes an overlay's objects by type for the rules.
type cluster struct {
	all             []object
	namespaces      []*corev1.Namespace
	deployments     []*appsv1.Deployment
	statefulSets    []*appsv1.StatefulSet
	services        []*corev1.Service
	configMaps      map[string]*corev1.ConfigMap
	secrets         map[string]*corev1.Secret
	hpas            []*autoscalingv2.HorizontalPodAutoscaler
	pdbs            []*policyv1.PodDisruptionBudget
	policies        []*networkingv1.NetworkPolicy
	ingresses       []*networkingv1.Ingress
	serviceMonitors []*monitoringv1.ServiceMonitor
	rabbitmqs       []*rabbitmqv1beta1.RabbitmqCluster
	mongodbs        []*mongodbv1.MongoDBCommunity
}

func indexObjects(objects []object) *cluster {
	c := &cluster{all: objects, configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{}}
	for _, o := range objects {
		switch v := o.obj.(type) {
		case *corev1.Namespace:
			c.namespaces = append(c.namespaces, v)
		case *appsv1.Deployment:
			c.deployments = append(c.deployments, v)
		case *appsv1.StatefulSet:
			c.statefulSets = append(c.statefulSets, v)
		case *corev1.Service:
			c.services = append(c.services, v)
		case *corev1.ConfigMap:
			c.configMaps[v.Name] = v
		case *corev1.Secret:
			c.secrets[v.Name] = v
		case *autoscalingv2.HorizontalPodAutoscaler:
			c.hpas = append(c.hpas, v)
		case *policyv1.PodDisruptionBudget:
			c.pdbs = append(c.pdbs, v)
		case *networkingv1.NetworkPolicy:
			c.policies = append(c.policies, v)
		case *networkingv1.Ingress:
			c.ingresses = append(c.ingresses, v)
		case *monitoringv1.ServiceMonitor:
			c.serviceMonitors = append(c.serviceMonitors, v)
		case *rabbitmqv1beta1.RabbitmqCluster:
			c.rabbitmqs = append(c.rabbitmqs, v)
		case *mongodbv1.MongoDBCommunity:
			c.mongodbs = append(c.mongodbs, v)
		}
	}
	return c
}

// workload is a Deployment or StatefulSet as far as Services and policies care: its pod labels and ports.
type workload struct {
	kind      string
	name      string
	podLabels map[string]string
	pod       corev1.PodSpec
}

func (c *cluster) workloads() []workload {
	var ws []workload
	for _, d := range c.deployments {
		ws = append(ws, workload{"Deployment", d.Name, d.Spec.Template.Labels, d.Spec.Template.Spec})
	}
	for _, s := range c.statefulSets {
		ws = append(ws, workload{"StatefulSet", s.Name, s.Spec.Template.Labels, s.Spec.Template.Spec})
	}
	return ws
}

// problems collects rule failures as "<Kind>/<name>: <what is wrong>", sorted for stable output.
type problems []string

func (p *problems) add(kind, name, format string, args ...any) {
	*p = append(*p, kind+"/"+name+": "+fmt.Sprintf(format, args...))
}

func (p problems) sorted() []string {
	out := append([]string(nil), p...)
	sort.Strings(out)
	return out
}
