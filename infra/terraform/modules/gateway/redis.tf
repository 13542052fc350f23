# Redis for the gateway's caches (FX rates, rollups) and rate limits. Losing it loses nothing
# that cannot be recomputed, but it is still encrypted and authenticated: it caches money.

resource "aws_security_group" "redis" {
  name        = "${local.name}-redis"
  description = "Gateway Redis: gateway tasks only"
  vpc_id      = var.platform.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_gateway" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Redis from gateway tasks"
  referenced_security_group_id = aws_security_group.gateway.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "random_password" "redis_auth" {
  length  = 48
  special = false
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = local.name
  description                = "GridCare gateway cache and rate limits"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = var.redis_node_type
  num_cache_clusters         = 2
  port                       = 6379
  subnet_group_name          = var.platform.cache_subnet_group_name
  security_group_ids         = [aws_security_group.redis.id]
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.gateway.arn
  transit_encryption_enabled = true
  auth_token                 = random_password.redis_auth.result
  auto_minor_version_upgrade = true
  snapshot_retention_limit   = 1
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.redis_slow_log.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }
}

resource "aws_cloudwatch_log_group" "redis_slow_log" {
  name              = "/gridcare/${local.name}/redis-slow-log"
  retention_in_days = 365
  kms_key_id        = var.platform.logs_kms_key_arn
}
