package main

import (
	"encoding/json"
	"testing"
)

// policy builds a NetworkPolicy from its spec as the API server would return it.
func policy(t *testing.T, spec string) NetworkPolicy {
	t.Helper()
	var p NetworkPolicy
	if err := json.Unmarshal([]byte(`{"metadata":{"name":"p"},"spec":`+spec+`}`), &p); err != nil {
		t.Fatalf("bad policy %s: %v", spec, err)
	}
	return p
}

func podWith(labels map[string]string) Pod {
	var p Pod
	p.Metadata.Labels = labels
	return p
}

func TestSelectors(t *testing.T) {
	labels := map[string]string{"role": "iso", "tier": "", "app": "runner"}
	cases := []struct {
		name, selector string
		want           bool
	}{
		{"empty selector selects all", `{}`, true},
		{"matchLabels equal", `{"matchLabels":{"role":"iso","app":"runner"}}`, true},
		{"matchLabels one differs", `{"matchLabels":{"role":"iso","app":"api"}}`, false},
		{"matchLabels empty value needs the label", `{"matchLabels":{"missing":""}}`, false},
		{"matchLabels empty value present", `{"matchLabels":{"tier":""}}`, true},
		{"In matches", `{"matchExpressions":[{"key":"role","operator":"In","values":["x","iso"]}]}`, true},
		{"In other values", `{"matchExpressions":[{"key":"role","operator":"In","values":["x"]}]}`, false},
		{"In missing label", `{"matchExpressions":[{"key":"missing","operator":"In","values":[""]}]}`, false},
		{"NotIn other values", `{"matchExpressions":[{"key":"role","operator":"NotIn","values":["x"]}]}`, true},
		{"NotIn listed value", `{"matchExpressions":[{"key":"role","operator":"NotIn","values":["iso"]}]}`, false},
		{"NotIn missing label", `{"matchExpressions":[{"key":"missing","operator":"NotIn","values":["x"]}]}`, true},
		{"Exists", `{"matchExpressions":[{"key":"tier","operator":"Exists"}]}`, true},
		{"Exists missing", `{"matchExpressions":[{"key":"missing","operator":"Exists"}]}`, false},
		{"DoesNotExist missing", `{"matchExpressions":[{"key":"missing","operator":"DoesNotExist"}]}`, true},
		{"DoesNotExist present", `{"matchExpressions":[{"key":"app","operator":"DoesNotExist"}]}`, false},
		{"labels and expressions all hold", `{"matchLabels":{"app":"runner"},"matchExpressions":[{"key":"role","operator":"Exists"}]}`, true},
		{"labels hold, an expression does not", `{"matchLabels":{"app":"runner"},"matchExpressions":[{"key":"role","operator":"DoesNotExist"}]}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s LabelSelector
			if err := json.Unmarshal([]byte(c.selector), &s); err != nil {
				t.Fatal(err)
			}
			if got := s.Selects(labels); got != c.want {
				t.Errorf("%s selects %v: got %v, want %v", c.selector, labels, got, c.want)
			}
		})
	}
}

func TestNilSelectorSelectsAll(t *testing.T) {
	p := policy(t, `{"policyTypes":["Egress"]}`)
	if d := Decide(podWith(nil), []NetworkPolicy{p}); !d.Egress {
		t.Errorf("a policy without podSelector must select every pod: %+v", d)
	}
}

func TestPolicyTypes(t *testing.T) {
	pod := podWith(map[string]string{"role": "iso"})
	cases := []struct {
		name  string
		specs []string
		want  Decision
	}{
		{"no policies", nil, Decision{}},
		{"no policyTypes: Ingress", []string{`{"podSelector":{}}`}, Decision{Ingress: true}},
		{"no policyTypes with egress rules: Ingress and Egress", []string{`{"podSelector":{},"egress":[{}]}`},
			Decision{Ingress: true, Egress: true, RulesIgnored: true}},
		{"no policyTypes, empty egress list: Ingress", []string{`{"podSelector":{},"egress":[]}`}, Decision{Ingress: true}},
		{"Egress only", []string{`{"podSelector":{},"policyTypes":["Egress"]}`}, Decision{Egress: true}},
		{"Ingress only", []string{`{"podSelector":{},"policyTypes":["Ingress"]}`}, Decision{Ingress: true}},
		{"both", []string{`{"podSelector":{},"policyTypes":["Ingress","Egress"]}`}, Decision{Ingress: true, Egress: true}},
		{"two policies add up", []string{`{"policyTypes":["Ingress"]}`, `{"policyTypes":["Egress"]}`},
			Decision{Ingress: true, Egress: true}},
		{"unselected policy counts for nothing", []string{
			`{"podSelector":{"matchLabels":{"role":"other"}},"policyTypes":["Ingress","Egress"],"ingress":[{}]}`,
			`{"podSelector":{"matchLabels":{"role":"iso"}},"policyTypes":["Egress"]}`},
			Decision{Egress: true}},
		{"ingress allow rule flagged", []string{`{"policyTypes":["Ingress"],"ingress":[{"from":[{"podSelector":{}}]}]}`},
			Decision{Ingress: true, RulesIgnored: true}},
		{"egress allow rule flagged", []string{`{"policyTypes":["Egress"],"egress":[{"ports":[{"port":53}]}]}`},
			Decision{Egress: true, RulesIgnored: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var pols []NetworkPolicy
			for _, s := range c.specs {
				pols = append(pols, policy(t, s))
			}
			if got := Decide(pod, pols); got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
