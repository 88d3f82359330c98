// Sends a signed, encrypted WeCom callback to a running local host (./pd run), encrypted with WeCom's own library.
// Usage: node tests/peers/demo-callback.js [base-url] [external_userid]
//   base-url defaults to http://127.0.0.1:7071; the demo tenant's settings are those in the README.
'use strict';
const crypto = require('crypto');
const wecom = require('@wecom/crypto');

const base = process.argv[2] || 'http://127.0.0.1:7071';
const externalUserId = process.argv[3] || 'wmDemo' + crypto.randomBytes(4).toString('hex');
const tenant = { name: 'demo', corpId: 'wwd3m0c0rp0000001', token: 'DemoToken2026', key: 'Rqcle65O3yJbZsqFTfI0qmZ6rfDKuRG8tmTSXj4IwaA' };

const now = Math.floor(Date.now() / 1000);
const event = `<xml><ToUserName><![CDATA[${tenant.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>` +
  `<CreateTime>${now}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event>` +
  `<ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID>` +
  `<ExternalUserID><![CDATA[${externalUserId}]]></ExternalUserID><State><![CDATA[branch-017]]></State>` +
  `<WelcomeCode><![CDATA[WELCOME-${now}]]></WelcomeCode></xml>`;

const encrypt = wecom.encrypt(tenant.key, event, tenant.corpId);
const nonce = crypto.randomBytes(5).toString('hex');
const signature = wecom.getSignature(tenant.token, now, nonce, encrypt);
const url = `${base}/api/wecom/${tenant.name}/callback?msg_signature=${signature}&timestamp=${now}&nonce=${nonce}`;
const body = `<xml><ToUserName><![CDATA[${tenant.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`;

fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body })
  .then(async (r) => {
    console.log(`POST ${url.split('?')[0]} -> ${r.status} ${await r.text()}`);
    console.log(`add_external_contact for ${externalUserId}`);
    process.exit(r.status === 200 ? 0 : 1);
  })
  .catch((e) => { console.error(e.message); process.exit(1); });
