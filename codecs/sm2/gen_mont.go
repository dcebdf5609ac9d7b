//go:build ignore

// gen_mont writes mont_amd64.s from internal/montgen (go generate).
package main

import (
	"log"
	"os"

	"paycert/codecs/sm2/internal/montgen"
)

func main() {
	if err := os.WriteFile("mont_amd64.s", []byte(montgen.Source()), 0o644); err != nil {
		log.Fatalf("gen_mont: %v", err)
	}
}
