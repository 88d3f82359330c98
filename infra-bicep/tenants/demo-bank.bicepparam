// Demo tenant: a small city commercial bank (~200k WeCom customers, a few hundred account managers).
// Deploy: az deployment group create -g rg-pd-demobank -f infra-bicep/main.bicep -p infra-bicep/tenants/demo-bank.bicepparam
// No secrets here: they go into the tenant's Key Vault with infra-bicep/secrets.bicep (docs/DEPLOY.md).
using '../main.bicep'

param tenantKey = 'demobank'
param location = 'eastasia'

param weComCorpId = 'ww0000000000demo01'
param weComMaxClockSkew = '00:05:00'

param bankName = '示范城市商业银行'
param bankHotline = '95500'
param bankSite = 'https://www.demo-bank.example'

param weComAgentId = 1000002
param campaignPagesBaseUrl = 'https://pages.demo-bank.example/api'

param entraClientId = '00000000-0000-0000-0000-00000000d001'

param vnetAddressPrefix = '10.60.0.0/22'

param alwaysReadyHttpInstances = 1
param maximumInstanceCount = 40
param instanceMemoryMB = 2048

param storageSku = 'Standard_ZRS'
param serviceBusCapacity = 1
param logRetentionInDays = 90
param logDailyQuotaGb = 2

param alertEmails = [
  'pd-oncall@demo-bank.example'
]

param tags = {
  costCenter: 'digital-banking'
  environment: 'production'
}
