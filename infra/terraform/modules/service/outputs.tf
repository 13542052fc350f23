output "url" {
  description = "Public HTTPS address of the service (null without a host name)."
  value       = var.host_name == null ? null : "https://${aws_route53_record.service[0].fqdn}"
}

output "service_name" {
  description = "ECS service name (for `aws ecs update-service --force-new-deployment`)."
  value       = aws_ecs_service.service.name
}

output "task_definition_family" {
  description = "Task definition family, reused for one-off tasks such as migrations."
  value       = aws_ecs_task_definition.service.family
}

output "log_group_name" {
  description = "CloudWatch log group of the service."
  value       = aws_cloudwatch_log_group.service.name
}
