<?php
// The SOAP sample of seed 000 (卡卡通 v2.3, 示例 of the card trade interface) as printed; changed only: the URLs
// (the simulator's, from the environment) and the ids (card, terminal, licence key of the simulator's fixture).
$trade_code="0011";

$trade_mode="0";

$cd_no="1680115500000127"; //卡号码，须在系统中已存在

$cd_pwd="111111"; //卡密码

$tmn_no="11552001"; //操作终端号码

$trade_amount=""; //交易金额

$client = new SoapClient(getenv("KK_BASE")."/s/sp.wsdl",


array('location' => getenv("KK_BASE")."/s/sp.php",



'encoding'=>'GB2312',



'soap_version' => SOAP_1_2,



'trace' => 1 )



);

$lickey=getenv("KK_LICKEY");

$res = $client->soapCardTrade($lickey,$trade_code,$trade_mode,$cd_no,$cd_pwd,$tmn_no, $trad_amount,$item_code,$stance_rev);

//返回变量详细参数请参考卡卡通SOAP网关接口规范

if (is_array($res)) {//交易成功返回数组变量


$payInForm = $res['PayInForm'];


if (strlen($payInForm)== 2 and is_numeric($payInForm)){



if ($payInForm == '11') {




echo $res['TradeName'].$res['Integral'];exit;



} else {




echo $res['PayInResult'];exit;



}


}

} else {


echo "授权码错误";//返回为数字时为授权码错误

}
?>
