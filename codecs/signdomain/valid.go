package signdomain

// valid reports whether b is one JSON value with optional white space
// around it, exactly as json.Valid decides (UTF-8 is not checked, nesting
// deeper than 10 000 is rejected). json.Valid's byte-at-a-time state
// machine was most of a Parse (~4 of ~5 µs for a Huzhou charge request,
// BenchmarkParse); this is a plain recursive-descent check, fuzzed against
// it (FuzzValid).
func valid(b []byte) bool {
	v := validator{b: b}
	i, ok := v.value(v.space(0), 0)
	return ok && v.space(i) == len(b)
}

type validator struct{ b []byte }

// maxNesting is encoding/json's limit on nested arrays and objects.
const maxNesting = 10000

func (v *validator) space(i int) int {
	for i < len(v.b) {
		switch v.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value checks the value starting at i and returns the offset after it.
func (v *validator) value(i, depth int) (int, bool) {
	if i >= len(v.b) {
		return i, false
	}
	switch c := v.b[i]; {
	case c == '{':
		return v.object(i, depth+1)
	case c == '[':
		return v.array(i, depth+1)
	case c == '"':
		return v.str(i)
	case c == '-' || '0' <= c && c <= '9':
		return v.number(i)
	case c == 't':
		return v.literal(i, "true")
	case c == 'f':
		return v.literal(i, "false")
	case c == 'n':
		return v.literal(i, "null")
	}
	return i, false
}

func (v *validator) literal(i int, lit string) (int, bool) {
	if len(v.b)-i < len(lit) || string(v.b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

func (v *validator) object(i, depth int) (int, bool) {
	if depth > maxNesting {
		return i, false
	}
	i = v.space(i + 1)
	if i < len(v.b) && v.b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(v.b) || v.b[i] != '"' {
			return i, false
		}
		var ok bool
		if i, ok = v.str(i); !ok {
			return i, false
		}
		i = v.space(i)
		if i >= len(v.b) || v.b[i] != ':' {
			return i, false
		}
		if i, ok = v.value(v.space(i+1), depth); !ok {
			return i, false
		}
		i = v.space(i)
		if i >= len(v.b) {
			return i, false
		}
		switch v.b[i] {
		case ',':
			i = v.space(i + 1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

func (v *validator) array(i, depth int) (int, bool) {
	if depth > maxNesting {
		return i, false
	}
	i = v.space(i + 1)
	if i < len(v.b) && v.b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = v.value(i, depth); !ok {
			return i, false
		}
		i = v.space(i)
		if i >= len(v.b) {
			return i, false
		}
		switch v.b[i] {
		case ',':
			i = v.space(i + 1)
		case ']':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// str checks the string whose '"' is at i.
func (v *validator) str(i int) (int, bool) {
	for i++; i < len(v.b); i++ {
		switch c := v.b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(v.b) {
				return i, false
			}
			switch v.b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(v.b)-i < 5 {
					return i, false
				}
				for _, h := range v.b[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return i, false
					}
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

// number checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at i.
func (v *validator) number(i int) (int, bool) {
	if v.b[i] == '-' {
		i++
	}
	switch {
	case i < len(v.b) && v.b[i] == '0':
		i++
	case i < len(v.b) && '1' <= v.b[i] && v.b[i] <= '9':
		i = v.digits(i)
	default:
		return i, false
	}
	if i < len(v.b) && v.b[i] == '.' {
		j := v.digits(i + 1)
		if j == i+1 {
			return i, false
		}
		i = j
	}
	if i < len(v.b) && (v.b[i] == 'e' || v.b[i] == 'E') {
		i++
		if i < len(v.b) && (v.b[i] == '+' || v.b[i] == '-') {
			i++
		}
		j := v.digits(i)
		if j == i {
			return i, false
		}
		i = j
	}
	return i, true
}

func (v *validator) digits(i int) int {
	for i < len(v.b) && '0' <= v.b[i] && v.b[i] <= '9' {
		i++
	}
	return i
}
