//go:build !amd64 || purego

package sm2

// haveMulSM2P is false off amd64 (or with the purego tag): modulus.mul's Go
// code does every product.
const haveMulSM2P = false

func mulSM2P(z, x, y *elem) { panic("sm2: mulSM2P without assembly") }
