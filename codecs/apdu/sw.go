package apdu

import "fmt"

// SW is a status word SW1SW2.
type SW uint16

// Status words of ISO 7816-4 and the PBOC/JT-T 978 electronic purse
// (cards.md) that paycert produces or checks.
const (
	SWOK                     SW = 0x9000
	SWWrongLength            SW = 0x6700
	SWSecurityNotSatisfied   SW = 0x6982
	SWConditionsNotSatisfied SW = 0x6985
	SWIncorrectSMData        SW = 0x6988
	SWWrongData              SW = 0x6A80
	SWFunctionNotSupported   SW = 0x6A81
	SWFileNotFound           SW = 0x6A82
	SWRecordNotFound         SW = 0x6A83
	SWIncorrectP1P2          SW = 0x6A86
	SWWrongP1P2              SW = 0x6B00
	SWINSNotSupported        SW = 0x6D00
	SWCLANotSupported        SW = 0x6E00
	SWNoPreciseDiagnosis     SW = 0x6F00
	SWMACInvalid             SW = 0x9302
	SWAppLocked              SW = 0x9303
	SWInsufficientBalance    SW = 0x9401
	SWCounterLimit           SW = 0x9402
	SWKeyIndexNotSupported   SW = 0x9403
	SWMACNotAvailable        SW = 0x9406
)

// swMeanings is the fixed part of the table; 61xx, 6Cxx and 63Cx carry a
// number and are formatted in Meaning.
var swMeanings = map[SW]string{
	SWOK:                     "success",
	0x6281:                   "part of returned data may be corrupted",
	0x6283:                   "selected file invalidated",
	0x6400:                   "execution error, state of non-volatile memory unchanged",
	0x6581:                   "memory failure",
	SWWrongLength:            "wrong length",
	0x6981:                   "command incompatible with file structure",
	SWSecurityNotSatisfied:   "security status not satisfied",
	0x6983:                   "authentication method blocked",
	0x6984:                   "referenced data invalidated",
	SWConditionsNotSatisfied: "conditions of use not satisfied",
	0x6986:                   "command not allowed (no current EF)",
	0x6987:                   "expected secure-messaging data objects missing",
	SWIncorrectSMData:        "incorrect secure-messaging data (bad MAC)",
	SWWrongData:              "incorrect parameters in the data field",
	SWFunctionNotSupported:   "function not supported",
	SWFileNotFound:           "file or application not found",
	SWRecordNotFound:         "record not found",
	0x6A84:                   "not enough memory space in the file",
	SWIncorrectP1P2:          "incorrect parameters P1-P2",
	0x6A88:                   "referenced data not found",
	SWWrongP1P2:              "wrong parameters P1-P2 (offset outside the file)",
	SWINSNotSupported:        "instruction code not supported or invalid",
	SWCLANotSupported:        "class not supported",
	SWNoPreciseDiagnosis:     "no precise diagnosis",
	SWMACInvalid:             "MAC invalid",
	SWAppLocked:              "application permanently locked",
	SWInsufficientBalance:    "insufficient balance",
	SWCounterLimit:           "transaction counter at its maximum",
	SWKeyIndexNotSupported:   "key index not supported",
	SWMACNotAvailable:        "requested MAC/TAC not available (no such transaction recorded)",
}

// Meaning describes sw in words; unknown words get a generic text by SW1.
func (sw SW) Meaning() string {
	if m, ok := swMeanings[sw]; ok {
		return m
	}
	sw1, sw2 := byte(sw>>8), byte(sw)
	switch {
	case sw1 == 0x61:
		return fmt.Sprintf("success, %d response bytes still available (GET RESPONSE)", lenByte(sw2))
	case sw1 == 0x6C:
		return fmt.Sprintf("wrong Le, the exact length is %d", lenByte(sw2))
	case sw1 == 0x63 && sw2&0xF0 == 0xC0:
		return fmt.Sprintf("verification failed, %d tries left", sw2&0x0F)
	case sw1 == 0x62 || sw1 == 0x63:
		return "warning"
	case sw1 == 0x64 || sw1 == 0x65:
		return "execution error"
	case sw1 == 0x67:
		return "wrong length"
	case sw1 == 0x68:
		return "function in CLA not supported"
	case sw1 == 0x69:
		return "command not allowed"
	case sw1 == 0x6A:
		return "wrong parameters P1-P2"
	case sw1 == 0x93 || sw1 == 0x94:
		return "e-purse transaction error"
	}
	return "unknown status"
}

func lenByte(b byte) int {
	if b == 0 {
		return 256
	}
	return int(b)
}

// String is "9000 (success)".
func (sw SW) String() string { return fmt.Sprintf("%04X (%s)", uint16(sw), sw.Meaning()) }

// Success reports 9000 and 61xx.
func (sw SW) Success() bool { return sw == SWOK || sw>>8 == 0x61 }
