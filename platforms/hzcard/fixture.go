package hzcard

import (
	"fmt"

	"paycert/codecs/sm2"
)

// The test identities the simulator's default fixture, the client's defaults,
// the suite and the CLI share. The keys are public test keys generated for
// paycert (the seed's §5.1 public key has no private half, and its sample
// does not verify: erratum E-HZ-SM2-VECTOR). Never use them in production.
const (
	TestJoinInstID = "HZTEST0001"      // joining institution
	TestInstID     = "33050001"        // its 8-digit institution number
	TestMchntID    = "330500000000001" // merchant with quota and fees configured
	TestTermID     = "10000001"        // terminal of TestMchntID
	TestNetID      = "0001"
	TestOprID      = "op01"
	TestChnlID     = "10" // own Android app
	TestAreaFlag   = "00"

	// TestInstKeyHex is the joining institution's private key (requests).
	TestInstKeyHex = "ca58eb66070101a838d8ed545e872418c28ee86dae9877a9f84107083d4abf48"
	// TestInstPubHex is its public key, registered at the centre.
	TestInstPubHex = "02657ef1fc74afc3bf48d7bcfb845775fdfa98107ee49cadcd421688391f98b0ce"
	// TestCentreKeyHex is the centre's private key (replies).
	TestCentreKeyHex = "4760ebab449b4623b3f619dafc6ee93923ccc04e11565aa7fe43d9992c03ff9e"
	// TestCentrePubHex is the centre's public key, the one clients verify
	// replies with (the role §5.1.1's 中心测试公钥 plays).
	TestCentrePubHex = "036c2e6746602b5684385cbf60e816e7ff70b55b9cdb108599e82183646e6f498d"
	// TestOtherKeyHex is a third key: a signature under it is well-formed
	// and wrong (negative specs, the reply-wrong-key fault).
	TestOtherKeyHex = "c1e0fe9f23280f52f6ec7fd9752e530e09aeb1631a28ee9139663a5e51b6641b"
)

// TestKey parses one of the Test*KeyHex constants.
func TestKey(hexKey string) (*sm2.PrivateKey, error) {
	k, err := sm2.ParsePrivateKey([]byte(hexKey))
	if err != nil {
		return nil, fmt.Errorf("hzcard: test key: %w", err)
	}
	return k, nil
}

// TestPub parses one of the Test*PubHex constants.
func TestPub(hexKey string) (*sm2.PublicKey, error) {
	k, err := sm2.ParsePublicKey([]byte(hexKey))
	if err != nil {
		return nil, fmt.Errorf("hzcard: test public key: %w", err)
	}
	return k, nil
}

// Terminal is the 6-byte terminal number the purse commands carry for an
// 8-digit termid: 0000 then termid, as BCD (erratum E-HZ-TERMINAL-ID). A
// termid that is not 8 digits gives the zero terminal (the field check has
// already refused it).
func Terminal(termid string) [6]byte {
	var t [6]byte
	if len(termid) != 8 {
		return t
	}
	for i := 0; i < 4; i++ {
		hi, lo := termid[2*i]-'0', termid[2*i+1]-'0'
		if hi > 9 || lo > 9 {
			return [6]byte{}
		}
		t[2+i] = hi<<4 | lo
	}
	return t
}

// BCDDateTime is YYYYMMDDhhmmss as 7 BCD bytes, from the 14 digits of
// date‖time (IDX_2003's "充值日期时间(14 位)").
func BCDDateTime(date, clock string) ([7]byte, error) {
	var b [7]byte
	s := date + clock
	if len(s) != 14 {
		return b, fmt.Errorf("hzcard: date time %q: want 14 digits", s)
	}
	for i := 0; i < 7; i++ {
		hi, lo := s[2*i]-'0', s[2*i+1]-'0'
		if hi > 9 || lo > 9 {
			return b, fmt.Errorf("hzcard: date time %q: want 14 digits", s)
		}
		b[i] = hi<<4 | lo
	}
	return b, nil
}
