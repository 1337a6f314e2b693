package main

import corev1 "k8s.io/api/core/v1"

// envValue is one environment variable of a container as Kubernetes would set it: its value when the
// overlay's output holds it (a literal, or a ConfigMap built with it), else just the fact that it is set
// (a Secret created in the cluster).
type envValue struct {
	value string
	known bool
}

// resolveEnv follows envFrom and env the way the kubelet does (env over envFrom, later envFrom over earlier)
// and reports references to ConfigMaps or keys that the output does not have. Secrets may legitimately be
// absent (prod expects them created in the cluster), so a Secret is only checked when the output holds it.
func resolveEnv(c *cluster, kind, name string, ctr corev1.Container, p *problems) map[string]envValue {
	env := map[string]envValue{}
	where := name + " container " + ctr.Name
	for _, from := range ctr.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			cm, ok := c.configMaps[from.ConfigMapRef.Name]
			if !ok {
				if from.ConfigMapRef.Optional == nil || !*from.ConfigMapRef.Optional {
					p.add(kind, where, "envFrom ConfigMap %s is not in the output", from.ConfigMapRef.Name)
				}
				continue
			}
			for key, value := range cm.Data {
				env[from.Prefix+key] = envValue{value: value, known: true}
			}
		case from.SecretRef != nil:
			if secret, ok := c.secrets[from.SecretRef.Name]; ok {
				for key := range secret.Data {
					env[from.Prefix+key] = envValue{}
				}
				for key := range secret.StringData {
					env[from.Prefix+key] = envValue{}
				}
			}
		}
	}
	for _, e := range ctr.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = envValue{value: e.Value, known: true}
		case e.ValueFrom.ConfigMapKeyRef != nil:
			ref := e.ValueFrom.ConfigMapKeyRef
			optional := ref.Optional != nil && *ref.Optional
			cm, ok := c.configMaps[ref.Name]
			if !ok {
				if !optional {
					p.add(kind, where, "%s: ConfigMap %s is not in the output", e.Name, ref.Name)
				}
				continue
			}
			value, ok := cm.Data[ref.Key]
			if !ok {
				if !optional {
					p.add(kind, where, "%s: ConfigMap %s has no key %s", e.Name, ref.Name, ref.Key)
				}
				continue
			}
			env[e.Name] = envValue{value: value, known: true}
		case e.ValueFrom.SecretKeyRef != nil:
			ref := e.ValueFrom.SecretKeyRef
			optional := ref.Optional != nil && *ref.Optional
			if secret, ok := c.secrets[ref.Name]; ok && !optional {
				_, inData := secret.Data[ref.Key]
				_, inStringData := secret.StringData[ref.Key]
				if !inData && !inStringData {
					p.add(kind, where, "%s: Secret %s has no key %s", e.Name, ref.Name, ref.Key)
					continue
				}
			}
			env[e.Name] = envValue{}
		default:
			env[e.Name] = envValue{}
		}
	}
	return env
}
