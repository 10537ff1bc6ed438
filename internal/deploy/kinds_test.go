package deploy

import "testing"

// Each registered kind is declared by its own config key and no other, answers
// Kind.Refusal and Kind.Noun for its Kind, and has render targets of its own.
func TestDefinedKindsAnswerForThemselves(t *testing.T) {
	keys, targets := map[string]bool{}, map[string]bool{}
	for _, k := range Kinds() {
		if keys[k.Key()] {
			t.Errorf("config key %s is registered twice", k.Key())
		}
		keys[k.Key()] = true
		for _, name := range k.RenderTargets() {
			if targets[name] || ByRenderTarget(name) != k {
				t.Errorf("render target %s does not name %s alone", name, k.Kind())
			}
			targets[name] = true
		}
		if k.Kind().Noun() != k.Noun() || k.Noun() == KindECS.Noun() {
			t.Errorf("%s: Noun %q, Kind().Noun %q", k.Kind(), k.Noun(), k.Kind().Noun())
		}
		for _, verb := range []string{"scale", "run", "register", "appspec"} {
			if k.Kind().Refusal(verb) != k.Refusal(verb) || k.Refusal(verb) == "" {
				t.Errorf("%s refuses %s with %q, its Kind with %q", k.Kind(), verb, k.Refusal(verb), k.Kind().Refusal(verb))
			}
		}
	}
	for key := range keys {
		src := Source{Path: func(k string) string {
			if k == key {
				return "/project/" + k + ".json"
			}
			return ""
		}}
		if d := Declared(src); d == nil || d.Key() != key {
			t.Errorf("a config setting only %s declares %v", key, d)
		}
	}
	if d := Declared(Source{Path: func(string) string { return "" }}); d != nil {
		t.Errorf("a config with no definition key declares %s", d.Kind())
	}
	if KindECS.Refusal("scale") != "" || KindCodeDeploy.Noun() != "a service" {
		t.Error("the kinds Resolve tells apart itself refuse nothing and are services")
	}
}
