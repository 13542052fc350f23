output "url" {
  description = "postgresql:// URL with credentials, TLS required: the value of the service's database secret."
  value       = "postgresql://${aws_db_instance.postgres.username}:${random_password.master.result}@${aws_db_instance.postgres.address}:${aws_db_instance.postgres.port}/${var.database_name}?sslmode=require"
  sensitive   = true
}

output "address" {
  description = "Host name of the instance."
  value       = aws_db_instance.postgres.address
}

output "instance_id" {
  description = "RDS instance identifier."
  value       = aws_db_instance.postgres.identifier
}

output "security_group_id" {
  description = "The database's security group."
  value       = aws_security_group.database.id
}
