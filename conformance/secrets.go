package conformance

import "paycert/reports/redact"

// Secrets returns the values of t that must never leave the run: every
// param doc marks Secret that t sets, and the userinfo of its URL. Build a
// redact.Redactor from the secrets of every target of a run.
func (t Target) Secrets(doc TargetDoc) []string {
	out := redact.URLSecrets(t.URL)
	for _, p := range doc.Params {
		if v := t.Params[p.Name]; p.Secret && v != "" {
			out = append(out, v)
		}
	}
	return out
}
