package main

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Where traffic may come from or go to, as NetworkPolicy peers see it. Pods outside our output (the
// operators' broker and database pods, cluster DNS, the ingress controller, Prometheus) are described by the
// labels they are known to carry.
type endpoint struct {
	name      string
	nsLabels  map[string]string // nil: our own namespace
	podLabels map[string]string
	port      int32
	protocol  corev1.Protocol
}

const namespaceNameLabel = "kubernetes.io/metadata.name"

var (
	broker            = endpoint{name: "the broker", podLabels: map[string]string{nameLabel: "oms-rabbitmq"}, port: 5672, protocol: corev1.ProtocolTCP}
	database          = endpoint{name: "the database", podLabels: map[string]string{"app": "oms-mongo-svc"}, port: 27017, protocol: corev1.ProtocolTCP}
	redis             = endpoint{name: "Redis", podLabels: map[string]string{nameLabel: "oms-redis"}, port: 6379, protocol: corev1.ProtocolTCP}
	clusterDNS        = endpoint{name: "cluster DNS", nsLabels: map[string]string{namespaceNameLabel: "kube-system"}, podLabels: map[string]string{"k8s-app": "kube-dns"}, port: 53, protocol: corev1.ProtocolUDP}
	ingressController = endpoint{name: "the ingress controller", nsLabels: map[string]string{namespaceNameLabel: "ingress-nginx"}, podLabels: map[string]string{"app.kubernetes.io/name": "ingress-nginx"}, port: 8080, protocol: corev1.ProtocolTCP}
	prometheus        = endpoint{name: "Prometheus", nsLabels: map[string]string{namespaceNameLabel: "monitoring"}, podLabels: map[string]string{"app.kubernetes.io/name": "prometheus"}, port: 8080, protocol: corev1.ProtocolTCP}
	// Another namespace altogether, to catch a peer that admits every namespace.
	otherNamespace = endpoint{name: "pods of any other namespace", nsLabels: map[string]string{namespaceNameLabel: "some-other-namespace"}, podLabels: map[string]string{"app": "anything"}, port: 8080, protocol: corev1.ProtocolTCP}
	// Private address ranges a provider egress rule must leave closed: inside the cluster and the VPC.
	privateRanges = []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}
)

// Services whose providers are on the internet: they alone may open HTTPS to public addresses.
var providerServices = map[string]bool{"payment-check": true, "carrier": true}

// policySet is the overlay's NetworkPolicies and the namespace they live in (peers without a
// namespaceSelector mean that one).
type policySet struct {
	policies  []*networkingv1.NetworkPolicy
	namespace string
}

func checkNetworkPolicies(c *cluster, p *problems) {
	set := policySet{policies: c.policies}
	for _, o := range c.all {
		if o.namespace != "" {
			set.namespace = o.namespace
		}
	}
	if !hasDefaultDeny(c.policies) {
		p.add("NetworkPolicy", "*", "no default deny (empty podSelector, policyTypes Ingress and Egress, no rules)")
	}
	for _, w := range c.workloads() {
		if !set.allowsEgress(w.podLabels, clusterDNS) {
			p.add(w.kind, w.name, "cannot reach the cluster DNS (UDP 53 to kube-dns in kube-system)")
		}
	}
	services := map[string]endpoint{}
	for _, name := range omsServices {
		if d := findServiceDeployment(c, name); d != nil {
			services[name] = endpoint{name: name, podLabels: d.Spec.Template.Labels, port: 8080, protocol: corev1.ProtocolTCP}
		}
	}
	// Every other workload of the namespace (the sandboxes, anything added later): no service may reach it
	// or be reached by it unless a rule below says so.
	var others []endpoint
	for _, w := range c.workloads() {
		if w.podLabels[componentLabel] != componentService && !labels.SelectorFromSet(redis.podLabels).Matches(labels.Set(w.podLabels)) {
			others = append(others, endpoint{name: w.kind + "/" + w.name, podLabels: w.podLabels, port: 8080, protocol: corev1.ProtocolTCP})
		}
	}
	for name, svc := range services {
		checkRequiredPaths(set, name, svc, services, p)
		checkNoOtherPaths(set, name, svc, services, others, p)
		checkAddressRules(c.policies, name, svc.podLabels, p)
	}
}

// checkRequiredPaths: what each service must be able to do.
func checkRequiredPaths(set policySet, name string, svc endpoint, services map[string]endpoint, p *problems) {
	for _, store := range []endpoint{broker, database, redis} {
		if !set.allowsEgress(svc.podLabels, store) || !set.allowsIngress(store, svc) {
			p.add("NetworkPolicy", name, "cannot reach %s on %d", store.name, store.port)
		}
	}
	if !set.allowsIngress(svc, prometheus) {
		p.add("NetworkPolicy", name, "Prometheus (namespace monitoring) cannot scrape it on 8080")
	}
	if name == "gateway" {
		if !set.allowsIngress(svc, ingressController) {
			p.add("NetworkPolicy", name, "the ingress controller (namespace ingress-nginx) cannot reach it on 8080")
		}
		for other, target := range services {
			if other != "gateway" && (!set.allowsEgress(svc.podLabels, target) || !set.allowsIngress(target, svc)) {
				p.add("NetworkPolicy", name, "cannot query %s on 8080", other)
			}
		}
	}
	if providerServices[name] && !set.allowsPublicHTTPS(svc.podLabels) {
		p.add("NetworkPolicy", name, "cannot reach its provider (TCP 443 to public addresses)")
	}
}

// checkNoOtherPaths: nothing else reaches a service, and it reaches nothing else: each known endpoint outside
// the allowed ones must be refused in both directions.
func checkNoOtherPaths(set policySet, name string, svc endpoint, services map[string]endpoint, others []endpoint, p *problems) {
	allowedSources := []endpoint{prometheus, services["gateway"]}
	allowedTargets := []endpoint{broker, database, redis, clusterDNS}
	if name == "gateway" {
		allowedSources = []endpoint{prometheus, ingressController}
		for other, target := range services {
			if other != "gateway" {
				allowedTargets = append(allowedTargets, target)
			}
		}
	}
	known := append([]endpoint{broker, database, redis, clusterDNS, ingressController, prometheus, otherNamespace}, others...)
	for _, s := range services {
		known = append(known, s)
	}
	for _, e := range known {
		if e.name == name {
			continue // itself
		}
		if !contains(allowedSources, e) && set.admitsPeer(networkingv1.PolicyTypeIngress, svc.podLabels, e) {
			p.add("NetworkPolicy", name, "accepts connections from %s", e.name)
		}
		// In dev, the provider clients call the sandboxes instead of the internet.
		if !contains(allowedTargets, e) && !(providerServices[name] && isSandbox(e)) && set.admitsPeer(networkingv1.PolicyTypeEgress, svc.podLabels, e) {
			p.add("NetworkPolicy", name, "may connect to %s", e.name)
		}
	}
}

func isSandbox(e endpoint) bool { return e.podLabels[componentLabel] == componentDevSandbox }

func contains(list []endpoint, e endpoint) bool {
	for _, x := range list {
		if x.name == e.name {
			return true
		}
	}
	return false
}

func hasDefaultDeny(policies []*networkingv1.NetworkPolicy) bool {
	for _, np := range policies {
		if isEmptySelector(&np.Spec.PodSelector) && hasType(np, networkingv1.PolicyTypeIngress) && hasType(np, networkingv1.PolicyTypeEgress) &&
			len(np.Spec.Ingress) == 0 && len(np.Spec.Egress) == 0 {
			return true
		}
	}
	return false
}

// checkAddressRules: ipBlock peers (addresses rather than pods) appear only in a provider service's egress,
// only on 443, and never open the private ranges.
func checkAddressRules(policies []*networkingv1.NetworkPolicy, name string, podLabels map[string]string, p *problems) {
	for _, np := range policiesFor(policies, podLabels) {
		for _, rule := range np.Spec.Ingress {
			for _, peer := range rule.From {
				if peer.IPBlock != nil {
					p.add("NetworkPolicy", np.Name, "admits addresses %s to %s: only the ingress controller's pods may reach a service", peer.IPBlock.CIDR, name)
				}
			}
		}
		for _, rule := range np.Spec.Egress {
			for _, peer := range rule.To {
				if peer.IPBlock == nil {
					continue
				}
				if !providerServices[name] {
					p.add("NetworkPolicy", np.Name, "lets %s reach addresses %s: only payment-check and carrier call out", name, peer.IPBlock.CIDR)
					continue
				}
				if len(rule.Ports) == 0 {
					p.add("NetworkPolicy", np.Name, "lets %s reach %s on every port: allow 443 only", name, peer.IPBlock.CIDR)
				}
				for _, port := range rule.Ports {
					if port.Port == nil || port.Port.IntValue() != 443 {
						p.add("NetworkPolicy", np.Name, "lets %s reach %s on a port other than 443", name, peer.IPBlock.CIDR)
					}
				}
				for _, private := range privateRanges {
					if blockCovers(peer.IPBlock, private) {
						p.add("NetworkPolicy", np.Name, "lets %s reach the private range %s", name, private)
					}
				}
			}
		}
	}
}

// blockCovers: the ipBlock admits at least part of the range, i.e. its CIDR overlaps it and no exception
// contains it entirely.
func blockCovers(block *networkingv1.IPBlock, cidr string) bool {
	target := netip.MustParsePrefix(cidr)
	allowed, err := netip.ParsePrefix(block.CIDR)
	if err != nil || !allowed.Overlaps(target) {
		return false
	}
	for _, except := range block.Except {
		e, err := netip.ParsePrefix(except)
		if err == nil && e.Bits() <= target.Bits() && e.Contains(target.Addr()) {
			return false
		}
	}
	return true
}

func (set policySet) allowsPublicHTTPS(podLabels map[string]string) bool {
	public := netip.MustParseAddr("8.8.8.8")
	for _, np := range policiesFor(set.policies, podLabels) {
		if !hasType(np, networkingv1.PolicyTypeEgress) {
			continue
		}
		for _, rule := range np.Spec.Egress {
			if !portsAllow(rule.Ports, 443, corev1.ProtocolTCP) {
				continue
			}
			for _, peer := range rule.To {
				if peer.IPBlock == nil {
					continue
				}
				if prefix, err := netip.ParsePrefix(peer.IPBlock.CIDR); err == nil && prefix.Contains(public) {
					return true
				}
			}
		}
	}
	return false
}

// allowsEgress: some policy that selects the pods lets them connect to the target on its port.
func (set policySet) allowsEgress(podLabels map[string]string, target endpoint) bool {
	for _, np := range policiesFor(set.policies, podLabels) {
		if !hasType(np, networkingv1.PolicyTypeEgress) {
			continue
		}
		for _, rule := range np.Spec.Egress {
			if portsAllow(rule.Ports, target.port, target.protocol) && set.peersMatch(rule.To, target) {
				return true
			}
		}
	}
	return false
}

// allowsIngress: some policy that selects the destination's pods lets the source connect on the
// destination's port.
func (set policySet) allowsIngress(destination, source endpoint) bool {
	for _, np := range policiesFor(set.policies, destination.podLabels) {
		if !hasType(np, networkingv1.PolicyTypeIngress) {
			continue
		}
		for _, rule := range np.Spec.Ingress {
			if portsAllow(rule.Ports, destination.port, destination.protocol) && set.peersMatch(rule.From, source) {
				return true
			}
		}
	}
	return false
}

// admitsPeer: some policy selecting the pods admits the peer at all, on any port.
func (set policySet) admitsPeer(direction networkingv1.PolicyType, podLabels map[string]string, peer endpoint) bool {
	for _, np := range policiesFor(set.policies, podLabels) {
		if !hasType(np, direction) {
			continue
		}
		if direction == networkingv1.PolicyTypeIngress {
			for _, rule := range np.Spec.Ingress {
				if set.peersMatch(rule.From, peer) {
					return true
				}
			}
		} else {
			for _, rule := range np.Spec.Egress {
				if set.peersMatch(rule.To, peer) {
					return true
				}
			}
		}
	}
	return false
}

func policiesFor(policies []*networkingv1.NetworkPolicy, podLabels map[string]string) []*networkingv1.NetworkPolicy {
	var out []*networkingv1.NetworkPolicy
	for _, np := range policies {
		selector, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err == nil && selector.Matches(labels.Set(podLabels)) {
			out = append(out, np)
		}
	}
	return out
}

// hasType follows the API's defaulting: without policyTypes a policy is about Ingress, plus Egress when it
// has egress rules.
func hasType(np *networkingv1.NetworkPolicy, t networkingv1.PolicyType) bool {
	if len(np.Spec.PolicyTypes) == 0 {
		return t == networkingv1.PolicyTypeIngress || (t == networkingv1.PolicyTypeEgress && len(np.Spec.Egress) > 0)
	}
	for _, x := range np.Spec.PolicyTypes {
		if x == t {
			return true
		}
	}
	return false
}

// peersMatch: an empty peer list admits everything; otherwise one peer must select the endpoint.
func (set policySet) peersMatch(peers []networkingv1.NetworkPolicyPeer, e endpoint) bool {
	if len(peers) == 0 {
		return true
	}
	for _, peer := range peers {
		if peer.IPBlock != nil {
			continue // addresses, not pods: checkAddressRules looks at those
		}
		if peer.NamespaceSelector == nil {
			if e.nsLabels != nil {
				continue
			}
		} else {
			selector, err := metav1.LabelSelectorAsSelector(peer.NamespaceSelector)
			nsLabels := e.nsLabels
			if nsLabels == nil {
				// Our own namespace: a selector naming it, or an empty one, admits it.
				nsLabels = map[string]string{namespaceNameLabel: set.namespace}
			}
			if err != nil || !(selector.Empty() || selector.Matches(labels.Set(nsLabels))) {
				continue
			}
		}
		if peer.PodSelector == nil {
			return true
		}
		selector, err := metav1.LabelSelectorAsSelector(peer.PodSelector)
		if err == nil && selector.Matches(labels.Set(e.podLabels)) {
			return true
		}
	}
	return false
}

func portsAllow(ports []networkingv1.NetworkPolicyPort, port int32, protocol corev1.Protocol) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		proto := corev1.ProtocolTCP
		if p.Protocol != nil {
			proto = *p.Protocol
		}
		if proto != protocol {
			continue
		}
		if p.Port == nil {
			return true
		}
		if p.EndPort != nil {
			if port >= p.Port.IntVal && port <= *p.EndPort {
				return true
			}
			continue
		}
		if p.Port.IntVal == port {
			return true
		}
	}
	return false
}

func isEmptySelector(s *metav1.LabelSelector) bool {
	return len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0
}
