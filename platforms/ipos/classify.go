package ipos

import (
	"bytes"

	"paycert/codecs/gbk"
)

// classifyFast is Classify without building the reply's tree, for the
// shape iPos servers write: the declaration `<?xml version="1.0"
// encoding="GBK"?>`, then one business_trans element of elements without
// attributes, namespace prefixes, comments, CDATA, processing instructions
// or references, whose text is valid GBK. It answers only when the reply
// has that shape and exactly one non-empty business_trans/result/id; for
// anything else handled is false and Classify parses in full.
// FuzzClassifyFast holds it to the full parse: whenever it answers, the
// full Classify answers the same. A load run classifies every reply, and
// the full parse was ~8 % of ipos-verify's CPU (BenchmarkClassify).
func classifyFast(b []byte) (code string, ok, handled bool) {
	const decl = `<?xml version="1.0" encoding="GBK"?>`
	if !bytes.HasPrefix(b, []byte(decl)) {
		return "", false, false
	}
	var stack [8][]byte // open element names
	depth, roots, ids := 0, 0, 0
	var id []byte
	for i := len(decl); i < len(b); {
		if b[i] != '<' {
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				j = len(b) - i
			}
			seg := b[i : i+j]
			if depth == 0 && !allXMLSpace(seg) || !plainGBKText(seg) {
				return "", false, false
			}
			if depth == 3 && string(stack[0]) == Root && string(stack[1]) == "result" && string(stack[2]) == "id" {
				id = seg
			}
			i += j
			continue
		}
		end := i+1 < len(b) && b[i+1] == '/'
		start := i + 1
		if end {
			start++
		}
		n := start
		for n < len(b) && isNameByte(b[n], n == start) {
			n++
		}
		if n == start || n >= len(b) {
			return "", false, false
		}
		name := b[start:n]
		switch {
		case end && b[n] == '>':
			if depth == 0 || !bytes.Equal(stack[depth-1], name) {
				return "", false, false
			}
			depth--
			i = n + 1
		case !end && (b[n] == '>' || b[n] == '/' && n+1 < len(b) && b[n+1] == '>'):
			if depth == 0 {
				if roots++; roots > 1 || string(name) != Root {
					return "", false, false
				}
			}
			if depth == 3 && string(stack[1]) == "result" && string(stack[2]) == "id" {
				return "", false, false // id with children: the full parse decides
			}
			if depth == 2 && string(stack[1]) == "result" && string(name) == "id" {
				ids++
				id = nil
			}
			if b[n] == '/' {
				i = n + 2
				continue
			}
			if depth == len(stack) {
				return "", false, false
			}
			stack[depth] = name
			depth++
			i = n + 1
		default:
			return "", false, false
		}
	}
	if depth != 0 || roots != 1 || ids != 1 || len(id) == 0 {
		return "", false, false
	}
	code = string(id)
	return code, code == CodeOK, true
}

// isNameByte: the ASCII name characters the fast path accepts (no ':').
func isNameByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		return true
	case first:
		return false
	default:
		return c >= '0' && c <= '9' || c == '-' || c == '.'
	}
}

func allXMLSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// plainGBKText: character data with no reference ('&'), no "]]>", no
// control character but tab and line ends, and valid GBK.
func plainGBKText(b []byte) bool {
	wide := false
	for _, c := range b {
		switch {
		case c == '&' || c == '>':
			return false
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7f:
			return false
		case c >= 0x80:
			wide = true
		}
	}
	if !wide {
		return true
	}
	var buf [128]byte
	_, err := gbk.Decode(buf[:0], b)
	return err == nil
}
