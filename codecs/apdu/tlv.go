package apdu

import "fmt"

// FindTag returns the value of the first BER-TLV object with the given tag
// (1 or 2 bytes, e.g. 0x9F0C) in data, searching constructed objects
// depth-first. It is enough for an FCI: 6F{84 AID, A5{9F0C file 0x15}}.
func FindTag(data []byte, tag uint16) ([]byte, error) {
	for len(data) > 0 {
		if data[0] == 0x00 || data[0] == 0xFF { // padding between objects
			data = data[1:]
			continue
		}
		t := uint16(data[0])
		constructed := data[0]&0x20 != 0
		i := 1
		if data[0]&0x1F == 0x1F {
			if len(data) < 2 {
				return nil, fmt.Errorf("apdu: TLV: truncated two-byte tag %02X", data[0])
			}
			t = t<<8 | uint16(data[1])
			i = 2
		}
		if i >= len(data) {
			return nil, fmt.Errorf("apdu: TLV: tag %X without length", t)
		}
		l := int(data[i])
		i++
		if l&0x80 != 0 {
			nb := l & 0x7F
			if nb == 0 || nb > 2 || i+nb > len(data) {
				return nil, fmt.Errorf("apdu: TLV: tag %X: bad length encoding %02X", t, l)
			}
			l = 0
			for _, b := range data[i : i+nb] {
				l = l<<8 | int(b)
			}
			i += nb
		}
		if i+l > len(data) {
			return nil, fmt.Errorf("apdu: TLV: tag %X: length %d exceeds the %d bytes left", t, l, len(data)-i)
		}
		v := data[i : i+l]
		if t == tag {
			return v, nil
		}
		if constructed {
			if got, err := FindTag(v, tag); err == nil {
				return got, nil
			}
		}
		data = data[i+l:]
	}
	return nil, fmt.Errorf("apdu: TLV: tag %X not found", tag)
}

// TLV encodes one object with a 1- or 2-byte tag and a short or 81/82 length.
func TLV(tag uint16, value []byte) []byte {
	var out []byte
	if tag > 0xFF {
		out = append(out, byte(tag>>8))
	}
	out = append(out, byte(tag))
	switch l := len(value); {
	case l < 0x80:
		out = append(out, byte(l))
	case l <= 0xFF:
		out = append(out, 0x81, byte(l))
	default:
		out = append(out, 0x82, byte(l>>8), byte(l))
	}
	return append(out, value...)
}
