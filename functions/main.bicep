// Life Cockpit's unattended worker in Azure: a Linux function app (Node 20) on its own plan, the storage
// account its host and its mailbox queue use, a Key Vault for the Stripe key, and a user-assigned managed
// identity that reaches all three without a secret in any setting. Graph and Dataverse access are granted
// outside this template (README, "Running unattended": app-role assignments and a Dataverse application user).
targetScope = 'resourceGroup'

@description('Short name used in every resource name.')
@minLength(3)
@maxLength(11)
param name string = 'lcworker'

param location string = resourceGroup().location

@description('Entra tenant of Graph and Dataverse.')
param tenantId string = subscription().tenantId

@description('The Dataverse environment, e.g. https://contoso.crm.dynamics.com')
param dataverseUrl string

@description('The practice mailbox, the first practitioner one; each reminder leaves from its owner mailbox.')
param mailbox string

@description('NCRONTAB, six fields, in UTC unless WEBSITE_TIME_ZONE is set: 07:00 every day by default.')
param schedule string = '0 0 7 * * *'

@description('The mailbox queue.')
param queueName string = 'lc-due-mailboxes'

var suffix = uniqueString(resourceGroup().id, name)
var storageName = toLower('${name}${suffix}')
// Built-in roles the identity needs on the storage account (host leases, the queue, its messages).
var storageRoles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  '8a0f0c08-91a1-4084-bc3d-661d67233fed' // Storage Queue Data Message Processor
  'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a' // Storage Queue Data Message Sender
]
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: queueName
}

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: '${name}-${take(suffix, 8)}'
  location: location
  properties: {
    tenantId: tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
  }
}

// The Stripe key is put in by hand (az keyvault secret set --name stripe-secret-key …); the app reads it as
// the setting LC_STRIPE_SECRET_KEY through a Key Vault reference.
resource vaultAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  kind: 'linux'
  sku: { name: 'B1', tier: 'Basic' }
  properties: { reserved: true }
}

resource functionApp 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-${take(suffix, 8)}'
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'Node|20'
      alwaysOn: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'node' }
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'LC_WORKER_SCHEDULE', value: schedule }
        { name: 'LC_WORKER_QUEUE', value: queueName }
        { name: 'LC_TENANT_ID', value: tenantId }
        { name: 'LC_CLIENT_ID', value: identity.properties.clientId }
        { name: 'LC_DATAVERSE_URL', value: dataverseUrl }
        { name: 'LC_MAILBOX', value: mailbox }
        { name: 'LC_STRIPE_SECRET_KEY', value: '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/stripe-secret-key/)' }
      ]
    }
  }
  dependsOn: [storageAccess, vaultAccess]
}

output functionAppName string = functionApp.name
output healthUrl string = 'https://${functionApp.properties.defaultHostName}/api/health'
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output keyVaultName string = vault.name
output storageAccountName string = storage.name
output queueName string = queue.name
