package config

import (
	"reflect"
	"slices"
	"sync"
)

// Definition keys name the definition file of a kind of workload that has one
// of its own (express_definition, daemon_definition). The config does not know
// the kinds: each registers its key (internal/deploy does it for every kind in
// its registry), and a registered key is read like a field of Config — known to
// the unknown-key rules of keys.go (case folding, did-you-mean), its value a
// path resolved against the config's directory (Config.DefinitionPath).

var definitionKeys struct {
	sync.RWMutex
	keys []string
}

// RegisterDefinitionKey makes key a config key naming a definition file. It is
// meant for package initialisation; registering a key twice, or a key that is a
// field of Config, changes nothing.
func RegisterDefinitionKey(key string) {
	if _, ok := jsonFields(reflect.TypeFor[Config]())[key]; ok || key == "" {
		return
	}
	definitionKeys.Lock()
	defer definitionKeys.Unlock()
	if !slices.Contains(definitionKeys.keys, key) {
		definitionKeys.keys = append(definitionKeys.keys, key)
	}
}

// registeredKeys are the registered definition keys, in the order registered.
func registeredKeys() []string {
	definitionKeys.RLock()
	defer definitionKeys.RUnlock()
	return slices.Clone(definitionKeys.keys)
}

// isDefinitionKey reports whether key is a registered definition key.
func isDefinitionKey(key string) bool {
	definitionKeys.RLock()
	defer definitionKeys.RUnlock()
	return slices.Contains(definitionKeys.keys, key)
}

// configFields are the top-level keys of a config file and the types their
// values decode into: Config's fields and the registered definition keys.
func configFields() map[string]reflect.Type {
	fields := jsonFields(reflect.TypeFor[Config]())
	for _, k := range registeredKeys() {
		fields[k] = reflect.TypeFor[string]()
	}
	return fields
}
