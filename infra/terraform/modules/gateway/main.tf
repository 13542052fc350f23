# The federation gateway: its service (login, JWKS, proxy to every country, rollups), its
# database of employees, Redis for caches and rate limits, and the portal's static hosting.

locals {
  name = "${var.platform.name}-gateway"

  # The gateway reads GRIDCARE_COUNTRY_API_URLS as ls=https://…,bn=https://….
  country_api_urls = join(",", [for slug, url in var.country_api_urls : "${slug}=${url}"])
}

data "aws_iam_policy_document" "gateway_key" {
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

  statement {
    sid       = "CloudFrontReadsThePortal"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "AWS:SourceArn"
      values   = ["arn:aws:cloudfront::${var.platform.account_id}:distribution/*"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncrypt"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.platform.region}.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "gateway" {
  description             = "${local.name}: employees, cache, secrets and portal files"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.gateway_key.json
}

resource "aws_kms_alias" "gateway" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.gateway.key_id
}

resource "aws_security_group" "gateway" {
  name        = "${local.name}-tasks"
  description = "Federation gateway tasks"
  vpc_id      = var.platform.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "gateway_https" {
  security_group_id = aws_security_group.gateway.id
  description       = "HTTPS to the country APIs, the FX source and AWS APIs"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "gateway_postgres" {
  security_group_id            = aws_security_group.gateway.id
  description                  = "PostgreSQL to the gateway database"
  referenced_security_group_id = module.database.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "gateway_redis" {
  security_group_id            = aws_security_group.gateway.id
  description                  = "Redis (TLS) to the gateway cache"
  referenced_security_group_id = aws_security_group.redis.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

module "database" {
  source = "../postgres"

  identifier               = local.name
  database_name            = "gridcare_gateway"
  instance_class           = var.db_instance_class
  allocated_storage        = 20
  vpc_id                   = var.platform.vpc_id
  db_subnet_group_name     = var.platform.db_subnet_group_name
  client_security_group_id = aws_security_group.gateway.id
  kms_key_arn              = aws_kms_key.gateway.arn
  monitoring_role_arn      = var.platform.rds_monitoring_role_arn
  alarm_topic_arn          = var.alarm_topic_arn
}

module "service" {
  source = "../service"

  name              = local.name
  container_image   = var.container_image
  command           = ["serve", "gateway", "--host", "0.0.0.0", "--port", tostring(var.port)]
  container_port    = var.port
  cpu               = var.cpu
  memory            = var.memory
  desired_count     = var.desired_count
  host_name         = var.api_host
  dns_zone_id       = var.dns_zone_id
  security_group_id = aws_security_group.gateway.id
  alarm_topic_arn   = var.alarm_topic_arn
  platform          = var.platform

  environment_variables = {
    GRIDCARE_COUNTRY_API_URLS = local.country_api_urls
  }
  secrets = {
    GRIDCARE_GATEWAY_DATABASE_URL = aws_secretsmanager_secret.database_url.arn
    GRIDCARE_REDIS_URL            = aws_secretsmanager_secret.redis_url.arn
    GRIDCARE_GATEWAY_SIGNING_KEY  = aws_secretsmanager_secret.signing_key.arn
  }
  secrets_kms_key_arn = aws_kms_key.gateway.arn
}

resource "aws_secretsmanager_secret" "database_url" {
  #checkov:skip=CKV2_AWS_57:the URL embeds the RDS master password; it is rotated by the runbook procedure, not a rotation Lambda
  name        = "gridcare/${var.environment}/gateway/GRIDCARE_GATEWAY_DATABASE_URL"
  description = "Gateway: PostgreSQL URL of the employees database"
  kms_key_id  = aws_kms_key.gateway.arn
}

resource "aws_secretsmanager_secret_version" "database_url" {
  secret_id     = aws_secretsmanager_secret.database_url.id
  secret_string = module.database.url
}

resource "aws_secretsmanager_secret" "redis_url" {
  #checkov:skip=CKV2_AWS_57:the URL embeds the Redis AUTH token, changed with a Terraform apply (two-step token rotation)
  name        = "gridcare/${var.environment}/gateway/GRIDCARE_REDIS_URL"
  description = "Gateway: rediss:// URL of the cache"
  kms_key_id  = aws_kms_key.gateway.arn
}

resource "aws_secretsmanager_secret_version" "redis_url" {
  secret_id     = aws_secretsmanager_secret.redis_url.id
  secret_string = "rediss://:${random_password.redis_auth.result}@${aws_elasticache_replication_group.cache.primary_endpoint_address}:6379/0"
}

resource "aws_secretsmanager_secret" "signing_key" {
  #checkov:skip=CKV2_AWS_57:rotating the token-signing JWK needs both keys published in the JWKS for a token lifetime; done by the runbook, not a Lambda
  name        = "gridcare/${var.environment}/gateway/GRIDCARE_GATEWAY_SIGNING_KEY"
  description = "Gateway: private token-signing key (JWK JSON), set by an operator"
  kms_key_id  = aws_kms_key.gateway.arn
}
