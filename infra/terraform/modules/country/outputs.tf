output "api_url" {
  description = "Public HTTPS address of the country API (SMS gateways post here; the gateway proxies here)."
  value       = module.api.url
}

output "service_name" {
  description = "ECS service of the country API."
  value       = module.api.service_name
}

output "worker_service_name" {
  description = "ECS service of the country's background workers."
  value       = module.worker.service_name
}

output "task_definition_family" {
  description = "Task definition to run one-off commands with (gridcare db upgrade)."
  value       = module.api.task_definition_family
}

output "security_group_id" {
  description = "Security group of the country API tasks (one-off tasks need it to reach the database)."
  value       = aws_security_group.api.id
}

output "database_instance_id" {
  description = "RDS instance of the country database."
  value       = module.database.instance_id
}

output "operator_secret_ids" {
  description = "Secrets an operator must set before the service can start, by environment variable."
  value       = { for name, secret in aws_secretsmanager_secret.operator : name => secret.id }
}
