package main

import (
	"encoding/json"
	"slices"
)

// The few fields of the Kubernetes API objects the decision reads. Unknown fields are ignored; a field of
// the wrong type fails decoding, and so the ADD (fail closed).

type Pod struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
}

type NetworkPolicyList struct {
	Kind  string          `json:"kind"`
	Items []NetworkPolicy `json:"items"`
}

type NetworkPolicy struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		PodSelector *LabelSelector `json:"podSelector"`
		PolicyTypes []string       `json:"policyTypes"`
		// allow rules: only counted, never interpreted
		Ingress []json.RawMessage `json:"ingress"`
		Egress  []json.RawMessage `json:"egress"`
	} `json:"spec"`
}

type LabelSelector struct {
	MatchLabels      map[string]string `json:"matchLabels"`
	MatchExpressions []Requirement     `json:"matchExpressions"`
}

type Requirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values"`
}

// Decision says in which directions a pod is isolated, and whether its policies hold allow rules
// (not implemented: the pod is isolated anyway, which is stricter than NetworkPolicy).
type Decision struct {
	Ingress, Egress, RulesIgnored bool
}

// Decide applies the policies of a pod's namespace to the pod.
func Decide(pod Pod, pols []NetworkPolicy) Decision {
	var d Decision
	for _, p := range pols {
		if !p.Spec.PodSelector.Selects(pod.Metadata.Labels) {
			continue
		}
		for _, t := range policyTypes(p) {
			switch t {
			case "Ingress":
				d.Ingress = true
			case "Egress":
				d.Egress = true
			}
		}
		if len(p.Spec.Ingress)+len(p.Spec.Egress) > 0 {
			d.RulesIgnored = true
		}
	}
	return d
}

// policyTypes: the Kubernetes default when none are given is Ingress, plus Egress when egress rules exist.
func policyTypes(p NetworkPolicy) []string {
	if len(p.Spec.PolicyTypes) > 0 {
		return p.Spec.PolicyTypes
	}
	if len(p.Spec.Egress) > 0 {
		return []string{"Ingress", "Egress"}
	}
	return []string{"Ingress"}
}

// Selects: every matchLabels entry and every matchExpressions requirement holds. A nil or empty selector
// selects every pod, as podSelector: {} does.
func (s *LabelSelector) Selects(labels map[string]string) bool {
	if s == nil {
		return true
	}
	for k, v := range s.MatchLabels {
		if l, ok := labels[k]; !ok || l != v {
			return false
		}
	}
	for _, r := range s.MatchExpressions {
		if !r.holds(labels) {
			return false
		}
	}
	return true
}

func (r Requirement) holds(labels map[string]string) bool {
	l, ok := labels[r.Key]
	switch r.Operator {
	case "In":
		return ok && slices.Contains(r.Values, l)
	case "NotIn":
		return !ok || !slices.Contains(r.Values, l)
	case "Exists":
		return ok
	case "DoesNotExist":
		return !ok
	}
	// The API server rejects other operators; should one get through, selecting isolates (stricter).
	return true
}
