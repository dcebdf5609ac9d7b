package hzcard

import (
	"errors"
	"fmt"
	"os"
)

// ReadKey reads a key param the way a lab keeps keys: the key itself (hex
// or PEM, whatever parse takes) or the path of a file holding it. The
// certification suite and the load scenario read inst_key and centre_pub
// with it. Its errors never repeat the value, which may be a private key.
func ReadKey[K any](v string, parse func([]byte) (K, error)) (K, error) {
	if k, err := parse([]byte(v)); err == nil {
		return k, nil
	}
	var zero K
	b, err := os.ReadFile(v)
	if err != nil {
		return zero, errors.New("neither an SM2 key (hex or PEM) nor a readable file holding one")
	}
	k, err := parse(b)
	if err != nil {
		return zero, fmt.Errorf("the file does not hold an SM2 key (hex or PEM): %w", err)
	}
	return k, nil
}
