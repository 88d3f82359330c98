// Names shared by main.bicep (which references the secrets from app settings) and secrets.bicep (which writes them).

@export()
@description('Key Vault secret names, by the app setting that references them.')
var secretNames = {
  weComToken: 'wecom-token'
  weComEncodingAesKey: 'wecom-encoding-aes-key'
  weComAppSecret: 'wecom-app-secret'
  phoneHashKey: 'customers-phone-hash-key'
  linksSigningKey: 'links-signing-key'
  managersSidebarKey: 'managers-sidebar-key'
}
