package kakatong

import (
	"encoding/xml"
	"strings"
)

// WSDL returns the gateway's WSDL 1.1 description with a SOAP 1.2
// document/literal binding whose service address is location (the
// simulator fills in the URL it was reached at). Every request parameter
// is an optional string: the gateway, not the toolkit, answers a missing
// one with its documented code. Every response holds one <return> of
// xsd:anyType, because soapCardTrade returns either the result fields or a
// bare licence number (erratum E-KAKATONG-WSDL); the result types are
// declared so a toolkit can read the xsi:type the gateway sends.
func WSDL(location string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="KakatongGateway" targetNamespace="` + TargetNS + `"
  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
  xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
  xmlns:xsd="` + XSDNS + `"
  xmlns:tns="` + TargetNS + `">
  <wsdl:documentation>Kakatong card gateway v2.3 (seed 000), as served by the paycert reference simulator.</wsdl:documentation>
  <wsdl:types>
    <xsd:schema targetNamespace="` + TargetNS + `" elementFormDefault="qualified">
`)
	for _, m := range Methods() {
		if m == MethodStream {
			b.WriteString(`      <xsd:complexType name="StreamRecord"><xsd:sequence>` + seq(ReplyFields(m)) + `</xsd:sequence></xsd:complexType>
      <xsd:complexType name="TradeStream"><xsd:sequence><xsd:element name="Record" type="tns:StreamRecord" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>
`)
			continue
		}
		b.WriteString(`      <xsd:complexType name="` + ResultType(m) + `"><xsd:sequence>` + seq(ReplyFields(m)) + `</xsd:sequence></xsd:complexType>
`)
	}
	for _, o := range Operations() {
		b.WriteString(`      <xsd:element name="` + o.Name + `"><xsd:complexType><xsd:sequence>` + seq(o.Params) + `</xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="` + o.Name + `Response"><xsd:complexType><xsd:sequence><xsd:element name="return" type="xsd:anyType"/></xsd:sequence></xsd:complexType></xsd:element>
`)
	}
	b.WriteString(`    </xsd:schema>
  </wsdl:types>
`)
	for _, o := range Operations() {
		b.WriteString(`  <wsdl:message name="` + o.Name + `Input"><wsdl:part name="parameters" element="tns:` + o.Name + `"/></wsdl:message>
  <wsdl:message name="` + o.Name + `Output"><wsdl:part name="parameters" element="tns:` + o.Name + `Response"/></wsdl:message>
`)
	}
	b.WriteString(`  <wsdl:portType name="KakatongPortType">
`)
	for _, o := range Operations() {
		b.WriteString(`    <wsdl:operation name="` + o.Name + `"><wsdl:input message="tns:` + o.Name + `Input"/><wsdl:output message="tns:` + o.Name + `Output"/></wsdl:operation>
`)
	}
	b.WriteString(`  </wsdl:portType>
  <wsdl:binding name="KakatongSoap12Binding" type="tns:KakatongPortType">
    <soap12:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
`)
	for _, o := range Operations() {
		b.WriteString(`    <wsdl:operation name="` + o.Name + `"><soap12:operation soapAction="` + TargetNS + `#` + o.Name + `" soapActionRequired="false"/><wsdl:input><soap12:body use="literal"/></wsdl:input><wsdl:output><soap12:body use="literal"/></wsdl:output></wsdl:operation>
`)
	}
	var loc strings.Builder
	_ = xml.EscapeText(&loc, []byte(location))
	b.WriteString(`  </wsdl:binding>
  <wsdl:service name="KakatongGateway">
    <wsdl:port name="KakatongSoap12Port" binding="tns:KakatongSoap12Binding">
      <soap12:address location="` + loc.String() + `"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`)
	return []byte(b.String())
}

func seq(names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(`<xsd:element name="` + n + `" type="xsd:string" minOccurs="0"/>`)
	}
	return b.String()
}
