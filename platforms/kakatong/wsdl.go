package kakatong

import (
	"encoding/xml"
	"strings"
)

// WSDL returns the gateway's WSDL 1.1 description with a SOAP 1.2
// RPC/encoded binding whose service address is location (the simulator
// fills in the URL it was reached at): one message part per parameter, so
// the seed's PHP SoapClient in WSDL mode can call
// $client->soapCardTrade($lickey, $trade_code, ...) positionally, and one
// output part "return" of xsd:anyType, because soapCardTrade returns either
// an apache:Map of the result fields (PHP decodes it as the associative
// array the seed's sample reads) or the bare licence number as an xsd:int
// (erratum E-KAKATONG-WSDL). Every parameter is a string: the gateway, not
// the toolkit, answers a missing one with its documented code.
func WSDL(location string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="KakatongGateway" targetNamespace="` + TargetNS + `"
  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
  xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
  xmlns:xsd="` + XSDNS + `"
  xmlns:tns="` + TargetNS + `">
  <wsdl:documentation>Kakatong card gateway v2.3 (seed 000), as served by the paycert reference simulator.</wsdl:documentation>
`)
	for _, o := range Operations() {
		b.WriteString(`  <wsdl:message name="` + o.Name + `Request">`)
		for _, p := range o.Params {
			b.WriteString(`<wsdl:part name="` + p + `" type="xsd:string"/>`)
		}
		b.WriteString(`</wsdl:message>
  <wsdl:message name="` + o.Name + `Response"><wsdl:part name="return" type="xsd:anyType"/></wsdl:message>
`)
	}
	b.WriteString(`  <wsdl:portType name="KakatongPortType">
`)
	for _, o := range Operations() {
		b.WriteString(`    <wsdl:operation name="` + o.Name + `" parameterOrder="` + strings.Join(o.Params, " ") + `"><wsdl:input message="tns:` + o.Name + `Request"/><wsdl:output message="tns:` + o.Name + `Response"/></wsdl:operation>
`)
	}
	b.WriteString(`  </wsdl:portType>
  <wsdl:binding name="KakatongSoap12Binding" type="tns:KakatongPortType">
    <soap12:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
`)
	body := `<soap12:body use="encoded" namespace="` + TargetNS + `" encodingStyle="` + SOAPEncNS + `"/>`
	for _, o := range Operations() {
		b.WriteString(`    <wsdl:operation name="` + o.Name + `"><soap12:operation soapAction="` + TargetNS + `#` + o.Name + `" soapActionRequired="false"/><wsdl:input>` + body + `</wsdl:input><wsdl:output>` + body + `</wsdl:output></wsdl:operation>
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
