# One country: its own key, database, secrets, country API and worker services, DNS name and
# alarms.
# Instantiated once per config/countries/*.yaml by the root configuration.

locals {
  slug = lower(var.code)
  name = "${var.platform.name}-${local.slug}"

  # Secrets an operator sets by hand (the provider issued them), by meter platform. The names
  # are the environment variables the country API reads.
  platform_secret_names = {
    koios        = ["GRIDCARE_KOIOS_API_KEY", "GRIDCARE_KOIOS_API_SECRET"]
    thundercloud = ["GRIDCARE_THUNDERCLOUD_TOKEN"]
    onemeter     = ["GRIDCARE_IOT_KEY", "GRIDCARE_MQTT_URL"]
  }

  operator_secret_names = toset(concat(
    ["GRIDCARE_SMS_GATEWAY_KEYS"],
    flatten([for platform in var.meter_platforms : local.platform_secret_names[platform]]),
  ))
}

data "aws_iam_policy_document" "country_key" {
  #checkov:skip=CKV_AWS_109:a key policy's Resource "*" is the key itself; root administers it, as in AWS's default key policy
  #checkov:skip=CKV_AWS_111:a key policy's Resource "*" is the key itself; services are limited by principal and condition
  #checkov:skip=CKV_AWS_356:a key policy's Resource "*" is the key itself, never other resources
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.platform.account_id}:root"]
    }
  }
}

# The country's data is encrypted with the country's own key: the database, its backups and
# Performance Insights, and the country's secrets.
resource "aws_kms_key" "country" {
  description             = "${local.name}: ${var.name} data and secrets"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.country_key.json
}

resource "aws_kms_alias" "country" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.country.key_id
}

resource "aws_security_group" "api" {
  name        = "${local.name}-api"
  description = "${var.name} country API tasks"
  vpc_id      = var.platform.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "api_https" {
  security_group_id = aws_security_group.api.id
  description       = "HTTPS to meter platforms, SMS providers, the gateway's JWKS and AWS APIs"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "api_postgres" {
  security_group_id            = aws_security_group.api.id
  description                  = "PostgreSQL to the country database"
  referenced_security_group_id = module.database.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "api_mqtt" {
  count = contains(var.meter_platforms, "onemeter") ? 1 : 0

  security_group_id = aws_security_group.api.id
  description       = "MQTT over TLS to the 1Meter broker"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 8883
  to_port           = 8883
}

module "database" {
  source = "../postgres"

  identifier               = local.name
  database_name            = "gridcare_${local.slug}"
  instance_class           = var.db_instance_class
  allocated_storage        = var.db_allocated_storage
  vpc_id                   = var.platform.vpc_id
  db_subnet_group_name     = var.platform.db_subnet_group_name
  client_security_group_id = aws_security_group.api.id
  kms_key_arn              = aws_kms_key.country.arn
  monitoring_role_arn      = var.platform.rds_monitoring_role_arn
  alarm_topic_arn          = var.alarm_topic_arn
}

# What both processes of the country get: the country, where to verify staff tokens, its
# database and the provider keys (the workers push credits and import readings with them).
locals {
  task_environment = {
    GRIDCARE_COUNTRY  = local.slug
    GRIDCARE_JWKS_URL = var.jwks_url
  }
  task_secrets = merge(
    { GRIDCARE_DATABASE_URL = aws_secretsmanager_secret.database_url.arn },
    { for name, secret in aws_secretsmanager_secret.operator : name => secret.arn },
  )
}

# Both services run the one GridCare image; the command picks the process (ENTRYPOINT gridcare).
module "api" {
  source = "../service"

  name              = local.name
  container_image   = var.container_image
  command           = ["serve", "country", "--country", local.slug, "--host", "0.0.0.0"]
  container_port    = var.api_port
  cpu               = var.cpu
  memory            = var.memory
  desired_count     = var.desired_count
  host_name         = "${local.slug}.${var.api_domain}"
  dns_zone_id       = var.dns_zone_id
  security_group_id = aws_security_group.api.id
  alarm_topic_arn   = var.alarm_topic_arn
  platform          = var.platform

  environment_variables = local.task_environment
  secrets               = local.task_secrets
  secrets_kms_key_arn   = aws_kms_key.country.arn
  # No task policy: the application calls no AWS API; its credit outbox backlog reaches
  # CloudWatch as a log line turned into a metric (alarms.tf).
}

# The country's background workers (credit outbox, meter imports, MQTT ingest) in their own
# tasks, so a busy import never slows the API and each scales on its own load. No host name:
# no load balancer or DNS; ECS checks /health on the worker's port inside the task. They share
# the API's security group: the same egress (database, HTTPS, MQTT), and its one ingress rule
# (the load balancer, on api_port) reaches nothing in a worker task.
module "worker" {
  source = "../service"

  name              = "${local.name}-worker"
  container_image   = var.container_image
  command           = ["worker", "--country", local.slug, "--port", tostring(var.worker_port)]
  container_port    = var.worker_port
  cpu               = var.cpu
  memory            = var.memory
  desired_count     = var.worker_desired_count
  max_count         = var.worker_max_count
  security_group_id = aws_security_group.api.id
  alarm_topic_arn   = var.alarm_topic_arn
  platform          = var.platform

  environment_variables = local.task_environment
  secrets               = local.task_secrets
  secrets_kms_key_arn   = aws_kms_key.country.arn
}
