output "country_api_urls" {
  description = "Each country's API address, by country file name."
  value       = { for slug, country in module.country : slug => country.api_url }
}

output "country_operator_secrets" {
  description = "Secrets an operator must set per country before its service can start."
  value       = { for slug, country in module.country : slug => country.operator_secret_ids }
}

output "country_migration_tasks" {
  description = "Task definition, service and security group per country, for one-off tasks (gridcare db upgrade)."
  value = {
    for slug, country in module.country : slug => {
      task_definition = country.task_definition_family
      service         = country.service_name
      security_group  = country.security_group_id
    }
  }
}

output "country_worker_services" {
  description = "Each country's background worker service (gridcare worker), by country file name."
  value       = { for slug, country in module.country : slug => country.worker_service_name }
}

output "portal_url" {
  description = "Where staff open the portal."
  value       = module.gateway.portal_url
}

output "gateway_signing_key_secret" {
  description = "Secret holding the gateway's private signing JWK (set by an operator)."
  value       = module.gateway.signing_key_secret_id
}

output "portal_bucket" {
  description = "Bucket the frontend build is uploaded to."
  value       = module.gateway.portal_bucket
}

output "portal_distribution_id" {
  description = "CloudFront distribution to invalidate after an upload."
  value       = module.gateway.distribution_id
}

output "image_repository_url" {
  description = "Push the GridCare image here."
  value       = aws_ecr_repository.gridcare.repository_url
}

output "private_subnet_ids" {
  description = "Subnets for one-off tasks (migrations)."
  value       = aws_subnet.private[*].id
}

output "ecs_cluster" {
  description = "Cluster running every service."
  value       = aws_ecs_cluster.main.name
}
