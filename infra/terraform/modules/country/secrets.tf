# The country's secrets in Secrets Manager, one per environment variable of the country API.
# Terraform writes the database URL; an operator writes the rest (docs/runbook-new-country.md).

resource "aws_secretsmanager_secret" "database_url" {
  #checkov:skip=CKV2_AWS_57:the URL embeds the RDS master password; it is rotated by the runbook procedure, not a rotation Lambda
  name        = "gridcare/${var.environment}/${local.slug}/GRIDCARE_DATABASE_URL"
  description = "${var.name}: PostgreSQL URL of the country database"
  kms_key_id  = aws_kms_key.country.arn
}

resource "aws_secretsmanager_secret_version" "database_url" {
  secret_id     = aws_secretsmanager_secret.database_url.id
  secret_string = module.database.url
}

resource "aws_secretsmanager_secret" "operator" {
  #checkov:skip=CKV2_AWS_57:keys issued by SparkMeter, 1Meter and our SMS gateways; they are rotated at their issuer, then pasted here
  for_each = local.operator_secret_names

  name        = "gridcare/${var.environment}/${local.slug}/${each.key}"
  description = "${var.name}: ${each.key}, set by an operator"
  kms_key_id  = aws_kms_key.country.arn
}
