// Example tenant: a provincial rural commercial bank with payroll-day campaigns across many employers
// (millions of customers; journeys run in cohort mode, see docs/SCALE.md).
// Deploy: az deployment group create -g rg-pd-provbank -f infra-bicep/main.bicep -p infra-bicep/tenants/province-bank.bicepparam
// No secrets here: they go into the tenant's Key Vault with infra-bicep/secrets.bicep (docs/DEPLOY.md).
using '../main.bicep'

param tenantKey = 'provbank'
param location = 'southeastasia'

param weComCorpId = 'ww0000000000prov01'

param bankName = '示范省农村信用社'
param bankHotline = '96500'
param bankSite = 'https://www.province-bank.example'

param weComAgentId = 1000005
param campaignPagesBaseUrl = 'https://pages.province-bank.example/api'

param entraClientId = '00000000-0000-0000-0000-00000000e002'

param vnetAddressPrefix = '10.61.0.0/22'

// Payroll days bring bursts of callbacks (customers reacting to welfare/quiz pages): keep two warm instances.
param alwaysReadyHttpInstances = 2
param maximumInstanceCount = 200
param instanceMemoryMB = 4096

param storageSku = 'Standard_ZRS'
param serviceBusCapacity = 2
param logRetentionInDays = 180
param logDailyQuotaGb = 10
param callback5xxPercentThreshold = 2

param alertEmails = [
  'pd-oncall@province-bank.example'
  'soc@province-bank.example'
]

// The CRM integration's service principal (object ID) sends customer changes to crm-changes.
param crmSenderPrincipalIds = [
  '00000000-0000-0000-0000-00000000c0de'
]

param tags = {
  costCenter: 'retail-digital'
  environment: 'production'
  dataClassification: 'confidential-pi'
}
