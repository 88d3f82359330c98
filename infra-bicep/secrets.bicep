// Writes (or rotates) the tenant's secrets into its Key Vault through Azure Resource Manager. ARM is the management
// plane, so this works although the vault's public network access is off; no one needs data-plane access to the
// vault from outside the VNet. Every value is a secure parameter: pass only the ones you are setting, e.g.
//
//   az deployment group create -g <rg> -f infra-bicep/secrets.bicep \
//     -p keyVaultName=<kv> weComToken=<prompted or from a secret pipeline variable>
//
// Never put these values in a .bicepparam file or on a shared shell history. See docs/DEPLOY.md.

import { secretNames } from 'modules/names.bicep'

@description('Name of the tenant\'s Key Vault (output keyVaultName of main.bicep).')
param keyVaultName string

@secure()
@description('WeCom callback Token (接收消息服务器配置 > Token). Empty: leave the current secret as it is.')
param weComToken string = ''

@secure()
@description('WeCom EncodingAESKey (43 characters). Empty: leave the current secret as it is.')
param weComEncodingAesKey string = ''

@secure()
@description('Secret of the WeCom self-built app (corpsecret). Empty: leave the current secret as it is.')
param weComAppSecret string = ''

@secure()
@description('Key that hashes customers\' phone numbers (at least 32 random bytes, base64). Empty: leave as it is. Rotating it changes every phone hash: see docs/DEPLOY.md.')
param phoneHashKey string = ''

@secure()
@description('Key that signs tracked links and unsubscribe links (at least 32 random bytes, base64). Empty: leave as it is. Rotating it invalidates links already sent.')
param linksSigningKey string = ''

@secure()
@description('Key that signs the account managers\' chat sidebar sessions (at least 32 random bytes, base64). Empty: leave as it is. Rotating it signs every manager out of the sidebar.')
param managersSidebarKey string = ''

var values = [
  {
    name: secretNames.weComToken
    value: weComToken
    contentType: 'WeCom callback Token'
  }
  {
    name: secretNames.weComEncodingAesKey
    value: weComEncodingAesKey
    contentType: 'WeCom EncodingAESKey'
  }
  {
    name: secretNames.weComAppSecret
    value: weComAppSecret
    contentType: 'WeCom app secret (corpsecret)'
  }
  {
    name: secretNames.phoneHashKey
    value: phoneHashKey
    contentType: 'HMAC key for customer phone hashes'
  }
  {
    name: secretNames.linksSigningKey
    value: linksSigningKey
    contentType: 'HMAC key for tracked and unsubscribe links'
  }
  {
    name: secretNames.managersSidebarKey
    value: managersSidebarKey
    contentType: 'HMAC key for the account managers\' chat sidebar sessions'
  }
]

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = [
  for secret in values: if (!empty(secret.value)) {
    parent: vault
    name: secret.name
    properties: {
      value: secret.value
      contentType: secret.contentType
      attributes: {
        enabled: true
      }
    }
  }
]
