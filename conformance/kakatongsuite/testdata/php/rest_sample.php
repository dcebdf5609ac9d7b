<?php
// The REST sample of seed 000 as printed; changed only: the URL (the simulator's, from the environment), the ids
// (licence key, card, terminal, password of the simulator's fixture), and what PHP cannot parse as printed (erratum
// E-KAKATONG-PHP-SAMPLE): the typographic quotes around $base and the comma ending its line, and the opening tag.
$base = getenv('KK_BASE').'/s/get';
$query_string = '';
$passwd = md5('111111');
$params = array( 'LANG' => "GB2312",

    'LICENSEKEY'  => ' NV41VDlSNldhFTFeYw0z',

    'TRADETYPE'  => '0022',

    'TRADEMODE'  =>  '1',

    'CARDNO'  => '1680115500000128',

'CARDPWD'     => $passwd,
    'POSCODE'     => '11552001',

    'AMOUNT'     => '100',

    'ITEMCODE'     => '123',

);
foreach ($params as $key => $value) { 

    $query_string .= "$key=" . urlencode($value) . "&";

}

$query_string = rtrim($query_string, "&");
$url = "$base?method=cTRequest&$query_string";
$xml = new SimpleXMLElement($url,NULL,TRUE);
echo $xml->PayInResult; //返回操作结果信息

echo $xml->Integral; //返回交易后的储值余额
