package lab

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	readers := []string{"ACS ACR1252 1S CL Reader [ACR1252 1S CL Reader PICC] 00 00", "ACS ACR1252 1S CL Reader [ACR1252 1S CL Reader SAM] 00 01",
		"Virtual PCD 00 00", "Virtual PCD 00 01", "HID Global OMNIKEY 5422 Smartcard Reader 00 00", "HID Global OMNIKEY 5422CL Smartcard Reader 01 00"}
	tests := []struct {
		name, want, err string
	}{
		{"Virtual PCD 00 01", "Virtual PCD 00 01", ""},
		{"pcd 00 00", "Virtual PCD 00 00", ""},
		{"PICC", readers[0], ""},
		// A dual-interface reader: the SAM slot never holds the card under test.
		{"ACR1252", readers[0], ""},
		{"SAM", readers[1], ""},
		{"ACR1252#1", readers[1], ""},
		{"ACR1252#2", "", `there is no ACR1252#2 (ACR1252#0 "ACS`},
		{"#3", "Virtual PCD 00 01", ""},
		{"#0", readers[0], ""},
		{"#6", "", "there are 6"},
		{"#x", "", "no reader #x"},
		{"omnikey#1", readers[5], ""},
		{"Virtual PCD", "", `matches 2 readers: name one exactly, or by index (Virtual PCD#0 "Virtual PCD 00 00", Virtual PCD#1 "Virtual PCD 00 01")`},
		{"OMNIKEY", "", "matches 2 readers"},
		{"Identiv", "", `no reader matches "Identiv" (readers: #0 "ACS`},
	}
	for _, tt := range tests {
		got, err := Resolve(readers, tt.name)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Resolve(%q) = %q, %v; want error %q", tt.name, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestVirtualReaderName(t *testing.T) {
	readers := []string{"ACS ACR39U 00 00", "Virtual PCD 00 00", "Virtual PCD 00 01"}
	for slot, want := range []string{"Virtual PCD 00 00", "Virtual PCD 00 01"} {
		if got, ok := VirtualReaderName(readers, slot); !ok || got != want {
			t.Errorf("slot %d: %q %v", slot, got, ok)
		}
	}
	if _, ok := VirtualReaderName(readers[:1], 0); ok {
		t.Error("a real reader named like a slot must not be taken for vpcd")
	}
}
