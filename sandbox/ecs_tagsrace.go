package sandbox

// moto decides whether DescribeServices and DescribeClusters answer with tags by
// setting an entry of a dictionary that belongs to the response class, not to the
// request (moto/core/responses.py, _include_in_response / _exclude_from_response on
// RESPONSE_KEY_PATH_TO_TRANSFORMER). moto_server answers requests on several
// threads, so a request without include=TAGS from one account, arriving while a
// request with it from another is being answered, drops that answer's tags: a
// service created with tags then looked untagged, and deploy planned a TagResource
// it did not need. The proxy therefore always asks moto for the tags, so every
// request sets the entry the same way, and removes them from the answer when the
// caller did not ask for them (AWS returns tags only with include TAGS).

// withTagsIncluded returns the request with "TAGS" in its include list and whether
// the caller had asked for them.
func withTagsIncluded(req obj) (obj, bool) {
	asked := false
	include := []any{}
	for _, v := range list(req, "include") {
		asked = asked || v == "TAGS"
		include = append(include, v)
	}
	if !asked {
		include = append(include, "TAGS")
	}
	out := obj{}
	for k, v := range req {
		out[k] = v
	}
	out["include"] = include
	return out, asked
}

// forwardWithTags forwards req to moto with the tags included and, unless the
// caller asked for them, removes "tags" from each item of the answer's list key.
func (e *ecsCall) forwardWithTags(key string) (obj, bool) {
	req, ok := e.request()
	if !ok {
		return nil, false
	}
	fwd, asked := withTagsIncluded(req)
	reply, ok := e.forwardObj(mustMarshal(fwd))
	if !ok || asked {
		return reply, ok
	}
	for _, v := range list(reply, key) {
		if item, ok := v.(map[string]any); ok {
			delete(item, "tags")
		}
	}
	return reply, true
}

// describeClusters is moto's, with the tags asked for on every request (see above).
func (e *ecsCall) describeClusters() {
	if reply, ok := e.forwardWithTags("clusters"); ok {
		e.ok(reply)
	}
}
