package main

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// checkPodSecurity: every container runs as a non-root numeric user, read-only, without privilege escalation,
// with every capability dropped and the runtime's default seccomp profile.
func checkPodSecurity(kind, name string, pod corev1.PodSpec, p *problems) {
	if pod.HostNetwork || pod.HostPID || pod.HostIPC {
		p.add(kind, name, "shares a host namespace (hostNetwork/hostPID/hostIPC)")
	}
	podSC := pod.SecurityContext
	if podSC == nil {
		podSC = &corev1.PodSecurityContext{}
	}
	for _, ctr := range allContainers(pod) {
		sc := ctr.SecurityContext
		if sc == nil {
			sc = &corev1.SecurityContext{}
		}
		where := name + " container " + ctr.Name
		runAsNonRoot := firstBool(sc.RunAsNonRoot, podSC.RunAsNonRoot)
		if runAsNonRoot == nil || !*runAsNonRoot {
			p.add(kind, where, "runAsNonRoot is not true")
		}
		// The kubelet can only enforce runAsNonRoot for an image whose USER is a name (deploy/Dockerfile's
		// `node`) when the pod names a numeric user.
		runAsUser := firstInt(sc.RunAsUser, podSC.RunAsUser)
		if runAsUser == nil {
			p.add(kind, where, "no numeric runAsUser (the kubelet cannot verify a named image user is not root)")
		} else if *runAsUser == 0 {
			p.add(kind, where, "runAsUser is 0 (root)")
		}
		if sc.Privileged != nil && *sc.Privileged {
			p.add(kind, where, "privileged")
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			p.add(kind, where, "allowPrivilegeEscalation is not false")
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			p.add(kind, where, "readOnlyRootFilesystem is not true")
		}
		if sc.Capabilities == nil || !containsCapability(sc.Capabilities.Drop, "ALL") {
			p.add(kind, where, "capabilities do not drop ALL")
		}
		if sc.Capabilities != nil && len(sc.Capabilities.Add) > 0 {
			p.add(kind, where, "adds capabilities %v", sc.Capabilities.Add)
		}
		seccomp := sc.SeccompProfile
		if seccomp == nil {
			seccomp = podSC.SeccompProfile
		}
		if seccomp == nil || (seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault && seccomp.Type != corev1.SeccompProfileTypeLocalhost) {
			p.add(kind, where, "seccompProfile is not RuntimeDefault")
		}
	}
}

// checkResources: requests and limits of CPU and memory on every container, so the scheduler places it,
// the HPA's utilisation has a denominator, and a leak ends in a restart rather than a starved node.
func checkResources(kind, name string, pod corev1.PodSpec, p *problems) {
	for _, ctr := range allContainers(pod) {
		for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := ctr.Resources.Requests[res]; !ok {
				p.add(kind, name+" container "+ctr.Name, "no %s request", res)
			}
			if _, ok := ctr.Resources.Limits[res]; !ok {
				p.add(kind, name+" container "+ctr.Name, "no %s limit", res)
			}
		}
	}
}

// checkImages: every image is pinned by a tag other than latest, or by a digest.
func checkImages(kind, name string, pod corev1.PodSpec, p *problems) {
	for _, ctr := range allContainers(pod) {
		if problem := imageProblem(ctr.Image); problem != "" {
			p.add(kind, name+" container "+ctr.Name, "%s", problem)
		}
	}
}

func imageProblem(image string) string {
	if strings.Contains(image, "@sha256:") {
		return ""
	}
	lastSegment := image[strings.LastIndex(image, "/")+1:]
	colon := strings.LastIndex(lastSegment, ":")
	if colon < 0 {
		return "image " + image + " has no tag (that is :latest): set one with kustomize `images:`"
	}
	if lastSegment[colon+1:] == "latest" {
		return "image " + image + " uses the tag latest"
	}
	return ""
}

func allContainers(pod corev1.PodSpec) []corev1.Container {
	return append(append([]corev1.Container(nil), pod.InitContainers...), pod.Containers...)
}

func containsCapability(caps []corev1.Capability, want corev1.Capability) bool {
	for _, c := range caps {
		if c == want {
			return true
		}
	}
	return false
}

func firstBool(values ...*bool) *bool {
	for _, v := range values {
		if v != nil {
			return v
		}
	}
	return nil
}

func firstInt(values ...*int64) *int64 {
	for _, v := range values {
		if v != nil {
			return v
		}
	}
	return nil
}
